/**
 * The candidate table of a run (CSV, RFC 4180): one row per candidate,
 * headed by the metrics' labels and units.
 */
import { brokenBudgetNames } from '../feasibility.ts';
import { METRICS, METRIC_INFO, type Metric } from '../metrics.ts';
import { FIGURE_OF_METRIC, type RunData } from './run.ts';

/** Quotes a field when RFC 4180 requires it (comma, quote, CR or LF), doubling inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}

export function metricHeader(m: Metric): string {
  const info = METRIC_INFO[m];
  return info.unit ? `${info.label} (${info.unit})` : info.label;
}

/**
 * The candidate table: header from the metric labels and units, one row per
 * candidate, numbers at full precision (they read back exactly), empty
 * fields where a value does not exist. Lines end in CRLF (RFC 4180).
 */
export function candidatesCsv(run: RunData): string {
  const trained = new Map(run.trained.map((t) => [t.index, t]));
  const withTraining = run.trained.length > 0;
  const header = ['Index', 'Genome', ...METRICS.map(metricHeader), 'Feasible', 'Over budget', 'Violation', 'Score'];
  if (withTraining) header.push('Accuracy, float', 'Accuracy, quantized', 'Energy, measured (µJ)', 'Feasible, measured');
  const lines = [header.map(csvField).join(',')];
  for (const c of run.candidates) {
    const row = [String(c.index), c.genome];
    for (const m of METRICS) row.push(csvNumber(m === 'pes' ? c.pes : c.costs[FIGURE_OF_METRIC[m]]));
    row.push(c.feasible ? 'yes' : 'no', brokenBudgetNames(c.costs, run.settings.budgets).join('; '), csvNumber(c.violation), csvNumber(c.score));
    if (withTraining) {
      const t = trained.get(c.index);
      row.push(csvNumber(t?.result.accuracyFloat), csvNumber(t?.result.accuracyQuantized), csvNumber(t?.measuredCosts.energyUJ), t ? (t.feasible ? 'yes' : 'no') : '');
    }
    lines.push(row.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
