/** The search's scorer and trainer in this Node process: one tfjs engine, scoring and training in turn. */
import type { Evaluators } from '../core/search/pipeline.ts';
import type { BackendPreference } from '../tf/backend.ts';
import { createNodeEngine, engineEndpoint } from './engine-node.ts';
import { trainingEvaluators } from '../worker-host/training-evaluators.ts';
import type { DatasetName } from '../core/data/datasets.ts';
import { readNamedFiles } from '../tf/data-node.ts';

export interface LocalEvaluatorOptions {
  dataset: DatasetName;
  /** CIFAR-10 batch files to read and hand to the engine (dataset cifar10) */
  cifarFiles?: readonly string[];
  backend: BackendPreference;
  seed: number;
  scoreBatch: number;
  trainSamples: number;
}

export async function createLocalEvaluators(opts: LocalEvaluatorOptions): Promise<Evaluators & { backend: string; backendReason: string }> {
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
