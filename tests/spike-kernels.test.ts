/**
 * The spike-sparse kernels (src/tf/spike-simd.ts, spike-kernels.ts): the
 * event-driven conv equals the dense conv to the last bit on random spike
 * maps of every rate from 0 to 1 (wasm: any map, with or without a bias;
 * cpu: binary maps without a bias, as its own dense conv rounds x·w + acc
 * once in float64), its filter gradient equals the dense gradient to float32
 * rounding, the popcount Gram equals the core's, and a whole candidate
 * scores the same to the last bit with packed spikes as with float spikes,
 * whichever conv path runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parseGenome } from '../src/core/arch/genome.ts';
import { rescaledSumFromSpikes } from '../src/core/snn/score.ts';
import { convFilterGrad } from '../src/tf/conv.ts';
import { setSparsePolicy } from '../src/tf/sparse-choice.ts';
import { buildModel } from '../src/tf/model.ts';
import { scoreArchitecture } from '../src/tf/score.ts';
import { packedConv2d, packedHammingTerm, packedSpikeCount, spikeConv2d, spikeFilterGrad, unpackSpikes, type ConvPads } from '../src/tf/spike-kernels.ts';
import { useBackend } from './tf-helpers.ts';
import { mulberry32 } from './lif-inputs.ts';

/** A spike map firing at `rate`: 0/1, or with `levels` > 1 the values k/levels (pooled spikes). */
function spikeMap(shape: readonly number[], rate: number, seed: number, levels = 1): tf.Tensor4D {
  const r = mulberry32(seed);
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = r() < rate ? Math.ceil(r() * levels) / levels || 1 / levels : 0;
  return tf.tensor4d(v, shape as [number, number, number, number]);
}

function normal(shape: number[], seed: number): tf.Tensor {
  const r = mulberry32(seed);
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return tf.tensor(v, shape);
}

/** Entries whose bits differ (+0 and −0 count as equal). */
function differing(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [a.dataSync(), b.dataSync()];
  let bad = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) bad++;
  return bad;
}

const maxAbs = (a: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

const RATES = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9, 1];

interface Case {
  name: string;
  x: [number, number, number, number];
  k: number;
  cout: number;
  pad: 'same' | 'valid';
}

/** Shapes of the search space (C and 2C channels, 3×3 and 1×1) and the awkward ones: Cin not a multiple of 8, several channel passes, 'valid'. */
const CASES: Case[] = [
  { name: 'cell conv3×3 16→16', x: [6, 9, 9, 16], k: 3, cout: 16, pad: 'same' },
  { name: 'down conv3×3 16→32', x: [4, 8, 7, 16], k: 3, cout: 32, pad: 'same' },
  { name: 'conv1×1 64→64 (two passes)', x: [3, 5, 5, 64], k: 1, cout: 64, pad: 'same' },
  { name: 'conv3×3 12→40 (Cin not a multiple of 8, 40 = 32 + 8 channels)', x: [2, 6, 6, 12], k: 3, cout: 40, pad: 'same' },
  { name: 'conv3×3 128→8 (windows of several words)', x: [2, 4, 5, 128], k: 3, cout: 8, pad: 'same' },
  { name: "conv3×3 24→12 'valid'", x: [2, 7, 6, 24], k: 3, cout: 12, pad: 'valid' },
];

function padsOf(k: number, pad: 'same' | 'valid'): ConvPads {
  const p = pad === 'same' ? (k - 1) / 2 : 0;
  return { top: p, bottom: p, left: p, right: p };
}

afterAll(() => setSparsePolicy('auto'));

