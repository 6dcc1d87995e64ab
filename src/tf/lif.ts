/**
 * The LIF layer in tfjs, multi-step form: the input current of all T
 * timesteps arrives as one time-major tensor [T·B, ...] (index t·B + b,
 * what one batched conv over the folded batch produces), and the layer runs
 * the recurrence over the T axis, returning the spikes in the same shape.
 *
 * Neuron conventions, equations and defaults live in the compute core
 * (src/core/snn/lif.ts) and are re-exported here. Two implementations with
 * identical forward values (bit for bit on cpu and wasm):
 *
 *  - 'fused' (default where available): one forward and one backward kernel
 *    per layer covering all T steps (src/tf/lif-kernels.ts), wired to tfjs
 *    autodiff through a registered gradient. Registered for cpu and wasm
 *    (WebAssembly SIMD loops, JS loops as fallback) and webgl (shaders); on
 *    other backends (webgpu) 'fused' silently runs 'unfused'. Measured in
 *    Node per training step of the reference network's two LIF layers, it is
 *    ~7× faster than 'unfused' on wasm and ~60× on cpu (bench part `lif`).
 *  - 'unfused': ordinary tfjs ops, a handful per timestep, differentiated by
 *    tfjs autodiff. The spike is a tf.customGrad whose backward pass is the
 *    surrogate gradient; a detached reset uses tf.step, whose registered
 *    gradient is zero. It is the readable statement of the recurrence and
 *    the oracle the fused kernels are tested against.
 *
 * Gradients (BPTT through the membrane recurrence), per convention:
 *  - snnTorch: the reset term is always detached (snnTorch's `mem_reset`
 *    returns `.clone().detach()`), so the only paths are U_{t−1} → U_t
 *    (factor β, times (1 − S_{t−1}) for the zero reset) and U_t → S_t
 *    (the surrogate).
 *  - SpikingJelly: `detachReset` as in LIFNode (SpikingJelly's default False,
 *    the studio's DEFAULT_LIF True as SNASNet): when false the reset's spike
 *    carries the surrogate gradient too (hard: V = (1−S)H + S·V_r gives
 *    ∂V/∂H = 1 − S + (V_r − H)σ'; soft: V = H − Sθ gives 1 − θσ').
 * Only the spikes are differentiable outputs of the fused path; the
 * membrane tensors of `lifMultiStepWithState` are for inspection and tests.
 */
// The union package, not tfjs-core alone: it registers every op's gradient,
// which the unfused path's autodiff needs (tfjs-core registers none).
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_LIF, validateLifConfig, type LifConfig, type Surrogate } from '../core/snn/lif.ts';
import { LIF_BACKWARD, LIF_FORWARD, LIF_FORWARD_PACKED, ensureLifKernels, hasFusedLif, lifKernelAttrs, packedLifReady } from './lif-kernels.ts';
import type { PackedSpikes } from './spike-kernels.ts';

export { DEFAULT_LIF, REFERENCE_NET_LIF, validateLifConfig, LifConfigError } from '../core/snn/lif.ts';
export type { LifConfig, SnnTorchLif, SpikingJellyLif, Surrogate } from '../core/snn/lif.ts';

export type LifImpl = 'fused' | 'unfused';

export interface LifOptions {
  /** default: the process-wide choice of `setLifImpl` ('fused' unless changed) */
  impl?: LifImpl;
}

export interface LifState {
  /** 0/1 spikes, same shape as the input */
  spikes: tf.Tensor;
  /** per step, the membrane the library returns: snnTorch U_t (before its delayed reset), SpikingJelly V_t (after the reset) */
  membrane: tf.Tensor;
  /** SpikingJelly only: the charge H_t before fire and reset */
  charge?: tf.Tensor;
}

let defaultImpl: LifImpl = 'fused';

/**
 * Chooses the implementation `lifMultiStep` uses when the call does not say.
 * 'fused' is the default: on cpu and wasm in Node it is several times faster
 * per training step (see `npm run bench -- --only lif`).
 */
