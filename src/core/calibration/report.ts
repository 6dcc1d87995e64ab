/**
 * The statistics of a calibration (pure core): how well each proxy ranks
 * the candidates' trained accuracy, how noisy that accuracy is, and which
 * proxy, if any, ranks best. Keys are the JSON output format (snake_case);
 * a statistic that is undefined is NaN here (null in JSON).
 *
 * - Kendall τ-b and Spearman ρ between each proxy (oriented so that larger
 *   predicts better: PROXIES[p].direction) and the float and the quantized
 *   accuracy, over the candidates where both are known, each with a
 *   percentile bootstrap interval from resampling candidates (seeded; the
 *   same resamples for every proxy, so differences are paired).
 * - Top-k overlap: how many of the proxy's k best are among the k most
 *   accurate.
 * - Noise: the binomial standard error of each accuracy from the test-set
 *   size, and the spread between two training seeds of a few candidates
 *   (σ_seed = √(Σ d² / 2m) over m pairs with difference d), against the
 *   spread (standard deviation) of the accuracies over the candidates.
 * - Ranking: the proxy with the largest τ, and whether it is clearly the
 *   best (the paired bootstrap interval of its τ minus every other proxy's
 *   lies above 0) and reliable at all (its own τ interval lies above 0, on
 *   at least MIN_RELIABLE_N candidates).
 */
import { binomialStandardError, bootstrapIndices, kendallTauB, percentileInterval, pick, sampleStd, spearman, topKOverlap } from '../stats/rank.ts';
import { PROXIES, oriented, type ProxyName } from './proxies.ts';

export const TARGETS = ['float', 'quantized'] as const;
export type Target = (typeof TARGETS)[number];

export interface MeasuredCandidate {
  genome: string;
  /** each proxy's raw value (its own direction); NaN where it could not be computed */
  proxies: Partial<Record<ProxyName, number>>;
  /** test accuracy, 0–1; NaN where the candidate could not be trained */
  accuracy_float: number;
  accuracy_quantized: number;
}

export interface SeedPair {
  /** position of the candidate in the calibration */
  index: number;
  genome: string;
  seeds: [number, number];
  accuracy_float: [number, number];
  accuracy_quantized: [number, number];
}

export interface StatisticsOptions {
  proxies: readonly ProxyName[];
  /** test images each accuracy was measured on */
  testSamples: number;
  seedPairs: readonly SeedPair[];
  resamples: number;
  /** seed of the bootstrap */
  seed: number;
  /** interval level (default 0.95) */
  level?: number;
  /** k of the top-k overlap (default 3) */
  topK?: number;
}

export type Bounds = [number, number];

export interface ProxyCorrelation {
  proxy: ProxyName;
  target: Target;
  /** candidates with both a proxy value and an accuracy */
  n: number;
  kendall_tau: number;
  kendall_tau_ci: Bounds;
  spearman_rho: number;
  spearman_rho_ci: Bounds;
  /** how many of the proxy's top k are among the k most accurate */
  top_k_overlap: number;
  top_k: number;
}

export interface TauDifference {
  proxy: ProxyName;
  /** τ of the best proxy minus this proxy's, on the candidates both rank */
  tau_difference: number;
  tau_difference_ci: Bounds;
}

export interface TargetRanking {
  target: Target;
  /** largest τ; null when no proxy's τ is defined */
  best: ProxyName | null;
  best_tau: number;
  best_tau_ci: Bounds;
  /** the best τ's interval lies above 0 */
  reliable: boolean;
  /** every paired difference's interval lies above 0 */
  clearly_best: boolean;
  /** proxies whose difference from the best is within its interval */
  not_separated_from: ProxyName[];
  differences: TauDifference[];
  verdict: string;
}

export interface NoiseSummary {
  test_samples: number;
  /** mean over the trained candidates of √(p(1−p)/n) */
  binomial_se_float: number;
  binomial_se_quantized: number;
  seed_pairs: SeedPair[];
  /** σ of one accuracy between training seeds, from the pairs (NaN without pairs) */
  seed_sd_float: number;
  seed_sd_quantized: number;
  /** standard deviation of the accuracies over the trained candidates */
  spread_float: number;
  spread_quantized: number;
  /** √(binomial_se² + seed_sd²): the noise of one measured accuracy */
  noise_float: number;
  noise_quantized: number;
  /** spread / noise: above 1 the candidates differ by more than their measurement noise */
  spread_to_noise_float: number;
  spread_to_noise_quantized: number;
}

