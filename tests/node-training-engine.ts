/** The training worker's engine as the tests run it in Node: the tfjs Node backend and the packaged data sets. */
import { initNodeBackend } from '../src/tf/backend-node.ts';
import { loadDatasetNode } from '../src/tf/data-node.ts';
import { TrainingEngine } from '../src/workers/training-engine.ts';

export function nodeTrainingEngine(): TrainingEngine {
  return new TrainingEngine({
    initBackend: (req) => initNodeBackend(req.backend),
    loadDataset: (name) => loadDatasetNode(name),
    pause: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
  });
}
