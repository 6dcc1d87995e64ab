/**
 * The calibration's pure parts: stratified choice of candidates, the images
 * each proxy may read (never the test split), the cost proxies, and the
 * statistics of the report.
 */
import { describe, expect, it } from 'vitest';
import { calibrationSplit, proxyImagePlan, spreadPositions, stratifiedPick } from '../src/core/calibration/plan.ts';
import { PROXIES, costProxies, oriented, parseProxyList } from '../src/core/calibration/proxies.ts';
import { calibrationStatistics, type MeasuredCandidate } from '../src/core/calibration/report.ts';
import { splitDataset } from '../src/core/data/batches.ts';
import { EMBEDDED_DATASETS, datasetSplit } from '../src/core/data/datasets.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../src/core/arch/sampler.ts';
import { buildArchitectureReport } from '../src/core/cost/report.ts';
import { resolveHardware } from '../src/core/cost/hardware.ts';
import { kendallTauB } from '../src/core/stats/rank.ts';

describe('stratified choice of candidates', () => {
  it('takes one candidate from each quantile stratum of the cost, seeded', () => {
    // 100 costs in a scrambled order; the deciles are 0–9, 10–19, …
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    const { picked, strata } = stratifiedPick(values, 10, 4);
    expect(picked.length).toBe(10);
    expect(new Set(picked).size).toBe(10);
    picked.forEach((p, s) => {
      expect(values[p]).toBeGreaterThanOrEqual(10 * s);
      expect(values[p]).toBeLessThanOrEqual(10 * s + 9);
      expect(strata[s]).toEqual({ low: 10 * s, high: 10 * s + 9, size: 10 });
    });
    expect(stratifiedPick(values, 10, 4).picked).toEqual(picked);
    expect(stratifiedPick(values, 10, 5).picked).not.toEqual(picked);
  });

  it('cuts uneven pools into strata whose sizes differ by at most one and refuses too small a pool', () => {
    const { strata } = stratifiedPick(Array.from({ length: 23 }, (_, i) => i * i), 5, 1);
    expect(strata.map((s) => s.size).reduce((a, b) => a + b, 0)).toBe(23);
    expect(Math.max(...strata.map((s) => s.size)) - Math.min(...strata.map((s) => s.size))).toBeLessThanOrEqual(1);
    expect(() => stratifiedPick([1, 2, 3], 4, 1)).toThrow(/cannot pick 4 items from a pool of 3/);
  });

  it('spreads the second-seed candidates from the cheapest to the dearest', () => {
    expect(spreadPositions(20, 3)).toEqual([0, 10, 19]);
    expect(spreadPositions(20, 1)).toEqual([9]);
    expect(spreadPositions(2, 5)).toEqual([0, 1]);
    expect(spreadPositions(20, 0)).toEqual([]);
  });
});

describe('images: the test split is never read by a proxy', () => {
  for (const info of Object.values(EMBEDDED_DATASETS)) {
    it(`${info.name}: the calibration's test set lies in the fixed held-out split, the proxies read only the training part`, () => {
      const ds = { name: info.name, count: info.count };
      const fixedTest = new Set(splitDataset(ds, datasetSplit(ds)).test);
      const split = calibrationSplit(ds, 1000, 3000);
      expect(split.test.length).toBe(1000);
      expect(split.train.length).toBe(3000);
      for (const i of split.test) expect(fixedTest.has(i)).toBe(true);
      const plan = proxyImagePlan(ds, { seed: 3, scoreBatch: 64, scoreRepeats: 2, gradientBatch: 32, earlySteps: 20, earlyBatch: 32, earlyHeldOut: 500 });
      const read = [...plan.scoreBatches.flatMap((b) => [...b]), ...plan.gradientBatch, ...plan.earlyTrain, ...plan.earlyHeldOut];
      expect(read.filter((i) => fixedTest.has(i))).toEqual([]);
      // The two score batches differ; the early proxy is never evaluated on an image it trained on.
      expect(plan.scoreBatches.map((b) => b.length)).toEqual([64, 64]);
      expect(new Set([...plan.scoreBatches[0], ...plan.scoreBatches[1]]).size).toBe(128);
      const trained = new Set(plan.earlyTrain);
      expect(plan.earlyTrain.length).toBe(640);
      expect(plan.earlyHeldOut.length).toBe(500);
      expect([...plan.earlyHeldOut].filter((i) => trained.has(i))).toEqual([]);
    });
  }

  it('says what does not fit', () => {
    const mnist = { name: 'mnist', count: 10_000 };
    expect(() => proxyImagePlan(mnist, { seed: 0, scoreBatch: 256, scoreRepeats: 40, gradientBatch: 32, earlySteps: 1, earlyBatch: 1, earlyHeldOut: 1 })).toThrow(/40 score batches of 256 needs 10240 training images; mnist has 8000/);
    expect(() => calibrationSplit(mnist, 2500, 100)).toThrow(/test images must be 1–2000/);
  });
});

