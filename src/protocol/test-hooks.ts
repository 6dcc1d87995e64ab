/**
 * What test builds (`vite build --mode test`, the build the end-to-end tests
 * run) add to the workers' APIs, under `test`: crashes and silent ends on
 * demand. A production build has no `test` (src/workers/test-hooks.ts).
 */
import type * as Comlink from 'comlink';

/** A test build's costing worker: crashes on demand, of itself or of one of its training workers. */
export interface CostingTestHooks {
  /** Throws from a timer in the worker's global scope, to exercise the page's crash handling. */
  crash(): void;
  /** Makes the search's trainer or first scorer throw from a timer ('crash') or close itself without an error event ('close'). */
  endTrainingWorker(which: 'trainer' | 'scorer', how: 'crash' | 'close'): void;
  /** training workers spawned so far (each 1 + its respawns) */
  trainingWorkersSpawned(): number;
}

/** A test build's training worker. */
export interface TrainingTestHooks {
  /** Throws from a timer in the worker's global scope. */
  crash(): void;
  /** Ends the worker from a timer with `self.close()`: no error event, as when the browser ends a worker. */
  close(): void;
}

/**
 * A worker's remote seen with its test hooks (comlink reaches `remote.test.crash()` by its property path; its
 * types only follow a nested object marked as a proxy).
 */
export type RemoteTestHooks<H> = Comlink.Remote<{ test: H & Comlink.ProxyMarked }>;
