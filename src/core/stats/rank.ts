/**
 * Rank statistics for calibrating proxies against trained accuracy (pure
 * core): average ranks, Pearson's r, Spearman's ρ, Kendall's τ-b, a seeded
 * bootstrap of any statistic over resampled items, the binomial standard
 * error of an accuracy, and top-k overlap.
 *
 * Conventions follow scipy.stats (1.17), so its results on the same vectors
 * are the reference values of the tests:
 *  - ranks of tied values are the average of the ranks they span (rankdata
 *    'average'), 1-based;
 *  - Spearman's ρ is Pearson's r of the average ranks (spearmanr);
 *  - Kendall's τ-b (kendalltau, variant 'b'):
 *      τ_b = (C − D) / √((n₀ − n₁)(n₀ − n₂)),
 *    n₀ = n(n−1)/2 pairs, C and D concordant and discordant pairs, n₁ and n₂
 *    the pairs tied in x and in y (a pair tied in both counts in both);
 *  - a statistic with a zero denominator (a constant vector) is NaN.
 * NaN entries are not allowed here: callers drop the items they belong to
 * (±Infinity is a value like any other: it ranks first or last).
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { makeRng } from '../arch/sampler.ts';

function checkPair(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`the two vectors differ in length (${x.length} and ${y.length})`);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) throw new RangeError(`item ${i} is NaN: drop it before ranking`);
  }
  return x.length;
}

/** 1-based ranks, ties given the mean of the ranks they span (scipy's rankdata 'average'). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : a - b));
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    // Positions i … j−1 (0-based) share the mean rank of i+1 … j.
    const mean = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]] = mean;
    i = j;
  }
  return ranks;
}

/** Pearson's correlation coefficient; NaN when either vector is constant or has fewer than 2 items. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = checkPair(x, y);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0 && syy > 0)) return NaN;
  // Rounding can push |r| a hair past 1 for perfectly (anti-)correlated data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Spearman's ρ: Pearson's r of the average ranks. Infinite values rank like any other. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/** Kendall's τ-b (ties in either vector handled); NaN when either vector is constant. O(n²), for the tens to hundreds of items a calibration has. */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = checkPair(x, y);
  if (n < 2) return NaN;
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[i] === x[j] ? 0 : x[i] < x[j] ? -1 : 1;
      const dy = y[i] === y[j] ? 0 : y[i] < y[j] ? -1 : 1;
      if (dx === 0) tiedX++;
      if (dy === 0) tiedY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiedX) * (pairs - tiedY));
  if (!(denominator > 0)) return NaN;
  return Math.max(-1, Math.min(1, (concordant - discordant) / denominator));
}

/**
 * `resamples` bootstrap resamples of n items, each n indices drawn with
 * replacement, from a seeded generator: the same (n, resamples, seed) give
 * the same index sets, so statistics computed on them are paired (the same
 * resample for every proxy).
 */
export function bootstrapIndices(n: number, resamples: number, seed: number): Int32Array[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`bootstrap needs at least one item (got ${n})`);
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`bootstrap needs at least one resample (got ${resamples})`);
  const rng = makeRng(seed);
  const out: Int32Array[] = [];
  for (let r = 0; r < resamples; r++) {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = uniformInt(rng, 0, n - 1);
    out.push(idx);
  }
  return out;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of sorted values by linear interpolation
 * between order statistics (numpy's default 'linear' method).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface Interval {
  low: number;
  high: number;
  /** resamples on which the statistic was defined (a resample of tied items can make it NaN); the interval uses only those */
  valid: number;
}

/**
 * Percentile bootstrap interval of a statistic: the statistic on each
 * resample (`statistic(indices)` reads the items at those indices), then the
 * (1 − level)/2 and (1 + level)/2 quantiles of its defined values. NaN
 * bounds when fewer than half the resamples gave a value.
 */
export function percentileInterval(resamples: readonly Int32Array[], statistic: (indices: Int32Array) => number, level = 0.95): Interval {
  const values: number[] = [];
  for (const idx of resamples) {
    const v = statistic(idx);
    if (!Number.isNaN(v)) values.push(v);
  }
  if (values.length < resamples.length / 2) return { low: NaN, high: NaN, valid: values.length };
  values.sort((a, b) => a - b);
  return { low: quantileSorted(values, (1 - level) / 2), high: quantileSorted(values, (1 + level) / 2), valid: values.length };
}

/** The items of `values` at `indices`. */
export function pick(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}

/** Standard error of an accuracy p measured on n independent test images: √(p(1−p)/n). */
export function binomialStandardError(p: number, n: number): number {
  if (!(n >= 1) || !(p >= 0 && p <= 1)) return NaN;
  return Math.sqrt((p * (1 - p)) / n);
}

/** Sample standard deviation (n − 1 in the denominator); NaN below two items. */
export function sampleStd(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

/**
 * Indices of the k largest values, largest first; ties keep the earlier
 * index first (so the result is deterministic).
 */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => (values[b] > values[a] ? 1 : values[b] < values[a] ? -1 : a - b))
    .slice(0, Math.max(0, k));
}

/** How many of the k items ranked highest by `proxy` are among the k highest by `target` (0 … k). */
export function topKOverlap(proxy: ArrayLike<number>, target: ArrayLike<number>, k: number): number {
  checkPair(proxy, target);
  const best = new Set(topIndices(target, k));
  return topIndices(proxy, k).filter((i) => best.has(i)).length;
}