export function setLifImpl(impl: LifImpl): void {
  defaultImpl = impl;
}

export function getLifImpl(): LifImpl {
  return defaultImpl;
}

/** The implementation that will actually run on the current backend. */
export function effectiveLifImpl(opts: LifOptions = {}): LifImpl {
  const impl = opts.impl ?? defaultImpl;
  return impl === 'fused' && hasFusedLif(tf.getBackend()) ? 'fused' : 'unfused';
}

function asTimeMajor(x: tf.Tensor, timesteps: number): [number, number] {
  if (!Number.isInteger(timesteps) || timesteps < 1) throw new Error(`timesteps must be a positive integer (got ${timesteps})`);
  if (x.rank < 1 || x.shape[0] % timesteps !== 0) {
    throw new Error(`LIF input of shape [${x.shape}] is not time-major [T·B, ...] with T=${timesteps}`);
  }
  return [timesteps, x.size / timesteps];
}

/**
 * Multi-step LIF: x [T·B, ...] time-major input currents → spikes of the
 * same shape (float32 0/1), differentiable with the surrogate gradient.
 */
export function lifMultiStep(x: tf.Tensor, timesteps: number, cfg: LifConfig = DEFAULT_LIF, opts: LifOptions = {}): tf.Tensor {
  validateLifConfig(cfg);
  const [T, N] = asTimeMajor(x, timesteps);
  return tf.tidy(() => {
    const x2 = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [T, N]);
    if (effectiveLifImpl(opts) === 'fused') return tf.reshape(fusedSpikes(x2, cfg), x.shape);
    return tf.reshape(unfusedSteps(x2, cfg, false).spikes, x.shape);
  });
}

/**
 * The score's form of `lifMultiStep`: the same spikes (bit for bit), stored
 * bit-packed by a kernel that keeps each neuron's state in registers over
 * the T steps (lif-simd.ts forwardBits). No gradient. Null where that kernel
 * cannot run (see packedLifReady): then use `lifMultiStep`.
 */
export function lifMultiStepPacked(x: tf.Tensor, timesteps: number, cfg: LifConfig = DEFAULT_LIF): PackedSpikes | null {
  validateLifConfig(cfg);
  const [T, N] = asTimeMajor(x, timesteps);
  if (!packedLifReady(N)) return null;
  const attrs = lifKernelAttrs(cfg) as unknown as tf.NamedAttrMap;
  const bits = tf.tidy(() => tf.engine().runKernel(LIF_FORWARD_PACKED, { x: tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [T, N]) }, attrs) as tf.Tensor1D);
  return { bits, shape: x.shape };
}

/**
 * The fused forward as a one-output op for autodiff. Through the kernel's
 * own registered gradient, tfjs would build (and upload) a zero gradient for
 * the unused `pre` output on every backward pass: a full-size array per LIF
 * layer per step. Here only the spikes are an output; `pre` is saved.
 */
function fusedSpikes(x2: tf.Tensor, cfg: LifConfig): tf.Tensor {
  ensureLifKernels();
  const attrs = lifKernelAttrs(cfg) as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const [spikes, pre] = tf.engine().runKernel(LIF_FORWARD, { x }, attrs) as [tf.Tensor, tf.Tensor];
    save([pre]);
    return { value: spikes, gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.engine().runKernel(LIF_BACKWARD, { dy: Array.isArray(dy) ? dy[0] : dy, pre: saved[0] }, attrs) as tf.Tensor };
  });
  return op(x2);
}

