/**
 * What test builds (`vite build --mode test`, the build the end-to-end tests
 * run) add to the workers: crashes and silent ends on demand. The worker
 * entries import this only when `import.meta.env.MODE === 'test'`, so a
 * production build holds none of it (tests/production-bundle.test.ts checks).
 */
import type { CostingTestHooks, RemoteTestHooks, TrainingTestHooks } from '../protocol/test-hooks.ts';
import type { createTrainingPool } from './search-pool.ts';

/** Throws from a timer in the worker's global scope: an error event, as an uncaught exception gives. */
function crashSoon(what: string): void {
  setTimeout(() => {
    throw new Error(`simulated crash of the ${what}`);
  });
}

type TrainingPool = ReturnType<typeof createTrainingPool>;

/** `pools.ensure` gives the search's pool (made if there is none); `pools.current` the one made, if any. */
export function costingTestHooks(pools: { ensure(): TrainingPool; current(): TrainingPool | null }): CostingTestHooks {
  return {
    crash: () => crashSoon('costing worker'),
    endTrainingWorker(which, how) {
      const { scorers, trainer } = pools.ensure().clients;
      const client = which === 'trainer' ? trainer : scorers[0];
      client.notify((remote) => {
        const hooks = (remote as unknown as RemoteTestHooks<TrainingTestHooks>).test;
        return how === 'crash' ? hooks.crash() : hooks.close();
      });
    },
    trainingWorkersSpawned() {
      const pool = pools.current();
      return pool ? [pool.clients.trainer, ...pool.clients.scorers].reduce((n, c) => n + c.spawned, 0) : 0;
    },
  };
}

export const trainingTestHooks: TrainingTestHooks = {
  crash: () => crashSoon('training worker'),
  // self.close(): the worker ends with no error event, as when the browser ends it.
  close: () => setTimeout(() => self.close()),
};
