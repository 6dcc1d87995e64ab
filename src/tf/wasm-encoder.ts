/**
 * A minimal WebAssembly binary encoder for the hand-built SIMD kernels
 * (lif-simd.ts, simd-kernels.ts): the instructions they use, counting loops,
 * and a module of exported functions on an imported memory. There is no
 * wasm toolchain in the build, and a few hundred instructions do not need
 * one.
 *
 * Every function of such a module takes i32 parameters (byte offsets into
 * the memory, element counts) and returns nothing; its extra locals are i32s
 * then v128s, numbered after the parameters.
 */

/** Bytes of wasm code: an instruction, a sequence of them, or a section. */
export type Code = number[];

const I32 = 0x7f;
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
const end: Code = [0x0b];
const br = (depth: number): Code => [0x0c, ...uleb(depth)];
const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];
export const select: Code = [0x1b];

/** local.get */
export const get = (local: number): Code => [0x20, ...uleb(local)];
/** local.set */
export const set = (local: number): Code => [0x21, ...uleb(local)];

export const i32Const = (v: number): Code => [0x41, ...sleb(v)];
export const f32Const = (v: number): Code => [0x43, ...f32Bytes(v)];
const i32LtS: Code = [0x48];
export const i32LtU: Code = [0x49];
const i32GeU: Code = [0x4f];
export const i32Add: Code = [0x6a];
export const i32Sub: Code = [0x6b];
export const i32Mul: Code = [0x6c];
export const i32DivU: Code = [0x6e];
export const i32ShrU: Code = [0x76];

// memarg: alignment hint 2^2 (floats; tensors need not be 16-byte aligned), offset 0
export const f32Load: Code = [0x2a, 2, 0];
export const f32Store: Code = [0x38, 2, 0];
export const v128Load: Code = [...simd(0x00), 2, 0];
export const v128Store: Code = [...simd(0x0b), 2, 0];
/** memory.copy(dst, src, bytes) within memory 0 */
export const memoryCopy: Code = [...misc(10), 0x00, 0x00];
/** memory.fill(dst, byte, bytes) of memory 0 */
export const memoryFill: Code = [...misc(11), 0x00];

export const i32x4Splat: Code = simd(0x11);
export const f32x4Splat: Code = simd(0x13);
export const f32x4Gt: Code = simd(0x44);
export const f32x4Ge: Code = simd(0x46);
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

/** An exported function: its count of i32 params, its extra locals (i32 then v128) and body. */
export interface WasmFunction {
  name: string;
  params: number;
  i32Locals: number;
  v128Locals: number;
  body: Code;
}

/** A module that imports `env.memory` (unshared, at least one page) and exports `fns` by name. */
export function moduleBytes(fns: WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]);
  const code = fns.map((f) => {
    const locals = vec([
      [...uleb(f.i32Locals), I32],
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
    // Synchronous compile: these modules are a few kilobytes at most, below
    // the size browsers allow for synchronous compilation on the main thread.
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Exports;
  } catch {
    return null;
  }
}
