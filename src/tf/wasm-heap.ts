/**
 * A full WebAssembly heap as an error instead of silent corruption.
 *
 * tfjs-backend-wasm allocates every tensor with the module's `_malloc` and
 * uses the returned address unchecked (`backend_wasm.js`, `move`). When the
 * heap cannot grow any more (4 GiB at most), `_malloc` returns 0 and the new
 * tensor is written over the start of the heap: other tensors, the stack and
 * the module's own data. What follows is wrong numbers or a later "memory
 * access out of bounds". Measured: with 3.8 GiB in use, an 800 MB tensor
 * got address 0. The guard wraps `_malloc` so that a failed allocation
 * throws WasmHeapFullError naming the size, before anything is written; the
 * heap and every live tensor stay intact, and the job that asked for too
 * much fails with a reason.
 *
 * A request within 64 KiB of 4 GiB is refused before `_malloc` sees it:
 * there dlmalloc's size arithmetic wraps around and it returns a small block
 * instead of failing (measured: 4 294 950 000 bytes gave a valid address
 * with a 1.1 GiB heap).
 *
 * Allocations made inside the module (XNNPACK's buffers) do not pass through
 * `_malloc` from JavaScript and are not covered.
 */
import * as tf from '@tensorflow/tfjs-core';

export class WasmHeapFullError extends Error {
  override name = 'WasmHeapFullError';
}

interface WasmModule {
  _malloc(bytes: number): number;
  _free(address: number): void;
  HEAPU8: Uint8Array;
}

const guarded = new WeakSet<object>();

/** The most a wasm32 heap can reach: Emscripten's getHeapMax(), 65 535 pages of 64 KiB. */
export const WASM_HEAP_MAX = 4_294_901_760;

const mib = (bytes: number) => Math.round(bytes / (1024 * 1024));

/** Installs the guard on the active wasm backend (once per module; a no-op on other backends). */
export function guardWasmHeap(): void {
  if (tf.getBackend() !== 'wasm') return;
  const wasm = (tf.backend() as unknown as { wasm?: WasmModule }).wasm;
  if (!wasm || guarded.has(wasm)) return;
  // Emscripten binds `_malloc` lazily: its first call replaces Module._malloc
  // with the raw export, which would drop a wrapper installed before it.
  wasm._free(wasm._malloc(8));
  const malloc = wasm._malloc.bind(wasm);
  const full = (bytes: number) => new WasmHeapFullError(`out of memory: the WebAssembly heap (${mib(wasm.HEAPU8.length)} MiB, 4 GiB at most) has no room for another ${mib(bytes)} MiB tensor`);
  wasm._malloc = (bytes: number): number => {
    if (bytes >= WASM_HEAP_MAX) throw full(bytes);
    const address = malloc(bytes);
    if (address === 0 && bytes > 0) throw full(bytes);
    return address;
  };
  guarded.add(wasm);
}
