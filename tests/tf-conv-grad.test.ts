/**
 * The custom conv gradient (input grad by a flipped-kernel conv, filter grad
 * as one conv over transposed tensors) equals tfjs autodiff of tf.conv2d on
 * the cpu backend, and gives the same numbers on wasm (which lacks
 * Conv2DBackpropFilter, so autodiff cannot run there at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { conv2d, type ConvPad } from '../src/tf/conv.ts';
import { useBackend } from './tf-helpers.ts';
import { setFusedTrainingKernels } from '../src/tf/kernels.ts';
import { setSparsePolicy } from '../src/tf/sparse-choice.ts';

function seeded(shape: number[], seed: number): tf.Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 31 - 1;
  }
  return tf.tensor(v, shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
function maxAbs(a: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
}

interface Case {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  pad: ConvPad;
}
const CASES: Case[] = [
  { n: 2, h: 5, w: 5, cin: 3, cout: 4, k: 3, pad: 'same' },
  { n: 3, h: 7, w: 6, cin: 2, cout: 5, k: 3, pad: 'valid' },
  { n: 4, h: 6, w: 6, cin: 5, cout: 3, k: 1, pad: 'same' },
  { n: 1, h: 4, w: 9, cin: 1, cout: 8, k: 1, pad: 'valid' },
  { n: 4, h: 14, w: 14, cin: 16, cout: 32, k: 3, pad: 'same' },
  { n: 5, h: 9, w: 9, cin: 4, cout: 6, k: 3, pad: 'valid' },
  { n: 2, h: 6, w: 6, cin: 3, cout: 2, k: 2, pad: 'same' },
];

/** Autodiff reference: gradients of Σ conv(x, w) ⊙ r (r a fixed random cotangent). */
function reference(c: Case, seed: number): { dx: tf.Tensor; dw: tf.Tensor; y: tf.Tensor } {
  const x = seeded([c.n, c.h, c.w, c.cin], seed) as tf.Tensor4D;
  const w = seeded([c.k, c.k, c.cin, c.cout], seed + 1) as tf.Tensor4D;
  const y = tf.conv2d(x, w, 1, c.pad);
  const r = seeded(y.shape, seed + 2);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad), r)));
  const [dx, dw] = g([x, w]);
  return { dx, dw, y };
}
function custom(c: Case, seed: number): { dx: tf.Tensor; dw: tf.Tensor; y: tf.Tensor } {
  const x = seeded([c.n, c.h, c.w, c.cin], seed) as tf.Tensor4D;
  const w = seeded([c.k, c.k, c.cin, c.cout], seed + 1) as tf.Tensor4D;
  const y = conv2d(x, w, c.pad);
  const r = seeded(y.shape, seed + 2);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.pad), r)));
  const [dx, dw] = g([x, w]);
  return { dx, dw, y };
}

describe('custom conv gradient on cpu equals tfjs autodiff', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  for (const [i, c] of CASES.entries()) {
    it(`k=${c.k} pad=${c.pad} x=[${c.n},${c.h},${c.w},${c.cin}] cout=${c.cout}`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const ref = reference(c, 100 + i);
        const got = custom(c, 100 + i);
        expect(got.y.shape).toEqual(ref.y.shape);
        expect(got.dx.shape).toEqual(ref.dx.shape);
        expect(got.dw.shape).toEqual(ref.dw.shape);
        expect(maxAbsDiff(got.y, ref.y)).toBe(0);
        // float32 sums in a different order: relative tolerance on the gradient's scale
        expect(maxAbsDiff(got.dx, ref.dx)).toBeLessThan(1e-5 * Math.max(1, maxAbs(ref.dx)));
        expect(maxAbsDiff(got.dw, ref.dw)).toBeLessThan(1e-5 * Math.max(1, maxAbs(ref.dw)));
        expect(maxAbs(ref.dw)).toBeGreaterThan(0.1);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }
  it('with a bias: the bias gradient is the channel sum, and the plain-op path (no fused kernels) agrees', () => {
    for (const fused of [true, false]) {
      setFusedTrainingKernels(fused);
      tf.tidy(() => {
        const x = seeded([3, 6, 6, 4], 21) as tf.Tensor4D;
        const w = seeded([3, 3, 4, 5], 22) as tf.Tensor4D;
        const b = seeded([5], 23) as tf.Tensor1D;
        const r = seeded([3, 6, 6, 5], 24);
        const f = (a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(conv2d(a as tf.Tensor4D, ww as tf.Tensor4D, 'same', true, bb as tf.Tensor1D), r));
        const fRef = (a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.conv2d(a as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same'), bb), r));
        const got = tf.grads(f)([x, w, b]);
        const ref = tf.grads(fRef)([x, w, b]);
        for (let i = 0; i < 3; i++) expect(maxAbsDiff(got[i], ref[i])).toBeLessThan(1e-5 * Math.max(1, maxAbs(ref[i])));
        expect(maxAbsDiff(conv2d(x, w, 'same', true, b), tf.add(tf.conv2d(x, w, 1, 'same'), b))).toBeLessThan(1e-5);
      });
    }
    setFusedTrainingKernels(true);
  });
  it('inputGrad=false returns zeros for x and the same filter gradient', () => {
    tf.tidy(() => {
      const c = CASES[0];
      const x = seeded([c.n, c.h, c.w, c.cin], 7) as tf.Tensor4D;
      const w = seeded([c.k, c.k, c.cin, c.cout], 8) as tf.Tensor4D;
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 'same', false))))([x, w]);
      const [, dwRef] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))))([x, w]);
      expect(maxAbs(dx)).toBe(0);
      expect(maxAbsDiff(dw, dwRef)).toBeLessThan(1e-5 * maxAbs(dwRef));
    });
  });
});

