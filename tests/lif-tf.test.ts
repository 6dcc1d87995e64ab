/**
 * The tfjs LIF layer against the reference simulator, and the fused kernels
 * against the unfused ops, on the cpu and wasm backends.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIF, REFERENCE_NET_LIF, referenceInputGrad, simulate, type LifConfig } from '../src/core/snn/lif.ts';
import { LIF_BACKWARD, LIF_FORWARD, hasFusedLif, setLifSimd } from '../src/tf/lif-kernels.ts';
import { effectiveLifImpl, getLifImpl, lifMultiStep, lifMultiStepPacked, lifMultiStepWithState, setLifImpl, type LifImpl } from '../src/tf/lif.ts';
import { unpackSpikes } from '../src/tf/spike-kernels.ts';
import { lifInputValues } from './lif-inputs.ts';

const require = createRequire(import.meta.url);
// Single-threaded SIMD build, as the studio runs WASM in Node.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');

const sj = (over: Partial<LifConfig & { model: 'spikingjelly' }>): LifConfig => ({ ...DEFAULT_LIF, ...over }) as LifConfig;

/** Every reset, charge form, detach option and surrogate. */
const CONFIGS: [string, LifConfig][] = [
  ['snnTorch subtract, fast sigmoid (reference net)', REFERENCE_NET_LIF],
  ['snnTorch zero, ATan', { model: 'snntorch', beta: 0.5, threshold: 1, reset: 'zero', surrogate: { kind: 'atan', alpha: 2 } }],
  ['snnTorch subtract θ=0.5, ATan α=3', { model: 'snntorch', beta: 0.95, threshold: 0.5, reset: 'subtract', surrogate: { kind: 'atan', alpha: 3 } }],
  ['SpikingJelly default (hard 0, decay_input, detached)', DEFAULT_LIF],
  ['SpikingJelly hard −0.3, decay_input, attached, fast sigmoid', sj({ vReset: -0.3, detachReset: false, surrogate: { kind: 'fastSigmoid', k: 25 } })],
  ['SpikingJelly hard 0.2, no decay_input, attached', sj({ tau: 2.5, vReset: 0.2, decayInput: false, detachReset: false })],
  ['SpikingJelly hard 0, no decay_input, detached', sj({ tau: 3, decayInput: false })],
  ['SpikingJelly soft, decay_input, attached', sj({ reset: 'soft', detachReset: false })],
  ['SpikingJelly soft, no decay_input, detached, τ=2', sj({ tau: 2, reset: 'soft', decayInput: false })],
];

/** Configs whose constants are dyadic (β = 0.5, τ = 2): with inputs in steps of 1/8 every value is exact and ties with θ happen. */
const DYADIC: [string, LifConfig][] = [
  ['snnTorch subtract β=0.5', { model: 'snntorch', beta: 0.5, threshold: 1, reset: 'subtract', surrogate: { kind: 'fastSigmoid', k: 5 } }],
  ['snnTorch zero β=0.5', { model: 'snntorch', beta: 0.5, threshold: 1, reset: 'zero', surrogate: { kind: 'fastSigmoid', k: 5 } }],
  ['SpikingJelly hard τ=2', sj({ tau: 2 })],
  ['SpikingJelly soft τ=2 no decay_input', sj({ tau: 2, reset: 'soft', decayInput: false, detachReset: false })],
];

const T = 6;
const SHAPE = [T * 4, 3, 3, 2]; // B = 4, N = 72 neurons per step

function randomInput(seed: number, dyadic = false): tf.Tensor {
  return tf.tensor(lifInputValues(seed, SHAPE.reduce((a, b) => a * b, 1), dyadic), SHAPE);
}

/** Per neuron (time-major [T, N] view), the reference simulator's float32 trace. */
function referenceTraces(cfg: LifConfig, x: Float32Array, N: number) {
  return Array.from({ length: N }, (_, n) => simulate(cfg, Array.from({ length: T }, (_, t) => x[t * N + n]), { float32: true }));
}

/** Exact comparison (+0 and −0 count as equal); returns the number of differing entries. */
function countDifferent(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) bad++;
  return bad;
}

