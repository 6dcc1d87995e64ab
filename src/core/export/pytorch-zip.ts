/**
 * The PyTorch export as one zip (what the architecture detail downloads):
 * the package's files in a folder named after the genome. fflate (already the
 * studio's deflate for share links) writes it: small, dependency-free, pure
 * JavaScript that runs on the page thread, in workers and in Node alike.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import { parseGenome } from '../arch/genome.ts';
import { pytorchPackage, type PytorchExportOptions } from './pytorch.ts';

/** Folder (and zip) name for a genome's export: letters, digits and dashes only. */
export function pytorchExportName(genome: string): string {
  return `neuronas-pytorch-${genome.replace(/[^A-Za-z0-9-]+/g, '-')}`;
}

/** The zip of `genome`'s PyTorch package (plus `weights` bytes under opts.weightsFile, when given). Throws GenomeError / ExportError. */
export function pytorchZip(genome: string, opts: PytorchExportOptions = {}, weights: Uint8Array | null = null): Uint8Array {
  const arch = parseGenome(genome);
  const folder = pytorchExportName(genome);
  const files: Zippable = {};
  // A fixed timestamp: the same genome gives the same zip, byte for byte.
  const mtime = new Date('2026-01-01T00:00:00Z');
  for (const [name, text] of pytorchPackage(arch, { ...opts, weightsFile: weights ? (opts.weightsFile ?? 'weights.safetensors') : null }).files) files[`${folder}/${name}`] = [strToU8(text), { mtime }];
  if (weights) files[`${folder}/${opts.weightsFile ?? 'weights.safetensors'}`] = [weights, { level: 0, mtime }];
  return zipSync(files, { level: 6 });
}
