import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIF,
  LifConfigError,
  REFERENCE_NET_LIF,
  atanSurrogate,
  fastSigmoidSurrogate,
  referenceInputGrad,
  shortestFloat32,
  simulate,
  simulateLeaky,
  simulateLifNode,
  surrogateGrad,
  validateLifConfig,
  type LifConfig,
  type SpikingJellyLif,
} from '../src/core/snn/lif.ts';

const leaky = (beta: number, reset: 'subtract' | 'zero' = 'subtract', threshold = 1) => ({ model: 'snntorch' as const, beta, threshold, reset });
const node = (over: Partial<SpikingJellyLif>): SpikingJellyLif => ({ ...DEFAULT_LIF, ...over });

describe('snnTorch Leaky reference', () => {
  it('subtract reset: the threshold comes off one step late, and the returned U may exceed θ', () => {
    // β = 0.5, θ = 1, input 0.6, 0.8, 0.8, 0.2:
    //   U0 = 0.6                          S0 = 0
    //   U1 = 0.5·0.6 + 0.8 = 1.1          S1 = 1   (returned as 1.1: not reset yet)
    //   U2 = 0.5·1.1 + 0.8 − 1 = 0.35     S2 = 0   (R2 = [U1 > 1] = 1)
    //   U3 = 0.5·0.35 + 0.2 = 0.375       S3 = 0
    const r = simulateLeaky(leaky(0.5), [0.6, 0.8, 0.8, 0.2]);
    expect(r.spikes).toEqual([0, 1, 0, 0]);
    expect(r.membrane[0]).toBeCloseTo(0.6, 15);
    expect(r.membrane[1]).toBeCloseTo(1.1, 15);
    expect(r.membrane[2]).toBeCloseTo(0.35, 15);
    expect(r.membrane[3]).toBeCloseTo(0.375, 15);
  });

  it('zero reset: the decayed membrane is zeroed one step late', () => {
    //   U0 = 0.6, U1 = 1.1 (S1 = 1), U2 = 0.5·0 + 0.8 = 0.8, U3 = 0.4 + 0.2 = 0.6
    const r = simulateLeaky(leaky(0.5, 'zero'), [0.6, 0.8, 0.8, 0.2]);
    expect(r.spikes).toEqual([0, 1, 0, 0]);
    expect(r.membrane.map((v) => +v.toFixed(12))).toEqual([0.6, 1.1, 0.8, 0.6]);
  });

  it('fires strictly above the threshold and clamps β to [0, 1]', () => {
    // U = 1 exactly does not fire; with β = 1.7 clamped to 1: U1 = 1 + 0.5 = 1.5 fires.
    expect(simulateLeaky(leaky(1.7), [1, 0.5]).spikes).toEqual([0, 1]);
    expect(simulateLeaky(leaky(1.7), [1, 0.5]).membrane).toEqual([1, 1.5]);
    // β = −3 clamps to 0: no memory at all.
    expect(simulateLeaky(leaky(-3), [0.9, 0.9]).membrane).toEqual([0.9, 0.9]);
  });
});

