/**
 * The tfjs side of the training-free score: the device kernel equals the
 * core's direct formula on the same spikes (cpu and wasm), and scoring
 * architectures leaks no tensors.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { KernelAccumulator, kernelScore, rescaledSumFromSpikes } from '../src/core/snn/score.ts';
import { deviceKernelSum } from '../src/tf/score-kernel.ts';
import { initNodeBackend } from '../src/tf/backend-node.ts';
import { scoreArchitecture } from '../src/tf/score.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures, type SearchSpace } from '../src/core/arch/sampler.ts';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random binary spikes [T·B, h, w, c] with firing probability p. */
function spikes(t: number, b: number, shape: number[], p: number, seed: number): Float32Array {
  const rnd = lcg(seed);
  const n = shape.reduce((a, c) => a * c, 1);
  return Float32Array.from({ length: t * b * n }, () => (rnd() < p ? 1 : 0));
}

for (const [backend, form] of [
  ['cpu', 'auto'],
  ['wasm', 'auto'],
  ['cpu', 'batched'],
  ['wasm', 'batched'],
] as const) {
  describe(`device kernel on ${backend} (${form} Gram products)`, () => {
    it('equals the core formula over layers and timesteps', async () => {
      await initNodeBackend(backend);
      const b = 6;
      const layers = [
        { t: 3, shape: [5, 5, 4], p: 0.2, seed: 1 },
        { t: 3, shape: [3, 3, 8], p: 0.6, seed: 2 },
        { t: 3, shape: [32], p: 0.05, seed: 3 },
      ];
      const host = new KernelAccumulator(b);
      const data = layers.map((l) => spikes(l.t, b, l.shape, l.p, l.seed));
      layers.forEach((l, i) => {
        const n = l.shape.reduce((a, c) => a * c, 1);
        for (let t = 0; t < l.t; t++) host.addSpikes(data[i].subarray(t * b * n, (t + 1) * b * n), n);
      });
      const before = tf.memory().numTensors;
      const tensors = layers.map((l, i) => ({ spikes: tf.tensor(data[i], [l.t * b, ...l.shape]), timesteps: l.t }));
      const dev = deviceKernelSum(tensors, b, form);
      const mSum = await dev.mSum.data();
      dev.mSum.dispose();
      tf.dispose(tensors.map((x) => x.spikes));
      expect(tf.memory().numTensors).toBe(before);
      expect(dev.count).toBe(9);
      expect(dev.nSum).toBe(3 * (100 + 72 + 32));
      const acc = new KernelAccumulator(b);
      acc.addRescaled(mSum, dev.nSum, dev.count);
      const kd = acc.kernel();
      const kh = host.kernel();
      for (let i = 0; i < b * b; i++) expect(kd[i]).toBeCloseTo(kh[i], 4);
      expect(kernelScore(kd, b).logAbsDet).toBeCloseTo(kernelScore(kh, b).logAbsDet, 3);
    });
  });
}

describe('host (bit-count) and device kernel paths', () => {
  it('give the same kernel sum as the direct formula', () => {
    const b = 5;
    const t = 3;
    const n = 70; // not a multiple of 32: the last word is partial
    const x = spikes(t, b, [n], 0.3, 9);
    const host = new KernelAccumulator(b);
    for (let s = 0; s < t; s++) host.addSpikes(x.subarray(s * b * n, (s + 1) * b * n), n);
    const bits = rescaledSumFromSpikes(x, t, b, n);
    const acc = new KernelAccumulator(b);
    acc.addRescaled(bits.mSum, t * n, t);
    expect(bits.spikeCount).toBe(x.reduce((a, v) => a + v, 0));
    const [k1, k2] = [host.kernel(), acc.kernel()];
    for (let i = 0; i < b * b; i++) expect(k2[i]).toBeCloseTo(k1[i], 12);
  });

  it('score an architecture alike on either path, and repeat exactly', async () => {
    await initNodeBackend('wasm');
    const arch = parseGenome('c4-h16-t3-w8-i12x1-301203');
    const x = tf.randomUniform([8, 12, 12, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const host = await scoreArchitecture(arch, x, { seed: 2, kernelPath: 'host' });
    const dev = await scoreArchitecture(arch, x, { seed: 2, kernelPath: 'device' });
    const again = await scoreArchitecture(arch, x, { seed: 2, kernelPath: 'host' });
    const other = await scoreArchitecture(arch, x, { seed: 3, kernelPath: 'host' });
    x.dispose();
    expect(Number.isFinite(host.score)).toBe(true);
    expect(dev.score).toBeCloseTo(host.score, 4);
    expect(dev.meanRate).toBeCloseTo(host.meanRate, 6);
    expect(again.score).toBe(host.score);
    expect(other.score).not.toBe(host.score);
    // One kernel per LIF per timestep. Cell 301203 has conv edges 0→1, 1→2 and 2→3, so a LIF on
    // nodes 0, 1 and 2 of each cell; plus down, head and fc1: 9 LIFs × 3 timesteps.
    expect(host.lifLayers).toBe(9);
    expect(host.kernels).toBe(27);
  });
});

describe('memory', () => {
  it('does not grow the live tensor count across 1,000 scored candidates', async () => {
    await initNodeBackend('wasm');
    const tiny: SearchSpace = {
      ...DEFAULT_SEARCH_SPACE,
      channels: { min: 1, max: 3, step: 1 },
      hidden: [4, 8],
      timesteps: { min: 1, max: 3, step: 1 },
      input: { size: 8, channels: 1 },
    };
    const archs = sampleArchitectures(tiny, 1000, 17);
    expect(archs.length).toBe(1000);
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const start = tf.memory().numTensors;
    let after10 = -1;
    let finite = 0;
    for (let i = 0; i < archs.length; i++) {
      // Alternate the two kernel paths so both are covered.
      const r = await scoreArchitecture(archs[i], x, { seed: i, kernelPath: i % 2 ? 'device' : 'host' });
      if (Number.isFinite(r.score)) finite++;
      if (i === 9) after10 = tf.memory().numTensors;
    }
    const end = tf.memory().numTensors;
    x.dispose();
    expect(after10).toBe(start);
    expect(end).toBe(start);
    // Tiny nets on 4 inputs often fire identically (a singular K); many still score.
    expect(finite).toBeGreaterThan(100);
  });
});
