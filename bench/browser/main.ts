/**
 * Page of the browser training bench (bench/parts/training-browser.ts): the
 * studio's own training worker, driven through the same client the UI uses.
 * Exposes `window.__trainingBench(request)`; each run gets a fresh worker
 * (a backend and its thread count are fixed once a worker initialised it).
 */
import { TrainingClient } from '../../src/worker-host/training-client.ts';
import type { BackendPreference, InitResult, ReferenceBenchReport } from '../../src/protocol/training.ts';

export interface BrowserBenchRequest {
  backend: BackendPreference;
  wasmThreads?: number;
  /** timed steps of the reference network; 0 = only initialise (probe) */
  steps: number;
  warmup?: number;
}

export interface BrowserBenchResult {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  init: InitResult;
  bench: ReferenceBenchReport | null;
}

declare global {
  interface Window {
    __trainingBench(request: BrowserBenchRequest): Promise<BrowserBenchResult>;
  }
}

window.__trainingBench = async (request) => {
  const client = new TrainingClient();
  try {
    const init = await client.init({ backend: request.backend, wasmThreads: request.wasmThreads ?? 1 });
    const bench = request.steps > 0 ? await client.benchReference({ steps: request.steps, warmup: request.warmup ?? 3 }) : null;
    return { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, init, bench };
  } finally {
    client.dispose();
  }
};
document.body.dataset.ready = '1';
