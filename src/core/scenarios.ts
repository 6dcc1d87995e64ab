/**
 * Scenarios: named sets of knob values from the literature, applied at once
 * (a teacher's "show me the paper's setting"), and the published networks
 * the page marks as reference points beside the sampled candidates.
 *
 * A scenario only sets knobs of the parameter table, so what it sets travels
 * in the share link like any other value and needs no key of its own.
 */
import { parseGenome } from './arch/genome.ts';
import type { Architecture } from './arch/architecture.ts';
import { compileHardware, createTotals, estimateArchitecture, type CostTotals } from './cost/estimator.ts';
import type { HardwareConfig } from './cost/hardware.ts';
import { normalizeParams, type ParamValues } from './params.ts';

export interface Scenario {
  label: string;
  /** one line: what it sets and where the values come from */
  help: string;
  values: Partial<ParamValues>;
}

export const SCENARIOS = {
  defaults: {
    label: 'Studio defaults',
    help: 'MNIST, base widths 8–64, the default budgets: a search that runs in a browser.',
    values: {},
  },
  // For a lecture: a small space and sample, one short epoch, so Start reaches a trained front in about a minute on a
  // 2-core laptop (measured by e2e/teaching.spec.ts's demo run and the page bench).
  quickDemo: {
    label: 'Quick demo',
    help: 'A small space (C 8–16, hidden 64, T 2–4) and 400 samples; the best 3 trained for one epoch on 1,000 images: from Start to a trained front in about a minute.',
    values: {
      samples: 400,
      channelsMin: 8,
      channelsMax: 16,
      channelsStep: 8,
      hidden: [64],
      timestepsMin: 2,
      timestepsMax: 4,
      topK: 3,
      epochs: 1,
      trainSamples: 1000,
    },
  },
  // NeuroNAS (arXiv 2407.00641, first titled HASNAS) constrains its CIFAR-10 search to 4·10⁶ parameters, 100 mm²,
  // 400 ms and 120 µJ. The space is SNASNet's CIFAR scale: widths up to 256, hidden layers up to its 1024 units.
  // Measured at seed 1 on the default hardware: 669 of 4 000 samples meet all four budgets.
  hasnas: {
    label: 'HASNAS budgets (CIFAR-10)',
    help: 'NeuroNAS’s CIFAR-10 budgets (4·10⁶ parameters, 100 mm², 400 ms, 120 µJ) on SNASNet’s CIFAR-scale space (32×32×3 input, C 16–256, hidden 256–1024).',
    values: {
      dataset: 'cifar10',
      channelsMin: 16,
      channelsMax: 256,
      channelsStep: 16,
      hidden: [256, 512, 1024],
      maxParams: 4_000_000,
      maxAreaMm2: 100,
      maxLatencyMs: 400,
      maxEnergyUJ: 120,
    },
  },
} as const satisfies Record<string, Scenario>;

export type ScenarioId = keyof typeof SCENARIOS;
export const SCENARIO_IDS = Object.keys(SCENARIOS) as ScenarioId[];

/** The knob values of a scenario: the table's defaults with the scenario's values on top. */
export function scenarioParams(id: ScenarioId, defaults: ParamValues): ParamValues {
  return normalizeParams({ ...defaults, ...(SCENARIOS[id].values as Partial<ParamValues>) });
}

/** Whether the knobs hold every value the scenario sets (the picker shows it as the current one). */
export function scenarioHolds(id: ScenarioId, values: ParamValues, defaults: ParamValues): boolean {
  const want = scenarioParams(id, defaults);
  return (Object.keys(want) as (keyof ParamValues)[]).every((k) => String(want[k]) === String(values[k]));
}

export interface ReferenceNetwork {
  id: string;
  label: string;
  /** where it was published, and how it is written there */
  source: string;
  genome: string;
  /** the data set whose input it takes: it is shown beside candidates of that data set */
  dataset: ParamValues['dataset'];
}

export const REFERENCE_NETWORKS: readonly ReferenceNetwork[] = Object.freeze([
  {
    id: 'snasnet-cifar10',
    label: 'SNASNet, CIFAR-10',
    source: 'SNASNet (Kim et al., ECCV 2022): C = 256, cell 0303 0030 2002 0200 (with backward edges), hidden 1024, T = 5',
    // The cell is SNASNet's connection matrix `0303 0030 2002 0200` written as the studio's 12 digits.
    genome: 'c256-h1024-t5-w8-i32x3-303302020020',
    dataset: 'cifar10',
  },
]);

export interface CostedReference {
  reference: ReferenceNetwork;
  architecture: Architecture;
  costs: CostTotals;
}

/** The reference networks of a data set, costed on `hardware` (a few µs each; at input spike rate 1, like every candidate). */
export function costReferences(dataset: ParamValues['dataset'], hardware: HardwareConfig): CostedReference[] {
  const compiled = compileHardware(hardware);
  return REFERENCE_NETWORKS.filter((r) => r.dataset === dataset).map((reference) => {
    const architecture = parseGenome(reference.genome);
    return { reference, architecture, costs: estimateArchitecture(architecture, compiled, createTotals()) };
  });
}
