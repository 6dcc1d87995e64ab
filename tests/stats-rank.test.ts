/**
 * Rank statistics (src/core/stats/rank.ts) against hand-worked and published
 * values. Where each expected value comes from is said next to it; "scipy
 * 1.17.1" means computed here with python3 -c 'from scipy import stats; …'
 * on exactly the vectors shown.
 */
import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  binomialStandardError,
  bootstrapIndices,
  kendallTauB,
  pearson,
  percentileInterval,
  pick,
  quantileSorted,
  sampleStd,
  spearman,
  topKOverlap,
} from '../src/core/stats/rank.ts';

describe('average ranks', () => {
  it('gives ties the mean of the ranks they span', () => {
    // scipy.stats.rankdata docs: rankdata([0, 2, 3, 2]) → [1, 2.5, 4, 2.5]
    expect([...averageRanks([0, 2, 3, 2])]).toEqual([1, 2.5, 4, 2.5]);
    // hand-worked: three-way tie for ranks 2–4 → 3 each
    expect([...averageRanks([5, 1, 5, 9, 5])]).toEqual([3, 1, 3, 5, 3]);
    expect([...averageRanks([-Infinity, 0, Infinity, -Infinity])]).toEqual([1.5, 3, 4, 1.5]);
  });
});

describe('Kendall τ-b', () => {
  it('matches the published scipy example with ties in both vectors', () => {
    // scipy.stats.kendalltau docs example: x1 = [12, 2, 1, 12, 2], x2 = [1, 4, 7, 1, 0] → −0.47140452079103173
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 12);
  });

  it('matches a hand count without ties', () => {
    // x = 1 2 3 4, y = 1 3 2 4: of 6 pairs only (2,3) is discordant → (5 − 1) / 6
    expect(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 14);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
  });

  it('matches scipy on accuracy-like vectors with ties and on infinite scores', () => {
    const x = [0.3, 1.2, 1.2, -0.5, 2.0, 0.3, 0.3, 4.1, 2.0, -1.0];
    const y = [0.91, 0.93, 0.95, 0.9, 0.95, 0.92, 0.91, 0.97, 0.96, 0.93];
    // scipy 1.17.1: kendalltau(x, y).statistic
    expect(kendallTauB(x, y)).toBeCloseTo(0.7319250547113999, 12);
    // scipy 1.17.1: kendalltau([-inf, 1.5, 3.0, -inf, 2.2, 0.1], [0.80, 0.91, 0.93, 0.82, 0.90, 0.85])
    expect(kendallTauB([-Infinity, 1.5, 3.0, -Infinity, 2.2, 0.1], [0.8, 0.91, 0.93, 0.82, 0.9, 0.85])).toBeCloseTo(0.8280786712108251, 12);
  });

  it('is undefined for a constant vector and refuses NaN', () => {
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => kendallTauB([1, NaN, 2], [1, 2, 3])).toThrow(/item 1 is NaN/);
    expect(() => kendallTauB([1, 2], [1, 2, 3])).toThrow(/differ in length/);
  });
});

describe('Spearman ρ and Pearson r', () => {
  it('matches the published scipy example', () => {
    // scipy.stats.spearmanr docs example: spearmanr([1,2,3,4,5], [5,6,7,8,7]) → 0.8207826816681233
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
  });

  it('matches the textbook formula without ties', () => {
    // 1 − 6Σd²/(n(n²−1)) with d = (0, −1, 1, 0): 1 − 12/60 = 0.8
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 14);
  });

  it('matches scipy with ties and infinite values', () => {
    const x = [0.3, 1.2, 1.2, -0.5, 2.0, 0.3, 0.3, 4.1, 2.0, -1.0];
    const y = [0.91, 0.93, 0.95, 0.9, 0.95, 0.92, 0.91, 0.97, 0.96, 0.93];
    // scipy 1.17.1: spearmanr(x, y).statistic
    expect(spearman(x, y)).toBeCloseTo(0.8193504251455981, 12);
    // scipy 1.17.1: spearmanr([-inf, 1.5, 3.0, -inf, 2.2, 0.1], [0.80, 0.91, 0.93, 0.82, 0.90, 0.85])
    expect(spearman([-Infinity, 1.5, 3.0, -Infinity, 2.2, 0.1], [0.8, 0.91, 0.93, 0.82, 0.9, 0.85])).toBeCloseTo(0.9276336570439174, 12);
    // scipy 1.17.1: pearsonr([1,2,3,4,5], [2,4,5,4,5]) → 0.7745966692414834 (= √0.6)
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(0.7745966692414834, 12);
    expect(spearman([2, 2, 2], [1, 2, 3])).toBeNaN();
  });
});