/** `lifMultiStep` plus the per-step membrane (and SpikingJelly's charge), each shaped like x. */
export function lifMultiStepWithState(x: tf.Tensor, timesteps: number, cfg: LifConfig = DEFAULT_LIF, opts: LifOptions = {}): LifState {
  validateLifConfig(cfg);
  const [T, N] = asTimeMajor(x, timesteps);
  const out = tf.tidy(() => {
    const x2 = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [T, N]);
    let r: { spikes: tf.Tensor; membrane: tf.Tensor; charge?: tf.Tensor };
    if (effectiveLifImpl(opts) === 'fused') {
      const [spikes, pre] = fusedForward(x2, cfg);
      if (cfg.model === 'snntorch') r = { spikes, membrane: pre };
      else r = { spikes, membrane: membraneAfterReset(cfg, pre, spikes), charge: pre };
    } else {
      r = unfusedSteps(x2, cfg, true) as typeof r;
    }
    const res: tf.Tensor[] = [tf.reshape(r.spikes, x.shape), tf.reshape(r.membrane, x.shape)];
    if (r.charge) res.push(tf.reshape(r.charge, x.shape));
    return res;
  });
  return out.length === 3 ? { spikes: out[0], membrane: out[1], charge: out[2] } : { spikes: out[0], membrane: out[1] };
}

// ---------------------------------------------------------------------------
// Fused path

function fusedForward(x2: tf.Tensor, cfg: LifConfig): [tf.Tensor, tf.Tensor] {
  ensureLifKernels();
  const attrs = lifKernelAttrs(cfg) as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(LIF_FORWARD, { x: x2 }, attrs) as [tf.Tensor, tf.Tensor];
}

/** SpikingJelly's V_t from its charge and spike, with the same float ops as the kernels. */
function membraneAfterReset(cfg: LifConfig & { model: 'spikingjelly' }, charge: tf.Tensor, spikes: tf.Tensor): tf.Tensor {
  if (cfg.reset === 'soft') return tf.sub(charge, tf.mul(spikes, cfg.threshold));
  // S ? V_r : H, written as a select so -0/+0 and V_r come out exactly.
  return tf.where(tf.cast(spikes, 'bool'), tf.fill(charge.shape, cfg.vReset), charge);
}

// ---------------------------------------------------------------------------
// Unfused path: the recurrence as tfjs ops, one timestep at a time

/** dS/dx of the surrogate as tfjs ops, x = potential − θ. */
function surrogateOp(s: Surrogate, x: tf.Tensor): tf.Tensor {
  if (s.kind === 'atan') {
    const z = tf.mul(x, (Math.PI / 2) * s.alpha);
    return tf.div(s.alpha / 2, tf.add(1, tf.square(z)));
  }
  return tf.div(1, tf.square(tf.add(1, tf.mul(tf.abs(x), s.k))));
}

/**
 * The spike function: forward a step (strict for snnTorch, non-strict for
 * SpikingJelly), backward the surrogate. `fire` alone (no customGrad) is the
 * detached spike: tf.step's registered gradient is zero.
 */
function spikeFunctions(cfg: LifConfig, theta: tf.Scalar): { fire: (p: tf.Tensor) => tf.Tensor; spike: (p: tf.Tensor) => tf.Tensor } {
  // U > θ ⇔ step(U − θ) = 1; H ≥ θ ⇔ step(θ − H) = 0. Float32 subtraction of
  // two floats is positive exactly when the first is larger, so these
  // comparisons are exact.
  const fire =
    cfg.model === 'snntorch' ? (p: tf.Tensor) => tf.step(tf.sub(p, theta)) : (p: tf.Tensor) => tf.sub(1, tf.step(tf.sub(theta, p)));
  const spike = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const p = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([p]);
    return {
      value: fire(p),
      // Runs after the forward scope is gone: use the threshold as a number,
      // never a tensor captured from the forward pass (it is disposed by then).
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, surrogateOp(cfg.surrogate, tf.sub(saved[0], cfg.threshold))),
    };
  }) as (p: tf.Tensor) => tf.Tensor;
  return { fire, spike };
}

/** One timestep of a LIF layer: the spikes (with the surrogate gradient) and what the library stores. */
export interface LifStepOutput {
  spikes: tf.Tensor;
  /** the membrane the library returns (snnTorch U_t before its delayed reset, SpikingJelly V_t after it) */
  membrane: tf.Tensor;
  /** SpikingJelly only: the charge H_t */
  charge?: tf.Tensor;
}

