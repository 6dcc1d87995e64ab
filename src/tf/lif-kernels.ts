/**
 * Fused LIF kernels: the whole recurrence of one layer over all T timesteps
 * as ONE forward and ONE backward kernel, instead of the ~10 tiny tfjs ops
 * per timestep (and as many again in the backward pass) of the unfused graph.
 * Per training step the LIF work is memory-bound elementwise work; the
 * unfused graph's cost is dominated by per-kernel overhead and by writing
 * and re-reading every intermediate tensor, which the fused loop keeps in
 * registers.
 *
 * Kernels (tensors are 2-D [T, N]: time-major, N neurons per timestep):
 *   NeuronasLifForward  inputs {x}        → [spikes, pre]
 *   NeuronasLifBackward inputs {dy, pre}  → dx
 * `pre` is the potential each spike is read from (snnTorch U_t, SpikingJelly
 * H_t); it is all the backward pass needs (the spike is re-derived from it),
 * so it is the one tensor saved between the passes. A registered gradient
 * (tf.registerGradient) links the two, so ordinary tfjs autodiff (tf.grads,
 * optimizer.minimize) uses the fused backward kernel.
 *
 * Registered for 'cpu' and 'wasm' and for 'webgl' (shader programs,
 * src/tf/lif-webgl.ts). On cpu and wasm the loops run as WebAssembly SIMD
 * (src/tf/lif-simd.ts: in place in the wasm backend's memory; on cpu in a
 * private memory with a copy in and out), about 4× faster than the plain JS
 * loops below, which run where SIMD cannot (a row of neurons not a multiple
 * of 4, no wasm SIMD, the threaded wasm build's shared memory). On any other
 * backend `lifMultiStep` falls back to the unfused ops.
 *
 * Bit-exactness. The forward loops evaluate exactly the float32 operations,
 * in exactly the order, of the unfused tfjs graph and of the reference
 * simulator in float32 mode (src/core/snn/lif.ts): every intermediate is
 * rounded with Math.fround (V8 compiles fround chains to float32 arithmetic,
 * so this costs nothing), and the SIMD form uses the same IEEE float32
 * operations. Spikes and potentials are therefore identical, not merely
 * close, on cpu and wasm. The backward pass only has to be close (float32
 * accumulation in a different order).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backwardFactors, lifKernelAttrs, membraneTransfer, type LifKernelAttrs } from './lif-attrs.ts';
import { DEFAULT_LIF } from '../core/snn/lif.ts';
import { lifSimdKernels, lifSimdScratch, type LifSimdKernels } from './lif-simd.ts';
import { registerLifWebGLKernels } from './lif-webgl.ts';
import { cpuFloat32, type CpuBackendLike, type WasmBackendLike } from './backend-data.ts';
import { packedWords } from './spike-kernels.ts';

export const LIF_FORWARD = 'NeuronasLifForward';
export const LIF_BACKWARD = 'NeuronasLifBackward';
/** {x [T, N]} → the spikes only, bit-packed (spike-kernels.ts's layout), for the score: no gradient, SIMD only, N % 8 = 0. */
export const LIF_FORWARD_PACKED = 'NeuronasLifForwardPacked';

export { lifKernelAttrs, type LifKernelAttrs } from './lif-attrs.ts';

// ---------------------------------------------------------------------------
// The loops (shared by the cpu and wasm kernels; exported for tests)
//
// Written for V8's optimising compiler, which matters here: the loops run
// over millions of neurons per training step (the reference network has
// 2.4 M LIF neuron-steps per sample batch).
//  - No data-dependent branches. A spike is ~50 % likely, so `s ? a : b`
//    mispredicts constantly and costs several times the arithmetic; instead
//    comparisons become numbers (`+(u > θ)`, compiled to a flag-set
//    instruction) and resets are products with the 0/1 spike, which are
//    exact (s·θ is θ or 0; (1 − s)·U is U or 0), so results stay bit-exact.
//  - No separate state array: the state after step t−1 is rebuilt from row
//    t−1 of the outputs (its potential and spike), which the loop has just
//    written and which is still in cache.
//  - Math.fround around every operation: V8 turns fround chains into
//    single-precision arithmetic, so this is both exact and free.

const fr = Math.fround;

/**
 * Forward over [T, N] time-major input currents. Writes spikes (0/1) and the
 * pre-fire potential of every step.
 */
