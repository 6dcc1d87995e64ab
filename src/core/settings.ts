/** Turns the knob values of the parameter table into the inputs of the compute core. */
import { MNIST_INPUT, type InputShape } from './arch/architecture.ts';
import type { SearchSpace } from './arch/sampler.ts';
import { PARAMS, budgetLimit, normalizeParams, type ParamValues } from './params.ts';

export const CIFAR10_INPUT: InputShape = Object.freeze({ size: 32, channels: 3 });

/** The input every candidate of a search on `dataset` takes (CIFAR-10: 32×32 RGB; the MNISTs: 28×28 grey). */
export function datasetInput(dataset: ParamValues['dataset']): InputShape {
  return dataset === 'cifar10' ? CIFAR10_INPUT : MNIST_INPUT;
}

/** The search space of the knobs; the input follows the chosen data set (every data set here has 10 classes). */
export function searchSpaceFromParams(values: ParamValues, input?: InputShape, classes = 10): SearchSpace {
  const v = normalizeParams(values);
  input ??= datasetInput(v.dataset);
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
