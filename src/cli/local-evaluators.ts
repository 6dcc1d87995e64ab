/** The search's scorer and trainer in this Node process: one tfjs engine, scoring and training in turn. */
import type { Evaluators } from '../core/search/pipeline.ts';
import type { BackendPreference } from '../tf/backend.ts';
import { createNodeEngine, engineEndpoint } from './engine-node.ts';
import { trainingEvaluators } from '../worker-host/training-evaluators.ts';
import type { DatasetName } from '../core/data/datasets.ts';
import { DatasetError } from '../core/data/format.ts';
import { readNamedFiles } from './data-node.ts';
import type { CliIO } from './io.ts';

export interface LocalEvaluatorOptions {
  dataset: DatasetName;
  /** CIFAR-10 batch files to read and hand to the engine (dataset cifar10) */
  cifarFiles?: readonly string[];
  backend: BackendPreference;
  seed: number;
  scoreBatch: number;
  trainSamples: number;
}

export type LocalEvaluators = Evaluators & { backend: string; backendReason: string };

export async function createLocalEvaluators(opts: LocalEvaluatorOptions): Promise<LocalEvaluators> {
  const engine = createNodeEngine();
  const choice = await engine.init({ backend: opts.backend });
  if (opts.cifarFiles?.length) engine.provideDataset({ name: 'cifar10', files: await readNamedFiles(opts.cifarFiles) });
  const endpoint = engineEndpoint(engine);
  return {
    ...trainingEvaluators([endpoint], endpoint, opts),
    backend: choice.backend,
    backendReason: choice.reason,
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
    if (e instanceof DatasetError || (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EISDIR'))) {
      io.err(`neuronas ${command}: --cifar: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