function checkAgainstReference(cfg: LifConfig, x: tf.Tensor, impl: LifImpl): { spikes: number } {
  const xs = x.dataSync() as Float32Array;
  const N = x.size / T;
  const refs = referenceTraces(cfg, xs, N);
  const flat = (pick: (t: number, n: number) => number) => {
    const out = new Float32Array(x.size);
    for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) out[t * N + n] = pick(t, n);
    return out;
  };
  const st = lifMultiStepWithState(x, T, cfg, { impl });
  try {
    expect(st.spikes.shape).toEqual(x.shape);
    expect(st.spikes.dtype).toBe('float32');
    expect(countDifferent(st.spikes.dataSync(), flat((t, n) => refs[n].spikes[t]))).toBe(0);
    expect(countDifferent(st.membrane.dataSync(), flat((t, n) => refs[n].membrane[t]))).toBe(0);
    if (cfg.model === 'spikingjelly') {
      expect(st.charge).toBeDefined();
      expect(countDifferent(st.charge!.dataSync(), flat((t, n) => refs[n].charge![t]))).toBe(0);
    } else {
      expect(st.charge).toBeUndefined();
    }
    // lifMultiStep gives the same spikes as the stateful variant.
    const s = lifMultiStep(x, T, cfg, { impl });
    expect(countDifferent(s.dataSync(), st.spikes.dataSync())).toBe(0);
    const total = (s.sum().dataSync() as Float32Array)[0];
    s.dispose();
    return { spikes: total };
  } finally {
    tf.dispose([st.spikes, st.membrane, ...(st.charge ? [st.charge] : [])]);
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (1e-5 + 1e-4 * Math.abs(expected[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: entry ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(1);
}

// The fused kernels run as WebAssembly SIMD when a row of neurons fills
// whole vectors (N % 4 = 0, true of every shape below) and as JS loops
// otherwise; both forms are checked on both backends, the loops by switching
// SIMD off.
for (const [backend, simd] of [['cpu', true], ['cpu', false], ['wasm', true], ['wasm', false]] as const) {
  describe(`LIF layer on ${backend} (${simd ? 'SIMD' : 'JS-loop'} kernels)`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
      expect(tf.getBackend()).toBe(backend);
      setLifSimd(simd);
    });

    it('runs the fused kernels by default here', () => {
      expect(hasFusedLif(backend)).toBe(true);
      expect(getLifImpl()).toBe('fused');
      expect(effectiveLifImpl()).toBe('fused');
      expect(effectiveLifImpl({ impl: 'unfused' })).toBe('unfused');
    });

    for (const impl of ['fused', 'unfused'] as const) {
      it(`${impl}: forward equals the reference simulator bit for bit, for every convention`, () => {
        CONFIGS.forEach(([name, cfg], i) => {
          const x = randomInput(100 + i);
          const { spikes } = checkAgainstReference(cfg, x, impl);
          // The inputs must exercise both firing and silence, or the check proves little.
          expect(spikes, name).toBeGreaterThan(x.size * 0.05);
          expect(spikes, name).toBeLessThan(x.size * 0.95);
          x.dispose();
        });
      });

      it(`${impl}: exact ties with the threshold follow each library (U > θ strict, H ≥ θ not)`, () => {
        DYADIC.forEach(([name, cfg], i) => {
          const x = randomInput(200 + i, true);
          const xs = x.dataSync() as Float32Array;
          const N = x.size / T;
          const refs = referenceTraces(cfg, xs, N);
          const pre = (n: number, t: number) => (cfg.model === 'snntorch' ? refs[n].membrane[t] : refs[n].charge![t]);
          let ties = 0;
          for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) if (pre(n, t) === cfg.threshold) ties++;
          expect(ties, `${name}: the dyadic inputs must produce exact ties`).toBeGreaterThan(3);
          checkAgainstReference(cfg, x, impl);
          x.dispose();
        });
      });
    }

    it('gradients: fused kernel = autodiff of the unfused ops = hand-derived BPTT', () => {
      CONFIGS.forEach(([name, cfg], i) => {
        const x = randomInput(300 + i);
        const w = randomInput(400 + i);
        const N = x.size / T;
        // dL/dspikes = w: tf.grad's second argument is the upstream gradient.
        const gFused = tf.grad((v: tf.Tensor) => lifMultiStep(v, T, cfg, { impl: 'fused' }))(x, w);
        const gUnfused = tf.grad((v: tf.Tensor) => lifMultiStep(v, T, cfg, { impl: 'unfused' }))(x, w);
        const xs = x.dataSync();
        const ws = w.dataSync();
        const ref = new Float32Array(x.size);
        for (let n = 0; n < N; n++) {
          const seq = Array.from({ length: T }, (_, t) => xs[t * N + n]);
          const dS = Array.from({ length: T }, (_, t) => ws[t * N + n]);
          const g = referenceInputGrad(cfg, seq, dS, { float32: true });
          for (let t = 0; t < T; t++) ref[t * N + n] = g[t];
        }
        expect(gFused.shape).toEqual(x.shape);
        expectClose(gFused.dataSync(), gUnfused.dataSync(), `${name} fused vs unfused`);
        expectClose(gFused.dataSync(), ref, `${name} fused vs reference`);
        // Not trivially zero: the surrogate reaches most inputs.
        const nonzero = Array.from(gFused.dataSync()).filter((v) => Math.abs(v) > 1e-6).length;
        expect(nonzero, name).toBeGreaterThan(x.size / 2);
        tf.dispose([x, w, gFused, gUnfused]);
      });
    });

    it('gradients flow through surrounding ops to a weight (optimizer-style), equal for both paths', () => {
      const x = randomInput(500);
      const cfg = REFERENCE_NET_LIF;
      const grads = (['fused', 'unfused'] as const).map((impl) => {
        const w = tf.variable(tf.tensor1d([0.8, 1.3]), true, `w_${backend}_${simd}_${impl}`);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(lifMultiStep(tf.mul(x, w), T, cfg, { impl }), tf.linspace(-1, 1, 2))) as tf.Scalar, [w]);
        const out = { loss: value.dataSync()[0], dw: Array.from(grads[w.name].dataSync()) };
        tf.dispose([value, grads[w.name], w]);
        return out;
      });
      expect(grads[0].loss).toBe(grads[1].loss);
      expectClose(grads[0].dw, grads[1].dw, 'dL/dw');
      expect(Math.abs(grads[0].dw[0]) + Math.abs(grads[0].dw[1])).toBeGreaterThan(0.1);
      x.dispose();
    });

    it('leaks no tensors, with or without a gradient tape', () => {
      const x = randomInput(600);
      for (const impl of ['fused', 'unfused'] as const) {
        for (const [, cfg] of [CONFIGS[0], CONFIGS[4]]) {
          const before = tf.memory().numTensors;
          tf.tidy(() => {
            lifMultiStep(x, T, cfg, { impl });
          });
          expect(tf.memory().numTensors).toBe(before);
          const s = lifMultiStep(x, T, cfg, { impl });
          expect(tf.memory().numTensors).toBe(before + 1);
          s.dispose();
          const st = lifMultiStepWithState(x, T, cfg, { impl });
          tf.dispose([st.spikes, st.membrane, ...(st.charge ? [st.charge] : [])]);
          expect(tf.memory().numTensors).toBe(before);
          for (let k = 0; k < 3; k++) tf.grad((v: tf.Tensor) => lifMultiStep(v, T, cfg, { impl }))(x).dispose();
          expect(tf.memory().numTensors).toBe(before);
        }
      }
      x.dispose();
    });

    it('handles T = 1 and T = 8 (loop bounds of the single-row and many-row cases)', () => {
      for (const steps of [1, 8]) {
        const x = tf.randomNormal([steps * 4, 6], 0.7, 0.9, 'float32', 40 + steps);
        const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 50 + steps);
        for (const [name, cfg] of [CONFIGS[0], CONFIGS[4], CONFIGS[7]]) {
          const f = lifMultiStepWithState(x, steps, cfg, { impl: 'fused' });
          const u = lifMultiStepWithState(x, steps, cfg, { impl: 'unfused' });
          expect(countDifferent(f.spikes.dataSync(), u.spikes.dataSync()), name).toBe(0);
          expect(countDifferent(f.membrane.dataSync(), u.membrane.dataSync()), name).toBe(0);
          const gf = tf.grad((v: tf.Tensor) => lifMultiStep(v, steps, cfg, { impl: 'fused' }))(x, dy);
          const gu = tf.grad((v: tf.Tensor) => lifMultiStep(v, steps, cfg, { impl: 'unfused' }))(x, dy);
          expectClose(gf.dataSync(), gu.dataSync(), `${name}, T = ${steps}`);
          tf.dispose([f.spikes, f.membrane, u.spikes, u.membrane, gf, gu, ...(f.charge ? [f.charge] : []), ...(u.charge ? [u.charge] : [])]);
        }
        tf.dispose([x, dy]);
      }
    });

    it('rejects inputs that are not time-major [T·B, ...] and bad configs', () => {
      const x = tf.zeros([10, 3]);
      expect(() => lifMultiStep(x, 4)).toThrow(/not time-major/);
      expect(() => lifMultiStep(x, 0)).toThrow(/timesteps must be a positive integer/);
      expect(() => lifMultiStep(x, 2, sj({ tau: 0.9 }))).toThrow(/tau must be greater than 1/);
      x.dispose();
    });

    it('handles a layer of the reference network\'s size (wasm: views survive heap growth)', () => {
      // wasm: [4·32, 28, 28, 16], 1.6 M neuron-steps, 6.4 MB per tensor: the
      // kernel's output allocations grow the heap before the views are taken.
      // cpu: the other layer, [4·32, 14, 14, 32] (the unfused graph is slow there).
      const x = tf.randomNormal(backend === 'wasm' ? [4 * 32, 28, 28, 16] : [4 * 32, 14, 14, 32], 0.5, 1, 'float32', 7);
      const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 8);
      const cfg = REFERENCE_NET_LIF;
      const f = lifMultiStepWithState(x, 4, cfg, { impl: 'fused' });
      const u = lifMultiStepWithState(x, 4, cfg, { impl: 'unfused' });
      expect(countDifferent(f.spikes.dataSync(), u.spikes.dataSync())).toBe(0);
      expect(countDifferent(f.membrane.dataSync(), u.membrane.dataSync())).toBe(0);
      const gf = tf.grad((v: tf.Tensor) => lifMultiStep(v, 4, cfg, { impl: 'fused' }))(x, dy);
      const gu = tf.grad((v: tf.Tensor) => lifMultiStep(v, 4, cfg, { impl: 'unfused' }))(x, dy);
      expectClose(gf.dataSync(), gu.dataSync(), 'large layer gradient');
      tf.dispose([x, dy, f.spikes, f.membrane, u.spikes, u.membrane, gf, gu]);
    });
  });
}

