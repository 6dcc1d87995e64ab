/**
 * The spike-sparse kernels (spike-simd.ts) as tfjs kernels for the wasm and
 * cpu backends, and the helpers the score uses on bit-packed spikes.
 *
 *   NeuronasSpikeConv2D     {x, filter, bias?} → [y, bits, active]
 *       A stride-1 conv whose input x is a spike map (0/1, or with `weighted`
 *       any sparse non-negative map such as pooled spikes). x is packed to
 *       bits (kept as an output for the filter gradient) and its nonzeros
 *       counted (`active`, int32 [1]); when the active fraction is at most
 *       attrs.maxRate the event-driven kernel runs, otherwise the backend's
 *       own dense Conv2D / FusedConv2D. Both give the same bits on wasm (see
 *       spike-simd.ts), so the choice changes the time, never the result.
 *   NeuronasSpikeFilterGrad {bits, x, dy} → dW: the event-driven filter gradient.
 *   NeuronasPackedConv2D    {bits, filter} → y: the conv of a bit-packed
 *       binary spike map of logical shape attrs.shape (the score's path).
 *   NeuronasUnpackSpikes    {bits} → 0/1 floats of logical shape attrs.shape.
 *
 * On wasm the kernels run in place on the backend's heap; on cpu in a
 * private wasm memory, with a copy in and out (as the LIF kernels do). Where
 * wasm SIMD is unavailable (or the threaded build's shared memory is in use)
 * they are not available and callers use the dense ops: `spikeKernelsReady`.
 *
 * A packed map is an int32 tensor of ⌈(count/8 + 8)/4⌉ words: one bit per
 * element of the float map it stands for, plus the padding 64-bit loads may
 * touch (packedBytes in spike-simd.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { gatherAll, packedBytes, spikeSimdKernels, type SpikeSimdKernels } from './spike-simd.ts';
import { cpuFloat32, type CpuBackendLike, type WasmBackendLike } from './backend-data.ts';

export const SPIKE_CONV = 'NeuronasSpikeConv2D';
export const SPIKE_FILTER_GRAD = 'NeuronasSpikeFilterGrad';
export const PACKED_CONV = 'NeuronasPackedConv2D';
export const UNPACK_SPIKES = 'NeuronasUnpackSpikes';

/** Explicit stride-1 padding (rows above and below, columns left and right). */
export interface ConvPads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Int32 words of the packed form of a map of `count` elements. */
export function packedWords(count: number): number {
  return Math.ceil(packedBytes(count) / 4);
}

/** Whether the event-driven kernels take a conv of input [N, H, W, Cin] to `cout` channels (whole bytes of bits, whole vectors of outputs). */
export function spikeConvShapeOk(xShape: readonly number[], cout: number): boolean {
  return sizeOf(xShape) % 8 === 0 && cout % 4 === 0;
}

// ---------------------------------------------------------------------------
// Running a kernel on a backend's memory

type Dtype = 'float32' | 'int32';

/**
 * One kernel call's view of a wasm memory holding its tensors: byte offsets
 * of the inputs, new outputs and temporaries. On wasm this is the backend's
 * heap itself; on cpu a private memory the inputs are copied into, whose
 * outputs are copied out by `finish`.
 */
