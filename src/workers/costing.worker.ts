/**
 * Costing worker entry: exposes the CostingApi of src/protocol/costing.ts
 * through comlink. Sampling and costing run here so the page never blocks;
 * chunks go out with their column buffers transferred. Its lifeline lets the
 * page notice if it ends without an error event.
 */
import { createCostingApi } from './costing-api.ts';
import { exposeWorkerApi } from './lifeline.ts';

exposeWorkerApi(createCostingApi());
