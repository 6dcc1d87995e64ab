/**
 * The fused LIF loops as WebAssembly SIMD (f32x4). For the tfjs wasm backend
 * the kernels' inputs and outputs already live in the backend's linear
 * memory, so a small module that imports that memory runs the loops in place,
 * four neurons per instruction, with no copy; for the cpu backend the same
 * module runs on a private memory (lifSimdScratch) with a copy in and out.
 * Measured in Node, about 4× faster than the scalar JS loops of
 * lif-kernels.ts, which remain the fallback.
 *
 * The module is generated here, per neuron config, as bytes: there is no
 * wasm toolchain in the build, and a few dozen instructions do not need one.
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

// ---------------------------------------------------------------------------
// A minimal WebAssembly encoder: just the instructions these loops use.

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function f32Bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float32Array([v]).buffer));
}

function str(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const simd = (op: number) => [0xfd, ...uleb(op)];

/** Instructions (the subset used). */
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  f32: (v: number) => [0x43, ...f32Bytes(v)],
  i32GeU: [0x4f],
  i32LtS: [0x48],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  // memarg: alignment hint 2^2 (floats; tensors need not be 16-byte aligned), offset 0
  load: [...simd(0x00), 2, 0],
  store: [...simd(0x0b), 2, 0],
  splat: simd(0x13),
  gt: simd(0x44),
  ge: simd(0x46),
  and: simd(0x4e),
  andnot: simd(0x4f),
  abs: simd(0xe0),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
};