describe('proxies', () => {
  it('computes parameters and rate-1 synaptic operations from the cost model', () => {
    // c8-h64-t2 with the cell 0→3 conv3×3 only: stem 3·3·1·8 on 28², cell1 3·3·8·8 on 28², down 3·3·8·16 (pooled to 14²),
    // cell2 3·3·16·16 on 14², fc1 (16·7·7)·64, fc2 64·10, each times T = 2 for synops.
    const arch = parseGenome('c8-h64-t2-w8-003000');
    const { params, synops } = costProxies(arch);
    expect(params).toBe(72 + 576 + 1152 + 2304 + 784 * 64 + 640);
    expect(synops).toBe(2 * (72 * 784 + 576 * 784 + 1152 * 196 + 2304 * 196 + 784 * 64 + 640));
  });

  it('gives the cost report’s parameters and rate-1 synaptic operations on any hardware, forward and backward cells', () => {
    const archs = [...sampleArchitectures(DEFAULT_SEARCH_SPACE, 150, 7), ...sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, cellType: 'backward' }, 150, 8)];
    expect(archs.some((a) => a.cells[0].backward.some((op) => op !== 0))).toBe(true);
    for (const hw of [resolveHardware({}), resolveHardware({ mode: 'spikesim', xbar: 64 })]) {
      for (const a of archs) {
        const report = buildArchitectureReport(a, hw);
        expect(costProxies(a)).toEqual({ params: report.params, synops: report.kpis.synaptic_ops });
      }
    }
  });

  it('orients every proxy so that larger predicts better', () => {
    expect(oriented(PROXIES.early_loss, 0.7)).toBe(-0.7);
    expect(oriented(PROXIES.snasnet, 12)).toBe(12);
    expect(parseProxyList('params, snasnet')).toEqual(['snasnet', 'params']);
    expect(() => parseProxyList('params,naswot')).toThrow(/unknown proxy 'naswot' \(known: snasnet, params/);
  });
});