describe('SpikingJelly LIFNode reference', () => {
  it('hard reset with decay_input, τ = 2', () => {
    // H_t = V + (X − V)/2:  H0 = 0.75;  H1 = 0.75 + (1.5 − 0.75)/2 = 1.125 ≥ 1 → S, V = 0;  H2 = 0 + 1.5/2 = 0.75
    const r = simulateLifNode(node({ tau: 2 }), [1.5, 1.5, 1.5]);
    expect(r).toEqual({ spikes: [0, 1, 0], membrane: [0.75, 0, 0.75], charge: [0.75, 1.125, 0.75] });
  });

  it('soft reset subtracts θ from the charge', () => {
    // H1 = 1.125 → V1 = 0.125;  H2 = 0.125 + (1.5 − 0.125)/2 = 0.8125
    const r = simulateLifNode(node({ tau: 2, reset: 'soft' }), [1.5, 1.5, 1.5]);
    expect(r).toEqual({ spikes: [0, 1, 0], membrane: [0.75, 0.125, 0.8125], charge: [0.75, 1.125, 0.8125] });
  });

  it('without decay_input the input is added whole: H = V·(1 − 1/τ) + X', () => {
    // τ = 2: H0 = 0.6; H1 = 0.3 + 0.8 = 1.1 → soft reset V1 = 0.1 (float64: 0.10000000000000009)
    const r = simulateLifNode(node({ tau: 2, reset: 'soft', decayInput: false }), [0.6, 0.8]);
    expect(r.spikes).toEqual([0, 1]);
    expect(r.charge![1]).toBeCloseTo(1.1, 15);
    expect(r.membrane[1]).toBeCloseTo(0.1, 15);
  });

  it('fires at H = θ exactly, starts from and resets to v_reset', () => {
    // v_reset = −0.5, τ = 2, decay_input: V_{−1} = −0.5; H0 = −0.5 + (3 − 0)/2 = 1 → S (≥), V0 = −0.5;
    // H1 = −0.5 + (1 − 0)/2 = 0.
    expect(simulateLifNode(node({ tau: 2, vReset: -0.5 }), [3, 1])).toEqual({ spikes: [1, 0], membrane: [-0.5, 0], charge: [1, 0] });
    // Without decay_input: H = V − (V − V_r)/τ + X = −0.5 + X from rest: H0 = 1 fires, H1 = −0.5 + 0.25.
    expect(simulateLifNode(node({ tau: 2, vReset: -0.5, decayInput: false }), [1.5, 0.25]).charge).toEqual([1, -0.25]);
  });

  it('in float32 mode reproduces the libraries\' rounding (τ = 4/3 is not a float32)', () => {
    const x = [0.3, 0.7, 0.2];
    const f64 = simulateLifNode(DEFAULT_LIF, x);
    const f32 = simulateLifNode(DEFAULT_LIF, x, { float32: true });
    for (let t = 0; t < x.length; t++) {
      expect(Math.fround(f32.charge![t])).toBe(f32.charge![t]);
      expect(f32.charge![t]).toBeCloseTo(f64.charge![t], 6);
    }
    // H0 = 0.3 / fround(4/3) rounded to float32, not 0.3·0.75.
    expect(f32.charge![0]).toBe(Math.fround(Math.fround(0.3) / Math.fround(4 / 3)));
    expect(f32.charge![0]).not.toBe(0.3 * 0.75);
  });
});

describe('surrogate gradients', () => {
  it('ATan: (α/2)/(1 + (π/2·α·x)²)', () => {
    expect(atanSurrogate(0, 2)).toBe(1);
    // α = 2, x = 1/π: π/2·2·(1/π) = 1 → 1/(1 + 1) = 0.5
    expect(atanSurrogate(1 / Math.PI, 2)).toBeCloseTo(0.5, 15);
    expect(atanSurrogate(-1 / Math.PI, 2)).toBeCloseTo(0.5, 15);
    // α = 4: peak α/2 = 2
    expect(atanSurrogate(0, 4)).toBe(2);
  });

  it('fast sigmoid: 1/(1 + k|x|)²', () => {
    expect(fastSigmoidSurrogate(0, 5)).toBe(1);
    expect(fastSigmoidSurrogate(0.2, 5)).toBeCloseTo(0.25, 15); // 1/(1 + 1)²
    expect(fastSigmoidSurrogate(-0.2, 5)).toBeCloseTo(0.25, 15);
    expect(surrogateGrad({ kind: 'fastSigmoid', k: 25 }, 0.04)).toBeCloseTo(0.25, 15);
    expect(surrogateGrad({ kind: 'atan', alpha: 2 }, 0)).toBe(1);
  });
});

