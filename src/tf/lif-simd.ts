/**
 * The fused LIF loops as WebAssembly SIMD (f32x4). For the tfjs wasm backend
 * the kernels' inputs and outputs already live in the backend's linear
 * memory, so a small module that imports that memory runs the loops in place,
 * four neurons per instruction, with no copy; for the cpu backend the same
 * module runs on a private memory (lifSimdScratch) with a copy in and out.
 * Measured in Node, about 4× faster than the scalar JS loops of
 * lif-kernels.ts, which remain the fallback.
 *
 * The module is generated here, per neuron config, as bytes (with the small
 * encoder of wasm-encoder.ts: there is no wasm toolchain in the build).
 * The config's constants are baked in, so every loop is branch-free and
 * specialised (the JS loops in lif-kernels.ts must test mode flags instead).
 * Compiled modules are cached by config.
 *
 * Exactness. f32x4 add/sub/mul/div are IEEE single-precision operations,
 * i.e. exactly the float32 rounding of the JS loops' Math.fround chains and
 * of tfjs's unfused ops, applied in the same order; comparisons give the
 * same spikes. The forward pass is therefore bit-identical to the JS loop
 * (tests check it). The backward pass is float32 throughout (the JS loop
 * uses float64 intermediates): float32-close.
 *
 * Layout trick. The tensors are [T, N] row-major; when N is a multiple of 4
 * the rows tile into whole vectors and the recurrence needs, for element i
 * of row t ≥ 1, only element i − N (row t − 1, same neuron), which a single
 * flat pass over the rows has already written. So the forward is one pass
 * over row 0 and one flat pass over rows 1…T−1; the backward keeps no carry
 * array, reading the next step's gradient back from dx (dx = b·g, so the
 * carry a·g is (a/b)·dx). When N is not a multiple of 4 the JS loops run.
 *
 * Not used when the wasm backend's memory is shared (the threaded build):
 * importing a shared memory needs a declared maximum that must match; the
 * JS loops serve that case.
 */
import { backwardFactors, membraneTransfer, type LifKernelAttrs } from './lif-attrs.ts';
import {
  countDown, countUp, f32Const, f32x4Abs, f32x4Add, f32x4Div, f32x4Ge, f32x4Gt, f32x4Mul, f32x4Splat, f32x4Sub,
  frame, get, i32Add, i32Const, i32Mul, i32Or, i32Shl, i32ShrU, i32Store8, i32Sub, i32x4Bitmask, instantiateOnMemory, moduleBytes, set,
  v128And, v128Andnot, v128Load, v128LoadOff, v128Store, type Code, type WasmFunction,
} from './wasm-encoder.ts';

// forward(x, pre, spk, T, N) and backward(dy, pre, dx, T, N): x … dx are byte
// offsets into the imported memory; T and N are element counts.
const P_X = 0;
const P_PRE = 1;
const P_SPK = 2;
const P_T = 3;
const P_N = 4;
// i32 locals after the 5 params
const L_I = 5;
const L_ROW = 6; // bytes per row, N·4
const L_END = 7; // bytes of all rows, T·N·4
// v128 locals after the i32 ones
const V = (k: number) => 8 + k;
// the loops step i by one f32x4
const VECTOR_BYTES = i32Const(16);

const f32 = Math.fround;

function splatInto(local: number, value: number): number[] {
  return [...f32Const(value), ...f32x4Splat, ...set(local)];
}

/** Pushes v128.load(base + i) where base is param p. */
const loadAt = (p: number, minusRow = false) => [...get(p), ...get(L_I), ...i32Add, ...(minusRow ? [...get(L_ROW), ...i32Sub] : []), ...v128Load];
const addrAt = (p: number, plusRow = false) => [...get(p), ...get(L_I), ...i32Add, ...(plusRow ? [...get(L_ROW), ...i32Add] : [])];

function prologue(): number[] {
  return [
    ...get(P_N), ...i32Const(4), ...i32Mul, ...set(L_ROW),
    ...get(L_ROW), ...get(P_T), ...i32Mul, ...set(L_END),
  ];
}

/** The v128 locals the forward recurrence uses for its constants and its SpikingJelly scratch V. */
interface ChargeRegs {
  ONE: number;
  TH: number;
  A: number;
  B: number;
  PREV: number;
  X: number;
}

/**
 * The forward recurrence's float32 operations as code, shared by the kernel
 * that stores potentials and 0/1 spikes (forward) and the one that keeps the
 * state in registers and stores bits (forwardBits), so both compute the same
 * floats in the same order: `first(x)` pushes the potential of step 0 from
 * the input current, `next(x, pre, spk)` that of step t ≥ 1 from the input
 * and the previous step's potential and 0/1 spike (each argument pushes one
 * vector and may be used more than once).
 */