describe('event-driven conv on wasm equals the dense conv bit for bit', () => {
  for (const c of CASES) {
    it(`${c.name}, at every rate from 0 to 1, binary and pooled maps, with and without a bias`, async () => {
      await useBackend('wasm');
      const w = normal([c.k, c.k, c.x[3], c.cout], 3) as tf.Tensor4D;
      const bias = normal([c.cout], 4) as tf.Tensor1D;
      for (const [ri, rate] of RATES.entries()) {
        for (const levels of [1, 4]) {
          tf.tidy(() => {
            const x = spikeMap(c.x, rate, 100 + ri, levels);
            const sparse = spikeConv2d(x, w, padsOf(c.k, c.pad), levels > 1, 1);
            expect(differing(sparse.y, tf.conv2d(x, w, 1, c.pad)), `rate ${rate} levels ${levels}`).toBe(0);
            const withBias = spikeConv2d(x, w, padsOf(c.k, c.pad), levels > 1, 1, bias).y;
            expect(differing(withBias, tf.fused.conv2d({ x, filter: w, strides: 1, pad: c.pad, bias })), `bias, rate ${rate}`).toBe(0);
            // the count of active inputs, and the dense branch of the same kernel
            expect(sparse.active.dataSync()[0]).toBe(tf.sum(tf.notEqual(x, 0)).dataSync()[0]);
            expect(differing(spikeConv2d(x, w, padsOf(c.k, c.pad), levels > 1, -1).y, sparse.y)).toBe(0);
            if (levels === 1) {
              const packed = { bits: sparse.bits, shape: x.shape };
              expect(differing(packedConv2d(packed, w, padsOf(c.k, c.pad)), sparse.y)).toBe(0);
              expect(differing(unpackSpikes(packed), x)).toBe(0);
            }
          });
        }
      }
      tf.dispose([w, bias]);
    });
  }
});

describe('event-driven conv on cpu', () => {
  it('equals the cpu dense conv bit for bit on binary maps, and to float32 rounding with a bias or pooled maps', async () => {
    await useBackend('cpu');
    for (const c of CASES.slice(0, 4)) {
      const w = normal([c.k, c.k, c.x[3], c.cout], 5) as tf.Tensor4D;
      const bias = normal([c.cout], 6) as tf.Tensor1D;
      for (const [ri, rate] of [0, 0.1, 0.5, 1].entries()) {
        tf.tidy(() => {
          const x = spikeMap(c.x, rate, 200 + ri);
          expect(differing(spikeConv2d(x, w, padsOf(c.k, c.pad), false, 1).y, tf.conv2d(x, w, 1, c.pad)), `${c.name} rate ${rate}`).toBe(0);
          const ref = tf.fused.conv2d({ x, filter: w, strides: 1, pad: c.pad, bias });
          expect(maxAbsDiff(spikeConv2d(x, w, padsOf(c.k, c.pad), false, 1, bias).y, ref)).toBeLessThanOrEqual(2e-6 * Math.max(1, maxAbs(ref)));
          const pooled = spikeMap(c.x, rate, 300 + ri, 4);
          const refPooled = tf.conv2d(pooled, w, 1, c.pad);
          expect(maxAbsDiff(spikeConv2d(pooled, w, padsOf(c.k, c.pad), true, 1).y, refPooled)).toBeLessThanOrEqual(2e-6 * Math.max(1, maxAbs(refPooled)));
        });
      }
      tf.dispose([w, bias]);
    }
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`event-driven filter gradient on ${backend}`, () => {
    it('equals the dense filter gradient to float32 rounding, at every rate, binary and pooled maps', async () => {
      await useBackend(backend);
      for (const c of CASES) {
        for (const [ri, rate] of [0, 0.05, 0.25, 0.9, 1].entries()) {
          for (const levels of [1, 4]) {
            tf.tidy(() => {
              const x = spikeMap(c.x, rate, 400 + ri, levels);
              const dy = normal([c.x[0], ...tf.conv2d(x, tf.zeros([c.k, c.k, c.x[3], c.cout]) as tf.Tensor4D, 1, c.pad).shape.slice(1, 3), c.cout], 7) as tf.Tensor4D;
              const { bits } = spikeConv2d(x, tf.zeros([c.k, c.k, c.x[3], c.cout]) as tf.Tensor4D, padsOf(c.k, c.pad), levels > 1, 1);
              const got = spikeFilterGrad(bits, x, dy, c.k, c.k, padsOf(c.k, c.pad), levels > 1);
              const ref = convFilterGrad(x, dy, c.k, c.k, c.pad);
              // float32 sums of up to N·H·W terms in another order: a few ulps of the largest partial sum
              expect(maxAbsDiff(got, ref), `${c.name} rate ${rate} levels ${levels}`).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(ref)));
              if (rate === 0) expect(maxAbs(got)).toBe(0);
            });
          }
        }
      }
    });
  });
}