describe('wasm: SIMD kernels against the JS loops', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('equal forward bit for bit and close backward, on a reference-network layer and on N not a multiple of 4', () => {
    for (const shape of [[4 * 32, 14, 14, 32], [4 * 3, 5, 7, 3]]) {
      const x = tf.randomNormal(shape, 0.5, 1, 'float32', 11);
      const dy = tf.randomNormal(shape, 0, 1, 'float32', 12);
      for (const [, cfg] of CONFIGS) {
        const run = (simd: boolean, impl: LifImpl = 'fused') => {
          setLifSimd(simd);
          const st = lifMultiStepWithState(x, 4, cfg, { impl });
          const g = tf.grad((v: tf.Tensor) => lifMultiStep(v, 4, cfg, { impl }))(x, dy);
          const out = { spikes: st.spikes.dataSync(), membrane: st.membrane.dataSync(), grad: g.dataSync() };
          tf.dispose([st.spikes, st.membrane, ...(st.charge ? [st.charge] : []), g]);
          return out;
        };
        const a = run(true);
        // N = 315 has no SIMD form: the fused kernel falls back to the JS loop; check it against the unfused ops.
        const b = shape[1] === 5 ? run(true, 'unfused') : run(false);
        expect(countDifferent(a.spikes, b.spikes)).toBe(0);
        expect(countDifferent(a.membrane, b.membrane)).toBe(0);
        expectClose(a.grad, b.grad, 'SIMD vs JS gradient');
      }
      tf.dispose([x, dy]);
    }
    setLifSimd(true);
  });
});

