/**
 * What the live Pareto view plots, from the search model and the results'
 * cost columns: the points of one
 * y quantity (training-free score, or quantized accuracy of the trained)
 * against one cost, their feasibility under the current budgets, the 2-D
 * front of the feasible ones (y up, cost down) and the best under the budgets.
 * Pure: no React, no DOM.
 */
import type { Columns, Metric } from '../../core/metrics.ts';
import { rankValue, type RankProxy } from '../../core/search/pipeline.ts';
import { bestIndex, ROW, type SearchModel } from './model.ts';

export type ParetoY = 'score' | 'accuracy';

export interface ParetoData {
  y: ParetoY;
  /** what the 'score' values are (plotted in its direction: see paretoData) */
  rankBy: RankProxy;
  x: Metric;
  /** candidate index of each plotted point */
  index: Int32Array;
  xs: Float64Array;
  ys: Float64Array;
  /** 1 = within every current budget */
  feasible: Uint8Array;
  /** 1 = on the front of the feasible plotted points */
  front: Uint8Array;
  /** 1 = trained */
  trained: Uint8Array;
  n: number;
  /** plotted position of the best candidate under the budgets, -1 when it is not plotted */
  best: number;
  /** candidate index of the best (plotted or not) */
  bestIndex: number;
  frontCount: number;
}

/** Indices (into the given arrays) on the 2-D front: y maximised, x minimised; equal points all stay. Only where `ok[i]`. */
export function front2d(xs: ArrayLike<number>, ys: ArrayLike<number>, ok: ArrayLike<number>, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (ok[i] && Number.isFinite(xs[i]) && Number.isFinite(ys[i])) order.push(i);
  order.sort((a, b) => xs[a] - xs[b] || ys[b] - ys[a]);
  let bestY = -Infinity;
  let bestX = NaN;
  for (const i of order) {
    if (ys[i] > bestY) {
      out[i] = 1;
      bestY = ys[i];
      bestX = xs[i];
    } else if (ys[i] === bestY && xs[i] === bestX) out[i] = 1;
  }
  return out;
}

/**
 * The plotted points. Scores are plotted in the ranking's direction (rankValue: a lower-is-better proxy negated), so
 * up is better on either y and the front, its stairs and the best read the same way.
 */
export function paretoData(m: SearchModel, columns: Columns, mask: Uint8Array, x: Metric, y: ParetoY, rankBy: RankProxy): ParetoData {
  const idx: number[] = [];
  for (let i = 0; i < m.count; i++) {
    if (y === 'accuracy' ? m.trained.has(i) : Number.isFinite(m.scores[i])) idx.push(i);
  }
  const n = idx.length;
  const index = Int32Array.from(idx);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const feasible = new Uint8Array(n);
  const trained = new Uint8Array(n);
  const col = columns[x];
  for (let k = 0; k < n; k++) {
    const i = index[k];
    const t = m.trained.get(i);
    xs[k] = col[i];
    ys[k] = y === 'accuracy' ? (t?.result.accuracyQuantized ?? NaN) : rankValue(rankBy, m.scores[i]);
    feasible[k] = mask[i] === 0 ? 1 : 0;
    trained[k] = t || m.state[i] === ROW.done ? 1 : 0;
  }
  const front = front2d(xs, ys, feasible, n);
  let frontCount = 0;
  for (let k = 0; k < n; k++) frontCount += front[k];
  const b = bestIndex(m, mask, rankBy);
  return { y, rankBy, x, index, xs, ys, feasible, front, trained, n, best: b < 0 ? -1 : idx.indexOf(b), bestIndex: b, frontCount };
}
