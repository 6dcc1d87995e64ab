/**
 * Turns the knob values of the parameter table into the inputs of the compute
 * core: the search space, the budgets, the hardware config and a search's
 * settings. Every rule here is read off the table (params.ts): a budget is a
 * number knob with a `budget` entry, a hardware knob one with a `hardware`
 * field, so adding either is one entry there.
 */
import { MNIST_INPUT, type InputShape } from './arch/architecture.ts';
import type { SearchSpace } from './arch/sampler.ts';
import { hardwareWith, type HardwareConfig, type HardwareKey } from './cost/hardware.ts';
import { PARAMS, PARAM_KEYS, budgetLimit, normalizeParams, type BudgetSpec, type NumberParam, type ParamDef, type ParamKey, type ParamValues } from './params.ts';
import type { SearchSettings } from './search/pipeline.ts';

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
    cellType: v.cellType,
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

// ---------------------------------------------------------------- budgets

/** The knobs of the table that are budgets (its group 'budget'; each has a `budget` entry, checked below). */
export type BudgetKey = { [K in ParamKey]: (typeof PARAMS)[K]['group'] extends 'budget' ? K : never }[ParamKey];

/** Budgets in the units NeuroNAS uses; Infinity where a slider sits at "no limit". */
export type Budgets = Record<BudgetKey, number>;

export interface BudgetDef extends BudgetSpec {
  key: BudgetKey;
  /** its bit in a feasibility mask (core/feasibility.ts) */
  bit: number;
  param: NumberParam;
}

/** The budgets in table (and mask bit) order. */
export const BUDGETS: readonly BudgetDef[] = Object.freeze(
  PARAM_KEYS.filter((k) => PARAMS[k].group === 'budget').map((key, b) => {
    const param = PARAMS[key] as ParamDef;
    if (param.type !== 'number' || !param.budget) throw new Error(`params.ts: the budget knob ${key} needs type 'number' and a budget entry`);
    return Object.freeze({ ...param.budget, key: key as BudgetKey, bit: 1 << b, param });
  }),
);

export function budgetsFromParams(v: ParamValues): Budgets {
  const out = {} as Budgets;
  for (const b of BUDGETS) out[b.key] = budgetLimit(b.param, v[b.key]);
  return out;
}

/** No limit at all (every budget lifted). */
export function noBudgets(): Budgets {
  const out = {} as Budgets;
  for (const b of BUDGETS) out[b.key] = Infinity;
  return out;
}

// ---------------------------------------------------------------- hardware

/** The hardware fields the table's knobs set, and the knob that sets each. */
export const HARDWARE_KNOBS: readonly { key: ParamKey; field: HardwareKey }[] = Object.freeze(
  PARAM_KEYS.filter((k) => (PARAMS[k] as ParamDef).hardware).map((key) => Object.freeze({ key, field: (PARAMS[key] as ParamDef).hardware! })),
);

/**
 * The hardware config of the knobs: the chosen preset, with the user's edited
 * constants and then the knobs' fields applied on top. Throws CostInputError
 * (naming the field) when an edit is invalid.
 */
export function hardwareFromParams(values: ParamValues, edits: Partial<Record<HardwareKey, number | string>> = {}): HardwareConfig {
  const fields: Partial<Record<HardwareKey, number | string>> = { ...edits };
  for (const { key, field } of HARDWARE_KNOBS) fields[field] = values[key] as number | string;
  return hardwareWith(fields);
}

// ---------------------------------------------------------------- a search

/**
 * A search's settings from the knobs (and the hardware edits). `budgets`
 * defaults to the knobs' own; a caller that judges by other budgets (the
 * command line's `--no-budgets`) passes them.
 */
export function searchSettingsFromParams(values: ParamValues, edits: Partial<Record<HardwareKey, number | string>> = {}, budgets: Budgets = budgetsFromParams(values)): SearchSettings {
  const v = normalizeParams(values);
  return {
    strategy: v.strategy,
    rankBy: v.rankBy,
    samples: v.samples,
    seed: v.seed,
    space: searchSpaceFromParams(v),
    hardware: hardwareFromParams(v, edits),
    budgets,
    topK: v.topK,
    epochs: v.epochs,
    dataset: v.dataset,
  };
}