export interface CalibrationStatistics {
  correlations: ProxyCorrelation[];
  ranking: TargetRanking[];
  noise: NoiseSummary;
  bootstrap: { resamples: number; seed: number; level: number; method: string };
}

function accuracyOf(c: MeasuredCandidate, t: Target): number {
  return t === 'float' ? c.accuracy_float : c.accuracy_quantized;
}

/** The candidates (positions) where every named proxy and the target are known, and their oriented values. */
function columns(candidates: readonly MeasuredCandidate[], proxies: readonly ProxyName[], target: Target): { rows: number[]; x: Map<ProxyName, Float64Array>; y: Float64Array } {
  const rows: number[] = [];
  candidates.forEach((c, i) => {
    if (Number.isNaN(accuracyOf(c, target))) return;
    if (proxies.every((p) => c.proxies[p] !== undefined && !Number.isNaN(c.proxies[p]))) rows.push(i);
  });
  const x = new Map(proxies.map((p) => [p, Float64Array.from(rows, (i) => oriented(PROXIES[p], candidates[i].proxies[p]!))]));
  return { rows, x, y: Float64Array.from(rows, (i) => accuracyOf(candidates[i], target)) };
}

/**
 * Fewest ranked candidates for a verdict. A percentile bootstrap of a handful
 * of items resamples only what it saw: 4 perfectly ordered candidates give
 * τ = 1 on every resample, an interval [1, 1] that says nothing about the
 * 1-in-24 chance of that order by luck.
 */
export const MIN_RELIABLE_N = 10;

const fmt = (v: number) => (Number.isNaN(v) ? 'undefined' : v.toFixed(2));
const fmtCi = (b: Bounds) => `[${fmt(b[0])}, ${fmt(b[1])}]`;

export function calibrationStatistics(candidates: readonly MeasuredCandidate[], o: StatisticsOptions): CalibrationStatistics {
  const level = o.level ?? 0.95;
  const k = o.topK ?? 3;
  const correlations: ProxyCorrelation[] = [];
  const ranking: TargetRanking[] = [];
  for (const target of TARGETS) {
    const byProxy = new Map<ProxyName, ProxyCorrelation>();
    for (const proxy of o.proxies) {
      const { x, y } = columns(candidates, [proxy], target);
      const px = x.get(proxy)!;
      const n = y.length;
      const resamples = n > 0 ? bootstrapIndices(n, o.resamples, o.seed) : [];
      const tauCi = n > 0 ? percentileInterval(resamples, (idx) => kendallTauB(pick(px, idx), pick(y, idx)), level) : { low: NaN, high: NaN };
      const rhoCi = n > 0 ? percentileInterval(resamples, (idx) => spearman(pick(px, idx), pick(y, idx)), level) : { low: NaN, high: NaN };
      const c: ProxyCorrelation = {
        proxy,
        target,
        n,
        kendall_tau: kendallTauB(px, y),
        kendall_tau_ci: [tauCi.low, tauCi.high],
        spearman_rho: spearman(px, y),
        spearman_rho_ci: [rhoCi.low, rhoCi.high],
        top_k_overlap: n >= k ? topKOverlap(px, y, k) : NaN,
        top_k: k,
      };
      byProxy.set(proxy, c);
      correlations.push(c);
    }
    ranking.push(rankProxies(candidates, o, target, byProxy, level));
  }
  return { correlations, ranking, noise: noiseSummary(candidates, o), bootstrap: { resamples: o.resamples, seed: o.seed, level, method: 'percentile, resampling candidates with replacement; the same resamples for every proxy' } };
}

