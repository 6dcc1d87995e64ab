/**
 * Training worker entry: exposes the TrainingApi of src/protocol/training.ts
 * through comlink. Backend choice, scoring and training run here so the page
 * never blocks.
 *
 * WASM binaries: the three .wasm files are imported with Vite's `?url`, so
 * the build copies them into its output and they are served same-origin (no
 * CDN). The threaded build loads only when the page is cross-origin isolated
 * (COOP/COEP, set in vite.config.ts) and `wasmThreads > 1` is asked for;
 * tfjs then starts its pthread workers from the factory function's source
 * text (`wasmFactoryThreadedSimd.toString()`), which is why the worker bundle
 * must not be minified (vite.config.ts: worker build without minification).
 */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend } from '../tf/backend.ts';
import { loadDatasetBrowser } from '../tf/data-browser.ts';
import { TrainingEngine } from './training-engine.ts';
import { exposeWorkerApi } from './lifeline.ts';
import { trainingTestHooks } from './test-hooks.ts';
import { trainingApi } from './training-api.ts';

/** Same-origin URLs of the wasm binaries, absolute (a worker resolves relative URLs against its own script). */
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': new URL(wasmUrl, self.location.href).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, self.location.href).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimdUrl, self.location.href).href,
};

// A macrotask yield (no 4 ms timer clamp): lets cancel messages in between candidates and batches.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function pause(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}

const engine = new TrainingEngine({
  initBackend: (req) => initBackend(req.backend, { wasmPaths: WASM_PATHS, wasmThreads: req.wasmThreads ?? 1 }),
  loadDataset: (name, dataBase) => loadDatasetBrowser(name, dataBase),
  pause,
  now: () => performance.now(),
});

// Only a test build has the test hooks (a production build drops the branch, and the module with it).
const api = trainingApi(engine, import.meta.env.MODE === 'test' ? trainingTestHooks : undefined);

exposeWorkerApi(api);
