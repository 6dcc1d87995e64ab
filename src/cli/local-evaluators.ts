/** The search's scorer and trainer in this Node process: one tfjs engine, scoring and training in turn. */
import type { Evaluators } from '../core/search/pipeline.ts';
import type { BackendPreference } from '../tf/backend.ts';
import { createNodeEngine, engineEndpoint } from '../tf/engine-node.ts';
import { trainingEvaluators } from '../protocol/training-evaluators.ts';
import type { EmbeddedDatasetName } from '../core/data/datasets.ts';

export interface LocalEvaluatorOptions {
  dataset: EmbeddedDatasetName;
  backend: BackendPreference;
  seed: number;
  scoreBatch: number;
  trainSamples: number;
}

export async function createLocalEvaluators(opts: LocalEvaluatorOptions): Promise<Evaluators & { backend: string; backendReason: string }> {
  const engine = createNodeEngine();
  const choice = await engine.init({ backend: opts.backend });
  const endpoint = engineEndpoint(engine);
  return {
    ...trainingEvaluators([endpoint], endpoint, opts),
    backend: choice.backend,
    backendReason: choice.reason,
  };
}
