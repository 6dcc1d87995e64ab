/**
 * Costing worker entry: exposes the CostingApi of src/protocol/costing.ts
 * through comlink. Sampling and costing run here so the page never blocks;
 * chunks go out with their column buffers transferred.
 */
import * as Comlink from 'comlink';
import { createCostingApi } from './costing-api.ts';

Comlink.expose(createCostingApi());
