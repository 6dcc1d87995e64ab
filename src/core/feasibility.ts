/**
 * Feasibility of costed candidates under the four NeuroNAS budgets, from the
 * typed-array columns. O(n), no allocation per candidate: it fills a caller's
 * Uint8Array mask (bit b set = candidate breaks budget b) and counts, for each
 * budget, how many candidates break it and how many break it alone (would be
 * feasible if that budget were lifted).
 */
import type { Budgets } from './settings.ts';
import type { Columns, Metric } from './metrics.ts';

export type BudgetKey = keyof Budgets;

/** The budgets in bit order, with the column each one limits. */
export const BUDGETS: readonly { key: BudgetKey; metric: Metric }[] = Object.freeze([
  { key: 'maxParams', metric: 'params' },
  { key: 'maxAreaMm2', metric: 'areaMm2' },
  { key: 'maxLatencyMs', metric: 'latencyMs' },
  { key: 'maxEnergyUJ', metric: 'energyUJ' },
]);

export const BUDGET_BIT: Readonly<Record<BudgetKey, number>> = Object.freeze({ maxParams: 1, maxAreaMm2: 2, maxLatencyMs: 4, maxEnergyUJ: 8 });

export interface FeasibilityCounts {
  /** candidates examined */
  total: number;
  /** candidates within every budget */
  feasible: number;
  /** per budget (BUDGETS order): candidates above it */
  over: [number, number, number, number];
  /** per budget: candidates above it and within every other budget */
  only: [number, number, number, number];
}

export function emptyCounts(): FeasibilityCounts {
  return { total: 0, feasible: 0, over: [0, 0, 0, 0], only: [0, 0, 0, 0] };
}

// One histogram of the 16 mask values, reused: counting per pattern keeps the loop branch-light.
const histogram = new Int32Array(16);

/**
 * Fills mask[0..n) and returns the counts. A value is within its budget when
 * value ≤ limit; a limit of Infinity ("no limit") admits everything, and a
 * value that is not a number (a candidate that could not be costed) breaks
 * every finite budget.
 */
export function computeFeasibility(columns: Columns, n: number, budgets: Budgets, mask: Uint8Array, out: FeasibilityCounts = emptyCounts()): FeasibilityCounts {
  if (mask.length < n) throw new RangeError(`mask holds ${mask.length} entries, need ${n}`);
  const p = columns.params;
  const a = columns.areaMm2;
  const l = columns.latencyMs;
  const e = columns.energyUJ;
  const bp = budgets.maxParams;
  const ba = budgets.maxAreaMm2;
  const bl = budgets.maxLatencyMs;
  const be = budgets.maxEnergyUJ;
  const ip = bp === Infinity;
  const ia = ba === Infinity;
  const il = bl === Infinity;
  const ie = be === Infinity;
  histogram.fill(0);
  for (let i = 0; i < n; i++) {
    // !(v <= b) is true for NaN as well as for v > b.
    const m = (ip || p[i] <= bp ? 0 : 1) | (ia || a[i] <= ba ? 0 : 2) | (il || l[i] <= bl ? 0 : 4) | (ie || e[i] <= be ? 0 : 8);
    mask[i] = m;
    histogram[m]++;
  }
  out.total = n;
  out.feasible = histogram[0];
  for (let b = 0; b < 4; b++) {
    const bit = 1 << b;
    let over = 0;
    for (let m = 0; m < 16; m++) if (m & bit) over += histogram[m];
    out.over[b] = over;
    out.only[b] = histogram[bit];
  }
  return out;
}
