/** Turns the knob values of the parameter table into the inputs of the compute core. */
import { MNIST_INPUT } from './arch/architecture.ts';
import type { SearchSpace } from './arch/sampler.ts';
import { PARAMS, budgetLimit, normalizeParams, type ParamValues } from './params.ts';

export function searchSpaceFromParams(values: ParamValues, input = MNIST_INPUT, classes = 10): SearchSpace {
  const v = normalizeParams(values);
  return {
    ops: v.ops,
    requireDirectEdge: v.requireDirectEdge,
    sharedCell: v.sharedCell,
    channels: { min: v.channelsMin, max: v.channelsMax, step: v.channelsStep },
    hidden: v.hidden,
    timesteps: { min: v.timestepsMin, max: v.timestepsMax, step: 1 },
    weightBits: v.weightBits,
    input,
    classes,
  };
}

/** Budgets in the units NeuroNAS uses; Infinity where a slider sits at "no limit". */
export interface Budgets {
  maxParams: number;
  maxAreaMm2: number;
  maxLatencyMs: number;
  maxEnergyUJ: number;
}

export function budgetsFromParams(v: ParamValues): Budgets {
  return {
    maxParams: budgetLimit(PARAMS.maxParams, v.maxParams),
    maxAreaMm2: budgetLimit(PARAMS.maxAreaMm2, v.maxAreaMm2),
    maxLatencyMs: budgetLimit(PARAMS.maxLatencyMs, v.maxLatencyMs),
    maxEnergyUJ: budgetLimit(PARAMS.maxEnergyUJ, v.maxEnergyUJ),
  };
}
