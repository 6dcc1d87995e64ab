/**
 * The search's scorer and trainer in Node: with one worker, one tfjs engine in this process, scoring and training in
 * turn; with more, a pool of worker threads (thread-pool.ts) scoring at once, then training the top-k as many at once.
 */
import { trainingSlots, type Evaluators } from '../core/search/pipeline.ts';
import type { BackendPreference } from '../tf/backend.ts';
import { trainingEvaluators, type EvaluatorOptions } from '../worker-host/training-evaluators.ts';
import type { DatasetName } from '../core/data/datasets.ts';
import { DatasetError } from '../core/data/format.ts';
import { readNamedFiles } from './data-node.ts';
import type { CliIO } from './io.ts';
import type { DatasetUpload } from '../protocol/training.ts';
import { openThreadPool } from './thread-pool.ts';

export interface LocalEvaluatorOptions {
  dataset: DatasetName;
  /** CIFAR-10 batch files to read and hand to the engine (dataset cifar10) */
  cifarFiles?: readonly string[];
  backend: BackendPreference;
  seed: number;
  scoreBatch: number;
  /** the proxy the search ranks by and its knobs (EvaluatorOptions) */
  rankBy?: EvaluatorOptions['rankBy'];
  proxyKnobs?: EvaluatorOptions['proxyKnobs'];
  trainSamples: number;
  /** worker threads (default 1: in this process) */
  workers?: number;
}

/** The evaluators, the backend they run on, and `dispose` (which ends the pool's threads; the process can then exit). */
export type LocalEvaluators = Evaluators & { backend: string; backendReason: string; workers: number; dispose(): void };

export async function createLocalEvaluators(opts: LocalEvaluatorOptions): Promise<LocalEvaluators> {
  const upload: DatasetUpload | undefined = opts.cifarFiles?.length ? { name: 'cifar10', files: await readNamedFiles(opts.cifarFiles) } : undefined;
  const workers = opts.workers ?? 1;
  if (workers > 1) {
    const pool = await openThreadPool(workers, opts.backend, upload);
    return { ...trainingEvaluators(pool.clients, pool.clients, opts), backend: pool.backend, backendReason: pool.reason, workers, dispose: pool.dispose };
  }
  // Loaded only here: with a pool, tfjs runs in the threads, and importing it in this one as well would spend most
  // of a second of CPU while the threads start on the same cores.
  const { createNodeEngine, engineEndpoint } = await import('./engine-node.ts');
  const engine = createNodeEngine();
  const choice = await engine.init({ backend: opts.backend });
  if (upload) engine.provideDataset(upload);
  const endpoint = engineEndpoint(engine);
  return {
    ...trainingEvaluators([endpoint], [endpoint], opts),
    backend: choice.backend,
    backendReason: choice.reason,
    workers: 1,
    dispose() {},
  };
}

/**
 * Evaluators whose engine (this process's tfjs, or the pool's threads) starts on the first score or training: a search
 * ranked by a cost-model proxy (the default, the parameter count) that trains nothing runs no network, and then skips
 * the engine's start (tfjs, the wasm backend and its probe in every thread: seconds of CPU). `backend` reads 'none'
 * until then. A run's results do not depend on when its engine started.
 */
export function deferredEvaluators(open: () => Promise<LocalEvaluators>, workers: number): LocalEvaluators {
  let opening: Promise<LocalEvaluators> | null = null;
  let ready: LocalEvaluators | null = null;
  const engine = () => (opening ??= open().then((e) => (ready = e)));
  return {
    score: async (genomes, signal, onScore, wanted) => (await engine()).score(genomes, signal, onScore, wanted),
    train: async (genome, epochs, signal, onProgress) => (await engine()).train(genome, epochs, signal, onProgress),
    trainers: trainingSlots(workers),
    get backend() {
      return ready?.backend ?? 'none';
    },
    get backendReason() {
      return ready?.backendReason ?? 'no network ran: the ranking came from the cost model and nothing was trained';
    },
    workers,
    dispose() {
      void opening?.then((e) => e.dispose(), () => {});
    },
  };
}

export const BACKENDS: readonly string[] = ['auto', 'wasm', 'cpu'];

/**
 * The local evaluators for a command, or its exit status when the input is
 * bad (said in one line): an unknown backend, a CIFAR-10 run without its
 * files, a missing or malformed batch file.
 */
export async function openLocalEvaluators(opts: Omit<LocalEvaluatorOptions, 'backend'> & { backend: string }, io: CliIO, command: string): Promise<LocalEvaluators | number> {
  if (!BACKENDS.includes(opts.backend)) {
    io.err(`neuronas ${command}: --backend: '${opts.backend}' is not one of ${BACKENDS.join(', ')}`);
    return 2;
  }
  if (opts.dataset === 'cifar10' && !opts.cifarFiles?.length) {
    io.err(`neuronas ${command}: a cifar10 search needs --cifar data_batch_1.bin[,data_batch_2.bin,…]: CIFAR-10 comes from your disk`);
    return 2;
  }
  try {
    return await createLocalEvaluators({ ...opts, backend: opts.backend as BackendPreference });
  } catch (e) {
    // A missing or malformed batch file is bad input, said in one line.
    // From a worker thread the error comes back as a plain Error that keeps its name.
    if (e instanceof DatasetError || (e instanceof Error && e.name === 'DatasetError') || (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EISDIR'))) {
      io.err(`neuronas ${command}: --cifar: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
