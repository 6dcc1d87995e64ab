/** Everything the detail view shows about one architecture, built from its genome and the page's hardware. */
import { layerList, type Architecture } from '../../core/arch/architecture.ts';
import { describeCell, type CellDescription } from '../../core/arch/describe.ts';
import { GenomeError, parseGenome } from '../../core/arch/genome.ts';
import { CostInputError } from '../../core/cost/errors.ts';
import type { HardwareConfig } from '../../core/cost/hardware.ts';
import { buildArchitectureReport, type CostReport } from '../../core/cost/report.ts';
import { usableSpikeRates, type TrainingView } from '../../core/files/architecture.ts';
import type { Layer } from '../../core/layers.ts';

export interface DetailModel {
  genome: string;
  arch: Architecture;
  layers: Layer[];
  /** with the measured spike rates when training gave usable ones, else at activity 1 */
  report: CostReport;
  cells: [CellDescription, CellDescription];
  /** both stages use the same cell */
  sharedCell: boolean;
  /** the report's energy uses measured spike rates */
  measuredActivity: boolean;
}

export type DetailResult = { ok: true; model: DetailModel } | { ok: false; error: string };

/** `measuredRates` (e.g. from imported PyTorch weights) win over the training's spike rates. */
export function buildDetailModel(genome: string, hardware: HardwareConfig, training: TrainingView | null = null, measuredRates: readonly number[] | null = null): DetailResult {
  try {
    const arch = parseGenome(genome);
    const layers = layerList(arch);
    const { rates, note } = usableSpikeRates(measuredRates ?? training?.spikeRates, layers.length);
    const report = buildArchitectureReport(arch, hardware, { inputRates: rates, notes: note ? [note] : [] });
    const c1 = describeCell(arch.cells[0]);
    const c2 = describeCell(arch.cells[1]);
    return { ok: true, model: { genome, arch, layers, report, cells: [c1, c2], sharedCell: c1.digits === c2.digits, measuredActivity: rates !== undefined } };
  } catch (e) {
    if (e instanceof GenomeError || e instanceof CostInputError) return { ok: false, error: e.message };
    throw e;
  }
}
