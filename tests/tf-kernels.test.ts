/**
 * The fused training kernels (kernels.ts) and the ops built on them (ops.ts,
 * batchnorm.ts) equal plain tfjs ops and tfjs autodiff: forward values and
 * gradients, on cpu and on wasm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setFusedTrainingKernels, setTrainingSimd, transpose4, useFused, BN_FORWARD, BN_BACKWARD, AVGPOOL2_GRAD, TIME_SUM, CHANNEL_SUM } from '../src/tf/kernels.ts';
import { avgPool2, channelSum, dense, meanAll, repeatTime, timeMean, timeSum } from '../src/tf/ops.ts';
import { batchNorm, makeBatchNorm } from '../src/tf/batchnorm.ts';
import { makeOptimizer } from '../src/tf/optim.ts';
import { useBackend } from './tf-helpers.ts';
import { setSparsePolicy } from '../src/tf/sparse-choice.ts';
import { conv2d } from '../src/tf/conv.ts';
import { lifMultiStep } from '../src/tf/lif.ts';

function seeded(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return tf.tensor(v, shape);
}
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const maxAbs = (a: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);

/** Plain batch norm over all axes but the last, differentiated by tfjs autodiff. */
function plainBn(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

afterAll(() => setFusedTrainingKernels(true));

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused training kernels on ${backend}`, () => {
    it('are registered and used', async () => {
      await useBackend(backend);
      expect(useFused(BN_FORWARD)).toBe(true);
    });

    for (const shape of [
      [6, 5, 5, 3],
      [24, 7, 7, 16],
      [10, 12],
    ]) {
      it(`batch norm on [${shape}]: forward, running statistics and gradients equal plain ops + autodiff`, async () => {
        await useBackend(backend);
        const c = shape[shape.length - 1];
        const bn = makeBatchNorm(c, `t${backend}${shape.join('x')}`);
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          const x = tf.add(tf.mul(seeded(shape, 11), 3), 0.5);
          bn.gamma.assign(seeded([c], 12, 0.5, 2) as tf.Tensor1D);
          bn.beta.assign(seeded([c], 13) as tf.Tensor1D);
          const r = seeded(shape, 14);
          const [dxRef, dgRef, dbRef] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(plainBn(a, g, b), r)))([x, bn.gamma, bn.beta]);
          const yRef = plainBn(x, bn.gamma, bn.beta);
          for (const fused of [true, false]) {
            setFusedTrainingKernels(fused);
            bn.runningMean.assign(tf.zeros([c]));
            bn.runningVar.assign(tf.ones([c]));
            bn.updates = 0;
            const y = batchNorm(x, bn, true);
            expect(maxAbsDiff(y, yRef)).toBeLessThan(2e-5 * Math.max(1, maxAbs(yRef)));
            // the first update takes the batch statistics (unbiased variance) ...
            const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
            const { mean, variance } = tf.moments(x, axes);
            const n = x.size / c;
            const unbiased = tf.mul(variance, n / (n - 1));
            expect(maxAbsDiff(bn.runningMean, mean)).toBeLessThan(1e-5);
            expect(maxAbsDiff(bn.runningVar, unbiased)).toBeLessThan(1e-4 * Math.max(1, maxAbs(unbiased)));
            // ... later ones average: the k-th with weight max(0.1, 1/k)
            const x2 = tf.mul(x, 2);
            batchNorm(x2, bn, true);
            const { mean: mean2 } = tf.moments(x2, axes);
            expect(maxAbsDiff(bn.runningMean, tf.add(tf.mul(mean, 0.5), tf.mul(mean2, 0.5)))).toBeLessThan(1e-5);
            for (let k = 3; k <= 12; k++) batchNorm(x, bn, true);
            expect(bn.updates).toBe(12);
            const [dx, dg, db] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNorm(a, { ...bn, gamma: g as tf.Variable, beta: b as tf.Variable }, true, { updateRunning: false }), r)))([x, bn.gamma, bn.beta]);
            expect(maxAbsDiff(dx, dxRef)).toBeLessThan(1e-4 * Math.max(1, maxAbs(dxRef)));
            expect(maxAbsDiff(dg, dgRef)).toBeLessThan(1e-4 * Math.max(1, maxAbs(dgRef)));
            expect(maxAbsDiff(db, dbRef)).toBeLessThan(1e-4 * Math.max(1, maxAbs(dbRef)));
          }
          setFusedTrainingKernels(true);
          // eval mode uses the running statistics
          const ye = batchNorm(x, bn, false);
          const yeRef = tf.add(tf.mul(tf.div(tf.sub(x, bn.runningMean), tf.sqrt(tf.add(bn.runningVar, 1e-5))), bn.gamma), bn.beta);
          expect(maxAbsDiff(ye, yeRef)).toBeLessThan(1e-5 * Math.max(1, maxAbs(yeRef)));
        });
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([bn.gamma, bn.beta, bn.runningMean, bn.runningVar]);
      });
    }

    for (const shape of [
      [3, 6, 6, 4],
      [2, 7, 5, 3],
    ]) {
      it(`avg-pool 2×2 on [${shape}]: gradient equals tfjs autodiff${backend === 'wasm' ? ' (cpu reference)' : ''}`, async () => {
        await useBackend('cpu');
        const ref = tf.tidy(() => {
          const r = seeded([shape[0], Math.floor(shape[1] / 2), Math.floor(shape[2] / 2), shape[3]], 3);
          return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, 2, 2, 'valid'), r)))(seeded(shape, 2)).dataSync();
        });
        await useBackend(backend);
        tf.tidy(() => {
          const x = seeded(shape, 2) as tf.Tensor4D;
          const r = seeded([shape[0], Math.floor(shape[1] / 2), Math.floor(shape[2] / 2), shape[3]], 3);
          expect(maxAbsDiff(avgPool2(x), tf.avgPool(x, 2, 2, 'valid'))).toBe(0);
          const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(avgPool2(a as tf.Tensor4D), r)))(x);
          expect(maxAbsDiff(g, tf.tensor(ref, shape))).toBeLessThan(1e-6);
        });
      });
    }

    it('tf.clone keeps its values after the original is disposed (the sharing wasm Identity)', async () => {
      await useBackend(backend);
      useFused(BN_FORWARD); // registers the kernels, including the Identity override on wasm
      const before = tf.memory().numTensors;
      const a = tf.tensor([1, 2, 3, 4], [2, 2]);
      const b = tf.clone(a);
      a.dispose();
      expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
      const c = tf.add(b, 1);
      b.dispose();
      expect(Array.from(c.dataSync())).toEqual([2, 3, 4, 5]);
      c.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const v = tf.variable(tf.tensor([5, 6]));
      const snap = tf.clone(v);
      v.assign(tf.tensor([7, 8]));
      expect(Array.from(snap.dataSync())).toEqual([5, 6]);
      expect(Array.from(v.dataSync())).toEqual([7, 8]);
      tf.dispose([v, snap]);
    });

    it('transpose4 equals tf.transpose for every permutation used', async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const x = seeded([3, 4, 5, 6], 5) as tf.Tensor4D;
        for (const perm of [
          [3, 1, 2, 0],
          [1, 2, 0, 3],
          [0, 1, 3, 2],
          [2, 0, 3, 1],
        ] as [number, number, number, number][]) {
          const y = transpose4(x, perm);
          expect(y.shape).toEqual(perm.map((p) => x.shape[p]));
          expect(maxAbsDiff(y, tf.transpose(x, perm))).toBe(0);
        }
      });
    });

    it('dense (with and without bias) equals matMul + add, with the same gradients; meanAll equals tf.mean', async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const x = seeded([7, 12], 31) as tf.Tensor2D;
        const w = seeded([12, 5], 32) as tf.Tensor2D;
        const b = seeded([5], 33) as tf.Tensor1D;
        const r = seeded([7, 5], 34);
        const got = tf.grads((a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(dense(a as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), r)))([x, w, b]);
        const ref = tf.grads((a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(a, ww), bb), r)))([x, w, b]);
        for (let i = 0; i < 3; i++) expect(maxAbsDiff(got[i], ref[i])).toBeLessThan(1e-5);
        const got2 = tf.grads((a: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(dense(a as tf.Tensor2D, ww as tf.Tensor2D), r)))([x, w]);
        const ref2 = tf.grads((a: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, ww), r)))([x, w]);
        for (let i = 0; i < 2; i++) expect(maxAbsDiff(got2[i], ref2[i])).toBeLessThan(1e-5);
        for (const t of [seeded([4, 3, 3, 8], 35), seeded([6, 5], 36), seeded([9], 37)]) expect(Math.abs(meanAll(t).dataSync()[0] - tf.mean(t).dataSync()[0])).toBeLessThan(1e-6);
      });
    });

    it('the fused and spike kernels take a bool tensor cast to float32 (whose cpu values stay a Uint8Array)', async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const cast = tf.cast(tf.less(seeded([8, 4, 4, 8], 60, 0, 1), 0.3), 'float32') as tf.Tensor4D;
        const copy = tf.mul(cast, 1) as tf.Tensor4D; // the same values in a Float32Array
        expect(maxAbsDiff(channelSum(cast), channelSum(copy))).toBe(0);
        expect(maxAbsDiff(lifMultiStep(cast, 2), lifMultiStep(copy, 2))).toBe(0);
        const w = seeded([3, 3, 8, 4], 61) as tf.Tensor4D;
        expect(maxAbsDiff(conv2d(cast, w, 'same', true, undefined, 'spikes'), conv2d(copy, w, 'same', true, undefined, 'spikes'))).toBe(0);
      });
    });

    it('dense over spike maps (event-driven where faster) equals matMul + add, with the same gradients, at rates from 0 to 1', async () => {
      await useBackend(backend);
      for (const [ri, rate] of [0, 0.1, 0.4, 1].entries()) {
        for (const input of ['spikes', 'pooledSpikes'] as const) {
          tf.tidy(() => {
            const u = seeded([16, 40], 40 + ri, 0, 1);
            const mask = tf.cast(tf.less(seeded([16, 40], 50 + ri, 0, 1), rate), 'float32');
            const x = (input === 'spikes' ? mask : tf.mul(mask, tf.div(tf.ceil(tf.mul(u, 4)), 4))) as tf.Tensor2D;
            const w = seeded([40, 12], 41) as tf.Tensor2D;
            const b = seeded([12], 42) as tf.Tensor1D;
            const r = seeded([16, 12], 43);
            const ref = tf.grads((a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(a, ww), bb), r)))([x, w, b]);
            for (const policy of ['always', 'never', 'auto'] as const) {
              setSparsePolicy(policy);
              const y = dense(x, w, b, input);
              const label = `${input} rate ${rate} ${policy}`;
              // wasm: the same sum in the same order as tf.matMul, bit for bit; cpu: float32-close
              if (backend === 'wasm') expect(maxAbsDiff(y, tf.add(tf.matMul(x, w), b)), label).toBe(0);
              else expect(maxAbsDiff(y, tf.add(tf.matMul(x, w), b)), label).toBeLessThan(1e-5);
              const got = tf.grads((a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(dense(a as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, input), r)))([x, w, b]);
              for (let i = 0; i < 3; i++) expect(maxAbsDiff(got[i], ref[i]), `${label} gradient ${i}`).toBeLessThan(1e-5);
            }
            setSparsePolicy('auto');
          });
        }
      }
    });

    it('the fused Adam and SGD kernels equal the op versions over several steps (with weight decay)', async () => {
      await useBackend(backend);
      for (const name of ['adam', 'sgd'] as const) {
        const results: Float32Array[][] = [];
        for (const fused of [true, false]) {
          setFusedTrainingKernels(fused);
          const vars = [tf.variable(seeded([5, 7], 51)), tf.variable(seeded([3], 52))];
          const opt = makeOptimizer(name, { weightDecay: 0.01 });
          for (let step = 0; step < 4; step++) {
            const grads = [seeded([5, 7], 60 + step), seeded([3], 70 + step)];
            opt.step(vars, grads, 0.01 * (step + 1));
            tf.dispose(grads);
          }
          results.push(vars.map((v) => v.dataSync().slice() as Float32Array));
          opt.dispose();
          tf.dispose(vars);
        }
        setFusedTrainingKernels(true);
        results[0].forEach((a, i) => a.forEach((x, k) => expect(Math.abs(x - results[1][i][k]), `${name}`).toBeLessThan(1e-6)));
        // and they moved
        expect(Math.abs(results[0][0][0] - seeded([5, 7], 51).dataSync()[0])).toBeGreaterThan(1e-3);
      }
    });

    it('channelSum, timeSum, timeMean and repeatTime equal plain ops, with their gradients', async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const T = 3;
        const x = seeded([T * 4, 5, 2], 6);
        expect(maxAbsDiff(channelSum(x), tf.sum(x, [0, 1]))).toBeLessThan(1e-5);
        const plainTimeSum = tf.sum(tf.reshape(x, [T, 4, 5, 2]), 0);
        expect(maxAbsDiff(timeSum(x, T), plainTimeSum)).toBeLessThan(1e-5);
        expect(maxAbsDiff(timeMean(x, T), tf.div(plainTimeSum, T))).toBeLessThan(1e-5);
        const r = seeded([4, 5, 2], 7);
        const gMean = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(timeMean(a, T), r)))(x);
        const gMeanRef = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(tf.reshape(a, [T, 4, 5, 2]), 0), r)))(x);
        expect(maxAbsDiff(gMean, gMeanRef)).toBeLessThan(1e-6);
        const b = seeded([4, 5, 2], 8);
        const rep = repeatTime(b, T);
        expect(maxAbsDiff(rep, tf.tile(b, [T, 1, 1]))).toBe(0);
        const rr = seeded([T * 4, 5, 2], 9);
        const gRep = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(repeatTime(a, T), rr)))(b);
        const gRepRef = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.tile(a, [T, 1, 1]), rr)))(b);
        expect(maxAbsDiff(gRep, gRepRef)).toBeLessThan(1e-5);
      });
    });
  });
}

describe('the WebAssembly SIMD kernels on wasm equal the JS loops', () => {
  const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): Float32Array[] => {
    const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(out) ? out : [out];
    const vals = list.map((t) => t.dataSync() as Float32Array);
    tf.dispose(list);
    return vals;
  };
  const both = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>, tol: number) => {
    setTrainingSimd(false);
    const js = run(name, inputs, attrs);
    setTrainingSimd(true);
    const simd = run(name, inputs, attrs);
    expect(simd.length).toBe(js.length);
    js.forEach((a, i) => {
      expect(simd[i].length).toBe(a.length);
      let worst = 0;
      let scale = 1;
      for (let k = 0; k < a.length; k++) {
        worst = Math.max(worst, Math.abs(a[k] - simd[i][k]));
        scale = Math.max(scale, Math.abs(a[k]));
      }
      expect(worst, `${name} output ${i}`).toBeLessThanOrEqual(tol * scale);
    });
  };
  beforeAll(async () => {
    await useBackend('wasm');
    useFused(BN_FORWARD);
  });
  afterAll(() => setTrainingSimd(true));

  it('batch norm forward and backward (several chunk counts and channel widths)', () => {
    for (const shape of [[3, 300, 32], [2, 9, 9, 8], [700, 4]]) {
      tf.tidy(() => {
        const c = shape[shape.length - 1];
        const x = tf.add(tf.mul(seeded(shape, 41), 2), 0.3);
        const g = seeded([c], 42, 0.5, 1.5);
        const b = seeded([c], 43);
        both(BN_FORWARD, { x, gamma: g, beta: b }, { eps: 1e-5 }, 2e-5);
        const [, mean, , invStd] = tf.engine().runKernel(BN_FORWARD, { x, gamma: g, beta: b }, { eps: 1e-5 }) as tf.Tensor[];
        both(BN_BACKWARD, { dy: seeded(shape, 44), x, mean, invStd, gamma: g }, {}, 2e-5);
      });
    }
  });

  it('avg-pool gradient (even and odd maps), time sum, channel sum, transposes, small-Cin filter gradient', () => {
    tf.tidy(() => {
      for (const [n, h, w, c] of [[3, 8, 6, 4], [2, 7, 5, 8], [1, 3, 3, 12]]) both(AVGPOOL2_GRAD, { dy: seeded([n, Math.floor(h / 2), Math.floor(w / 2), c], 45) }, { h, w }, 0);
      both(TIME_SUM, { x: seeded([4 * 6, 5, 4], 46) }, { timesteps: 4, scale: 1 }, 1e-6);
      both(TIME_SUM, { x: seeded([3 * 2, 8], 47) }, { timesteps: 3, scale: 0.25 }, 1e-6);
      both(CHANNEL_SUM, { x: seeded([37, 3, 16], 48) }, {}, 1e-5);
      for (const perm of [[3, 1, 2, 0], [1, 2, 0, 3]]) both('NeuronasTranspose4', { x: seeded([5, 3, 4, 6], 49) }, { perm }, 0);
      both('NeuronasFilterGradSmall', { x: seeded([3, 7, 6, 1], 50), dy: seeded([3, 7, 6, 8], 51) }, { kh: 3, kw: 3, padTop: 1, padLeft: 1 }, 1e-5);
      both('NeuronasFilterGradSmall', { x: seeded([2, 6, 5, 3], 52), dy: seeded([2, 4, 3, 4], 53) }, { kh: 3, kw: 3, padTop: 0, padLeft: 0 }, 1e-5);
    });
  });
});