export function lifForwardLoop(p: LifKernelAttrs, x: Float32Array, T: number, N: number, spikes: Float32Array, pre: Float32Array): void {
  // Constants as float32, as tfjs scalars (and PyTorch's float32 tensors) hold them.
  const th = fr(p.threshold);
  if (p.model === 'snntorch') {
    const beta = fr(p.beta);
    const subtract = p.reset === 'subtract';
    // t = 0 from U_{−1} = 0; its reset flag R_0 = [0 > θ] (0 unless θ < 0).
    const r0 = +(0 > th);
    for (let n = 0; n < N; n++) {
      const u = subtract ? fr(fr(fr(beta * 0) + x[n]) - r0 * th) : fr(fr(beta * ((1 - r0) * 0)) + x[n]);
      pre[n] = u;
      spikes[n] = +(u > th);
    }
    // t ≥ 1: R_t = [U_{t−1} > θ] is exactly the spike stored for step t−1.
    for (let t = 1; t < T; t++) {
      const base = t * N;
      const prev = base - N;
      if (subtract) {
        for (let n = 0; n < N; n++) {
          const u = fr(fr(fr(beta * pre[prev + n]) + x[base + n]) - spikes[prev + n] * th);
          pre[base + n] = u;
          spikes[base + n] = +(u > th);
        }
      } else {
        for (let n = 0; n < N; n++) {
          const u = fr(fr(beta * ((1 - spikes[prev + n]) * pre[prev + n])) + x[base + n]);
          pre[base + n] = u;
          spikes[base + n] = +(u > th);
        }
      }
    }
    return;
  }
  const tau = fr(p.tau);
  const vr = fr(p.vReset);
  const keep = fr(1 - 1 / p.tau);
  const form = p.decayInput ? CHARGE_DECAY_INPUT : vr === 0 ? CHARGE_KEEP : CHARGE_TO_REST;
  // t = 0 from V_{−1} = V_reset (hard) or 0 (soft).
  const v0 = p.reset === 'hard' ? vr : 0;
  for (let n = 0; n < N; n++) {
    const h = sjCharge(form, v0, x[n], vr, tau, keep);
    pre[n] = h;
    spikes[n] = +(h >= th);
  }
  // t ≥ 1: V_{t−1} from row t−1. With S ∈ {0, 1} both resets are exact
  // selections written as arithmetic: hard (1 − S)·H + S·V_r, soft H − S·θ.
  for (let t = 1; t < T; t++) {
    const base = t * N;
    const prev = base - N;
    if (p.reset === 'hard') {
      for (let n = 0; n < N; n++) {
        const sp = spikes[prev + n];
        const v = (1 - sp) * pre[prev + n] + sp * vr;
        const h = sjCharge(form, v, x[base + n], vr, tau, keep);
        pre[base + n] = h;
        spikes[base + n] = +(h >= th);
      }
    } else {
      for (let n = 0; n < N; n++) {
        const v = fr(pre[prev + n] - spikes[prev + n] * th);
        const h = sjCharge(form, v, x[base + n], vr, tau, keep);
        pre[base + n] = h;
        spikes[base + n] = +(h >= th);
      }
    }
  }
}

const CHARGE_DECAY_INPUT = 0;
const CHARGE_KEEP = 1;
const CHARGE_TO_REST = 2;

/**
 * SpikingJelly's charge in its three float32 forms (neuronal_charge_*):
 * decay_input: V + (X − (V − V_r))/τ; otherwise V·(1 − 1/τ) + X when
 * V_r = 0, else V − (V − V_r)/τ + X. Small enough for V8 to inline; `form`
 * is loop-invariant, so its branch is always predicted.
 */
function sjCharge(form: number, v: number, xi: number, vr: number, tau: number, keep: number): number {
  if (form === CHARGE_DECAY_INPUT) return fr(v + fr(fr(xi - fr(v - vr)) / tau));
  if (form === CHARGE_KEEP) return fr(fr(v * keep) + xi);
  return fr(fr(v - fr(fr(v - vr) / tau)) + xi);
}