function recurrence(p: LifKernelAttrs, r: ChargeRegs): { consts: Code; first(x: Code): Code; next(x: Code, pre: Code, spk: Code): Code } {
  const { ONE, TH, A, B, PREV, X } = r;
  const th = f32(p.threshold);
  const consts = [...splatInto(ONE, 1), ...splatInto(TH, th)];
  if (p.model === 'snntorch') {
    const beta = f32(p.beta);
    const r0 = +(0 > th);
    consts.push(...splatInto(A, beta), ...splatInto(B, r0 * th));
    if (p.reset === 'subtract') {
      // U0 = (0 + x) − R0·θ;  U_t = (β·U_{t−1} + x) − S_{t−1}·θ
      return {
        consts,
        first: (x) => [...f32Const(0), ...f32x4Splat, ...x, ...f32x4Add, ...get(B), ...f32x4Sub],
        next: (x, pre, spk) => [...get(A), ...pre, ...f32x4Mul, ...x, ...f32x4Add, ...spk, ...get(TH), ...f32x4Mul, ...f32x4Sub],
      };
    }
    // U0 = 0 + x;  U_t = β·((1 − S_{t−1})·U_{t−1}) + x
    return {
      consts,
      first: (x) => [...f32Const(0), ...f32x4Splat, ...x, ...f32x4Add],
      next: (x, pre, spk) => [...get(A), ...get(ONE), ...spk, ...f32x4Sub, ...pre, ...f32x4Mul, ...f32x4Mul, ...x, ...f32x4Add],
    };
  }
  const tau = f32(p.tau);
  const vr = f32(p.vReset);
  const keep = f32(1 - 1 / p.tau);
  consts.push(...splatInto(A, tau), ...splatInto(B, vr), ...splatInto(PREV, keep));
  // H from V (in local X) and x, in SpikingJelly's three float32 forms.
  let charge: (x: Code) => Code;
  if (p.decayInput) {
    charge = (x) => [...get(X), ...x, ...get(X), ...get(B), ...f32x4Sub, ...f32x4Sub, ...get(A), ...f32x4Div, ...f32x4Add];
  } else if (vr === 0) {
    charge = (x) => [...get(X), ...get(PREV), ...f32x4Mul, ...x, ...f32x4Add];
  } else {
    charge = (x) => [...get(X), ...get(X), ...get(B), ...f32x4Sub, ...get(A), ...f32x4Div, ...f32x4Sub, ...x, ...f32x4Add];
  }
  const v0 = p.reset === 'hard' ? vr : 0;
  // V_{t−1}: hard (1 − S)·H + S·V_r, soft H − S·θ (exact for S ∈ {0, 1})
  const prevV = (pre: Code, spk: Code): Code =>
    p.reset === 'hard'
      ? [...get(ONE), ...spk, ...f32x4Sub, ...pre, ...f32x4Mul, ...spk, ...get(B), ...f32x4Mul, ...f32x4Add]
      : [...pre, ...spk, ...get(TH), ...f32x4Mul, ...f32x4Sub];
  return {
    consts,
    first: (x) => [...f32Const(v0), ...f32x4Splat, ...set(X), ...charge(x)],
    next: (x, pre, spk) => [...prevV(pre, spk), ...set(X), ...charge(x)],
  };
}

/** The spike mask (all ones where it fires) of the potential pushed by `h`. */
function fireMask(p: LifKernelAttrs, TH: number, h: Code): Code {
  return [...h, ...get(TH), ...(p.model === 'snntorch' ? f32x4Gt : f32x4Ge)];
}

function forwardFn(p: LifKernelAttrs): WasmFunction {
  const [ONE, TH, A, B, C, PREV, X] = [0, 1, 2, 3, 4, 5, 6].map(V);
  const rec = recurrence(p, { ONE, TH, A, B, PREV, X });
  // store h (on the stack, also in local C) to pre and its spike to spk
  const emit = (h: number[]) => [
    ...addrAt(P_PRE), ...h, ...set(C), ...get(C), ...v128Store,
    ...addrAt(P_SPK), ...fireMask(p, TH, get(C)), ...get(ONE), ...v128And, ...v128Store,
  ];
  return {
    name: 'forward',
    params: 5,
    i32Locals: 3,
    v128Locals: 7,
    body: [
      ...prologue(),
      ...rec.consts,
      ...countUp(L_I, i32Const(0), get(L_ROW), VECTOR_BYTES, emit(rec.first(loadAt(P_X)))),
      ...countUp(L_I, get(L_ROW), get(L_END), VECTOR_BYTES, emit(rec.next(loadAt(P_X), loadAt(P_PRE, true), loadAt(P_SPK, true)))),
    ],
  };
}

