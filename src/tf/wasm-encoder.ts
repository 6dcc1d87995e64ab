/**
 * A minimal WebAssembly binary encoder for the hand-built SIMD kernels
 * (lif-simd.ts, simd-kernels.ts): the instructions they use, counting loops,
 * and a module of exported functions on an imported memory. There is no
 * wasm toolchain in the build, and a few hundred instructions do not need
 * one.
 *
 * Every function of such a module takes i32 parameters (byte offsets into
 * the memory, element counts) and returns nothing or one i32; its extra
 * locals are i32s, then i64s, then f64s, then v128s, numbered after the
 * parameters.
 */

/** Bytes of wasm code: an instruction, a sequence of them, or a section. */
export type Code = number[];

const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Code {
  const out: Code = [];
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

function f32Bytes(v: number): Code {
  return Array.from(new Uint8Array(new Float32Array([v]).buffer));
}

function f64Bytes(v: number): Code {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}

function name(s: string): Code {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];
const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const simd = (opcode: number): Code => [0xfd, ...uleb(opcode)];
const misc = (opcode: number): Code => [0xfc, ...uleb(opcode)];

// ---------------------------------------------------------------------------
// Instructions (the subset used)

// block, loop and if take no parameters and leave no result (block type 0x40)
const block: Code = [0x02, 0x40];
const loop: Code = [0x03, 0x40];
const ifBlock: Code = [0x04, 0x40];
const elseBlock: Code = [0x05];
const end: Code = [0x0b];
const br = (depth: number): Code => [0x0c, ...uleb(depth)];
const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];
export const select: Code = [0x1b];

/** local.get */
export const get = (local: number): Code => [0x20, ...uleb(local)];
/** local.set */
export const set = (local: number): Code => [0x21, ...uleb(local)];
/** local.tee: set, leaving the value on the stack */
export const tee = (local: number): Code => [0x22, ...uleb(local)];

export const i32Const = (v: number): Code => [0x41, ...sleb(v)];
/** i64.const of a value in the safe-integer range */
export const i64Const = (v: number): Code => [0x42, ...sleb(v)];
export const f32Const = (v: number): Code => [0x43, ...f32Bytes(v)];
export const f64Const = (v: number): Code => [0x44, ...f64Bytes(v)];
export const i32Eqz: Code = [0x45];
export const i32Ne: Code = [0x47];
export const i32LtS: Code = [0x48];
export const i32LtU: Code = [0x49];
export const i32GtS: Code = [0x4a];
const i32GeU: Code = [0x4f];
export const i64Eqz: Code = [0x50];
export const i32Ctz: Code = [0x68];
export const i32Popcnt: Code = [0x69];
export const i32Add: Code = [0x6a];
export const i32Sub: Code = [0x6b];
export const i32Mul: Code = [0x6c];
export const i32DivU: Code = [0x6e];
export const i32And: Code = [0x71];
export const i32Or: Code = [0x72];
export const i32Shl: Code = [0x74];
export const i32ShrU: Code = [0x76];
export const i64Ctz: Code = [0x7a];
export const i64Popcnt: Code = [0x7b];
export const i64Add: Code = [0x7c];
export const i64Sub: Code = [0x7d];
export const i64And: Code = [0x83];
export const i64Shl: Code = [0x86];
export const i64ShrU: Code = [0x88];
export const f64Add: Code = [0xa0];
export const f64Sub: Code = [0xa1];
export const f64Mul: Code = [0xa2];
export const f64Div: Code = [0xa3];
export const i32WrapI64: Code = [0xa7];
export const i64ExtendI32U: Code = [0xad];
export const f64ConvertI32U: Code = [0xb8];

