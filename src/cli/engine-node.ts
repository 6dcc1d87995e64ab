/** The training engine wired for Node: in-process backend (wasm or cpu), data from public/data. */
import { initNodeBackend } from '../tf/backend-node.ts';
import { loadDatasetNode } from './data-node.ts';
import { TrainingEngine } from '../workers/training-engine.ts';
import type { TrainingEndpoint } from '../worker-host/training-evaluators.ts';

export function createNodeEngine(): TrainingEngine {
  return new TrainingEngine({
    initBackend: (req) => initNodeBackend(req.backend),
    loadDataset: (name) => loadDatasetNode(name),
    pause: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
  });
}

/** An engine as a protocol endpoint: job ids are assigned here and an abort cancels the job. */
export function engineEndpoint(engine: TrainingEngine): TrainingEndpoint {
  let nextJob = 1;
  const withJob = async <R>(signal: AbortSignal | undefined, run: (jobId: number) => Promise<R>): Promise<R> => {
    const jobId = nextJob++;
    const onAbort = () => engine.cancel(jobId);
    signal?.addEventListener('abort', onAbort);
    try {
      return await run(jobId);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };
  return {
    score: (request, onItem, signal) => withJob(signal, (jobId) => engine.score({ ...request, jobId }, onItem)),
    train: (request, onProgress, signal) => withJob(signal, (jobId) => engine.train({ ...request, jobId }, onProgress)),
  };
}
