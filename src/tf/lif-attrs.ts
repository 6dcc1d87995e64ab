/**
 * The LIF kernels' attributes: a LifConfig flattened into the flat values
 * tfjs kernel attributes allow, plus the constants of the backward
 * recurrence, shared by every kernel implementation (JS loops, WebAssembly
 * SIMD, WebGL).
 */
import type { LifConfig } from '../core/snn/lif.ts';

/** A LifConfig flattened into kernel attributes (tfjs attrs are flat numbers, strings, booleans). */
export interface LifKernelAttrs {
  model: 'snntorch' | 'spikingjelly';
  reset: 'subtract' | 'zero' | 'hard' | 'soft';
  threshold: number;
  /** snnTorch β, already clamped to [0, 1] */
  beta: number;
  tau: number;
  vReset: number;
  decayInput: boolean;
  detachReset: boolean;
  surrogate: 'atan' | 'fastSigmoid';
  /** α of ATan or k of the fast sigmoid */
  surrogateParam: number;
}

export function lifKernelAttrs(cfg: LifConfig): LifKernelAttrs {
  const surrogateParam = cfg.surrogate.kind === 'atan' ? cfg.surrogate.alpha : cfg.surrogate.k;
  if (cfg.model === 'snntorch') {
    return {
      model: 'snntorch',
      reset: cfg.reset,
      threshold: cfg.threshold,
      beta: Math.min(1, Math.max(0, cfg.beta)),
      tau: 0,
      vReset: 0,
      decayInput: false,
      detachReset: true, // snnTorch always detaches its reset
      surrogate: cfg.surrogate.kind,
      surrogateParam,
    };
  }
  return {
    model: 'spikingjelly',
    reset: cfg.reset,
    threshold: cfg.threshold,
    beta: 0,
    tau: cfg.tau,
    vReset: cfg.reset === 'hard' ? cfg.vReset : 0,
    decayInput: cfg.decayInput,
    detachReset: cfg.detachReset,
    surrogate: cfg.surrogate.kind,
    surrogateParam,
  };
}

/**
 * The constants of the backward recurrence (see referenceInputGrad in
 * src/core/snn/lif.ts): carry factor a = ∂P_{t+1}/∂state_t and input factor
 * b = ∂P_t/∂x_t.
 */
export function backwardFactors(p: LifKernelAttrs): { a: number; b: number } {
  if (p.model === 'snntorch') return { a: p.beta, b: 1 };
  return { a: 1 - 1 / p.tau, b: p.decayInput ? 1 / p.tau : 1 };
}

/**
 * The membrane transfer m_t = ∂(state kept from step t)/∂P_t of the backward
 * recurrence as m = 1 + c1·S + (c2 + c3·P)·σ' (see referenceInputGrad in
 * src/core/snn/lif.ts):
 *   snnTorch subtract 1 · zero 1 − S
 *   SpikingJelly hard 1 − S + (V_r − H)σ' (detached: 1 − S) · soft 1 − θσ' (detached: 1)
 */
export function membraneTransfer(p: LifKernelAttrs): { c1: number; c2: number; c3: number } {
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  if (p.model === 'snntorch') {
    if (p.reset === 'zero') c1 = -1;
  } else if (p.reset === 'hard') {
    c1 = -1;
    if (!p.detachReset) {
      c2 = p.vReset;
      c3 = -1;
    }
  } else if (!p.detachReset) {
    c2 = -Math.fround(p.threshold);
  }
  return { c1, c2, c3 };
}