// memarg: alignment hint 2^2 (floats; tensors need not be 16-byte aligned), offset 0
export const f32Load: Code = [0x2a, 2, 0];
export const f32Store: Code = [0x38, 2, 0];
export const v128Load: Code = [...simd(0x00), 2, 0];
export const v128Store: Code = [...simd(0x0b), 2, 0];
/** v128.load / v128.store with a constant byte offset added to the address on the stack */
export const v128LoadOff = (offset: number): Code => [...simd(0x00), 2, ...uleb(offset)];
export const v128StoreOff = (offset: number): Code => [...simd(0x0b), 2, ...uleb(offset)];
/** one f32 from memory into all four lanes */
export const v128Load32Splat: Code = [...simd(0x09), 2, 0];
// Bit-packed spike data is byte-addressed: no alignment promised (hint 2^0).
export const i32Load8U: Code = [0x2d, 0, 0];
export const i32Store8: Code = [0x3a, 0, 0];
export const i32Load: Code = [0x28, 0, 0];
export const i32Store: Code = [0x36, 0, 0];
export const i64Load: Code = [0x29, 0, 0];
// float64 buffers come from malloc, 8-byte aligned
export const f64Load: Code = [0x2b, 3, 0];
export const f64Store: Code = [0x39, 3, 0];
/** memory.copy(dst, src, bytes) within memory 0 */
export const memoryCopy: Code = [...misc(10), 0x00, 0x00];
/** memory.fill(dst, byte, bytes) of memory 0 */
export const memoryFill: Code = [...misc(11), 0x00];

/** v128.const from four i32 lanes */
export const v128ConstI32 = (lanes: readonly [number, number, number, number]): Code => [...simd(0x0c), ...Array.from(new Uint8Array(new Int32Array(lanes).buffer))];
export const i32x4Splat: Code = simd(0x11);
export const i32x4Ne: Code = simd(0x38);
export const f32x4Splat: Code = simd(0x13);
export const f32x4Ne: Code = simd(0x42);
export const f32x4Gt: Code = simd(0x44);
export const f32x4Ge: Code = simd(0x46);
/** i32x4.bitmask: the top bit of each lane, lane k at bit k (4 bits) */
export const i32x4Bitmask: Code = simd(0xa4);
export const v128And: Code = simd(0x4e);
export const v128Andnot: Code = simd(0x4f);
export const f32x4Abs: Code = simd(0xe0);
export const f32x4Add: Code = simd(0xe4);
export const f32x4Sub: Code = simd(0xe5);
export const f32x4Mul: Code = simd(0xe6);
export const f32x4Div: Code = simd(0xe7);

/** if (condition) body: `condition` pushes an i32. */
export function ifThen(condition: Code, body: Code): Code {
  return [...condition, ...ifBlock, ...body, ...end];
}

/** if (condition) then else otherwise. */
export function ifElse(condition: Code, then: Code, otherwise: Code): Code {
  return [...condition, ...ifBlock, ...then, ...elseBlock, ...otherwise, ...end];
}

/** (condition ? then : otherwise) where both branches push one f64. */
export function ifElseF64(condition: Code, then: Code, otherwise: Code): Code {
  return [...condition, 0x04, F64, ...then, ...elseBlock, ...otherwise, ...end];
}

/** while (condition) body: `condition` pushes an i32, tested before each pass. */
export function whileTrue(condition: Code, body: Code): Code {
  return [...block, ...loop, ...condition, ...i32Eqz, ...brIf(1), ...body, ...br(0), ...end, ...end];
}

/**
 * `segment(k)` for k = count − 1 down to 0, unrolled: one br_table jumps into
 * a straight run of `max` segments (count > max runs none; callers loop in
 * chunks of `max`). `count` pushes an i32.
 */
export function unrolledCount(count: Code, max: number, segment: (k: number) => Code): Code {
  // Blocks B1 (innermost) … B(max+1). Leaving Bk runs the segments after the ends of Bk … Bmax;
  // the segment after the end of Bk is segment(max − k). count = V leaves B(max − V + 1): depth max − V.
  const labels = Array.from({ length: max + 1 }, (_, v) => uleb(max - v));
  const out: Code = [];
  for (let k = 0; k <= max; k++) out.push(...block);
  out.push(...count, 0x0e, ...vec(labels), ...uleb(max), ...end);
  for (let k = 1; k <= max; k++) out.push(...segment(max - k), ...end);
  return out;
}

/** local = from; until (local `exit`) { body; local = local `next` } — the loop both counters share. */
function counted(local: number, from: Code, exit: Code, next: Code, body: Code): Code {
  return [
    ...from, ...set(local),
    ...block, ...loop,
    ...get(local), ...exit, ...brIf(1),
    ...body,
    ...get(local), ...next, ...set(local),
    ...br(0),
    ...end, ...end,
  ];
}

