/** Reads a weights file the user picked on the architecture detail: its measured spike rates, checked against the shown genome. */
import { formatGenome, parseGenome } from '../../core/arch/genome.ts';
import { decodeWeightsFile, measuredSpikeRates, WeightsError } from '../../core/export/pytorch-weights.ts';

/** A 20 M-weight network (SNASNet's CIFAR scale) is ~80 MB of float32; anything far beyond is not a weights file of the studio's space. */
export const MAX_WEIGHTS_BYTES = 512 * 1024 * 1024;

export interface ImportedWeights {
  fileName: string;
  source: string;
  spikeRates: number[];
}

/** Rejects with an Error of one sentence naming the file when it cannot be used for `genome`. */
export async function readImportedWeights(file: Blob & { name: string }, genome: string): Promise<ImportedWeights> {
  if (file.size > MAX_WEIGHTS_BYTES) throw new Error(`${file.name} is ${(file.size / 1048576).toFixed(0)} MB; weights files of at most ${MAX_WEIGHTS_BYTES / 1048576} MB are read.`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let decoded;
  try {
    decoded = decodeWeightsFile(bytes);
  } catch (e) {
    if (e instanceof WeightsError) throw new Error(`${file.name}: ${e.message}`);
    throw e;
  }
  const shown = formatGenome(parseGenome(genome));
  if (decoded.meta.genome !== shown) throw new Error(`${file.name} holds weights of ${decoded.meta.genome}, not of the architecture shown (${shown}).`);
  const measured = measuredSpikeRates(decoded);
  if (measured.problem !== null) throw new Error(`${file.name}: ${measured.problem}.`);
  return { fileName: file.name, source: decoded.meta.source ?? 'no source given', spikeRates: measured.rates };
}