interface Heap {
  readonly k: SpikeSimdKernels;
  readonly memory: WebAssembly.Memory;
  input(t: tf.TensorInfo): number;
  output(shape: number[], dtype: Dtype): number;
  temp(bytes: number): number;
  /** the outputs, in the order made; temporaries are freed */
  finish(): tf.TensorInfo[];
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

class WasmHeap implements Heap {
  private readonly outs: tf.TensorInfo[] = [];
  private readonly temps: tf.TensorInfo[] = [];
  constructor(
    private readonly b: WasmBackendLike,
    readonly memory: WebAssembly.Memory,
    readonly k: SpikeSimdKernels,
  ) {}
  input(t: tf.TensorInfo): number {
    return this.b.getMemoryOffset(t.dataId);
  }
  output(shape: number[], dtype: Dtype): number {
    const info = this.b.makeOutput(shape, dtype);
    this.outs.push(info);
    return this.b.getMemoryOffset(info.dataId);
  }
  temp(bytes: number): number {
    const info = this.b.makeOutput([Math.ceil(bytes / 4)], 'int32');
    this.temps.push(info);
    return this.b.getMemoryOffset(info.dataId);
  }
  finish(): tf.TensorInfo[] {
    for (const t of this.temps) this.b.disposeData(t.dataId);
    return this.outs;
  }
}

/** The private memory of the cpu backend's runs (grown as needed; one run at a time, runs are synchronous). */
let cpuMemory: WebAssembly.Memory | null = null;

class CpuHeap implements Heap {
  private top = 16;
  private readonly outs: { off: number; shape: number[]; dtype: Dtype }[] = [];
  constructor(
    private readonly b: CpuBackendLike,
    readonly memory: WebAssembly.Memory,
    readonly k: SpikeSimdKernels,
  ) {}
  private reserve(bytes: number): number {
    const off = this.top;
    this.top += Math.ceil(bytes / 16) * 16;
    const need = Math.ceil(this.top / 65536) - this.memory.buffer.byteLength / 65536;
    if (need > 0) this.memory.grow(need);
    return off;
  }
  input(t: tf.TensorInfo): number {
    const raw = this.b.data.get(t.dataId).values;
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`spike kernel: cpu tensor of dtype ${t.dtype} is not float32 or int32`);
    // (a bool tensor cast to float32 keeps its Uint8Array values on cpu)
    const v = t.dtype === 'float32' ? cpuFloat32(this.b, t, 'spike kernel') : raw instanceof Int32Array ? raw : Int32Array.from(raw as ArrayLike<number>);
    const off = this.reserve(v.byteLength);
    new Uint8Array(this.memory.buffer, off, v.byteLength).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return off;
  }
  output(shape: number[], dtype: Dtype): number {
    const off = this.reserve(sizeOf(shape) * 4);
    this.outs.push({ off, shape, dtype });
    return off;
  }
  temp(bytes: number): number {
    return this.reserve(bytes);
  }
  finish(): tf.TensorInfo[] {
    return this.outs.map((o) => {
      const n = sizeOf(o.shape);
      const values = o.dtype === 'float32' ? new Float32Array(this.memory.buffer, o.off, n).slice() : new Int32Array(this.memory.buffer, o.off, n).slice();
      return this.b.makeTensorInfo(o.shape, o.dtype, values);
    });
  }
}

/** Whether the kernels may run (tests switch them off to compare with the dense ops). */
let enabled = true;
export function setSpikeKernels(on: boolean): void {
  enabled = on;
}

function wasmMemoryOf(backend: unknown): WebAssembly.Memory | null {
  const m = (backend as WasmBackendLike).wasm?.asm?.memory;
  return m instanceof WebAssembly.Memory ? m : null;
}

/** A heap for one run on `backend`, or null where the kernels cannot run. */
function openHeap(backendName: string, backend: unknown): Heap | null {
  if (!enabled) return null;
  if (backendName === 'wasm') {
    const memory = wasmMemoryOf(backend);
    const k = memory ? spikeSimdKernels(memory) : null;
    return memory && k ? new WasmHeap(backend as WasmBackendLike, memory, k) : null;
  }
  if (backendName === 'cpu') {
    cpuMemory ??= new WebAssembly.Memory({ initial: 16 });
    const k = spikeSimdKernels(cpuMemory);
    return k ? new CpuHeap(backend as CpuBackendLike, cpuMemory, k) : null;
  }
  return null;
}

function heapOrThrow(backendName: string, backend: unknown, kernel: string): Heap {
  const h = openHeap(backendName, backend);
  if (!h) throw new Error(`${kernel}: the spike kernels cannot run on this ${backendName} backend (no wasm SIMD, or a shared memory)`);
  return h;
}

/** True when the spike kernels run on the active backend. */
export function spikeKernelsReady(): boolean {
  ensureSpikeKernels();
  const name = tf.getBackend();
  if (!enabled || (name !== 'wasm' && name !== 'cpu')) return false;
  if (name === 'cpu') return spikeSimdKernels((cpuMemory ??= new WebAssembly.Memory({ initial: 16 }))) !== null;
  const memory = wasmMemoryOf(tf.backend());
  return memory !== null && spikeSimdKernels(memory) !== null;
}

function zeroFill(h: Heap, off: number, bytes: number): void {
  new Uint8Array(h.memory.buffer, off, bytes).fill(0);
}

// ---------------------------------------------------------------------------
// Kernels

interface ConvAttrs {
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  /** x may hold values other than 0 and 1 */
  weighted: boolean;
  /** the largest active fraction for which the event-driven kernel runs (1: always; −1: never) */
  maxRate: number;
}

