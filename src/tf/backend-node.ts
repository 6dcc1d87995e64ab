/**
 * Node entry to the backend choice: the WASM binaries are read from the
 * installed package's dist folder. Only Node code (CLI, bench, tests) imports
 * this file; the worker passes same-origin URLs instead.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { initBackend, type BackendChoice, type BackendEnv, type BackendPreference } from './backend.ts';

export function nodeWasmDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/';
}

/** `initBackend` with Node's wasm paths; in Node `auto` chooses between wasm and cpu by the probe. */
export function initNodeBackend(preference: BackendPreference = 'auto', env: BackendEnv = {}): Promise<BackendChoice> {
  return initBackend(preference, { wasmPaths: nodeWasmDir(), ...env });
}
