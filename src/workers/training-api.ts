/**
 * The training protocol (src/protocol/training.ts) served by a training
 * engine, as a comlink API: the page's training worker
 * (training.worker.ts) and the command line's worker threads
 * (src/cli/training-thread.ts) expose the same one. The callbacks a job
 * streams to are comlink proxies, released when the job ends.
 */
import * as Comlink from 'comlink';
import type { TrainingApi } from '../protocol/training.ts';
import type { TrainingEngine } from './training-engine.ts';

function release(cb: unknown): void {
  (cb as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy]?.();
}

export function trainingApi(engine: TrainingEngine, test: TrainingApi['test']): TrainingApi {
  return {
    init: (request) => engine.init(request),
    provideDataset: async (upload) => engine.provideDataset(upload),
    async score(request, onItem) {
      try {
        return await engine.score(request, onItem);
      } finally {
        release(onItem);
      }
    },
    async train(request, onProgress) {
      try {
        return await engine.train(request, onProgress);
      } finally {
        release(onProgress);
      }
    },
    proxies: (request) => engine.proxies(request),
    async spikeRaster(request) {
      const r = await engine.spikeRaster(request);
      return Comlink.transfer(r, [r.spikes.buffer]);
    },
    benchReference: (request) => engine.benchReference(request),
    cancel(jobId) {
      engine.cancel(jobId);
    },
    test,
  };
}