/**
 * Backward: dx from dL/dspikes and the saved pre-fire potentials, walking
 * t = T−1 … 0 with one carried gradient per neuron:
 *   g_t = dy_t·σ'(P_t − θ) + c·m_t,   dx_t = b·g_t,   c ← a·g_t,
 * with m_t = 1 + c1·S + (c2 + c3·P)·σ' (membraneTransfer in lif-attrs.ts):
 *   snnTorch subtract 1 · zero 1 − S
 *   SpikingJelly hard 1 − S + (V_r − H)σ' (detached: 1 − S) · soft 1 − θσ' (detached: 1)
 * Three loops by the form of m (1; 1 − S; general), because the two cheap
 * forms are the common ones (the reference network; the studio default) and
 * every operation counts in a memory-bound loop.
 */
export function lifBackwardLoop(p: LifKernelAttrs, dy: Float32Array, pre: Float32Array, T: number, N: number, dx: Float32Array): void {
  const th = fr(p.threshold);
  const { a, b } = backwardFactors(p);
  const sur = p.surrogate === 'atan' ? SURROGATE_ATAN : SURROGATE_FAST_SIGMOID;
  // ATan: (α/2)/(1 + (π/2·α·d)²) = s1/(1 + (s2·d)²); fast sigmoid: 1/(1 + k|d|)², s2 = k.
  const s1 = p.surrogateParam / 2;
  const s2 = sur === SURROGATE_ATAN ? (Math.PI / 2) * p.surrogateParam : p.surrogateParam;
  const { c1, c2, c3 } = membraneTransfer(p);
  // The spike re-derived from P: snnTorch fires on U > θ, SpikingJelly on H ≥ θ.
  // For float32 P, "P ≥ θ" is "P > the float32 just below θ".
  const fireAbove = p.model === 'snntorch' ? th : prevFloat32(th);
  const carry = new Float32Array(N);
  for (let t = T - 1; t >= 0; t--) {
    const base = t * N;
    if (c1 === 0 && c2 === 0 && c3 === 0) {
      for (let n = 0; n < N; n++) {
        const i = base + n;
        const g = dy[i] * surrogate(sur, pre[i] - th, s1, s2) + carry[n];
        dx[i] = b * g;
        carry[n] = a * g;
      }
    } else if (c2 === 0 && c3 === 0) {
      for (let n = 0; n < N; n++) {
        const i = base + n;
        const P = pre[i];
        const g = dy[i] * surrogate(sur, P - th, s1, s2) + carry[n] * (1 + c1 * +(P > fireAbove));
        dx[i] = b * g;
        carry[n] = a * g;
      }
    } else {
      for (let n = 0; n < N; n++) {
        const i = base + n;
        const P = pre[i];
        const sg = surrogate(sur, P - th, s1, s2);
        const g = dy[i] * sg + carry[n] * (1 + c1 * +(P > fireAbove) + (c2 + c3 * P) * sg);
        dx[i] = b * g;
        carry[n] = a * g;
      }
    }
  }
}

const SURROGATE_ATAN = 0;
const SURROGATE_FAST_SIGMOID = 1;