/** The backend's own dense stride-1 conv (with the bias first, as XNNPACK computes it, when there is one). */
function denseConv(backendName: string, backend: unknown, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | undefined, a: ConvAttrs): tf.TensorInfo {
  const pad = [[0, 0], [a.padTop, a.padBottom], [a.padLeft, a.padRight], [0, 0]];
  const common = { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] };
  const kernel = tf.getKernel(bias ? 'FusedConv2D' : 'Conv2D', backendName);
  if (!kernel) throw new Error(`${SPIKE_CONV}: the ${backendName} backend has no dense conv kernel`);
  const inputs = bias ? { x, filter, bias } : { x, filter };
  const attrs = bias ? { ...common, activation: 'linear', leakyreluAlpha: 0 } : common;
  return kernel.kernelFunc({ inputs, backend: backend as tf.KernelBackend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
}

function spikeConvKernel(backendName: 'cpu' | 'wasm'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const bias = inputs.bias as tf.TensorInfo | undefined;
    const a = attrs as unknown as ConvAttrs;
    const [N, H, W, cin] = x.shape;
    const [kh, kw, , cout] = filter.shape;
    const ho = H + a.padTop + a.padBottom - kh + 1;
    const wo = W + a.padLeft + a.padRight - kw + 1;
    if (!spikeConvShapeOk(x.shape, cout)) throw new Error(`${SPIKE_CONV}: needs a multiple of 8 input elements and output channels a multiple of 4 (got [${x.shape}] → ${cout})`);
    const size = sizeOf(x.shape);
    const h = heapOrThrow(backendName, backend, SPIKE_CONV);
    const xo = h.input(x);
    const fo = h.input(filter);
    const bo = bias ? h.input(bias) : 0;
    const bits = h.output([packedWords(size)], 'int32');
    const activeOut = h.output([1], 'int32');
    const active = h.k.pack(xo, bits, size);
    new Int32Array(h.memory.buffer, activeOut, 1)[0] = active;
    if (active > a.maxRate * size) {
      const [bitsInfo, activeInfo] = h.finish();
      return [denseConv(backendName, backend, x, filter, bias, a), bitsInfo, activeInfo];
    }
    const y = h.output([N, ho, wo, cout], 'float32');
    gatherAll(h.k, a.weighted ? 'convW' : 'conv', bits, xo, fo, y, bo, { N, H, W, cin, ho, wo, cout, kh, kw, pt: a.padTop, pl: a.padLeft });
    const [bitsInfo, activeInfo, yInfo] = h.finish();
    return [yInfo, bitsInfo, activeInfo];
  };
}

function spikeFilterGradKernel(backendName: 'cpu' | 'wasm'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const bits = inputs.bits as tf.TensorInfo;
    const x = inputs.x as tf.TensorInfo;
    const dy = inputs.dy as tf.TensorInfo;
    const { kh, kw, padTop, padLeft, weighted } = attrs as unknown as { kh: number; kw: number; padTop: number; padLeft: number; weighted: boolean };
    const [N, H, W, cin] = x.shape;
    const [, ho, wo, cout] = dy.shape;
    if (!spikeConvShapeOk(x.shape, cout)) throw new Error(`${SPIKE_FILTER_GRAD}: needs a multiple of 8 input elements and output channels a multiple of 4 (got [${x.shape}] → ${cout})`);
    const h = heapOrThrow(backendName, backend, SPIKE_FILTER_GRAD);
    const bo = h.input(bits);
    const xo = weighted ? h.input(x) : 0;
    const go = h.input(dy);
    const dw = h.output([kh, kw, cin, cout], 'float32');
    zeroFill(h, dw, kh * kw * cin * cout * 4);
    gatherAll(h.k, weighted ? 'fgradW' : 'fgrad', bo, xo, dw, go, 0, { N, H, W, cin, ho, wo, cout, kh, kw, pt: padTop, pl: padLeft });
    return h.finish()[0];
  };
}

function packedConvKernel(backendName: 'cpu' | 'wasm'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const bits = inputs.bits as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const { shape, padTop, padBottom, padLeft, padRight } = attrs as unknown as { shape: number[]; padTop: number; padBottom: number; padLeft: number; padRight: number };
    const [N, H, W, cin] = shape;
    const [kh, kw, , cout] = filter.shape;
    if (!spikeConvShapeOk(shape, cout)) throw new Error(`${PACKED_CONV}: needs a multiple of 8 input elements and output channels a multiple of 4 (got [${shape}] → ${cout})`);
    const ho = H + padTop + padBottom - kh + 1;
    const wo = W + padLeft + padRight - kw + 1;
    const h = heapOrThrow(backendName, backend, PACKED_CONV);
    const bo = h.input(bits);
    const fo = h.input(filter);
    const y = h.output([N, ho, wo, cout], 'float32');
    gatherAll(h.k, 'conv', bo, 0, fo, y, 0, { N, H, W, cin, ho, wo, cout, kh, kw, pt: padTop, pl: padLeft });
    return h.finish()[0];
  };
}

function unpackKernel(backendName: 'cpu' | 'wasm'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const bits = inputs.bits as tf.TensorInfo;
    const { shape } = attrs as unknown as { shape: number[] };
    const count = sizeOf(shape);
    if (count % 8 !== 0) throw new Error(`${UNPACK_SPIKES}: needs a multiple of 8 elements (got ${count})`);
    const h = heapOrThrow(backendName, backend, UNPACK_SPIKES);
    const bo = h.input(bits);
    const out = h.output(shape, 'float32');
    h.k.unpack(bo, out, count);
    return h.finish()[0];
  };
}

