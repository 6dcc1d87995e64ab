/** Test helper: switch tfjs to a Node backend (cpu, or single-threaded wasm) through the studio's backend module. */
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../src/tf/backend-node.ts';

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  // Always through initNodeBackend (cheap when `name` is already active): tf.getBackend() alone
  // would start tfjs's own choice of backend without the studio's setup (the wasm heap guard).
  const choice = await initNodeBackend(name);
  if (choice.backend !== name) throw new Error(`backend ${name} failed to initialise: ${choice.reason}`);
}

interface WasmHeap {
  _malloc(bytes: number): number;
  _free(address: number): void;
}

/**
 * Runs `fn` on the wasm backend and returns the peak, over the run, of the
 * bytes of tensor buffers allocated in the WebAssembly heap beyond those
 * already live when it started: every `_malloc` and `_free` tfjs makes from
 * JavaScript is counted (allocations inside the module, XNNPACK's, are not).
 */
export async function wasmAllocationPeak(fn: () => unknown): Promise<number> {
  if (tf.getBackend() !== 'wasm') throw new Error('wasmAllocationPeak needs the wasm backend');
  const wasm = (tf.backend() as unknown as { wasm: WasmHeap }).wasm;
  // Resolve Emscripten's lazy binding first, or its first call would replace the wrapper.
  wasm._free(wasm._malloc(8));
  const malloc = wasm._malloc;
  const free = wasm._free;
  const sizes = new Map<number, number>();
  let live = 0;
  let peak = 0;
  wasm._malloc = (bytes: number) => {
    const address = malloc(bytes);
    sizes.set(address >>> 0, bytes);
    live += bytes;
    peak = Math.max(peak, live);
    return address;
  };
  wasm._free = (address: number) => {
    const bytes = sizes.get(address >>> 0);
    if (bytes !== undefined) {
      live -= bytes;
      sizes.delete(address >>> 0);
    }
    free(address);
  };
  try {
    await fn();
  } finally {
    wasm._malloc = malloc;
    wasm._free = free;
  }
  return peak;
}
