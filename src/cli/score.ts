/**
 * `neuronas score`: the training-free score (SNASNet's sparsity-aware
 * Hamming kernel, log|det K|) of one architecture on a seeded batch.
 * Prints one JSON object. The seed picks the batch and the initial weights,
 * so the same seed gives the same score on the same backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CliIO } from './io.ts';
import { DEFAULT_GENOME, GenomeError, formatGenome, parseGenome } from '../core/arch/genome.ts';
import type { Architecture } from '../core/arch/architecture.ts';
import { EMBEDDED_DATASET_NAMES, isEmbeddedDatasetName } from '../core/data/datasets.ts';
import { BACKEND_PREFERENCES, type BackendPreference } from '../tf/backend.ts';
import { UsageError } from './params-args.ts';

export function scoreHelp(): string {
  return [
    'usage: neuronas score [--architecture GENOME] [--dataset NAME] [--seed S] [--batch B] [--backend NAME]',
    '',
    "Scores an untrained spiking network with SNASNet's training-free score:",
    'the sparsity-aware Hamming kernel of its LIF spikes on a seeded batch,',
    'averaged over every LIF layer and timestep, and log|det K| (higher: the',
    'untrained network already tells the inputs apart).',
    '',
    'options:',
    `  --architecture GENOME  the network (default ${DEFAULT_GENOME})`,
    `  --dataset NAME         ${EMBEDDED_DATASET_NAMES.join(' | ')} (default mnist)`,
    '  --seed S               whole number: picks the batch and the initial weights (default 0)',
    '  --batch B              inputs in the batch, 2 to 1024 (default 64)',
    `  --backend NAME         ${BACKEND_PREFERENCES.filter((b) => b === 'auto' || b === 'wasm' || b === 'cpu').join(' | ')} (default auto: the faster by a short probe)`,
    '  -h, --help             this text',
    '',
    'output keys: architecture, dataset, score (null when K is singular), sign,',
    '  batch, seed, backend, backend_reason, lif_layers, kernels, mean_rate, ms',
    '  (ms: build + forward + kernel + log-determinant, without data loading)',
    '',
    'exit status: 0 ok; 2 bad input or usage (one line on stderr)',
  ].join('\n');
}

interface ScoreArgs {
  arch: Architecture;
  dataset: string;
  seed: number;
  batch: number;
  backend: BackendPreference;
}

const VALUE_OPTIONS = ['--architecture', '--dataset', '--seed', '--batch', '--backend'] as const;

function parseArgs(argv: string[]): ScoreArgs | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) throw new UsageError(`unknown option '${a}' (see neuronas score --help)`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${name} is given twice`);
    values.set(name, value);
  }
  let arch: Architecture;
  try {
    arch = parseGenome(values.get('--architecture') ?? DEFAULT_GENOME);
  } catch (e) {
    if (e instanceof GenomeError) throw new UsageError(`--architecture: ${e.message}`);
    throw e;
  }
  const dataset = values.get('--dataset') ?? 'mnist';
  if (!isEmbeddedDatasetName(dataset)) throw new UsageError(`--dataset: unknown data set '${dataset}' (known: ${EMBEDDED_DATASET_NAMES.join(', ')})`);
  const seedText = values.get('--seed') ?? '0';
  if (!/^-?[0-9]+$/.test(seedText) || !Number.isSafeInteger(Number(seedText)) || Math.abs(Number(seedText)) > 2 ** 31 - 1) {
    throw new UsageError(`--seed: expected a whole number between −2147483647 and 2147483647, got '${seedText}'`);
  }
  const batchText = values.get('--batch') ?? '64';
  const batch = Number(batchText);
  if (!/^[0-9]+$/.test(batchText) || batch < 2 || batch > 1024) throw new UsageError(`--batch: expected a whole number from 2 to 1024, got '${batchText}'`);
  const backend = (values.get('--backend') ?? 'auto') as BackendPreference;
  if (!['auto', 'wasm', 'cpu'].includes(backend)) throw new UsageError(`--backend: expected auto, wasm or cpu (the command line runs in Node), got '${backend}'`);
  return { arch, dataset, seed: Number(seedText), batch, backend };
}

export async function runScore(argv: string[], io: CliIO): Promise<number> {
  let args: ScoreArgs;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.out(scoreHelp());
      return 0;
    }
    args = parsed;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`score: ${e.message}`);
      return 2;
    }
    throw e;
  }
  // tfjs's Node advice banner and kernel notices would clutter stderr.
  tf.env().set('PROD', true);
  const [{ initNodeBackend }, { loadDatasetNode }, { scoreArchitecture, scoreBatch }, { ModelError }] = await Promise.all([
    import('../tf/backend-node.ts'),
    import('../tf/data-node.ts'),
    import('../tf/score.ts'),
    import('../tf/model.ts'),
  ]);
  const ds = await loadDatasetNode(args.dataset);
  const [h, w, c] = ds.shape;
  if (args.arch.input.size !== h || h !== w || args.arch.input.channels !== c) {
    io.err(`score: --architecture takes ${args.arch.input.size}×${args.arch.input.size}×${args.arch.input.channels} inputs but ${args.dataset} images are ${h}×${w}×${c}`);
    return 2;
  }
  if (args.arch.classes !== ds.classes) {
    io.err(`score: --architecture has ${args.arch.classes} classes but ${args.dataset} has ${ds.classes}`);
    return 2;
  }
  const choice = await initNodeBackend(args.backend);
  const x = scoreBatch(ds, args.batch, args.seed);
  try {
    const r = await scoreArchitecture(args.arch, x, { seed: args.seed });
    io.out(
      JSON.stringify({
        architecture: formatGenome(args.arch),
        dataset: args.dataset,
        score: Number.isFinite(r.score) ? r.score : null,
        sign: r.sign,
        batch: r.batch,
        seed: args.seed,
        backend: choice.backend,
        backend_reason: choice.reason,
        lif_layers: r.lifLayers,
        kernels: r.kernels,
        mean_rate: r.meanRate,
        ms: Math.round(r.ms * 10) / 10,
      }),
    );
    return 0;
  } catch (e) {
    if (e instanceof ModelError) {
      io.err(`score: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    x.dispose();
  }
}