/** `for (i = from; i < to; i += 16) body` over byte offsets held in local `i`. */
function forBytes(i: number, from: number[], to: number[], body: number[]): number[] {
  return [
    ...from, ...op.set(i),
    ...op.block, ...op.loop,
    ...op.get(i), ...to, ...op.i32GeU, ...op.brIf(1),
    ...body,
    ...op.get(i), ...op.i32(16), ...op.i32Add, ...op.set(i),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
}

/** `for (i = from; i >= to; i -= 16) body`, signed compare (offsets are below 2 GiB). */
function forBytesDown(i: number, from: number[], to: number[], body: number[]): number[] {
  return [
    ...from, ...op.set(i),
    ...op.block, ...op.loop,
    ...op.get(i), ...to, ...op.i32LtS, ...op.brIf(1),
    ...body,
    ...op.get(i), ...op.i32(16), ...op.i32Sub, ...op.set(i),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
}

/** A function: its i32 params, extra locals (i32 then v128) and body. */
interface FnSpec {
  name: string;
  params: number;
  i32Locals: number;
  v128Locals: number;
  body: number[];
}

function moduleBytes(fns: FnSpec[]): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0]);
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]]);
  const code = fns.map((f) => {
    const locals = vec([
      [...uleb(f.i32Locals), I32],
      [...uleb(f.v128Locals), V128],
    ]);
    const body = [...locals, ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}

// ---------------------------------------------------------------------------
// The kernels

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

const f32 = Math.fround;

function splatInto(local: number, value: number): number[] {
  return [...op.f32(value), ...op.splat, ...op.set(local)];
}

/** Pushes v128.load(base + i) where base is param p. */
const loadAt = (p: number, minusRow = false) => [...op.get(p), ...op.get(L_I), ...op.i32Add, ...(minusRow ? [...op.get(L_ROW), ...op.i32Sub] : []), ...op.load];
const addrAt = (p: number, plusRow = false) => [...op.get(p), ...op.get(L_I), ...op.i32Add, ...(plusRow ? [...op.get(L_ROW), ...op.i32Add] : [])];

function prologue(): number[] {
  return [
    ...op.get(P_N), ...op.i32(4), ...op.i32Mul, ...op.set(L_ROW),
    ...op.get(L_ROW), ...op.get(P_T), ...op.i32Mul, ...op.set(L_END),
  ];
}

function forwardFn(p: LifKernelAttrs): FnSpec {
  const th = f32(p.threshold);
  const [ONE, TH, A, B, C, PREV, X] = [0, 1, 2, 3, 4, 5, 6].map(V);
  const consts = [...splatInto(ONE, 1), ...splatInto(TH, th)];
  const fire = [...op.get(TH), ...(p.model === 'snntorch' ? op.gt : op.ge), ...op.get(ONE), ...op.and];
  // store h (on the stack, also in local C) to pre and its spike to spk
  const emit = (h: number[]) => [
    ...addrAt(P_PRE), ...h, ...op.set(C), ...op.get(C), ...op.store,
    ...addrAt(P_SPK), ...op.get(C), ...fire, ...op.store,
  ];
  let row0: number[];
  let rows: number[];
  if (p.model === 'snntorch') {
    const beta = f32(p.beta);
    const r0 = +(0 > th);
    consts.push(...splatInto(A, beta), ...splatInto(B, r0 * th));
    if (p.reset === 'subtract') {
      // U0 = (0 + x) − R0·θ;  U_t = (β·U_{t−1} + x) − S_{t−1}·θ
      row0 = emit([...op.f32(0), ...op.splat, ...loadAt(P_X), ...op.add, ...op.get(B), ...op.sub]);
      rows = emit([
        ...op.get(A), ...loadAt(P_PRE, true), ...op.mul, ...loadAt(P_X), ...op.add,
        ...loadAt(P_SPK, true), ...op.get(TH), ...op.mul, ...op.sub,
      ]);
    } else {
      // U0 = 0 + x;  U_t = β·((1 − S_{t−1})·U_{t−1}) + x
      row0 = emit([...op.f32(0), ...op.splat, ...loadAt(P_X), ...op.add]);
      rows = emit([
        ...op.get(A), ...op.get(ONE), ...loadAt(P_SPK, true), ...op.sub, ...loadAt(P_PRE, true), ...op.mul, ...op.mul,
        ...loadAt(P_X), ...op.add,
      ]);
    }
  } else {
    const tau = f32(p.tau);
    const vr = f32(p.vReset);
    const keep = f32(1 - 1 / p.tau);
    consts.push(...splatInto(A, tau), ...splatInto(B, vr), ...splatInto(PREV, keep));
    // H from V (in local X) and x, in SpikingJelly's three float32 forms.
    let charge: number[];
    if (p.decayInput) {
      charge = [...op.get(X), ...loadAt(P_X), ...op.get(X), ...op.get(B), ...op.sub, ...op.sub, ...op.get(A), ...op.div, ...op.add];
    } else if (vr === 0) {
      charge = [...op.get(X), ...op.get(PREV), ...op.mul, ...loadAt(P_X), ...op.add];
    } else {
      charge = [...op.get(X), ...op.get(X), ...op.get(B), ...op.sub, ...op.get(A), ...op.div, ...op.sub, ...loadAt(P_X), ...op.add];
    }
    const v0 = p.reset === 'hard' ? vr : 0;
    row0 = [...op.f32(v0), ...op.splat, ...op.set(X), ...emit(charge)];
    // V_{t−1}: hard (1 − S)·H + S·V_r, soft H − S·θ (exact for S ∈ {0, 1})
    const prevV =
      p.reset === 'hard'
        ? [...op.get(ONE), ...loadAt(P_SPK, true), ...op.sub, ...loadAt(P_PRE, true), ...op.mul, ...loadAt(P_SPK, true), ...op.get(B), ...op.mul, ...op.add]
        : [...loadAt(P_PRE, true), ...loadAt(P_SPK, true), ...op.get(TH), ...op.mul, ...op.sub];
    rows = [...prevV, ...op.set(X), ...emit(charge)];
  }
  return {
    name: 'forward',
    params: 5,
    i32Locals: 3,
    v128Locals: 7,
    body: [
      ...prologue(),
      ...consts,
      ...forBytes(L_I, op.i32(0), op.get(L_ROW), row0),
      ...forBytes(L_I, op.get(L_ROW), op.get(L_END), rows),
    ],
  };
}

function backwardFn(p: LifKernelAttrs): FnSpec {
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
    ? [...op.get(S1), ...op.get(ONE), ...op.get(S2), ...op.get(PV), ...op.get(TH), ...op.sub, ...op.mul, ...op.set(SG), ...op.get(SG), ...op.get(SG), ...op.mul, ...op.add, ...op.div, ...op.set(SG)]
    : [...op.get(ONE), ...op.get(ONE), ...op.get(S2), ...op.get(PV), ...op.get(TH), ...op.sub, ...op.abs, ...op.mul, ...op.add, ...op.set(SG), ...op.get(SG), ...op.get(SG), ...op.mul, ...op.div, ...op.set(SG)];
  const fireMask = [...op.get(PV), ...op.get(TH), ...(p.model === 'snntorch' ? op.gt : op.ge)];
  // carry·m on the stack, carry = (a/b)·dx[i + N]
  const carry = [...op.get(KAB), ...addrAt(P_DX, true), ...op.load, ...op.mul];
  let carryTimesM: number[];
  if (c1 === 0 && c2 === 0 && c3 === 0) carryTimesM = carry;
  else if (c2 === 0 && c3 === 0) carryTimesM = [...carry, ...fireMask, ...op.andnot]; // m = 1 − S: zero where S = 1
  else {
    // m = 1 − S·|c1| + (c2 + c3·P)·σ'   (c1 ∈ {0, −1}, c3 ∈ {0, −1})
    const m = [
      ...op.get(ONE),
      ...(c1 !== 0 ? [...fireMask, ...op.set(MASK), ...op.get(ONE), ...op.get(MASK), ...op.and, ...op.sub] : []),
      ...op.get(C2), ...(c3 !== 0 ? [...op.get(PV), ...op.sub] : []), ...op.get(SG), ...op.mul, ...op.add,
    ];
    carryTimesM = [...carry, ...m, ...op.mul];
  }
  const head = [...loadAt(P_PRE), ...op.set(PV), ...surrogate];
  const dySg = [...loadAt(P_DY), ...op.get(SG), ...op.mul];
  // dx = b·g
  const lastRow = [...head, ...addrAt(P_DX), ...op.get(BV), ...dySg, ...op.mul, ...op.store];
  const otherRows = [...head, ...addrAt(P_DX), ...op.get(BV), ...dySg, ...carryTimesM, ...op.add, ...op.mul, ...op.store];
  return {
    name: 'backward',
    params: 5,
    i32Locals: 3,
    v128Locals: 10,
    body: [
      ...prologue(),
      ...consts,
      // last row (t = T−1): no carry
      ...forBytes(L_I, [...op.get(L_END), ...op.get(L_ROW), ...op.i32Sub], op.get(L_END), lastRow),
      // rows T−2 … 0, downwards, so row t + 1 is final when row t reads it
      ...forBytesDown(L_I, [...op.get(L_END), ...op.get(L_ROW), ...op.i32Sub, ...op.i32(16), ...op.i32Sub], op.i32(0), otherRows),
    ],
  };
}

export interface LifSimdKernels {
  /** forward over [T, N] at byte offsets x, pre, spk; N must be a multiple of 4 */
  forward(x: number, pre: number, spk: number, T: number, N: number): void;
  /** backward over [T, N] at byte offsets dy, pre, dx; N must be a multiple of 4 */
  backward(dy: number, pre: number, dx: number, T: number, N: number): void;
}

const cache = new WeakMap<WebAssembly.Memory, Map<string, LifSimdKernels | null>>();
let simdSupported: boolean | null = null;

/** Bytes of the module for one config (exported for tests). */
export function lifSimdModuleBytes(p: LifKernelAttrs): Uint8Array<ArrayBuffer> {
  return moduleBytes([forwardFn(p), backwardFn(p)]);
}

/**
 * The SIMD kernels for `p`, operating on `memory`; null when this runtime
 * has no wasm SIMD or the memory is shared (then the JS loops run).
 */
export function lifSimdKernels(memory: WebAssembly.Memory, p: LifKernelAttrs): LifSimdKernels | null {
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
  let perMemory = cache.get(memory);
  if (!perMemory) {
    perMemory = new Map();
    cache.set(memory, perMemory);
  }
  const key = JSON.stringify(p);
  let k = perMemory.get(key);
  if (k === undefined) {
    const bytes = lifSimdModuleBytes(p);
    if (simdSupported === null) simdSupported = WebAssembly.validate(bytes);
    if (!simdSupported) k = null;
    else {
      try {
        // Synchronous compile: the module is well under a kilobyte, below the
        // size browsers allow for synchronous compilation on the main thread.
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
        k = instance.exports as unknown as LifSimdKernels;
      } catch {
        // e.g. a content security policy without 'wasm-unsafe-eval': the JS loops still work.
        k = null;
      }
    }
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
