/**
 * `neuronas score`: the training-free score (SNASNet's sparsity-aware
 * Hamming kernel, log|det K|) of one or more architectures on a seeded
 * batch. Prints one JSON object per architecture, one per line. The seed
 * picks the batch and the initial weights, so the same seed gives the same
 * score on the same backend. The process's one-time warm-up (wasm
 * compilation and tier-up, first use of each kernel) is timed apart
 * (`warmup_ms`), so each `ms` is a warm time.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CliIO } from './io.ts';
import { DEFAULT_GENOME, GenomeError, formatGenome, parseGenome } from '../core/arch/genome.ts';
import type { Architecture } from '../core/arch/architecture.ts';
import { EMBEDDED_DATASET_NAMES, isEmbeddedDatasetName, type EmbeddedDatasetName } from '../core/data/datasets.ts';
import { BACKEND_PREFERENCES, type BackendPreference } from '../tf/backend.ts';
import type { ScoreItem } from '../protocol/training.ts';
import type { TrainingEndpoint } from '../worker-host/training-evaluators.ts';
import { UsageError } from './params-args.ts';
import { MAX_WORKERS, defaultWorkers, parseWorkers } from './thread-pool.ts';

export function scoreHelp(): string {
  return [
    'usage: neuronas score [--architecture GENOME[,GENOME...]] [--dataset NAME] [--seed S] [--batch B] [--backend NAME] [--workers N]',
    '',
    "Scores untrained spiking networks with SNASNet's training-free score:",
    'the sparsity-aware Hamming kernel of its LIF spikes on a seeded batch,',
    'averaged over every LIF layer and timestep, and log|det K| (higher: the',
    'untrained network already tells the inputs apart).',
    '',
    'options:',
    `  --architecture GENOME  the network (default ${DEFAULT_GENOME}); several, comma-separated,`,
    '                         are scored in one process, one output line each',
    `  --dataset NAME         ${EMBEDDED_DATASET_NAMES.join(' | ')} (default mnist)`,
    '  --seed S               whole number: picks the batch and the initial weights (default 0)',
    '  --batch B              inputs in the batch, 2 to 1024 (default 64)',
    `  --backend NAME         ${BACKEND_PREFERENCES.filter((b) => b === 'auto' || b === 'wasm' || b === 'cpu').join(' | ')} (default auto: the faster by a short probe)`,
    '  --workers N            worker threads scoring at once (default: one per core, at most',
    '                         one per genome; 1 scores in this process). Scores do not depend on it.',
    '  -h, --help             this text',
    '',
    'output: one JSON object per architecture, one per line, in the order given;',
    '  keys: architecture, dataset, score (null when K is singular), sign, batch,',
    '  seed, backend, backend_reason, lif_layers, kernels, mean_rate, ms (warm:',
    '  build + forward + kernel + log-determinant, without data loading), and',
    "  warmup_ms (the one-time warm-up, not in any ms: each worker scores the",
    '  first architecture once before the timed runs; the longest of them)',
    '',
    'exit status: 0 ok; 2 bad input or usage (one line on stderr)',
  ].join('\n');
}

interface ScoreArgs {
  archs: Architecture[];
  dataset: string;
  seed: number;
  batch: number;
  backend: BackendPreference;
  workers: number;
}

const VALUE_OPTIONS = ['--architecture', '--dataset', '--seed', '--batch', '--backend', '--workers'] as const;

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
  const genomes = (values.get('--architecture') ?? DEFAULT_GENOME).split(',');
  const archs = genomes.map((g, i) => {
    const where = genomes.length > 1 ? ` genome ${i + 1} of ${genomes.length} ('${g}'):` : '';
    if (g.trim() === '') throw new UsageError(`--architecture:${where} empty (give genomes separated by single commas)`);
    try {
      return parseGenome(g.trim());
    } catch (e) {
      if (e instanceof GenomeError) throw new UsageError(`--architecture:${where} ${e.message}`);
      throw e;
    }
  });
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
  const workersText = values.get('--workers');
  const workers = workersText === undefined ? defaultWorkers() : parseWorkers(workersText);
  if (workers === null) throw new UsageError(`--workers: expected a whole number from 1 to ${MAX_WORKERS}, got '${workersText}'`);
  return { archs, dataset, seed: Number(seedText), batch, backend, workers };
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
  const { loadDatasetNode } = await import('./data-node.ts');
  const ds = await loadDatasetNode(args.dataset);
  const [h, w, c] = ds.shape;
  // Every genome is checked against the data before any is scored, so bad input prints nothing.
  for (const arch of args.archs) {
    const which = args.archs.length > 1 ? ` ${formatGenome(arch)}` : '';
    if (arch.input.size !== h || h !== w || arch.input.channels !== c) {
      io.err(`score: --architecture${which} takes ${arch.input.size}×${arch.input.size}×${arch.input.channels} inputs but ${args.dataset} images are ${h}×${w}×${c}`);
      return 2;
    }
    if (arch.classes !== ds.classes) {
      io.err(`score: --architecture${which} has ${arch.classes} classes but ${args.dataset} has ${ds.classes}`);
      return 2;
    }
  }
  // No more threads than genomes: a thread's warm-up is all it would add.
  const pool = await openScorers(Math.min(args.workers, args.archs.length), args.backend);
  try {
    return await scoreOn(pool, args, io);
  } finally {
    pool.dispose();
  }
}

interface Scorers {
  endpoints: TrainingEndpoint[];
  backend: string;
  reason: string;
  dispose(): void;
}

/** One training engine in this process, or a pool of threads with one each (src/cli/thread-pool.ts). */
async function openScorers(workers: number, backend: BackendPreference): Promise<Scorers> {
  if (workers > 1) {
    const { openThreadPool } = await import('./thread-pool.ts');
    const pool = await openThreadPool(workers, backend);
    return { endpoints: pool.clients, backend: pool.backend, reason: pool.reason, dispose: pool.dispose };
  }
  const { createNodeEngine, engineEndpoint } = await import('./engine-node.ts');
  const engine = createNodeEngine();
  const choice = await engine.init({ backend });
  return { endpoints: [engineEndpoint(engine)], backend: choice.backend, reason: choice.reason, dispose() {} };
}