/** σ'(d): ATan s1/(1 + (s2·d)²) or fast sigmoid 1/(1 + s2·|d|)². Inlined by V8; `kind` is loop-invariant. */
function surrogate(kind: number, d: number, s1: number, s2: number): number {
  if (kind === SURROGATE_ATAN) {
    const z = s2 * d;
    return s1 / (1 + z * z);
  }
  const q = 1 + s2 * Math.abs(d);
  return 1 / (q * q);
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The largest float32 below a float32 v (finite v), so P ≥ v ⇔ P > prevFloat32(v) for float32 P. */
export function prevFloat32(v: number): number {
  f32[0] = v;
  if (v === 0) return -1.401298464324817e-45; // the negative subnormal closest to 0
  i32[0] += v > 0 ? -1 : 1;
  return f32[0];
}

// ---------------------------------------------------------------------------
// Backend kernels

/** Whether the cpu and wasm kernels may use the SIMD module (tests switch it off to compare with the JS loops). */
let useSimd = true;

export function setLifSimd(enabled: boolean): void {
  useSimd = enabled;
}

/** The SIMD kernels for this backend and config, or null (then the JS loops run). */
function simdFor(b: WasmBackendLike, p: LifKernelAttrs, N: number): LifSimdKernels | null {
  const memory = b.wasm?.asm?.memory;
  // The flat-row trick needs whole vectors per row (see lif-simd.ts).
  if (!useSimd || N % 4 !== 0 || !(memory instanceof WebAssembly.Memory)) return null;
  return lifSimdKernels(memory, p);
}

function shape2(info: tf.TensorInfo, name: string): [number, number] {
  if (info.shape.length !== 2) throw new Error(`${name}: expected a [T, N] tensor, got shape [${info.shape}]`);
  if (info.dtype !== 'float32') throw new Error(`${name}: expected float32, got ${info.dtype}`);
  return [info.shape[0], info.shape[1]];
}

function attrsOf(attrs: tf.NamedAttrMap | undefined): LifKernelAttrs {
  return attrs as unknown as LifKernelAttrs;
}

function cpuValues(backend: CpuBackendLike, info: tf.TensorInfo): Float32Array {
  return cpuFloat32(backend, info, 'LIF kernel');
}

/**
 * On cpu the SIMD loops run in a private wasm memory (see lifSimdScratch):
 * three [T, N] slots, copied in and out. Null when SIMD is off or unusable.
 */
function cpuSimd(p: LifKernelAttrs, T: number, N: number): { k: LifSimdKernels; heap: Float32Array } | null {
  if (!useSimd || N % 4 !== 0) return null;
  const memory = lifSimdScratch(3 * T * N * 4);
  const k = lifSimdKernels(memory, p);
  return k ? { k, heap: new Float32Array(memory.buffer, 0, 3 * T * N) } : null;
}

const cpuForward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CpuBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const [T, N] = shape2(x, LIF_FORWARD);
  const p = attrsOf(attrs);
  const M = T * N;
  let spikes: Float32Array;
  let pre: Float32Array;
  const s = cpuSimd(p, T, N);
  if (s) {
    // slots: x at 0, pre at M, spikes at 2M
    s.heap.set(cpuValues(b, x), 0);
    s.k.forward(0, M * 4, 2 * M * 4, T, N);
    pre = s.heap.slice(M, 2 * M);
    spikes = s.heap.slice(2 * M, 3 * M);
  } else {
    spikes = new Float32Array(M);
    pre = new Float32Array(M);
    lifForwardLoop(p, cpuValues(b, x), T, N, spikes, pre);
  }
  return [b.makeTensorInfo([T, N], 'float32', spikes), b.makeTensorInfo([T, N], 'float32', pre)];
};

const cpuBackward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CpuBackendLike;
  const dy = inputs.dy as tf.TensorInfo;
  const pre = inputs.pre as tf.TensorInfo;
  const [T, N] = shape2(pre, LIF_BACKWARD);
  const p = attrsOf(attrs);
  const M = T * N;
  let dx: Float32Array;
  const s = cpuSimd(p, T, N);
  if (s) {
    // slots: dy at 0, pre at M, dx at 2M
    s.heap.set(cpuValues(b, dy), 0);
    s.heap.set(cpuValues(b, pre), M);
    s.k.backward(0, M * 4, 2 * M * 4, T, N);
    dx = s.heap.slice(2 * M, 3 * M);
  } else {
    dx = new Float32Array(M);
    lifBackwardLoop(p, cpuValues(b, dy), cpuValues(b, pre), T, N, dx);
  }
  return b.makeTensorInfo([T, N], 'float32', dx);
};

const wasmForward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const [T, N] = shape2(x, LIF_FORWARD);
  const spikes = b.makeOutput([T, N], 'float32');
  const pre = b.makeOutput([T, N], 'float32');
  const p = attrsOf(attrs);
  const k = simdFor(b, p, N);
  if (k) {
    k.forward(b.getMemoryOffset(x.dataId), b.getMemoryOffset(pre.dataId), b.getMemoryOffset(spikes.dataId), T, N);
    return [spikes, pre];
  }
  // Views only after every allocation: malloc may grow the wasm memory,
  // which detaches views taken before it.
  lifForwardLoop(p, b.typedArrayFromHeap(x), T, N, b.typedArrayFromHeap(spikes), b.typedArrayFromHeap(pre));
  return [spikes, pre];
};

const wasmBackward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackendLike;
  const dy = inputs.dy as tf.TensorInfo;
  const pre = inputs.pre as tf.TensorInfo;
  const [T, N] = shape2(pre, LIF_BACKWARD);
  const dx = b.makeOutput([T, N], 'float32');
  const p = attrsOf(attrs);
  const k = simdFor(b, p, N);
  if (k) k.backward(b.getMemoryOffset(dy.dataId), b.getMemoryOffset(pre.dataId), b.getMemoryOffset(dx.dataId), T, N);
  else lifBackwardLoop(p, b.typedArrayFromHeap(dy), b.typedArrayFromHeap(pre), T, N, b.typedArrayFromHeap(dx));
  return dx;
};

