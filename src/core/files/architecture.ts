/**
 * One architecture as a file (`neuronas-architecture`, JSON): its genome,
 * its cells spelled out, its layer list and its full cost report, costed
 * with the measured spike rates once trained. Its shape is defined by
 * architecture-schema.ts (only its types are imported here, so the page
 * never loads the schema); this writes it.
 */
import { layerList, type Architecture } from '../arch/architecture.ts';
import { describeCell } from '../arch/describe.ts';
import { parseGenome } from '../arch/genome.ts';
import type { HardwareConfig } from '../cost/hardware.ts';
import { buildArchitectureReport } from '../cost/report.ts';
import type { TrainEpoch } from '../search/pipeline.ts';
import type { ArchitectureDocument, ArchitectureJson } from './architecture-schema.ts';
import { STUDIO_VERSION, epochJson } from './document.ts';

export type { ArchitectureDocument, ArchitectureJson } from './architecture-schema.ts';

export const ARCHITECTURE_FORMAT = 'neuronas-architecture';
export const ARCHITECTURE_FORMAT_VERSION = 1;

/** What training measured, as the detail view shows it (a pipeline TrainResult fits). */
export interface TrainingView {
  epochs: readonly TrainEpoch[];
  /** input spike rate of each weight layer, in layer-list order */
  spikeRates: readonly number[];
  accuracyFloat: number;
  accuracyQuantized: number;
}

export function architectureJson(a: Architecture): ArchitectureJson {
  const c1 = describeCell(a.cells[0]);
  const c2 = describeCell(a.cells[1]);
  return {
    channels: a.channels,
    hidden: a.hidden,
    timesteps: a.timesteps,
    weight_bits: a.weightBits,
    input: { size: a.input.size, channels: a.input.channels },
    classes: a.classes,
    shared_cell: c1.digits === c2.digits,
    cells: [c1, c2],
  };
}

/**
 * The spike rates a report may use: one per layer, each in [0, 1]. Anything
 * else (a training run of another layer list) is not used, and the caller
 * is told why.
 */
export function usableSpikeRates(rates: readonly number[] | undefined, layerCount: number): { rates: number[] | undefined; note: string | null } {
  if (!rates || rates.length === 0) return { rates: undefined, note: null };
  if (rates.length !== layerCount) return { rates: undefined, note: `measured spike rates not used: ${rates.length} rates for ${layerCount} layers` };
  if (rates.some((r) => !(r >= 0 && r <= 1))) return { rates: undefined, note: 'measured spike rates not used: a rate is outside [0, 1]' };
  return { rates: [...rates], note: null };
}

/** Parses the genome and builds its layer list and full report (with measured spike rates when training gave them). */
export function architectureDocument(genome: string, hardware: HardwareConfig, training: TrainingView | null = null, exportedAt: Date = new Date()): ArchitectureDocument {
  const arch = parseGenome(genome);
  const layers = layerList(arch);
  const { rates, note } = usableSpikeRates(training?.spikeRates, layers.length);
  const cost = buildArchitectureReport(arch, hardware, { inputRates: rates, notes: note ? [note] : [] });
  return {
    format: ARCHITECTURE_FORMAT,
    format_version: ARCHITECTURE_FORMAT_VERSION,
    studio_version: STUDIO_VERSION,
    exported_at: exportedAt.toISOString(),
    genome,
    architecture: architectureJson(arch),
    layers,
    cost,
    training: training
      ? {
          accuracy_float: training.accuracyFloat,
          accuracy_quantized: training.accuracyQuantized,
          spike_rates: [...training.spikeRates],
          epochs: training.epochs.map(epochJson),
        }
      : null,
  };
}