describe('custom conv gradient on wasm equals cpu autodiff', () => {
  const refs: { dx: Float32Array; dw: Float32Array }[] = [];
  beforeAll(async () => {
    await useBackend('cpu');
    for (const [i, c] of CASES.entries()) {
      tf.tidy(() => {
        const r = reference(c, 300 + i);
        refs.push({ dx: r.dx.dataSync() as Float32Array, dw: r.dw.dataSync() as Float32Array });
      });
    }
    await useBackend('wasm');
  });
  afterAll(async () => {
    await useBackend('cpu');
  });
  it('wasm has no Conv2DBackpropFilter kernel (why the custom gradient exists)', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Conv2D', 'wasm')).toBeDefined();
    expect(() => tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))(tf.ones([3, 3, 1, 1])))).toThrow();
  });
  for (const [i, c] of CASES.entries()) {
    it(`k=${c.k} pad=${c.pad} x=[${c.n},${c.h},${c.w},${c.cin}] cout=${c.cout}`, () => {
      tf.tidy(() => {
        const got = custom(c, 300 + i);
        const dxRef = tf.tensor(refs[i].dx, got.dx.shape);
        const dwRef = tf.tensor(refs[i].dw, got.dw.shape);
        expect(maxAbsDiff(got.dx, dxRef)).toBeLessThan(1e-5 * Math.max(1, maxAbs(dxRef)));
        expect(maxAbsDiff(got.dw, dwRef)).toBeLessThan(1e-5 * Math.max(1, maxAbs(dwRef)));
      });
    });
  }
});

/** A spike map: 0/1 at `rate`, or (pooled) multiples of 1/4. */
function spikeMap(shape: number[], rate: number, seed: number, pooled: boolean): tf.Tensor4D {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = next() < rate ? (pooled ? Math.ceil(next() * 4) / 4 || 0.25 : 1) : 0;
  return tf.tensor4d(v, shape as [number, number, number, number]);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`conv over spike inputs (event-driven forward and filter gradient) on ${backend}`, () => {
    afterAll(() => setSparsePolicy('auto'));
    for (const input of ['spikes', 'pooledSpikes'] as const) {
      it(`${input}: value, input, filter and bias gradients equal the dense path's, at spike rates from 0 to 1, whichever kernel runs`, async () => {
        await useBackend(backend);
        for (const c of [
          { n: 4, h: 9, w: 9, cin: 16, cout: 16, k: 3, pad: 'same' as ConvPad },
          { n: 3, h: 7, w: 6, cin: 24, cout: 40, k: 3, pad: 'valid' as ConvPad },
          { n: 2, h: 6, w: 6, cin: 32, cout: 8, k: 1, pad: 'same' as ConvPad },
        ]) {
          for (const [ri, rate] of [0, 0.08, 0.3, 1].entries()) {
            tf.tidy(() => {
              const x = spikeMap([c.n, c.h, c.w, c.cin], rate, 700 + ri, input === 'pooledSpikes');
              const w = seeded([c.k, c.k, c.cin, c.cout], 800 + ri) as tf.Tensor4D;
              const bias = seeded([c.cout], 900 + ri) as tf.Tensor1D;
              const run = (policy: 'always' | 'never', kind: 'dense' | typeof input) => {
                setSparsePolicy(policy);
                const y = conv2d(x, w, c.pad, true, bias, kind);
                const r = seeded(y.shape, 1000 + ri);
                const [dx, dw, db] = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.pad, true, d as tf.Tensor1D, kind), r)))([x, w, bias]);
                return { y, dx, dw, db };
              };
              const dense = run('never', 'dense');
              for (const policy of ['always', 'never'] as const) {
                const got = run(policy, input);
                const label = `${c.k}×${c.k} ${c.cin}→${c.cout} rate ${rate} ${policy}`;
                // wasm: the event-driven forward is XNNPACK's sum to the last bit; cpu: its own dense conv adds the bias last
                if (backend === 'wasm') expect(maxAbsDiff(got.y, dense.y), label).toBe(0);
                else expect(maxAbsDiff(got.y, dense.y), label).toBeLessThanOrEqual(2e-6 * Math.max(1, maxAbs(dense.y)));
                expect(maxAbsDiff(got.dx, dense.dx), label).toBe(0);
                expect(maxAbsDiff(got.db, dense.db), label).toBe(0);
                expect(maxAbsDiff(got.dw, dense.dw), label).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(dense.dw)));
              }
            });
          }
        }
      });
    }
  });
}