function packedUnavailable(N: number): Error {
  return new Error(`${LIF_FORWARD_PACKED}: needs wasm SIMD and a multiple of 8 neurons a step (got ${N})`);
}

const cpuForwardPacked: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CpuBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const [T, N] = shape2(x, LIF_FORWARD_PACKED);
  const M = T * N;
  // slots: x at 0, the bits from byte 4M (the scratch holds 3M floats; the bits need M/8 + 8 bytes)
  const s = N % 8 === 0 ? cpuSimd(attrsOf(attrs), T, N) : null;
  if (!s) throw packedUnavailable(N);
  s.heap.set(cpuValues(b, x), 0);
  s.k.forwardBits(0, M * 4, T, N);
  const words = packedWords(M);
  return b.makeTensorInfo([words], 'int32', new Int32Array(s.heap.buffer, M * 4, words).slice());
};

const wasmForwardPacked: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const [T, N] = shape2(x, LIF_FORWARD_PACKED);
  const k = N % 8 === 0 ? simdFor(b, attrsOf(attrs), N) : null;
  if (!k) throw packedUnavailable(N);
  const bits = b.makeOutput([packedWords(T * N)], 'int32');
  k.forwardBits(b.getMemoryOffset(x.dataId), b.getMemoryOffset(bits.dataId), T, N);
  return bits;
};

/**
 * Whether the packed forward runs on the active backend for a layer of N
 * neurons a step: cpu or wasm with wasm SIMD (not the threaded build's shared
 * memory), N % 8 = 0, and the SIMD kernels not switched off.
 */
export function packedLifReady(N: number): boolean {
  ensureLifKernels();
  const name = tf.getBackend();
  if (!useSimd || N % 8 !== 0 || (name !== 'cpu' && name !== 'wasm')) return false;
  const memory = name === 'cpu' ? lifSimdScratch(0) : (tf.backend() as unknown as WasmBackendLike).wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory && lifSimdKernels(memory, lifKernelAttrs(DEFAULT_LIF)) !== null;
}

let registered = false;

/** Registers the fused kernels and their gradient (idempotent). */
export function ensureLifKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: tf.KernelConfig[] = [
    { kernelName: LIF_FORWARD, backendName: 'cpu', kernelFunc: cpuForward },
    { kernelName: LIF_BACKWARD, backendName: 'cpu', kernelFunc: cpuBackward },
    { kernelName: LIF_FORWARD, backendName: 'wasm', kernelFunc: wasmForward },
    { kernelName: LIF_BACKWARD, backendName: 'wasm', kernelFunc: wasmBackward },
    { kernelName: LIF_FORWARD_PACKED, backendName: 'cpu', kernelFunc: cpuForwardPacked },
    { kernelName: LIF_FORWARD_PACKED, backendName: 'wasm', kernelFunc: wasmForwardPacked },
  ];
  for (const k of kernels) {
    // Another copy of this module (e.g. two bundles sharing one tfjs) may have registered already.
    if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
  }
  registerLifWebGLKernels();
  if (!tf.getGradient(LIF_FORWARD)) {
    tf.registerGradient({
      kernelName: LIF_FORWARD,
      // Only `pre` is needed backwards; the engine keeps it only while a tape records.
      outputsToSave: [false, true],
      gradFunc: (dy, saved, attrs) => {
        const dys = Array.isArray(dy) ? dy : [dy];
        const pre = saved[0];
        // dys[0] is null when only `pre` (not the spikes) feeds the loss: then no gradient reaches x.
        const dSpikes = dys[0] ?? tf.zerosLike(pre);
        return { x: () => tf.engine().runKernel(LIF_BACKWARD, { dy: dSpikes, pre }, attrs) as tf.Tensor };
      },
    });
  }
}

/** True when the fused kernels exist for the named backend. */
export function hasFusedLif(backendName: string): boolean {
  ensureLifKernels();
  return tf.getKernel(LIF_FORWARD, backendName) != null && tf.getKernel(LIF_BACKWARD, backendName) != null;
}
