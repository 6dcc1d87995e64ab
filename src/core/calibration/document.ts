/**
 * A calibration as a file (`neuronas-calibration`, JSON; keys snake_case
 * like the run document's, NaN and ±Infinity written as null) and as a
 * readable table.
 */
import { hardwareJson, type HardwareJson } from '../cost/hardware.ts';
import { STUDIO_VERSION } from '../files/document.ts';
import { budgetsJson, figuresJson, spaceJson, type BudgetsJson, type CostFiguresJson, type SpaceJson } from '../files/run.ts';
import type { Stratum } from './plan.ts';
import { PROXIES, PROXY_NAMES, type ProxyDef, type ProxyName } from './proxies.ts';
import type { CalibrationStatistics, ProxyCorrelation, SeedPair, Target } from './report.ts';
import { recommendation, type CalibrationCandidate, type CalibrationRun } from './run.ts';

export const CALIBRATION_FORMAT = 'neuronas-calibration';
export const CALIBRATION_FORMAT_VERSION = 1;

export interface CalibrationCandidateJson {
  index: number;
  genome: string;
  stratum: number;
  costs: CostFiguresJson;
  /** raw values, each in its proxy's own direction; null where it could not be computed (or is −∞: a singular kernel) */
  proxies: Partial<Record<ProxyName, number | null>>;
  proxy_ms: Partial<Record<ProxyName, number>>;
  proxy_errors: Partial<Record<ProxyName, string>>;
  accuracy_float: number | null;
  accuracy_quantized: number | null;
  train_seconds: number | null;
  train_error?: string;
}

export interface CalibrationDocument {
  format: typeof CALIBRATION_FORMAT;
  format_version: number;
  studio_version: string;
  dataset: string;
  backend: string;
  backend_reason: string;
  settings: {
    samples: number;
    candidates: number;
    epochs: number;
    train_samples: number;
    test_samples: number;
    seed: number;
    seed_repeats: number;
    bootstrap_resamples: number;
    proxies: ProxyName[];
    proxy_images: { score_batch: number; score_repeats: number; gradient_batch: number; early_steps: number; early_batch: number; early_held_out: number };
    budgets: BudgetsJson;
    space: SpaceJson;
    /** in the file spelling (snake_case), as in run files and the estimate input */
    hardware: HardwareJson;
  };
  pool: { sampled: number; feasible: number; stratified_by: 'params'; strata: Stratum[] };
  proxies: ProxyDef[];
  candidates: CalibrationCandidateJson[];
  seed_pairs: SeedPair[];
  statistics: CalibrationStatistics;
  recommendation: string;
  timings: { proxies_s: number; training_s: number; total_s: number };
  stopped: boolean;
}

/** NaN and ±Infinity become null, as JSON.stringify would write them; said here so the types say so. */
const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** One candidate as the file writes it (also what the page shows of a candidate while the run streams). */
export function candidateJson(c: CalibrationCandidate): CalibrationCandidateJson {
  return {
    index: c.index,
    genome: c.genome,
    stratum: c.stratum,
    costs: figuresJson(c.costs),
    proxies: Object.fromEntries(Object.entries(c.proxies).map(([k, v]) => [k, num(v)])),
    proxy_ms: c.proxy_ms,
    proxy_errors: c.proxy_errors,
    accuracy_float: num(c.accuracy_float),
    accuracy_quantized: num(c.accuracy_quantized),
    train_seconds: num(c.train_seconds),
    ...(c.train_error ? { train_error: c.train_error } : {}),
  };
}

export function calibrationDocument(run: CalibrationRun, backend: { backend: string; reason: string }): CalibrationDocument {
  const s = run.settings;
  const p = s.proxyImages;
  return {
    format: CALIBRATION_FORMAT,
    format_version: CALIBRATION_FORMAT_VERSION,
    studio_version: STUDIO_VERSION,
    dataset: s.dataset,
    backend: backend.backend,
    backend_reason: backend.reason,
    settings: {
      samples: s.samples,
      candidates: s.candidates,
      epochs: s.epochs,
      train_samples: s.trainSamples,
      test_samples: s.testSamples,
      seed: s.seed,
      seed_repeats: s.seedRepeats,
      bootstrap_resamples: s.bootstrapResamples,
      proxies: [...s.proxies],
      proxy_images: { score_batch: p.scoreBatch, score_repeats: p.scoreRepeats, gradient_batch: p.gradientBatch, early_steps: p.earlySteps, early_batch: p.earlyBatch, early_held_out: p.earlyHeldOut },
      budgets: budgetsJson(s.budgets),
      space: spaceJson(s.space),
      hardware: hardwareJson(s.hardware),
    },
    pool: run.pool,
    proxies: run.proxies,
    candidates: run.candidates.map(candidateJson),
    seed_pairs: run.seed_pairs,
    statistics: run.statistics,
    recommendation: recommendation(run.statistics),
    timings: run.timings,
    stopped: run.stopped,
  };
}

const TARGET_LABEL: Record<Target, string> = { float: 'float', quantized: 'quantized' };

function f2(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '   –' : (v >= 0 ? ' ' : '') + v.toFixed(2);
}

function pct(v: number): string {
  return Number.isNaN(v) ? '–' : `${(100 * v).toFixed(2)} %`;
}

