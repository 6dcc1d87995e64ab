/**
 * What the plots overlay of two runs: in the Pareto view, the pinned run's
 * front in the plotted quantity (accuracy, or the score when both runs rank
 * by the same one) against the plotted cost; in the cost view, each run's
 * front (core/compare/runs.ts `runFront`) at its two costs. Everything is
 * judged by the budgets given, the ones on screen. No React, no DOM.
 */
import { budgetViolation } from '../../core/feasibility.ts';
import type { RunCandidate } from '../../core/files/run.ts';
import type { Metric } from '../../core/metrics.ts';
import { rankValue, type CostFigures, type RankProxy } from '../../core/search/pipeline.ts';
import type { Budgets } from '../../core/settings.ts';
import { runFront, type ComparedRun, type ComparedTrained } from '../../core/compare/runs.ts';
import { front2d, type ParetoY } from '../search/pareto-data.ts';
import type { PinnedRun } from './store.ts';

/** Marks drawn over a plot, in its data coordinates. */
export interface OverlaySeries {
  id: string;
  label: string;
  /** CSS class: colour and line style */
  className: string;
  shape: 'triangle' | 'ring';
  xs: number[];
  ys: number[];
  /** join the points (sorted by x) as the front's stairs */
  stairs: boolean;
}

/** A cost of a candidate by the metric's name (PEs: where the run knew them). */
export function metricOf(costs: CostFigures, m: Metric, pes: number | null = null): number {
  // Every other metric is named as the cost figure it plots.
  return m === 'pes' ? (pes ?? NaN) : costs[m];
}

function frontSeries(id: string, label: string, xs: number[], ys: number[]): OverlaySeries {
  const n = xs.length;
  const on = front2d(xs, ys, new Uint8Array(n).fill(1), n);
  const order = [...Array(n).keys()].filter((k) => on[k]).sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b]);
  return { id, label, className: 'run-pinned', shape: 'triangle', xs: order.map((k) => xs[k]), ys: order.map((k) => ys[k]), stairs: true };
}

/**
 * The pinned run's front in the Pareto view: its trained candidates within the budgets (accuracy), or its scored
 * ones (score, in the ranking's direction as the view plots it) when it ranked by the same proxy as the current run
 * (scores of two proxies share no axis); null when there is none to draw.
 */
export function paretoOverlay(pinned: PinnedRun, x: Metric, y: ParetoY, rankBy: RankProxy, budgets: Budgets): OverlaySeries | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const cands: readonly RunCandidate[] = pinned.data.candidates;
  if (y === 'accuracy') {
    for (const t of pinned.run.trained.values()) {
      if (budgetViolation(t.costs, budgets) !== 0) continue;
      xs.push(metricOf(t.costs, x, cands[t.index]?.pes ?? null));
      ys.push(t.accuracy);
    }
  } else {
    if (pinned.run.rankBy !== rankBy) return null;
    for (const c of cands) {
      if (c.score === null || !Number.isFinite(c.score) || budgetViolation(c.costs, budgets) !== 0) continue;
      xs.push(metricOf(c.costs, x, c.pes));
      ys.push(rankValue(rankBy, c.score));
    }
  }
  const s = frontSeries('pinned', pinned.run.label, xs, ys);
  return s.xs.length ? s : null;
}

/** Why the Pareto view shows nothing of the pinned run. */
export function pinnedMissing(y: ParetoY, otherProxy: boolean): string {
  if (y === 'accuracy') return 'The pinned run has no trained candidate within the budgets to draw here.';
  return otherProxy ? 'The pinned run ranked by another proxy: its scores share no axis with these.' : 'The pinned run has no scored candidate within the budgets to draw here.';
}

/** Marks of one run's front at two costs. */
function costFront(id: string, run: ComparedRun, budgets: Budgets, x: Metric, y: Metric, className: string, shape: OverlaySeries['shape']): OverlaySeries {
  const f: ComparedTrained[] = runFront(run, budgets);
  return { id, label: run.label, className, shape, xs: f.map((t) => metricOf(t.costs, x)), ys: f.map((t) => metricOf(t.costs, y)), stairs: false };
}

/** The current and the pinned run's fronts in the cost view (either may be absent). */
export function costOverlays(current: ComparedRun | null, pinned: PinnedRun | null, budgets: Budgets, x: Metric, y: Metric): OverlaySeries[] {
  const out: OverlaySeries[] = [];
  if (current) out.push(costFront('current', current, budgets, x, y, 'run-current', 'ring'));
  if (pinned) out.push(costFront('pinned', pinned.run, budgets, x, y, 'run-pinned', 'triangle'));
  return out.filter((s) => s.xs.length > 0);
}