/**
 * forwardBits(x, bits, T, N): the same recurrence over [T, N] (N % 8 = 0),
 * eight neurons at a time with their state in registers through all T
 * steps, storing only the spikes, bit-packed (spike-simd.ts's layout: one
 * byte per eight neurons, neuron i of step t at bit t·N + i). It reads each
 * input once and writes 1/32 of the float kernel's bytes; its spikes are
 * those of `forward`, bit for bit (same operations on the same floats).
 */
function forwardBitsFn(p: LifKernelAttrs): WasmFunction {
  const { at, shape } = frame({
    params: ['x', 'bits', 'T', 'N'],
    i32: ['i', 't', 'xp', 'bp', 'rowB', 'bitRowB'],
    v128: ['ONE', 'TH', 'A', 'B', 'PREV', 'X', 'H0', 'H1', 'S0', 'S1', 'HN'],
  });
  const rec = recurrence(p, at);
  const x = (off: number): Code => [...get(at.xp), ...v128LoadOff(off)];
  const spike01 = (s: number): Code => [...get(s), ...get(at.ONE), ...v128And];
  const half = (h: number, sp: number, off: number, step: 'first' | 'next'): Code => [
    ...(step === 'first' ? rec.first(x(off)) : rec.next(x(off), get(h), spike01(sp))), ...set(at.HN),
    ...get(at.HN), ...set(h),
    ...fireMask(p, at.TH, get(h)), ...set(sp),
  ];
  const storeByte: Code = [
    ...get(at.bp),
    ...get(at.S0), ...i32x4Bitmask, ...get(at.S1), ...i32x4Bitmask, ...i32Const(4), ...i32Shl, ...i32Or,
    ...i32Store8,
  ];
  return {
    name: 'forwardBits',
    ...shape,
    body: [
      ...get(at.N), ...i32Const(4), ...i32Mul, ...set(at.rowB),
      ...get(at.N), ...i32Const(3), ...i32ShrU, ...set(at.bitRowB),
      ...rec.consts,
      ...countUp(at.i, i32Const(0), get(at.rowB), i32Const(32), [
        ...get(at.x), ...get(at.i), ...i32Add, ...set(at.xp),
        ...get(at.bits), ...get(at.i), ...i32Const(5), ...i32ShrU, ...i32Add, ...set(at.bp),
        ...half(at.H0, at.S0, 0, 'first'),
        ...half(at.H1, at.S1, 16, 'first'),
        ...storeByte,
        ...countUp(at.t, i32Const(1), get(at.T), i32Const(1), [
          ...get(at.xp), ...get(at.rowB), ...i32Add, ...set(at.xp),
          ...get(at.bp), ...get(at.bitRowB), ...i32Add, ...set(at.bp),
          ...half(at.H0, at.S0, 0, 'next'),
          ...half(at.H1, at.S1, 16, 'next'),
          ...storeByte,
        ]),
      ]),
    ],
  };
}