/**
 * A LIF layer stepped one timestep at a time, its membrane carried from call
 * to call (and the gradient through it: backpropagation through time). For
 * networks whose input at t depends on their output at t − 1, which the
 * multi-step form cannot take: SNASNet's backward cells. The tensors it
 * keeps belong to the caller's tidy scope, like any intermediate result.
 * Every operation, and its order, matches the reference simulator's float32
 * mode (src/core/snn/lif.ts), so the spikes are bit-identical to it and to
 * the fused kernels.
 */
export function lifStepper(cfg: LifConfig, shape: number[]): (x: tf.Tensor) => LifStepOutput {
  validateLifConfig(cfg);
  const theta = tf.scalar(cfg.threshold);
  const { fire, spike } = spikeFunctions(cfg, theta);
  if (cfg.model === 'snntorch') {
    const beta = tf.scalar(Math.min(1, Math.max(0, cfg.beta)));
    let u: tf.Tensor = tf.zeros(shape);
    return (x) => {
      // snnTorch's mem_reset, from the stored (unreset) membrane; detached.
      const reset = fire(u);
      if (cfg.reset === 'subtract') u = tf.sub(tf.add(tf.mul(u, beta), x), tf.mul(reset, theta));
      else u = tf.add(tf.mul(tf.mul(tf.sub(1, reset), u), beta), x);
      return { spikes: spike(u), membrane: u };
    };
  }
  const hard = cfg.reset === 'hard';
  const vReset = hard ? cfg.vReset : 0;
  const tau = tf.scalar(cfg.tau);
  const keep = tf.scalar(1 - 1 / cfg.tau);
  const vr = tf.scalar(vReset);
  let v: tf.Tensor = hard ? tf.fill(shape, vReset) : tf.zeros(shape);
  return (x) => {
    let h: tf.Tensor;
    // V − 0 is V exactly, so the subtraction of a zero V_reset is skipped.
    const rel = vReset === 0 ? v : tf.sub(v, vr);
    if (cfg.decayInput) h = tf.add(v, tf.div(tf.sub(x, rel), tau));
    else if (vReset === 0) h = tf.add(tf.mul(v, keep), x);
    else h = tf.add(tf.sub(v, tf.div(rel, tau)), x);
    const s = spike(h);
    const sr = cfg.detachReset ? fire(h) : s;
    if (hard) {
      const kept = tf.mul(tf.sub(1, sr), h);
      v = vReset === 0 ? kept : tf.add(kept, tf.mul(sr, vr));
    } else {
      v = tf.sub(h, tf.mul(sr, theta));
    }
    return { spikes: s, membrane: v, charge: h };
  };
}

/** The per-step graph on x2 [T, N]: the stepper over the T rows. */
function unfusedSteps(x2: tf.Tensor, cfg: LifConfig, withState: boolean): { spikes: tf.Tensor; membrane?: tf.Tensor; charge?: tf.Tensor } {
  const [T, N] = x2.shape as [number, number];
  // (tf.unstack's gradient breaks for a single output: it receives a tensor, not a list.)
  const xs = T === 1 ? [tf.reshape(x2, [N])] : tf.unstack(x2);
  const step = lifStepper(cfg, [N]);
  const spikes: tf.Tensor[] = [];
  const membranes: tf.Tensor[] = [];
  const charges: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const r = step(xs[t]);
    spikes.push(r.spikes);
    if (withState) {
      membranes.push(r.membrane);
      if (r.charge) charges.push(r.charge);
    }
  }
  const out: { spikes: tf.Tensor; membrane?: tf.Tensor; charge?: tf.Tensor } = { spikes: tf.stack(spikes) };
  if (withState) {
    out.membrane = tf.stack(membranes);
    if (charges.length) out.charge = tf.stack(charges);
  }
  return out;
}
