/** worker_threads side of the search bench: costs and budget-checks a shard of genomes. */
import { parentPort, workerData } from 'node:worker_threads';
import { parseGenome } from '../../src/core/arch/genome.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../../src/core/cost/estimator.ts';
import { budgetViolation } from '../../src/core/feasibility.ts';
import type { Budgets } from '../../src/core/settings.ts';
import type { HardwareConfig } from '../../src/core/cost/hardware.ts';

const { hardware, budgets } = workerData as { hardware: HardwareConfig; budgets: Budgets };
const hw = compileHardware(hardware);
const totals = createTotals();

parentPort!.on('message', (genomes: string[]) => {
  let feasible = 0;
  for (const g of genomes) if (budgetViolation(estimateArchitecture(parseGenome(g), hw, totals), budgets) === 0) feasible++;
  parentPort!.postMessage(feasible);
});
