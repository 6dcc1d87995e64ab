/**
 * How good a search's front was after each evaluation: the hypervolume of
 * its trained candidates under the budgets, and the best accuracy under
 * them, after every candidate it scored or trained, in the order they
 * finished (with when). The studio's "search over time" plot draws it, and
 * the comparison of two runs reads its last value.
 *
 * The hypervolume is that of the run's front (core/search/pipeline.ts
 * `frontPoint`: quantized accuracy up; parameters, area, latency and energy
 * down), normalised so two runs can be compared: each cost is divided by its
 * reference (the budget on it, or where there is none the largest value
 * among the compared runs' candidates: `hypervolumeReference`) and accuracy
 * runs from 0 to 1, so the box of all points is the unit box and the
 * hypervolume is the fraction of it the front dominates. A candidate over a
 * budget adds nothing. Costs are the cost model's estimates, the figures the
 * Pareto view plots and the budgets on screen judge.
 *
 * Incremental: a scoring changes nothing (O(1)); a trained candidate that a
 * front member weakly dominates changes nothing (O(front)); one that joins
 * adds its exclusive contribution, its box less the part of it the front
 * already covers (the hypervolume of the front's members clipped to its box),
 * so no front is measured again from scratch. Pure.
 */
import { budgetViolation } from '../feasibility.ts';
import type { CostFigures, Evaluation } from '../search/pipeline.ts';
import type { Budgets } from '../settings.ts';
import { BUDGETS } from '../settings.ts';
import { hypervolume, type Direction } from '../search/pareto.ts';

/** The costs of the front, in frontPoint's order after accuracy. */
export const HV_COSTS = ['params', 'areaMm2', 'latencyMs', 'energyUJ'] as const satisfies readonly (keyof CostFigures)[];
export type HvCost = (typeof HV_COSTS)[number];

/** A trained candidate as the history needs it. */
export interface TrainedPoint {
  /** quantized test accuracy, 0..1 */
  accuracy: number;
  costs: CostFigures;
}

export interface HypervolumeHistory {
  /** evaluations done after each step (1, 2, …) */
  evaluated: number[];
  /** when the step finished, ms after the search started; NaN where the run did not record it */
  atMs: number[];
  /** normalised hypervolume (0..1) of the trained candidates within the budgets after the step */
  hypervolume: number[];
  /** best quantized accuracy within the budgets after the step; NaN while none is trained within them */
  bestAccuracy: number[];
}

/** The largest value of each front cost over some candidates. */
export type CostMaxima = Record<HvCost, number>;

export function costMaxima(costs: Iterable<CostFigures>): CostMaxima {
  const out = { params: 0, areaMm2: 0, latencyMs: 0, energyUJ: 0 } as CostMaxima;
  for (const c of costs) for (const k of HV_COSTS) if (c[k] > out[k]) out[k] = c[k];
  return out;
}

/** The larger of each cost over several sets' maxima (two runs compared on one reference). */
export function mergeMaxima(...sets: readonly CostMaxima[]): CostMaxima {
  const out = { params: 0, areaMm2: 0, latencyMs: 0, energyUJ: 0 } as CostMaxima;
  for (const m of sets) for (const k of HV_COSTS) out[k] = Math.max(out[k], m[k]);
  return out;
}

/**
 * The reference of each front cost (HV_COSTS order): the budget on that cost where it is finite, else the largest
 * value among the candidates (`maxima`). A reference of 0 (no candidate costs anything) is taken as 1, so no
 * division by 0.
 */
export function hypervolumeReference(budgets: Budgets, maxima: CostMaxima): number[] {
  return HV_COSTS.map((k) => {
    const b = BUDGETS.find((d) => d.metric === k);
    const limit = b ? budgets[b.key] : Infinity;
    const r = Number.isFinite(limit) ? limit : maxima[k];
    return r > 0 ? r : 1;
  });
}

/** A trained candidate as a minimisation point in the unit box: 1 − accuracy, then each cost over its reference. */
export function normalisedPoint(p: TrainedPoint, reference: readonly number[]): number[] {
  return [1 - p.accuracy, ...HV_COSTS.map((k, i) => p.costs[k] / reference[i])];
}

const MIN5: readonly Direction[] = ['min', 'min', 'min', 'min', 'min'];
const UNIT = [1, 1, 1, 1, 1];

/** a weakly dominates b (no worse anywhere), minimising */
function weaklyDominates(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > b[i]) return false;
  return true;
}

/**
 * A front in the unit box (minimising) and its hypervolume, kept as points are added. `add` returns the
 * hypervolume the point added (0 when it adds none).
 */
export class HypervolumeFront {
  private readonly points: number[][] = [];
  volume = 0;

  add(p: readonly number[]): number {
    // A point on or beyond the reference in any objective has no box.
    if (!p.every((v) => v < 1)) return 0;
    for (const q of this.points) if (weaklyDominates(q, p)) return 0;
    // Its exclusive part: its own box, less what the front covers of it (each member clipped to the box).
    let box = 1;
    for (const v of p) box *= 1 - v;
    const clipped = this.points.map((q) => q.map((v, i) => Math.max(v, p[i])));
    const added = box - hypervolume(clipped, UNIT, MIN5);
    for (let i = this.points.length - 1; i >= 0; i--) if (weaklyDominates(p, this.points[i])) this.points.splice(i, 1);
    this.points.push([...p]);
    this.volume += added;
    return added;
  }

  get size(): number {
    return this.points.length;
  }
}

/**
 * The history after each of `evaluations` (in the order they finished): `trained(i)` gives candidate i's accuracy
 * and costs once trained; `budgets` judge which count; `reference` is hypervolumeReference's.
 */
export function hypervolumeHistory(evaluations: readonly Evaluation[], trained: (index: number) => TrainedPoint | undefined, budgets: Budgets, reference: readonly number[]): HypervolumeHistory {
  const n = evaluations.length;
  const out: HypervolumeHistory = { evaluated: new Array(n), atMs: new Array(n), hypervolume: new Array(n), bestAccuracy: new Array(n) };
  const front = new HypervolumeFront();
  let best = NaN;
  for (let k = 0; k < n; k++) {
    const e = evaluations[k];
    if (e.stage === 'train') {
      const t = trained(e.index);
      if (t && budgetViolation(t.costs, budgets) === 0) {
        front.add(normalisedPoint(t, reference));
        if (!(t.accuracy <= best)) best = t.accuracy;
      }
    }
    out.evaluated[k] = k + 1;
    out.atMs[k] = e.atMs;
    out.hypervolume[k] = front.volume;
    out.bestAccuracy[k] = best;
  }
  return out;
}
