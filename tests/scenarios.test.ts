/**
 * The HASNAS scenario against the cost model: SNASNet's published CIFAR-10
 * network breaks NeuroNAS's four budgets, and a NeuroNAS search under them
 * (its first stage: sample, cost, reject what breaks a budget) keeps
 * candidates that meet all four.
 */
import { describe, expect, it } from 'vitest';
import { layerList } from '../src/core/arch/architecture.ts';
import { parseGenome, parseMatrixCell, formatGenome } from '../src/core/arch/genome.ts';
import { sampleArchitectures } from '../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { brokenBudgetNames, budgetMask, budgetViolation } from '../src/core/feasibility.ts';
import { defaultParams, parseParamText, formatParamText, PARAM_KEYS } from '../src/core/params.ts';
import { REFERENCE_NETWORKS, SCENARIO_IDS, costReferences, scenarioHolds, scenarioParams } from '../src/core/scenarios.ts';
import { searchSettingsFromParams } from '../src/core/settings.ts';

const DEFAULTS = defaultParams();

describe('the HASNAS scenario', () => {
  const values = scenarioParams('hasnas', DEFAULTS);
  const settings = searchSettingsFromParams(values);

  it('sets NeuroNAS’s CIFAR-10 budgets on a CIFAR-scale space', () => {
    expect(settings.budgets).toEqual({ maxParams: 4e6, maxAreaMm2: 100, maxLatencyMs: 400, maxEnergyUJ: 120 });
    expect(settings.space.input).toEqual({ size: 32, channels: 3 });
    expect(settings.space.channels).toEqual({ min: 16, max: 256, step: 16 });
    expect(settings.space.hidden).toEqual([256, 512, 1024]);
    // Every value it sets is one a link or the command line can carry unchanged.
    for (const k of PARAM_KEYS) expect(parseParamText(k, formatParamText(k, values[k])), k).toEqual({ value: values[k] });
  });

  it('holds after it is applied, and the defaults do not hold it', () => {
    expect(scenarioHolds('hasnas', values, DEFAULTS)).toBe(true);
    expect(scenarioHolds('hasnas', DEFAULTS, DEFAULTS)).toBe(false);
    expect(scenarioHolds('defaults', DEFAULTS, DEFAULTS)).toBe(true);
    expect(scenarioHolds('hasnas', { ...values, maxAreaMm2: 99 }, DEFAULTS)).toBe(false);
    expect(SCENARIO_IDS).toEqual(['defaults', 'quickDemo', 'hasnas']);
  });

  it('SNASNet’s CIFAR-10 network is the published one and breaks all four budgets', () => {
    const [snasnet] = REFERENCE_NETWORKS;
    const cell = parseMatrixCell('0303 0030 2002 0200');
    const arch = parseGenome(snasnet.genome);
    expect(arch.cells[0]).toEqual(cell);
    expect(arch.cells[1]).toEqual(cell);
    expect([arch.channels, arch.hidden, arch.timesteps, arch.input.size, arch.input.channels]).toEqual([256, 1024, 5, 32, 3]);
    expect(formatGenome(arch)).toBe(snasnet.genome);

    const [costed] = costReferences('cifar10', settings.hardware);
    expect(costed.reference.id).toBe('snasnet-cifar10');
    // Its weights, counted by hand from the layer list: Σ k²·Cin·Cout.
    const params = layerList(arch).reduce((sum, l) => sum + l.k * l.k * l.cin * l.cout, 0);
    expect(costed.costs.params).toBe(params);
    expect(params).toBe(44_581_632);
    expect(brokenBudgetNames(costed.costs, settings.budgets)).toEqual(['parameters', 'area', 'latency', 'energy']);
    expect(budgetMask(costed.costs, settings.budgets)).toBe(0b1111);
    expect(budgetMask(costed.costs, { ...settings.budgets, maxParams: Infinity, maxEnergyUJ: 5000 })).toBe(0b0110);
    expect(costed.costs.areaMm2).toBeCloseTo(450.796, 2);
    expect(costed.costs.latencyMs).toBeCloseTo(1073.884, 2);
    expect(costed.costs.energyUJ).toBeCloseTo(3356.654, 2);
    // On MNIST there is no reference to show (its input is CIFAR-10's).
    expect(costReferences('mnist', settings.hardware)).toEqual([]);
  });

  it('a NeuroNAS search under it keeps candidates that meet all four budgets', () => {
    const archs = sampleArchitectures(settings.space, settings.samples, settings.seed);
    const hw = compileHardware(settings.hardware);
    const feasible = archs.filter((a) => budgetViolation(estimateArchitecture(a, hw, createTotals()), settings.budgets) === 0);
    expect(archs).toHaveLength(4000);
    expect(feasible.length).toBe(669);
    for (const a of feasible.slice(0, 50)) {
      const t = estimateArchitecture(a, hw, createTotals());
      expect(t.params).toBeLessThanOrEqual(4e6);
      expect(t.areaMm2).toBeLessThanOrEqual(100);
      expect(t.latencyMs).toBeLessThanOrEqual(400);
      expect(t.energyUJ).toBeLessThanOrEqual(120);
    }
    // Under the studio's default budgets, none of these CIFAR-scale candidates is feasible at all.
    const strict = searchSettingsFromParams({ ...values, maxParams: DEFAULTS.maxParams, maxAreaMm2: DEFAULTS.maxAreaMm2, maxLatencyMs: DEFAULTS.maxLatencyMs, maxEnergyUJ: DEFAULTS.maxEnergyUJ }).budgets;
    expect(feasible.filter((a) => budgetViolation(estimateArchitecture(a, hw, createTotals()), strict) === 0).length).toBeLessThan(feasible.length);
  });
});