describe('popcount Gram (wasm)', () => {
  it('equals the core rescaledSumFromSpikes to the last bit, for any rate and neuron count', async () => {
    await useBackend('wasm');
    for (const [T, B, n] of [
      [3, 5, 24],
      [2, 7, 200],
      [4, 6, 128],
      [1, 3, 8],
    ]) {
      for (const [ri, rate] of [0, 0.07, 0.5, 1].entries()) {
        tf.tidy(() => {
          // pack through the conv kernel (a 1×1 conv over [T·B, 1, n/8, 8])
          const x = spikeMap([T * B, 1, n / 8, 8], rate, 500 + ri);
          const { bits } = spikeConv2d(x, tf.zeros([1, 1, 8, 4]) as tf.Tensor4D, padsOf(1, 'same'), false, 1);
          const packed = { bits, shape: [T * B, n] };
          const got = packedHammingTerm(packed, T, B);
          const ref = rescaledSumFromSpikes(x.dataSync(), T, B, n);
          expect(got.spikeCount).toBe(ref.spikeCount);
          expect(packedSpikeCount(packed)).toBe(ref.spikeCount);
          expect(Array.from(got.mSum)).toEqual(Array.from(ref.mSum));
        });
      }
    }
  });
});

describe('a whole candidate with packed spikes', () => {
  // The default genome, one with a 1×1-heavy cell, a narrow one whose C = 12 is not a multiple of 8, and T = 1.
  const GENOMES = ['c16-h128-t4-w8-301203', 'c8-h64-t3-w8-222332', 'c12-h32-t2-w8-331133', 'c8-h64-t1-w8-321132'];

  it('gives the same spikes and rates in every LIF layer and the same logits, bit for bit, on wasm', async () => {
    await useBackend('wasm');
    const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    for (const g of GENOMES) {
      const model = buildModel(parseGenome(g), { seed: 1 });
      for (const policy of ['always', 'never', 'auto'] as const) {
        setSparsePolicy(policy);
        tf.tidy(() => {
          const f = model.forward(x, { training: true, freezeStats: true, collectSpikes: true });
          const p = model.forward(x, { training: true, freezeStats: true, collectSpikes: true, packedSpikes: true });
          expect(differing(p.logits, f.logits), `${g} ${policy} logits`).toBe(0);
          expect(differing(p.lifRates, f.lifRates), `${g} ${policy} rates`).toBe(0);
          for (const [i, s] of p.spikes!.entries()) {
            expect(s.packed, `${g} ${s.name} packed`).toBeDefined();
            expect(differing(unpackSpikes(s.packed!), f.spikes![i].spikes!), `${g} ${s.name}`).toBe(0);
          }
        });
      }
      model.dispose();
    }
    setSparsePolicy('auto');
    x.dispose();
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`scores the same to the last bit as with float spikes, whichever conv path runs, on ${backend}`, async () => {
      await useBackend(backend);
      const x = tf.randomUniform([12, 28, 28, 1], 0, 1, 'float32', 10) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      for (const g of backend === 'wasm' ? GENOMES : GENOMES.slice(1, 3)) {
        const arch = parseGenome(g);
        const float = await scoreArchitecture(arch, x, { seed: 3, spikeForm: 'float' });
        expect(float.form).toBe('float');
        for (const policy of ['always', 'never', 'auto'] as const) {
          setSparsePolicy(policy);
          const packed = await scoreArchitecture(arch, x, { seed: 3, spikeForm: 'packed' });
          expect(packed.form).toBe('packed');
          expect(packed.score, `${g} ${policy}`).toBe(float.score);
          expect(packed.meanRate, `${g} ${policy}`).toBe(float.meanRate);
          expect(packed.kernels).toBe(float.kernels);
        }
      }
      setSparsePolicy('auto');
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  }
});