/**
 * Scores the genomes on the scorers, one at a time each from a shared queue, and prints their lines in the order
 * given as they become printable. Each scorer first scores the first genome once, untimed: its warm-up (wasm
 * compilation and tier-up, first use of each kernel), reported apart as the longest of them (they run at once).
 */
async function scoreOn(scorers: Scorers, args: ScoreArgs, io: CliIO): Promise<number> {
  const { scoreOnPool } = await import('../worker-host/training-evaluators.ts');
  const round1 = (ms: number) => Math.round(ms * 10) / 10;
  const request = { dataset: args.dataset as EmbeddedDatasetName, seed: args.seed, batch: args.batch };
  const genomes = args.archs.map(formatGenome);
  const signal = new AbortController();
  let warmupMs = 0;
  await Promise.all(
    scorers.endpoints.map((e) =>
      e.score({ ...request, genomes: [genomes[0]] }, (item) => {
        warmupMs = Math.max(warmupMs, item.ms);
      }),
    ),
  );
  const items: (ScoreItem | null | undefined)[] = new Array(genomes.length);
  let printed = 0;
  let failure: string | null = null;
  await scoreOnPool(scorers.endpoints, request, genomes, signal.signal, (i, item) => {
    items[i] = item;
    for (; printed < genomes.length && items[printed] !== undefined && failure === null; printed++) {
      const r = items[printed] as ScoreItem | null;
      if (r === null || r.error !== undefined) {
        // The lines before it are out; the rest are not scored.
        failure = `${genomes.length > 1 ? `${genomes[printed]}: ` : ''}${r?.error ?? 'its scoring thread crashed twice'}`;
        signal.abort();
        break;
      }
      io.out(
        JSON.stringify({
          architecture: genomes[printed],
          dataset: args.dataset,
          score: r.score,
          sign: r.sign,
          batch: args.batch,
          seed: args.seed,
          backend: scorers.backend,
          backend_reason: scorers.reason,
          lif_layers: r.lifLayers,
          kernels: r.kernels,
          mean_rate: r.meanRate,
          ms: round1(r.ms),
          warmup_ms: round1(warmupMs),
        }),
      );
    }
  }, { chunk: 1 });
  if (failure !== null) {
    io.err(`score: ${failure}`);
    return 2;
  }
  return 0;
}