function rankProxies(candidates: readonly MeasuredCandidate[], o: StatisticsOptions, target: Target, byProxy: Map<ProxyName, ProxyCorrelation>, level: number): TargetRanking {
  const ordered = [...byProxy.values()].filter((c) => !Number.isNaN(c.kendall_tau)).sort((a, b) => b.kendall_tau - a.kendall_tau);
  if (ordered.length === 0) {
    return { target, best: null, best_tau: NaN, best_tau_ci: [NaN, NaN], reliable: false, clearly_best: false, not_separated_from: [], differences: [], verdict: `no proxy's τ against ${target} accuracy is defined (too few trained candidates)` };
  }
  const best = ordered[0];
  const differences: TauDifference[] = [];
  for (const other of ordered.slice(1)) {
    // Paired: the same resamples of the candidates both proxies rank.
    const { x, y } = columns(candidates, [best.proxy, other.proxy], target);
    const a = x.get(best.proxy)!;
    const b = x.get(other.proxy)!;
    const diff = (idx?: Int32Array) => {
      const yy = idx ? pick(y, idx) : y;
      return kendallTauB(idx ? pick(a, idx) : a, yy) - kendallTauB(idx ? pick(b, idx) : b, yy);
    };
    const ci = y.length > 0 ? percentileInterval(bootstrapIndices(y.length, o.resamples, o.seed), diff, level) : { low: NaN, high: NaN };
    differences.push({ proxy: other.proxy, tau_difference: diff(), tau_difference_ci: [ci.low, ci.high] });
  }
  const notSeparated = differences.filter((d) => !(d.tau_difference_ci[0] > 0)).map((d) => d.proxy);
  if (best.n < MIN_RELIABLE_N) {
    const verdict = `only ${best.n} trained candidates: too few to call any proxy reliable (the bootstrap cannot see beyond so small a sample; ${best.proxy} has the largest τ, ${fmt(best.kendall_tau)})`;
    return { target, best: best.proxy, best_tau: best.kendall_tau, best_tau_ci: best.kendall_tau_ci, reliable: false, clearly_best: false, not_separated_from: notSeparated, differences, verdict };
  }
  const reliable = best.kendall_tau_ci[0] > 0;
  const clearly = reliable && notSeparated.length === 0;
  const head = `${PROXIES[best.proxy].label} (${best.proxy}) has the largest τ against ${target} accuracy: ${fmt(best.kendall_tau)} ${fmtCi(best.kendall_tau_ci)}`;
  const verdict = !reliable
    ? `no proxy ranks ${target} accuracy reliably: ${head}, an interval that reaches 0 or below`
    : clearly
      ? `${head}, and its τ exceeds every other proxy's (paired bootstrap intervals above 0)`
      : `${head}, but it is not clearly better than ${notSeparated.join(', ')} (their paired τ differences' intervals include 0)`;
  return { target, best: best.proxy, best_tau: best.kendall_tau, best_tau_ci: best.kendall_tau_ci, reliable, clearly_best: clearly, not_separated_from: notSeparated, differences, verdict };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : NaN;
}

function noiseSummary(candidates: readonly MeasuredCandidate[], o: StatisticsOptions): NoiseSummary {
  const per = (t: Target) => {
    const acc = candidates.map((c) => accuracyOf(c, t)).filter((a) => !Number.isNaN(a));
    const se = mean(acc.map((p) => binomialStandardError(p, o.testSamples)));
    const d2 = o.seedPairs.map((p) => (t === 'float' ? p.accuracy_float : p.accuracy_quantized)).filter(([a, b]) => !Number.isNaN(a) && !Number.isNaN(b)).map(([a, b]) => (a - b) ** 2);
    // A difference of two runs has twice the variance of one run.
    const seedSd = d2.length ? Math.sqrt(d2.reduce((s, v) => s + v, 0) / (2 * d2.length)) : NaN;
    const spread = sampleStd(acc);
    const noise = Math.sqrt(se ** 2 + (Number.isNaN(seedSd) ? 0 : seedSd ** 2));
    return { se, seedSd, spread, noise, ratio: spread / noise };
  };
  const f = per('float');
  const q = per('quantized');
  return {
    test_samples: o.testSamples,
    binomial_se_float: f.se,
    binomial_se_quantized: q.se,
    seed_pairs: [...o.seedPairs],
    seed_sd_float: f.seedSd,
    seed_sd_quantized: q.seedSd,
    spread_float: f.spread,
    spread_quantized: q.spread,
    noise_float: f.noise,
    noise_quantized: q.noise,
    spread_to_noise_float: f.ratio,
    spread_to_noise_quantized: q.ratio,
  };
}