/** local = from; while (local < to) { body; local += step } (unsigned compare). */
export function countUp(local: number, from: Code, to: Code, step: Code, body: Code): Code {
  return counted(local, from, [...to, ...i32GeU], [...step, ...i32Add], body);
}

/** local = from; while (local >= to) { body; local -= step } (signed compare: byte offsets stay below 2 GiB). */
export function countDown(local: number, from: Code, to: Code, step: Code, body: Code): Code {
  return counted(local, from, [...to, ...i32LtS], [...step, ...i32Sub], body);
}

// ---------------------------------------------------------------------------
// Modules

/**
 * An exported function: its count of i32 params, its extra locals (i32, i64,
 * f64, then v128) and body. With `returnsI32` the body leaves one i32 on the
 * stack, the result.
 */
export interface WasmFunction {
  name: string;
  params: number;
  i32Locals: number;
  i64Locals?: number;
  f64Locals?: number;
  v128Locals: number;
  returnsI32?: boolean;
  body: Code;
}

/** A module that imports `env.memory` (unshared, at least one page) and exports `fns` by name. */
export function moduleBytes(fns: WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), ...(f.returnsI32 ? [1, I32] : [0])]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]);
  const code = fns.map((f) => {
    // The i64 and f64 groups appear only when used, so modules without them keep their bytes.
    const locals = vec([
      [...uleb(f.i32Locals), I32],
      ...(f.i64Locals ? [[...uleb(f.i64Locals), I64]] : []),
      ...(f.f64Locals ? [[...uleb(f.f64Locals), F64]] : []),
      [...uleb(f.v128Locals), V128],
    ]);
    const body = [...locals, ...f.body, ...end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}

/**
 * The exports of a moduleBytes module instantiated on `memory`, or null: when
 * the memory is shared (the threaded wasm backend: importing it would need a
 * shared memory import with a matching maximum), when this runtime has no
 * wasm SIMD (the module does not validate), or when compilation is refused
 * (e.g. a content security policy without 'wasm-unsafe-eval').
 */
export function instantiateOnMemory<Exports>(bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): Exports | null {
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
  if (!WebAssembly.validate(bytes)) return null;
  try {
    // Synchronous compile: kernels run synchronously. The studio runs them in
    // workers (and Node), where any size may compile synchronously; a page's
    // main thread allows only small modules (a few kilobytes: the LIF and
    // training modules fit, the spike module does not, and then returns null
    // here, so its callers take the dense path).
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Exports;
  } catch {
    return null;
  }
}

/**
 * One module's instances, one per memory, made on first use: the returned
 * function gives the exports on `memory`, or null (see instantiateOnMemory).
 */
export function instancesPerMemory<Exports>(bytes: () => Uint8Array<ArrayBuffer>): (memory: WebAssembly.Memory) => Exports | null {
  const instances = new WeakMap<WebAssembly.Memory, Exports | null>();
  return (memory) => {
    let k = instances.get(memory);
    if (k === undefined) {
      k = instantiateOnMemory<Exports>(bytes(), memory);
      instances.set(memory, k);
    }
    return k;
  };
}

/**
 * Names a function's parameters and locals in the encoder's numbering
 * (parameters, then i32, i64, f64 and v128 locals): `at.name` is the local
 * index, `shape` the counts a WasmFunction takes.
 */
export function frame<N extends string>(spec: { params: readonly N[]; i32?: readonly N[]; i64?: readonly N[]; f64?: readonly N[]; v128?: readonly N[] }): {
  at: Record<N, number>;
  shape: { params: number; i32Locals: number; i64Locals: number; f64Locals: number; v128Locals: number };
} {
  const at = {} as Record<N, number>;
  let k = 0;
  for (const group of [spec.params, spec.i32 ?? [], spec.i64 ?? [], spec.f64 ?? [], spec.v128 ?? []]) {
    for (const n of group) {
      if (n in at) throw new Error(`local '${n}' named twice`);
      at[n] = k++;
    }
  }
  return {
    at,
    shape: { params: spec.params.length, i32Locals: spec.i32?.length ?? 0, i64Locals: spec.i64?.length ?? 0, f64Locals: spec.f64?.length ?? 0, v128Locals: spec.v128?.length ?? 0 },
  };
}
