/** What the page must show, computed in Node from the same core modules (sampler, estimator, feasibility). */
import { sampleArchitectures } from '../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { computeFeasibility } from '../src/core/feasibility.ts';
import { METRICS, allocateColumns } from '../src/core/metrics.ts';
import { defaultParams, type ParamValues } from '../src/core/params.ts';
import type { HardwareEdits } from '../src/core/inputs.ts';
import { budgetsFromParams, hardwareFromParams, searchSpaceFromParams } from '../src/core/settings.ts';

export function expectedCounts(over: Partial<ParamValues> = {}, constants: HardwareEdits = {}) {
  const p = { ...defaultParams(), ...over };
  const archs = sampleArchitectures(searchSpaceFromParams(p), p.samples, p.seed);
  const hw = compileHardware(hardwareFromParams(p, constants));
  const cols = allocateColumns(archs.length);
  const t = createTotals();
  archs.forEach((a, i) => {
    estimateArchitecture(a, hw, t);
    for (const m of METRICS) cols[m][i] = t[m];
  });
  const mask = new Uint8Array(archs.length);
  return computeFeasibility(cols, archs.length, budgetsFromParams(p), mask);
}