describe('hand-derived BPTT gradient', () => {
  it('snnTorch subtract, fast sigmoid k = 5', () => {
    // β = 0.5, input 0.6, 0.8: U0 = 0.6, U1 = 1.1. dL/dS = 1 at both steps.
    // σ'0 = 1/(1 + 5·0.4)² = 1/9, σ'1 = 1/(1 + 5·0.1)² = 4/9.
    // dU1 = 4/9 → dI1 = 4/9;  dU0 = σ'0 + β·dU1 = 1/9 + 2/9 = 1/3 → dI0 = 1/3.
    const cfg: LifConfig = { ...leaky(0.5), surrogate: { kind: 'fastSigmoid', k: 5 } };
    const g = referenceInputGrad(cfg, [0.6, 0.8], [1, 1]);
    expect(g[0]).toBeCloseTo(1 / 3, 12);
    expect(g[1]).toBeCloseTo(4 / 9, 12);
  });

  it('snnTorch zero reset cuts the path through a spike', () => {
    // U0 = 1.2 fires, so U1 = β·(1 − S0)·U0 + I1 does not depend on U0: dI0 = σ'0·dS0 only.
    const cfg: LifConfig = { ...leaky(0.5, 'zero'), surrogate: { kind: 'fastSigmoid', k: 5 } };
    const g = referenceInputGrad(cfg, [1.2, 0.5], [0, 1]);
    expect(g[0]).toBe(0);
    // With subtract it flows: dI0 = β·σ'1 where U1 = 0.6 + 0.5 − 1 = 0.1, σ'1 = 1/(1 + 4.5)².
    const gs = referenceInputGrad({ ...cfg, reset: 'subtract' }, [1.2, 0.5], [0, 1]);
    expect(gs[0]).toBeCloseTo(0.5 / 5.5 ** 2, 12);
  });

  it('SpikingJelly hard reset: detach_reset decides whether the reset carries σ\'', () => {
    // τ = 2, ATan α = 2 (σ'(x) = 1/(1 + (πx)²)), input 1.5, 1.5, dL/dS = [0, 1]:
    // H0 = 0.75 (S0 = 0), H1 = 1.125 (S1 = 1).
    // g1 = σ'(0.125); dX1 = g1/2; carry to step 0: (1 − 1/τ)·g1 = g1/2.
    // Not detached: m0 = 1 − S0 + (V_r − H0)·σ'(H0 − 1) = 1 − 0.75·σ'(−0.25);  g0 = g1/2 · m0;  dX0 = g0/2.
    // Detached: m0 = 1 − S0 = 1.
    const sg = (x: number) => 1 / (1 + (Math.PI * x) ** 2);
    const g1 = sg(0.125);
    const attached = referenceInputGrad(node({ tau: 2, detachReset: false }), [1.5, 1.5], [0, 1]);
    expect(attached[1]).toBeCloseTo(g1 / 2, 12);
    expect(attached[0]).toBeCloseTo(((g1 / 2) * (1 - 0.75 * sg(-0.25))) / 2, 12);
    const detached = referenceInputGrad(node({ tau: 2, detachReset: true }), [1.5, 1.5], [0, 1]);
    expect(detached[0]).toBeCloseTo(g1 / 2 / 2, 12);
  });

  it('SpikingJelly soft reset without decay_input', () => {
    // τ = 2, no decay_input (dH/dX = 1), soft, not detached; input 1.2, 0: H0 = 1.2 fires, V0 = 0.2; H1 = 0.1.
    // dL/dS = [0, 1]: g1 = σ'(0.1 − 1); carry = 0.5·g1; m0 = 1 − θ·σ'(0.2); dX0 = 0.5·g1·m0.
    const sg = (x: number) => 1 / (1 + (Math.PI * x) ** 2);
    const g = referenceInputGrad(node({ tau: 2, reset: 'soft', decayInput: false, detachReset: false }), [1.2, 0], [0, 1]);
    expect(g[1]).toBeCloseTo(sg(-0.9), 12);
    expect(g[0]).toBeCloseTo(0.5 * sg(-0.9) * (1 - sg(0.2)), 12);
  });
});

describe('configs', () => {
  it('exports the studio default and the reference network neuron', () => {
    expect(DEFAULT_LIF).toMatchObject({ model: 'spikingjelly', tau: 4 / 3, threshold: 1, reset: 'hard', vReset: 0, decayInput: true, surrogate: { kind: 'atan', alpha: 2 } });
    expect(REFERENCE_NET_LIF).toMatchObject({ model: 'snntorch', beta: 0.9, threshold: 1, reset: 'subtract', surrogate: { kind: 'fastSigmoid', k: 5 } });
    // The reference neuron is u = 0.9·u + x − s_prev: with x = 0.6 constant,
    // u = 0.6, 1.14 (fires), 0.9·1.14 + 0.6 − 1 = 0.626.
    expect(simulate(REFERENCE_NET_LIF, [0.6, 0.6, 0.6]).membrane.map((v) => +v.toFixed(12))).toEqual([0.6, 1.14, 0.626]);
  });

  it('rejects unusable configs with a clear message', () => {
    expect(() => validateLifConfig(node({ tau: 1 }))).toThrow(/tau must be greater than 1/);
    expect(() => validateLifConfig(node({ reset: 'soft', vReset: 0.5 }))).toThrow(/soft reset has no reset potential/);
    expect(() => validateLifConfig({ ...REFERENCE_NET_LIF, beta: NaN })).toThrow(LifConfigError);
    expect(() => validateLifConfig({ ...REFERENCE_NET_LIF, reset: 'hard' as 'zero' })).toThrow(/subtract' or 'zero/);
    expect(() => validateLifConfig(DEFAULT_LIF)).not.toThrow();
  });

  it('prints float32 values as their shortest decimal', () => {
    expect(shortestFloat32(Math.fround(0.45))).toBe(0.45);
    expect(shortestFloat32(Math.fround(2.105))).toBe(2.105);
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(shortestFloat32(0)).toBe(0);
  });
});
