/**
 * `neuronas export --architecture G --format pytorch [--weights FILE] --out DIR`:
 * writes the exported PyTorch package (model.py, train.py, README.md, and the
 * weights when given) into DIR. Bad input exits 2 with one line on stderr and
 * writes nothing.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliIO } from './io.ts';
import type { Architecture } from '../core/arch/architecture.ts';
import { GenomeError, formatGenome, parseGenome } from '../core/arch/genome.ts';
import { ExportError, pytorchPackage } from '../core/export/pytorch.ts';
import { decodeWeightsFile, WeightsError, type Encoding, type WeightsFile } from '../core/export/pytorch-weights.ts';
import { STUDIO_VERSION } from '../core/files/document.ts';
import type { LifConfig } from '../core/snn/lif.ts';
import { UsageError, argsOrExit } from './params-args.ts';
import { NEURONS } from './train.ts';

export const WEIGHTS_FILE_NAME = 'weights.safetensors';

export function exportHelp(): string {
  return [
    'usage: neuronas export --architecture G --format pytorch [--weights FILE] --out DIR',
    '',
    "Writes the architecture's spiking network as a Python package that needs only",
    'torch: model.py (the network, its LIF neuron and surrogate gradient, built from',
    "the same layer list as the studio's cost model and tfjs model), train.py",
    "(SNASNet's training recipe as defaults) and README.md. With --weights, the",
    'trained weights go along as weights.safetensors and model.py loads them.',
    '',
    'options:',
    '  --architecture G   genome, e.g. c16-h128-t4-w8-301203 (forward cells)',
    '  --format pytorch   the only format so far',
    '  --weights FILE     weights saved by neuronas train --save-weights (or by the exported',
    '                     model.py); the genome in the file must be G',
    '  --out DIR          folder to write into (created if missing; existing files of',
    '                     the same names are replaced)',
    "  --neuron NAME      spikingjelly (SNASNet's LIFNode, default) | snntorch; with --weights,",
    "                     the weights' own neuron (the two must agree if both are given)",
    '  --encoding NAME    direct (default) | rate; with --weights, the weights\' own',
    '  -h, --help         this text',
    '',
    'exit status: 0 written; 2 bad input (one line on stderr, nothing written)',
  ].join('\n');
}

interface ExportArgs {
  arch: Architecture;
  weights?: string;
  out: string;
  neuron?: keyof typeof NEURONS;
  encoding?: Encoding;
}

const VALUES = ['architecture', 'format', 'weights', 'out', 'neuron', 'encoding'] as const;

export function parseExportArgs(argv: string[]): ExportArgs | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}' (options start with --; see neuronas export --help)`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!(VALUES as readonly string[]).includes(name)) throw new UsageError(`unknown option '--${name}' (see neuronas export --help)`);
    let v: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined || (eq < 0 && v.startsWith('--') && v.length > 2)) throw new UsageError(`--${name} needs a value`);
    v = v.trim();
    if (v === '') throw new UsageError(`--${name} needs a value`);
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    values.set(name, v);
  }
  const genome = values.get('architecture');
  if (genome === undefined) throw new UsageError('--architecture G is required (a genome like c16-h128-t4-w8-301203)');
  const format = values.get('format');
  if (format === undefined) throw new UsageError('--format is required (pytorch)');
  if (format !== 'pytorch') throw new UsageError(`--format must be pytorch, got '${format}'`);
  const out = values.get('out');
  if (out === undefined) throw new UsageError('--out DIR is required');
  let arch: Architecture;
  try {
    arch = parseGenome(genome);
  } catch (e) {
    if (e instanceof GenomeError) throw new UsageError(`--architecture: ${e.message}`);
    throw e;
  }
  const neuron = values.get('neuron');
  if (neuron !== undefined && !(neuron in NEURONS)) throw new UsageError(`--neuron must be one of ${Object.keys(NEURONS).join(', ')}, got '${neuron}'`);
  const encoding = values.get('encoding');
  if (encoding !== undefined && encoding !== 'direct' && encoding !== 'rate') throw new UsageError(`--encoding must be one of direct, rate, got '${encoding}'`);
  return {
    arch,
    out,
    ...(values.has('weights') ? { weights: values.get('weights')! } : {}),
    ...(neuron ? { neuron: neuron as keyof typeof NEURONS } : {}),
    ...(encoding ? { encoding: encoding as Encoding } : {}),
  };
}

function sameLif(a: LifConfig, b: LifConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Reads and checks the weights against the arguments; the resolved neuron and encoding. */
async function loadWeights(a: ExportArgs): Promise<{ file: WeightsFile | null; bytes: Uint8Array | null; lif: LifConfig; encoding: Encoding }> {
  const lifArg = a.neuron ? NEURONS[a.neuron] : undefined;
  if (!a.weights) return { file: null, bytes: null, lif: lifArg ?? NEURONS.spikingjelly, encoding: a.encoding ?? 'direct' };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(a.weights));
  } catch (e) {
    throw new UsageError(`--weights: cannot read ${a.weights} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let file: WeightsFile;
  try {
    file = decodeWeightsFile(bytes);
  } catch (e) {
    if (e instanceof WeightsError) throw new UsageError(`--weights ${a.weights}: ${e.message}`);
    throw e;
  }
  const genome = formatGenome(a.arch);
  if (file.meta.genome !== genome) throw new UsageError(`--weights ${a.weights} holds the weights of ${file.meta.genome}, not of ${genome}`);
  if (lifArg && !sameLif(lifArg, file.meta.lif)) throw new UsageError(`--neuron ${a.neuron} disagrees with the weights, trained with the ${file.meta.lif.model} neuron`);
  if (a.encoding && a.encoding !== file.meta.encoding) throw new UsageError(`--encoding ${a.encoding} disagrees with the weights, trained with ${file.meta.encoding} encoding`);
  return { file, bytes, lif: file.meta.lif, encoding: file.meta.encoding };
}

export async function runExport(argv: string[], io: CliIO): Promise<number> {
  const a = argsOrExit('export', io, () => parseExportArgs(argv), exportHelp);
  if (typeof a === 'number') return a;
  try {
    const w = await loadWeights(a);
    let files: Map<string, string>;
    try {
      files = pytorchPackage(a.arch, {
        lif: w.lif,
        encoding: w.encoding,
        studioVersion: STUDIO_VERSION,
        weightsFile: w.bytes ? WEIGHTS_FILE_NAME : null,
        weightsNote: w.file?.meta.source,
      }).files;
    } catch (e) {
      if (e instanceof ExportError) throw new UsageError(`--architecture: ${e.message}`);
      throw e;
    }
    const existing = await stat(a.out).catch(() => null);
    if (existing && !existing.isDirectory()) throw new UsageError(`--out ${a.out} exists and is not a folder`);
    await mkdir(a.out, { recursive: true });
    for (const [name, text] of files) await writeFile(join(a.out, name), text);
    if (w.bytes) await writeFile(join(a.out, WEIGHTS_FILE_NAME), w.bytes);
    io.out(`wrote ${[...files.keys(), ...(w.bytes ? [WEIGHTS_FILE_NAME] : [])].join(', ')} for ${formatGenome(a.arch)} (${w.lif.model} neuron, ${w.encoding} encoding) to ${a.out}`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`neuronas export: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