let registered = false;

/** Registers the kernels for cpu and wasm (idempotent). */
export function ensureSpikeKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['cpu', 'wasm'] as const) {
    for (const [kernelName, kernelFunc] of [
      [SPIKE_CONV, spikeConvKernel(backendName)],
      [SPIKE_FILTER_GRAD, spikeFilterGradKernel(backendName)],
      [PACKED_CONV, packedConvKernel(backendName)],
      [UNPACK_SPIKES, unpackKernel(backendName)],
    ] as const) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
    }
  }
}

// ---------------------------------------------------------------------------
// Ops

/**
 * The spike conv kernel: y, the packed input and its active count. No
 * gradient of its own (conv.ts wraps it). `maxRate` decides sparse or dense.
 */
export function spikeConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, pads: ConvPads, weighted: boolean, maxRate: number, bias?: tf.Tensor1D): { y: tf.Tensor4D; bits: tf.Tensor1D; active: tf.Tensor1D } {
  ensureSpikeKernels();
  const attrs = { padTop: pads.top, padBottom: pads.bottom, padLeft: pads.left, padRight: pads.right, weighted, maxRate };
  const inputs: tf.NamedTensorMap = bias ? { x, filter, bias } : { x, filter };
  const [y, bits, active] = tf.engine().runKernel(SPIKE_CONV, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { y: y as tf.Tensor4D, bits: bits as tf.Tensor1D, active: active as tf.Tensor1D };
}

/** dW [kh, kw, Cin, Cout] of a stride-1 conv of the spike map x (packed as `bits`) given dy. */
export function spikeFilterGrad(bits: tf.Tensor, x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, pads: ConvPads, weighted: boolean): tf.Tensor4D {
  ensureSpikeKernels();
  return tf.engine().runKernel(SPIKE_FILTER_GRAD, { bits, x, dy }, { kh, kw, padTop: pads.top, padLeft: pads.left, weighted } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** A bit-packed binary spike map and the float shape it stands for. */
export interface PackedSpikes {
  bits: tf.Tensor1D;
  shape: number[];
  /** its number of spikes, once counted (packedSpikeCount) */
  active?: number;
}

/** The stride-1 conv of a packed binary spike map (event-driven). */
export function packedConv2d(s: PackedSpikes, filter: tf.Tensor4D, pads: ConvPads): tf.Tensor4D {
  ensureSpikeKernels();
  const attrs = { shape: s.shape, padTop: pads.top, padBottom: pads.bottom, padLeft: pads.left, padRight: pads.right };
  return tf.engine().runKernel(PACKED_CONV, { bits: s.bits, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** The 0/1 float map of a packed one. */
export function unpackSpikes(s: PackedSpikes): tf.Tensor {
  ensureSpikeKernels();
  return tf.engine().runKernel(UNPACK_SPIKES, { bits: s.bits }, { shape: s.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Runs `body` with a heap holding the packed tensor's bits; the kernels must be ready. */
function withBits<R>(bits: tf.Tensor, body: (h: Heap, off: number) => R): R {
  const name = tf.getBackend();
  const h = heapOrThrow(name, tf.backend(), 'packed spikes');
  try {
    return body(h, h.input(bits));
  } finally {
    h.finish();
  }
}

/** The number of spikes in a packed map (counted once, then kept in `s.active`). */
export function packedSpikeCount(s: PackedSpikes): number {
  s.active ??= withBits(s.bits, (h, off) => h.k.popcount(off, Math.ceil(sizeOf(s.shape) / 8)));
  return s.active;
}

/**
 * One LIF layer's rescaled Hamming term Σ_t M_t (B×B, float64) and its spike
 * count, from its packed spikes, time-major [T·B, n] with n % 8 = 0: the
 * popcount Gram of spike-simd.ts, equal to the last bit to
 * rescaledSumFromSpikes of src/core/snn/score.ts on the same spikes.
 */
export function packedHammingTerm(s: PackedSpikes, timesteps: number, b: number): { mSum: Float64Array; spikeCount: number } {
  const n = sizeOf(s.shape) / (timesteps * b);
  if (!Number.isInteger(n) || n % 8 !== 0 || s.shape[0] !== timesteps * b) {
    throw new Error(`packed spikes of shape [${s.shape}] are not time-major [T·B, ...] with T=${timesteps}, B=${b} and a multiple of 8 neurons a sample`);
  }
  return withBits(s.bits, (h, off) => {
    const counts = h.temp(b * 4);
    const m = h.temp((b * b + 1) * 8);
    h.k.gram(off, n / 8, timesteps, b, counts, m);
    const v = new Float64Array(h.memory.buffer, m, b * b + 1);
    return { mSum: v.slice(0, b * b), spikeCount: v[b * b] };
  });
}