function row(c: ProxyCorrelation): string {
  const name = `${c.proxy}${PROXIES[c.proxy].direction === 'lower' ? ' (↓)' : ''}`;
  return `${name.padEnd(18)} ${TARGET_LABEL[c.target].padEnd(9)} ${String(c.n).padStart(3)}  ${f2(c.kendall_tau)} [${f2(c.kendall_tau_ci[0])}, ${f2(c.kendall_tau_ci[1])}]  ${f2(c.spearman_rho)} [${f2(c.spearman_rho_ci[0])}, ${f2(c.spearman_rho_ci[1])}]  ${Number.isNaN(c.top_k_overlap) ? '–' : `${c.top_k_overlap}/${c.top_k}`}`;
}

/** The calibration as a table: τ and ρ with intervals per proxy and target, the noise, the verdicts. */
export function formatCalibrationTable(doc: CalibrationDocument): string {
  const s = doc.settings;
  const st = doc.statistics;
  const n = st.noise;
  const lines = [
    `calibration on ${doc.dataset} (${doc.backend}): ${doc.candidates.length} candidates, one per parameter-count stratum of ${doc.pool.feasible} feasible of ${doc.pool.sampled} sampled (seed ${s.seed})`,
    `trained ${s.epochs} epoch${s.epochs === 1 ? '' : 's'} on ${s.train_samples} images, tested on ${s.test_samples}; ${s.space.weight_bits.join('/')}-bit weights for "quantized"; ${Math.round(doc.timings.total_s)} s${doc.stopped ? ' (stopped early)' : ''}`,
    '',
    `${'proxy'.padEnd(18)} ${'accuracy'.padEnd(9)} ${'n'.padStart(3)}  Kendall τ-b [95 % CI]   Spearman ρ [95 % CI]   top-${st.correlations[0]?.top_k ?? 3}`,
    ...st.correlations.filter((c) => c.target === 'quantized').map(row),
    ...st.correlations.filter((c) => c.target === 'float').map(row),
    '(↓: lower is better; τ and ρ are of the proxy turned so that larger predicts better)',
    '',
    `accuracy noise: binomial SE ${pct(n.binomial_se_quantized)} (quantized), seed-to-seed SD ${pct(n.seed_sd_quantized)} over ${n.seed_pairs.length} pair${n.seed_pairs.length === 1 ? '' : 's'}; spread over candidates ${pct(n.spread_quantized)} → spread/noise ${Number.isNaN(n.spread_to_noise_quantized) ? '–' : n.spread_to_noise_quantized.toFixed(1)}`,
    ...st.ranking.map((r) => `${r.target}: ${r.verdict}`),
    `recommendation: ${doc.recommendation}`,
  ];
  return lines.join('\n');
}

/**
 * Reads a `neuronas-calibration` file (as `neuronas calibrate --json` and the page's export write it). Checks what
 * the page reads of it and throws a RangeError saying what is wrong with the file otherwise.
 */
export function parseCalibrationDocument(text: string): CalibrationDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`the file is not JSON (${(e as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new RangeError(`this is not a readable calibration file: ${what}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const numOrNull = (v: unknown) => v === null || typeof v === 'number';
  if (!isObj(raw)) return bad('it is not a JSON object');
  if (raw.format !== CALIBRATION_FORMAT) return bad(`its format is ${JSON.stringify(raw.format ?? null)}, not "${CALIBRATION_FORMAT}"`);
  if (typeof raw.format_version !== 'number' || raw.format_version > CALIBRATION_FORMAT_VERSION) return bad(`format version ${String(raw.format_version)} is newer than this studio reads (${CALIBRATION_FORMAT_VERSION})`);
  if (typeof raw.dataset !== 'string') return bad('it names no data set');
  const settings = raw.settings;
  if (!isObj(settings) || !Array.isArray(settings.proxies)) return bad('its settings list no proxies');
  for (const p of settings.proxies) if (!(PROXY_NAMES as readonly unknown[]).includes(p)) return bad(`unknown proxy ${JSON.stringify(p)}`);
  if (!Array.isArray(raw.candidates)) return bad('it has no candidates');
  raw.candidates.forEach((c: unknown, i: number) => {
    if (!isObj(c) || typeof c.genome !== 'string' || !isObj(c.proxies) || !numOrNull(c.accuracy_float) || !numOrNull(c.accuracy_quantized)) bad(`candidate ${i + 1} lacks its genome, proxy values or accuracies`);
    for (const v of Object.values((c as { proxies: Record<string, unknown> }).proxies)) if (!numOrNull(v)) bad(`candidate ${i + 1} has a proxy value that is not a number`);
  });
  const st = raw.statistics;
  if (!isObj(st) || !Array.isArray(st.correlations) || !Array.isArray(st.ranking) || !isObj(st.noise)) return bad('its statistics are missing');
  for (const c of st.correlations) {
    if (!isObj(c) || typeof c.proxy !== 'string' || (c.target !== 'float' && c.target !== 'quantized') || !numOrNull(c.kendall_tau) || !Array.isArray(c.kendall_tau_ci)) return bad('a correlation lacks its proxy, target or τ');
  }
  if (typeof raw.recommendation !== 'string') return bad('it has no recommendation');
  return raw as unknown as CalibrationDocument;
}
