import { describe, expect, it } from 'vitest';
import { createLocalEvaluators } from '../src/cli/local-evaluators.ts';
import { runSearchCommand } from '../src/cli/search.ts';
import { fakeIO } from './cli-io.ts';

const tfjsLoaded = () => (globalThis as Record<string, unknown>)._tfengine !== undefined;

// With a pool the threads run tfjs; this thread loading it too spent most of a second of CPU while the threads
// started on the same cores (tfjs keeps its engine on globalThis once loaded).
// Runs first: the cases after it load tfjs in this process.
describe('a search that runs no network', () => {
  it('ranked by the parameter count and training nothing, never starts an engine: no tfjs, no threads', async () => {
    for (const workers of ['1', '2']) {
      const io = fakeIO();
      const code = await runSearchCommand(['--samples', '200', '--seed', '4', '--top-k', '0', '--workers', workers, '--progress', '--json'], io);
      expect(code).toBe(0);
      const run = JSON.parse(io.stdout.join(''));
      expect(run.counts.scored).toBeGreaterThan(20);
      expect(run.candidates.filter((c: { feasible: boolean }) => c.feasible).every((c: { score: number; params: number }) => c.score === c.params)).toBe(true);
      expect(io.stderr.join('\n')).toContain(`backend: none (no network ran: the ranking came from the cost model and nothing was trained), ${workers} worker`);
      expect(tfjsLoaded()).toBe(false);
    }
  });
});

describe('the command line with a pool of threads', () => {
  it('leaves tfjs to the threads: this thread never loads it', async () => {
    const evaluators = await createLocalEvaluators({ dataset: 'mnist', backend: 'wasm', seed: 1, scoreBatch: 8, trainSamples: 500, workers: 2 });
    try {
      expect(evaluators.workers).toBe(2);
      expect(evaluators.backend).toBe('wasm');
      expect(tfjsLoaded()).toBe(false);
    } finally {
      evaluators.dispose();
    }
  });

  it('one worker runs tfjs in this thread', async () => {
    const evaluators = await createLocalEvaluators({ dataset: 'mnist', backend: 'wasm', seed: 1, scoreBatch: 8, trainSamples: 500, workers: 1 });
    expect(evaluators.workers).toBe(1);
    expect(tfjsLoaded()).toBe(true);
    evaluators.dispose();
  });
});