describe('packed forward (the score\'s LIF: spikes only, bit-packed, state in registers)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`gives the spikes of the fused forward bit for bit, for every convention and T = 1, 6, 8, on ${backend}`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      setLifSimd(true);
      for (const [name, cfg] of [...CONFIGS, ...DYADIC]) {
        for (const [t, seed] of [[T, 31], [1, 32], [8, 33]] as const) {
          const x = tf.tensor(lifInputValues(seed, t * 4 * 3 * 3 * 8, DYADIC.some(([n]) => n === name)), [t * 4, 3, 3, 8]);
          const packed = lifMultiStepPacked(x, t, cfg);
          expect(packed, name).not.toBeNull();
          const spikes = lifMultiStep(x, t, cfg);
          const unpacked = unpackSpikes(packed!);
          expect(countDifferent(unpacked.dataSync(), spikes.dataSync()), `${name} T=${t}`).toBe(0);
          tf.dispose([x, spikes, unpacked, packed!.bits]);
        }
      }
    });
  }

  it('is unavailable (null: callers use lifMultiStep) for N not a multiple of 8 or with SIMD off', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const x = tf.ones([2 * 3, 5]);
    expect(lifMultiStepPacked(x, 2)).toBeNull();
    setLifSimd(false);
    const y = tf.ones([2, 8]);
    expect(lifMultiStepPacked(y, 2)).toBeNull();
    setLifSimd(true);
    tf.dispose([x, y]);
  });
});

describe('kernel registry', () => {
  it('registers forward and backward kernels for cpu, wasm and webgl, and a gradient', () => {
    hasFusedLif('cpu');
    for (const b of ['cpu', 'wasm', 'webgl']) {
      expect(tf.getKernel(LIF_FORWARD, b), b).toBeDefined();
      expect(tf.getKernel(LIF_BACKWARD, b), b).toBeDefined();
    }
    expect(tf.getGradient(LIF_FORWARD)).toBeDefined();
    // No WebGPU kernels: there the layer runs the unfused ops.
    expect(hasFusedLif('webgpu')).toBe(false);
  });

  it('setLifImpl switches the process-wide default', () => {
    setLifImpl('unfused');
    expect(effectiveLifImpl()).toBe('unfused');
    setLifImpl('fused');
    expect(getLifImpl()).toBe('fused');
  });
});