function backwardFn(p: LifKernelAttrs): WasmFunction {
  // params: dy (0), pre (1), dx (2), T, N
  const P_DY = 0;
  const P_DX = 2;
  const th = f32(p.threshold);
  const { a, b } = backwardFactors(p);
  const [ONE, TH, S1, S2, KAB, BV, SG, PV, C2, MASK] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(V);
  const atan = p.surrogate === 'atan';
  const s1 = atan ? p.surrogateParam / 2 : 1;
  const s2 = atan ? (Math.PI / 2) * p.surrogateParam : p.surrogateParam;
  // m = 1 + c1·S + (c2 + c3·P)·σ'
  const { c1, c2, c3 } = membraneTransfer(p);
  const consts = [
    ...splatInto(ONE, 1), ...splatInto(TH, th), ...splatInto(S1, s1), ...splatInto(S2, s2),
    ...splatInto(KAB, a / b), ...splatInto(BV, b), ...splatInto(C2, c2),
  ];
  // σ' of P (in local PV) into local SG
  const surrogate = atan
    ? [...get(S1), ...get(ONE), ...get(S2), ...get(PV), ...get(TH), ...f32x4Sub, ...f32x4Mul, ...set(SG), ...get(SG), ...get(SG), ...f32x4Mul, ...f32x4Add, ...f32x4Div, ...set(SG)]
    : [...get(ONE), ...get(ONE), ...get(S2), ...get(PV), ...get(TH), ...f32x4Sub, ...f32x4Abs, ...f32x4Mul, ...f32x4Add, ...set(SG), ...get(SG), ...get(SG), ...f32x4Mul, ...f32x4Div, ...set(SG)];
  const fireMask = [...get(PV), ...get(TH), ...(p.model === 'snntorch' ? f32x4Gt : f32x4Ge)];
  // carry·m on the stack, carry = (a/b)·dx[i + N]
  const carry = [...get(KAB), ...addrAt(P_DX, true), ...v128Load, ...f32x4Mul];
  let carryTimesM: number[];
  if (c1 === 0 && c2 === 0 && c3 === 0) carryTimesM = carry;
  else if (c2 === 0 && c3 === 0) carryTimesM = [...carry, ...fireMask, ...v128Andnot]; // m = 1 − S: zero where S = 1
  else {
    // m = 1 − S·|c1| + (c2 + c3·P)·σ'   (c1 ∈ {0, −1}, c3 ∈ {0, −1})
    const m = [
      ...get(ONE),
      ...(c1 !== 0 ? [...fireMask, ...set(MASK), ...get(ONE), ...get(MASK), ...v128And, ...f32x4Sub] : []),
      ...get(C2), ...(c3 !== 0 ? [...get(PV), ...f32x4Sub] : []), ...get(SG), ...f32x4Mul, ...f32x4Add,
    ];
    carryTimesM = [...carry, ...m, ...f32x4Mul];
  }
  const head = [...loadAt(P_PRE), ...set(PV), ...surrogate];
  const dySg = [...loadAt(P_DY), ...get(SG), ...f32x4Mul];
  // dx = b·g
  const lastRow = [...head, ...addrAt(P_DX), ...get(BV), ...dySg, ...f32x4Mul, ...v128Store];
  const otherRows = [...head, ...addrAt(P_DX), ...get(BV), ...dySg, ...carryTimesM, ...f32x4Add, ...f32x4Mul, ...v128Store];
  return {
    name: 'backward',
    params: 5,
    i32Locals: 3,
    v128Locals: 10,
    body: [
      ...prologue(),
      ...consts,
      // last row (t = T−1): no carry
      ...countUp(L_I, [...get(L_END), ...get(L_ROW), ...i32Sub], get(L_END), VECTOR_BYTES, lastRow),
      // rows T−2 … 0, downwards, so row t + 1 is final when row t reads it
      ...countDown(L_I, [...get(L_END), ...get(L_ROW), ...i32Sub, ...VECTOR_BYTES, ...i32Sub], i32Const(0), VECTOR_BYTES, otherRows),
    ],
  };
}

export interface LifSimdKernels {
  /** forward over [T, N] at byte offsets x, pre, spk; N must be a multiple of 4 */
  forward(x: number, pre: number, spk: number, T: number, N: number): void;
  /** backward over [T, N] at byte offsets dy, pre, dx; N must be a multiple of 4 */
  backward(dy: number, pre: number, dx: number, T: number, N: number): void;
  /** forward over [T, N] from byte offset x, spikes only, bit-packed at byte offset bits; N must be a multiple of 8 */
  forwardBits(x: number, bits: number, T: number, N: number): void;
}

const cache = new WeakMap<WebAssembly.Memory, Map<string, LifSimdKernels | null>>();

/** Bytes of the module for one config (exported for tests). */
export function lifSimdModuleBytes(p: LifKernelAttrs): Uint8Array<ArrayBuffer> {
  return moduleBytes([forwardFn(p), backwardFn(p), forwardBitsFn(p)]);
}

/**
 * The SIMD kernels for `p`, operating on `memory`; null when this runtime
 * has no wasm SIMD, the memory is shared or compilation is refused (then the
 * JS loops run).
 */
export function lifSimdKernels(memory: WebAssembly.Memory, p: LifKernelAttrs): LifSimdKernels | null {
  let perMemory = cache.get(memory);
  if (!perMemory) {
    perMemory = new Map();
    cache.set(memory, perMemory);
  }
  const key = JSON.stringify(p);
  let k = perMemory.get(key);
  if (k === undefined) {
    k = instantiateOnMemory<LifSimdKernels>(lifSimdModuleBytes(p), memory);
    perMemory.set(key, k);
  }
  return k;
}

let scratch: WebAssembly.Memory | null = null;

/**
 * A private wasm memory of at least `bytes` bytes, for backends whose tensors
 * live in JS arrays (cpu): the data is copied in, the SIMD loop runs, the
 * results are copied out. Two copies of memory-bound data cost far less than
 * the 4× slower scalar JS loop they replace.
 */
export function lifSimdScratch(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / 65536);
  if (!scratch) scratch = new WebAssembly.Memory({ initial: Math.max(1, pages) });
  const have = scratch.buffer.byteLength / 65536;
  if (have < pages) scratch.grow(pages - have);
  return scratch;
}
