/**
 * Costing worker entry: exposes the CostingApi of src/protocol/costing.ts
 * through comlink. Sampling and costing run here so the page never blocks;
 * chunks go out with their column buffers transferred. The page's searches
 * run here too, on the candidates costed here, with training workers this
 * worker owns (nested dedicated workers, src/workers/search-pool.ts). Its
 * lifeline lets the page notice if it ends without an error event.
 */
import { createCostingApi } from './costing-api.ts';
import { exposeWorkerApi } from './lifeline.ts';
import { createTrainingPool } from './search-pool.ts';
import { costingTestHooks } from './test-hooks.ts';

let pool: ReturnType<typeof createTrainingPool> | null = null;
const createPool = () => (pool = createTrainingPool());

exposeWorkerApi(
  createCostingApi({
    createPool,
    // Only a test build has these (a production build drops the branch, and the module with it).
    testHooks:
      import.meta.env.MODE === 'test'
        ? (host) =>
            costingTestHooks({
              ensure: () => {
                host.poolForTest();
                return pool!;
              },
              current: () => pool,
            })
        : undefined,
  }),
);
