/**
 * Uniform symmetric per-layer weight quantization: values on the grid, at
 * most 2^b − 1 levels, error ≤ scale/2, the tensor version equals the array
 * reference, the straight-through estimator passes the gradient unchanged,
 * and a model's weights quantize and restore.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { QuantizeError, fakeQuantize, qMax, quantScale, quantizeArray, quantizeModelWeights, quantizeTensor } from '../src/tf/quantize.ts';
import { buildModel } from '../src/tf/model.ts';
import { DEFAULT_ARCHITECTURE } from '../src/core/arch/genome.ts';
import { useBackend } from './tf-helpers.ts';

function weights(n: number, seed: number, spread = 0.3): Float32Array {
  let s = seed >>> 0;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    v[i] = Math.fround(spread * Math.tan(Math.PI * (u - 0.5)) * 0.2); // heavy-ish tails
  }
  return v;
}

describe('quantizeArray', () => {
  for (const bits of [4, 8, 16]) {
    it(`${bits} bits: codes in ±(2^(b−1)−1), values = code·scale, ≤ 2^b − 1 levels, error ≤ scale/2`, () => {
      const w = weights(5000, bits);
      const q = quantizeArray(w, bits);
      const maxAbs = w.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      expect(q.scale).toBe(Math.fround(maxAbs / (2 ** (bits - 1) - 1)));
      expect(q.scale).toBe(Math.fround(quantScale(maxAbs, bits)));
      const levels = new Set<number>();
      for (let i = 0; i < w.length; i++) {
        expect(Number.isInteger(q.codes[i])).toBe(true);
        expect(Math.abs(q.codes[i])).toBeLessThanOrEqual(qMax(bits));
        expect(q.values[i] === Math.fround(q.codes[i] * q.scale)).toBe(true);
        expect(Math.abs(w[i] - q.values[i])).toBeLessThanOrEqual(q.scale / 2 + 1e-6 * maxAbs);
        levels.add(q.codes[i]);
      }
      expect(levels.size).toBeLessThanOrEqual(2 ** bits - 1);
      // the extremes land exactly on ±q_max
      expect(Math.max(...q.codes.map(Math.abs))).toBe(qMax(bits));
      if (bits === 4) {
        // uniformly spread weights use every one of the 15 levels of a 4-bit grid
        const u = quantizeArray(Float32Array.from({ length: 1000 }, (_, i) => -1 + (2 * i) / 999), 4);
        expect(new Set(u.codes).size).toBe(15);
      }
    });
  }
  it('an all-zero layer stays zero; bad widths are rejected', () => {
    const q = quantizeArray(new Float32Array(10), 8);
    expect(q.scale).toBe(0);
    expect(Array.from(q.values)).toEqual(new Array(10).fill(0));
    expect(() => quantizeArray(new Float32Array(3), 1)).toThrow(QuantizeError);
    expect(() => quantizeArray(new Float32Array(3), 17)).toThrow(/2 to 16/);
    expect(() => quantizeArray(new Float32Array(3), 4.5)).toThrow(QuantizeError);
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`quantization in tfjs on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('quantizeTensor equals quantizeArray exactly (same float32 ops) and fakeQuantize has the same forward value', () => {
      for (const bits of [4, 8, 16]) {
        const w = weights(3000, 100 + bits);
        // exact ties w/scale = k + ½ round to even in both
        w[0] = 0.3;
        const ref = quantizeArray(w, bits);
        w[1] = Math.fround(2.5 * ref.scale);
        w[2] = Math.fround(-3.5 * ref.scale);
        const ref2 = quantizeArray(w, bits);
        expect(ref2.codes[1] === 2 || Math.fround(w[1] / ref2.scale) !== 2.5).toBe(true);
        tf.tidy(() => {
          const t = tf.tensor(w);
          const got = quantizeTensor(t, bits).dataSync();
          const fq = fakeQuantize(t, bits).dataSync();
          expect(Array.from(got)).toEqual(Array.from(ref2.values));
          expect(Array.from(fq)).toEqual(Array.from(got));
        });
      }
    });

    it('the straight-through estimator passes the gradient through unchanged', () => {
      tf.tidy(() => {
        const w = tf.tensor(weights(64, 7));
        const r = tf.tensor(weights(64, 8));
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fakeQuantize(x, 4), r)))(w);
        expect(Array.from(g.dataSync())).toEqual(Array.from(r.dataSync()));
        const g2 = tf.grad((x: tf.Tensor) => tf.sum(tf.square(fakeQuantize(x, 8))))(w);
        // d/dw Σ q(w)² = 2·q(w) under STE
        const q = quantizeTensor(w, 8).dataSync();
        g2.dataSync().forEach((v, i) => expect(v).toBeCloseTo(2 * q[i], 5));
      });
    });

    it("quantizeModelWeights puts every layer-list weight on its own b-bit grid and restore() brings the floats back", () => {
      const m = buildModel({ ...DEFAULT_ARCHITECTURE, channels: 4, hidden: 16, timesteps: 2 }, { seed: 1 });
      const before = new Map([...m.weights].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
      const others = m.trainable.filter((v) => ![...m.weights.values()].includes(v)).map((v) => v.dataSync().slice());
      for (const bits of [4, 8, 16]) {
        const q = quantizeModelWeights(m, bits);
        for (const [name, v] of m.weights) {
          const vals = v.dataSync();
          const scale = q.scales.get(name)!;
          const maxAbs = before.get(name)!.reduce((a: number, x: number) => Math.max(a, Math.abs(x)), 0);
          expect(scale).toBeCloseTo(maxAbs / qMax(bits), 7);
          const levels = new Set<number>();
          vals.forEach((x, i) => {
            const code = Math.round(x / scale);
            expect(Math.abs(x - code * scale)).toBeLessThan(1e-6 * maxAbs);
            expect(Math.abs(code)).toBeLessThanOrEqual(qMax(bits));
            expect(Math.abs(x - before.get(name)![i])).toBeLessThanOrEqual(scale / 2 + 1e-6 * maxAbs);
            levels.add(code);
          });
          expect(levels.size).toBeLessThanOrEqual(2 ** bits - 1);
        }
        q.restore();
        for (const [name, v] of m.weights) expect(Array.from(v.dataSync())).toEqual(Array.from(before.get(name)!));
      }
      // biases and batch-norm parameters are never touched
      m.trainable.filter((v) => ![...m.weights.values()].includes(v)).forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(others[i])));
      m.dispose();
    });
  });
}