describe('statistics', () => {
  // 12 candidates; accuracy rises with the index except for two swaps.
  const acc = [0.8, 0.82, 0.81, 0.85, 0.86, 0.88, 0.87, 0.9, 0.91, 0.93, 0.94, 0.95];
  const make = (): MeasuredCandidate[] =>
    acc.map((a, i) => ({
      genome: `g${i}`,
      proxies: {
        params: 1000 * (i + 1), // monotone in the index
        early_loss: 2 - a, // lower is better: exactly the accuracy's order
        snasnet: [5, 1, 9, 3, 7, 2, 8, 4, 6, 0, 11, 10][i], // unrelated
      },
      accuracy_float: a + 0.01,
      accuracy_quantized: a,
    }));
  const opts = { proxies: ['snasnet', 'params', 'early_loss'] as const, testSamples: 1000, seedPairs: [], resamples: 500, seed: 1 };

  it('gives τ, ρ and intervals per proxy and target, oriented by direction', () => {
    const s = calibrationStatistics(make(), opts);
    const get = (p: string, t: string) => s.correlations.find((c) => c.proxy === p && c.target === t)!;
    expect(get('early_loss', 'quantized').kendall_tau).toBe(1);
    expect(get('early_loss', 'quantized').spearman_rho).toBeCloseTo(1, 12);
    expect(get('early_loss', 'quantized').kendall_tau_ci).toEqual([1, 1]);
    // params: the index order against acc with two adjacent swaps: (66 − 2·2) / 66
    expect(get('params', 'quantized').kendall_tau).toBeCloseTo(62 / 66, 12);
    expect(get('params', 'float').kendall_tau).toBeCloseTo(62 / 66, 12);
    const sn = get('snasnet', 'quantized');
    expect(sn.kendall_tau).toBeCloseTo(kendallTauB(make().map((c) => c.proxies.snasnet!), acc), 12);
    expect(sn.kendall_tau_ci[0]).toBeLessThan(sn.kendall_tau);
    expect(sn.kendall_tau_ci[1]).toBeGreaterThan(sn.kendall_tau);
    expect(get('early_loss', 'quantized').top_k_overlap).toBe(3);
    expect(get('params', 'quantized').top_k_overlap).toBe(3);
    expect(sn.n).toBe(12);
  });

  it('names the best proxy, and whether it is reliable and clearly better', () => {
    const s = calibrationStatistics(make(), opts);
    const q = s.ranking.find((r) => r.target === 'quantized')!;
    expect(q.best).toBe('early_loss');
    expect(q.reliable).toBe(true);
    // params is close behind (62/66): not separated; the unrelated score is.
    expect(q.not_separated_from).toEqual(['params']);
    expect(q.clearly_best).toBe(false);
    expect(q.differences.find((d) => d.proxy === 'snasnet')!.tau_difference_ci[0]).toBeGreaterThan(0);
    expect(q.verdict).toMatch(/not clearly better than params/);
    // Six perfectly ranked candidates: τ = 1 on every resample, but too few to call it reliable.
    const few = calibrationStatistics(make().slice(6), opts).ranking.find((r) => r.target === 'quantized')!;
    expect(few.best).toBe('params');
    expect(few.best_tau_ci).toEqual([1, 1]);
    expect(few.reliable).toBe(false);
    expect(few.verdict).toMatch(/^only 6 trained candidates: too few/);
    const alone = calibrationStatistics(make(), { ...opts, proxies: ['snasnet'] });
    expect(alone.ranking[0].reliable).toBe(false);
    expect(alone.ranking[0].verdict).toMatch(/^no proxy ranks float accuracy reliably/);
  });

  it('leaves out candidates without an accuracy or a proxy value, per proxy', () => {
    const c = make();
    c[3].accuracy_quantized = NaN;
    c[5].proxies.snasnet = NaN;
    const s = calibrationStatistics(c, opts);
    expect(s.correlations.find((r) => r.proxy === 'params' && r.target === 'quantized')!.n).toBe(11);
    expect(s.correlations.find((r) => r.proxy === 'params' && r.target === 'float')!.n).toBe(12);
    expect(s.correlations.find((r) => r.proxy === 'snasnet' && r.target === 'quantized')!.n).toBe(10);
  });

  it('measures the accuracy noise against the spread', () => {
    const seedPairs = [
      { index: 0, genome: 'g0', seeds: [1, 2] as [number, number], accuracy_float: [0.81, 0.8] as [number, number], accuracy_quantized: [0.8, 0.79] as [number, number] },
      { index: 5, genome: 'g5', seeds: [1, 2] as [number, number], accuracy_float: [0.89, 0.91] as [number, number], accuracy_quantized: [0.88, 0.9] as [number, number] },
      { index: 11, genome: 'g11', seeds: [1, 2] as [number, number], accuracy_float: [0.96, 0.95] as [number, number], accuracy_quantized: [0.95, 0.96] as [number, number] },
    ];
    const n = calibrationStatistics(make(), { ...opts, seedPairs }).noise;
    // Differences 0.01, −0.02, −0.01 (quantized): √((1 + 4 + 1)·1e-4 / 6) = 0.01
    expect(n.seed_sd_quantized).toBeCloseTo(0.01, 12);
    const se = acc.map((p) => Math.sqrt((p * (1 - p)) / 1000)).reduce((a, b) => a + b) / acc.length;
    expect(n.binomial_se_quantized).toBeCloseTo(se, 12);
    expect(n.noise_quantized).toBeCloseTo(Math.sqrt(se ** 2 + 1e-4), 12);
    expect(n.spread_quantized).toBeGreaterThan(0.04);
    expect(n.spread_to_noise_quantized).toBeCloseTo(n.spread_quantized / n.noise_quantized, 12);
    expect(n.spread_to_noise_quantized).toBeGreaterThan(2);
  });
});
