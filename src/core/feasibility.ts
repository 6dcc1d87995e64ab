/**
 * Feasibility of costed candidates under the budgets (core/settings.ts
 * `BUDGETS`, read off the parameter table), from the typed-array columns.
 * O(n · budgets), no allocation per candidate: it fills a caller's
 * Uint8Array mask (bit b set = candidate breaks budget b) and counts, for
 * each budget, how many candidates break it and how many break it alone
 * (would be feasible if that budget were lifted).
 */
import type { Columns } from './metrics.ts';
import { BUDGETS, type BudgetKey, type Budgets } from './settings.ts';

export { BUDGETS, type BudgetKey };

// A mask entry is a Uint8Array byte: one bit per budget.
if (BUDGETS.length > 8) throw new Error(`${BUDGETS.length} budgets do not fit the feasibility mask's 8 bits`);

export interface FeasibilityCounts {
  /** candidates examined */
  total: number;
  /** candidates within every budget */
  feasible: number;
  /** per budget (BUDGETS order): candidates above it */
  over: number[];
  /** per budget: candidates above it and within every other budget */
  only: number[];
}

export function emptyCounts(): FeasibilityCounts {
  return { total: 0, feasible: 0, over: BUDGETS.map(() => 0), only: BUDGETS.map(() => 0) };
}

// One histogram of the mask values, reused: counting per pattern keeps the loops branch-light.
const histogram = new Int32Array(1 << BUDGETS.length);


/**
 * Fills mask[0..n) and returns the counts. A value is within its budget when
 * value ≤ limit; a limit of Infinity ("no limit") admits everything, and a
 * value that is not a number (a candidate that could not be costed) breaks
 * every finite budget.
 */
export function computeFeasibility(columns: Columns, n: number, budgets: Budgets, mask: Uint8Array, out: FeasibilityCounts = emptyCounts()): FeasibilityCounts {
  if (mask.length < n) throw new RangeError(`mask holds ${mask.length} entries, need ${n}`);
  // One pass per budget over its column (a tight loop the JIT keeps in registers), skipped where there is no limit;
  // the first writes the mask, the others add their bit.
  let first = true;
  for (const { key, metric, bit } of BUDGETS) {
    const limit = budgets[key];
    if (limit === Infinity) continue;
    const col = columns[metric];
    // !(v <= limit) is true for NaN as well as for v > limit.
    if (first) for (let i = 0; i < n; i++) mask[i] = col[i] <= limit ? 0 : bit;
    else for (let i = 0; i < n; i++) if (!(col[i] <= limit)) mask[i] |= bit;
    first = false;
  }
  if (first) mask.fill(0, 0, n);
  histogram.fill(0);
  for (let i = 0; i < n; i++) histogram[mask[i]]++;
  out.total = n;
  out.feasible = histogram[0];
  for (let b = 0; b < BUDGETS.length; b++) {
    const bit = BUDGETS[b].bit;
    let over = 0;
    for (let m = 0; m < histogram.length; m++) if (m & bit) over += histogram[m];
    out.over[b] = over;
    out.only[b] = histogram[bit];
  }
  return out;
}

/** Whether two counts say the same (a store keeps the old object then, so what shows the counts does not re-render). */
export function sameCounts(a: FeasibilityCounts, b: FeasibilityCounts): boolean {
  if (a.total !== b.total || a.feasible !== b.feasible) return false;
  for (let i = 0; i < BUDGETS.length; i++) if (a.over[i] !== b.over[i] || a.only[i] !== b.only[i]) return false;
  return true;
}

/** How far one candidate's costs are over the budgets: Σ (value / budget − 1) over the broken ones; 0 when feasible. */
export function budgetViolation(costs: Readonly<Record<(typeof BUDGETS)[number]['metric'], number>>, budgets: Budgets): number {
  let v = 0;
  for (const { key, metric } of BUDGETS) {
    const limit = budgets[key];
    const x = costs[metric];
    if (!(x <= limit)) v += Number.isFinite(x) ? x / limit - 1 : Infinity;
  }
  return v;
}

/** The feasibility-mask bits of the budgets one candidate's costs break (0: it meets them all). */
export function budgetMask(costs: Readonly<Record<(typeof BUDGETS)[number]['metric'], number>>, budgets: Budgets): number {
  let mask = 0;
  for (const { key, metric, bit } of BUDGETS) if (!(costs[metric] <= budgets[key])) mask |= bit;
  return mask;
}

/** The names of the budgets the costs break ("area; energy"), for tables and tooltips. */
export function brokenBudgetNames(costs: Readonly<Record<(typeof BUDGETS)[number]['metric'], number>>, budgets: Budgets): string[] {
  return BUDGETS.filter(({ key, metric }) => !(costs[metric] <= budgets[key])).map((b) => b.name);
}