describe('bootstrap', () => {
  it('draws the same resamples for the same seed and different ones for another', () => {
    const a = bootstrapIndices(12, 50, 7);
    const b = bootstrapIndices(12, 50, 7);
    const c = bootstrapIndices(12, 50, 8);
    expect(a.map((r) => [...r])).toEqual(b.map((r) => [...r]));
    expect(a.map((r) => [...r])).not.toEqual(c.map((r) => [...r]));
    for (const r of a) for (const i of r) expect(i >= 0 && i < 12).toBe(true);
    // Drawing with replacement: some resample repeats an item.
    expect(a.some((r) => new Set(r).size < 12)).toBe(true);
  });

  it('takes quantiles as numpy.percentile does (linear interpolation)', () => {
    const v = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.05].sort((p, q) => p - q);
    // numpy 2.4.6: percentile(v, 2.5) → 0.0575, percentile(v, 97.5) → 0.885, percentile(v, 50) → 0.35
    expect(quantileSorted(v, 0.025)).toBeCloseTo(0.0575, 14);
    expect(quantileSorted(v, 0.975)).toBeCloseTo(0.885, 14);
    expect(quantileSorted(v, 0.5)).toBeCloseTo(0.35, 14);
  });

  it('gives a percentile interval around a strong correlation that narrows with more items', () => {
    // A noisy monotone relation: y = x + noise, small and large samples.
    const make = (n: number) => {
      const x = Array.from({ length: n }, (_, i) => i);
      const y = x.map((v, i) => v + 6 * Math.sin(i * 12.9898));
      return { x, y };
    };
    const width = (n: number) => {
      const { x, y } = make(n);
      const ci = percentileInterval(bootstrapIndices(n, 400, 1), (idx) => kendallTauB(pick(x, idx), pick(y, idx)));
      const tau = kendallTauB(x, y);
      expect(ci.low).toBeLessThanOrEqual(tau);
      expect(ci.high).toBeGreaterThanOrEqual(tau);
      expect(ci.valid).toBe(400);
      return ci.high - ci.low;
    };
    const small = width(12);
    const large = width(120);
    expect(large).toBeLessThan(small / 2);
  });

  it('says so (NaN bounds) when most resamples leave the statistic undefined', () => {
    // A statistic defined only when the resample starts with item 0: about a quarter of them.
    const ci = percentileInterval(bootstrapIndices(4, 200, 3), (idx) => (idx[0] === 0 ? 1 : NaN));
    expect(ci.valid).toBeGreaterThan(20);
    expect(ci.valid).toBeLessThan(100);
    expect(ci.low).toBeNaN();
    expect(ci.high).toBeNaN();
    // Five distinct items: (almost) every resample holds two distinct ones, so an interval is given.
    const half = percentileInterval(bootstrapIndices(5, 200, 3), (idx) => kendallTauB(pick([1, 2, 3, 4, 5], idx), pick([2, 1, 4, 3, 5], idx)));
    expect(half.valid).toBe(200);
    expect(half.low).toBeLessThan(half.high);
  });
});

describe('noise and overlap', () => {
  it('binomial standard error', () => {
    // hand-worked: p = 0.9 on 2000 images: √(0.09/2000) = 0.0067082
    expect(binomialStandardError(0.9, 2000)).toBeCloseTo(0.006708203932499369, 14);
    expect(binomialStandardError(1, 500)).toBe(0);
    expect(binomialStandardError(0.5, 0)).toBeNaN();
  });

  it('sample standard deviation', () => {
    // hand-worked: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5, Σ(x−m)² = 32, s = √(32/7)
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(sampleStd([3])).toBeNaN();
  });

  it('counts how many of the proxy top k are in the target top k', () => {
    const target = [0.9, 0.95, 0.8, 0.97, 0.85, 0.96];
    // target top 3: items 3, 5, 1
    expect(topKOverlap([6, 4, 1, 5, 2, 3], target, 3)).toBe(2); // proxy top 3: 0, 3, 1
    expect(topKOverlap([1, 4, 0, 6, 2, 5], target, 3)).toBe(3);
    expect(topKOverlap([6, 1, 5, 0, 4, 2], target, 3)).toBe(0);
    expect(topKOverlap([6, 1, 5, 0, 4, 2], target, 1)).toBe(0);
  });
});
