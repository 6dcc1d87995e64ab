import { describe, expect, it } from 'vitest';
import { createLocalEvaluators } from '../src/cli/local-evaluators.ts';

// With a pool the threads run tfjs; this thread loading it too spent most of a second of CPU while the threads
// started on the same cores (tfjs keeps its engine on globalThis once loaded).
describe('the command line with a pool of threads', () => {
  it('leaves tfjs to the threads: this thread never loads it', async () => {
    const evaluators = await createLocalEvaluators({ dataset: 'mnist', backend: 'wasm', seed: 1, scoreBatch: 8, trainSamples: 500, workers: 2 });
    try {
      expect(evaluators.workers).toBe(2);
      expect(evaluators.backend).toBe('wasm');
      expect((globalThis as Record<string, unknown>)._tfengine).toBeUndefined();
    } finally {
      evaluators.dispose();
    }
  });

  it('one worker runs tfjs in this thread', async () => {
    const evaluators = await createLocalEvaluators({ dataset: 'mnist', backend: 'wasm', seed: 1, scoreBatch: 8, trainSamples: 500, workers: 1 });
    expect(evaluators.workers).toBe(1);
    expect((globalThis as Record<string, unknown>)._tfengine).toBeDefined();
    evaluators.dispose();
  });
});
