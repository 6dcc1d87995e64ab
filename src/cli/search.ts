/**
 * `neuronas search`: runs one search (NeuroNAS or a baseline) in Node with
 * the tfjs scorer and trainer, and prints the whole run as JSON.
 */
import type { CliIO } from './io.ts';
import { UsageError, argsOrExit, budgetsFromOptions, parseOptions, spaceAndHardwareHelp, tableHelp } from './params-args.ts';
import { searchSettingsFromParams } from '../core/settings.ts';
import { proxyKnobsFromParams, rankImagesProblem, type ProxyKnobs } from '../core/calibration/plan.ts';
import { EMBEDDED_DATASETS, isEmbeddedDatasetName, type DatasetName } from '../core/data/datasets.ts';
import { compileSpace } from '../core/arch/sampler.ts';
import { runSearch, type Evaluators, type SearchEvent, type SearchRun, type SearchSettings } from '../core/search/pipeline.ts';
import { runDataFromSearch, runJson } from '../core/files/run.ts';
import { EVOLUTION_NOT_SHARDED, planSearchShards, runSearchShard, searchShardHeader, shardPlanSummary } from '../core/search/shards.ts';
import type { ShardSpec } from '../core/files/shard-file.ts';
import { resolveShard, runShardToFile, shardFilePath } from './shards.ts';
import { mkdirSync } from 'node:fs';
import type { LocalEvaluators } from './local-evaluators.ts';
import type { BackendPreference } from '../tf/backend.ts';
import { MAX_WORKERS, defaultWorkers, parseWorkers } from './thread-pool.ts';

const BACKENDS = ['auto', 'wasm', 'cpu'];

export function searchHelp(): string {
  return [
    'usage: neuronas search [options] --json',
    '',
    'Samples architectures, costs each on the CIM hardware model, and (by strategy)',
    'scores them with the training-free score and trains the best k for real.',
    '',
    'search options:',
    ...tableHelp(['search']),
    '',
    'budgets (a candidate over any of them is infeasible; NeuroNAS rejects it before scoring):',
    ...tableHelp(['budget']),
    '  Each budget left out is the studio\'s default above. VALUE none (or the top of',
    '  the range) is no limit.',
    '  --no-budgets       no limit for every budget left out (the ones given still apply)',
    '',
    ...spaceAndHardwareHelp(),
    '  --cifar FILES      with --dataset cifar10: comma list of CIFAR-10 binary batch files',
    '                     (data_batch_1.bin,…,test_batch.bin, from cifar-10-binary.tar.gz)',
    '  --json             print the run as one JSON object (the only output format)',
    '  --progress         stage progress on stderr',
    '  --workers N        worker threads scoring at once, then training the best k as many at',
    '                     once (default: one per core; 1 runs in this process). Results do not',
    '                     depend on it.',
    '',
    'sharded (a cluster\'s array job; see deploy/ and the README):',
    '  --shard I/N        evaluate only shard I of N (I from 0) of this seeded search',
    '  --shards N         the number of shards, when I comes from the scheduler: without',
    '                     --shard, I/N is read from SLURM_ARRAY_TASK_ID and',
    '                     SLURM_ARRAY_TASK_COUNT (Slurm array), or JOB_COMPLETION_INDEX',
    '                     and --shards N (Kubernetes Indexed Job)',
    '  --out DIR          write the shard to DIR/search-I-of-N.jsonl (JSON Lines, one record',
    '                     as each candidate is costed or scored; no --json). A rerun resumes',
    '                     it. Every shard costs all candidates and scores the ones it owns,',
    '                     dealt by estimated scoring time; nothing is trained: merge the',
    '                     shards (neuronas merge DIR --out run.json), then train the top k',
    '                     (neuronas train-top --run run.json --shard I/N). Evolution is',
    '                     not sharded (each generation needs the scores of the one before).',
    '  --plan             with --shards N: print how the search splits (candidates, scored and',
    '                     estimated scoring seconds of each shard) and stop',
    '',
    'Output: the studio run document (format neuronas-run; the page imports it):',
    '  settings; candidates [{index, genome, params, memory_bits, area_mm2, latency_ms,',
    '  energy_uJ, tiles, crossbars, feasible, violation, score (null where never scored)}];',
    '  trained [{index, genome, accuracy_float, accuracy_quantized, spike_rates, epochs,',
    '  measured (costs re-estimated with the spike rates), feasible}]; front (indices of',
    '  trained, feasible candidates on the accuracy/cost Pareto front); counts',
    '  {sampled, feasible, rejected_before_scoring, scored, trained}; timings {cost_ms,',
    '  score_ms, train_ms, total_ms}',
    '',
    'exit status: 0 ok; 2 bad input (one line on stderr)',
  ].join('\n');
}


export interface SearchArgs {
  settings: SearchSettings;
  backend: string;
  json: boolean;
  progress: boolean;
  trainSamples: number;
  scoreBatch: number;
  /** the gradient and early-training proxies' knobs */
  proxyKnobs: ProxyKnobs;
  /** CIFAR-10 batch files (with --dataset cifar10) */
  cifarFiles: string[];
  /** --plan: print the split of the search over --shards N and stop */
  planOnly: boolean;
  /** with --out: the shard this process evaluates and where its file goes */
  shard: { spec: ShardSpec; dir: string } | null;
  /** worker threads (--workers; default one per core) */
  workers: number;
}

export function parseSearchArgs(argv: string[], env: Record<string, string | undefined> = process.env): SearchArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const parsed = parseOptions(argv, ['json', 'progress', 'no-budgets', 'plan'], ['backend', 'cifar', 'shard', 'shards', 'out', 'workers']);
  const { values, extra } = parsed;
  const workersText = extra.get('workers') as string | undefined;
  const workers = workersText === undefined ? defaultWorkers() : parseWorkers(workersText);
  if (workers === null) throw new UsageError(`--workers: expected a whole number from 1 to ${MAX_WORKERS}, got '${workersText}'`);
  // A shard takes wasm unless told: its files merge only with shards evaluated alike, and `auto`'s timing probe, run
  // in every shard's process at once, could choose differently under their load (it did: cpu in one of three).
  const backend = (extra.get('backend') as string | undefined) ?? (extra.has('shard') ? 'wasm' : 'auto');
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend: '${backend}' is not one of ${BACKENDS.join(', ')}`);
  const cifar = extra.get('cifar') as string | undefined;
  const cifarFiles = cifar ? cifar.split(',').filter((f) => f !== '') : [];
  if (values.dataset === 'cifar10' && cifarFiles.length === 0) throw new UsageError('--dataset cifar10 needs --cifar data_batch_1.bin[,data_batch_2.bin,…]: CIFAR-10 comes from your disk');
  if (values.dataset !== 'cifar10' && cifar !== undefined) throw new UsageError(`--cifar goes with --dataset cifar10 (the dataset is ${values.dataset})`);
  const out = extra.get('out') as string | undefined;
  const planOnly = extra.has('plan');
  if (planOnly && (!extra.has('shards') || out !== undefined || extra.has('json'))) throw new UsageError('--plan prints how --shards N would split the search: give --shards N, and neither --out nor --json');
  if (out === undefined && !planOnly && (extra.has('shard') || extra.has('shards'))) throw new UsageError('--shard goes with --out DIR: a shard writes its part to a file there');
  if (out === undefined && !planOnly && !extra.has('json')) throw new UsageError('pass --json: the search prints its run as JSON');
  if (out !== undefined && extra.has('json')) throw new UsageError('--out DIR writes the shard to a file; --json prints a whole run: give one of them');
  const settings = searchSettingsFromParams(values, {}, budgetsFromOptions(parsed));
  compileSpace(settings.space); // a space with no valid cell is a usage error, said before any work
  if (isEmbeddedDatasetName(values.dataset)) {
    const problem = rankImagesProblem(settings.rankBy, EMBEDDED_DATASETS[values.dataset], settings.seed, values.scoreBatch, proxyKnobsFromParams(values));
    if (problem) throw new UsageError(problem);
  }
  let shard: SearchArgs['shard'] = null;
  if (out !== undefined || planOnly) {
    if (settings.strategy === 'evolution') throw new UsageError(EVOLUTION_NOT_SHARDED);
    shard = { spec: resolveShard(planOnly ? `0/${extra.get('shards')}` : (extra.get('shard') as string | undefined), extra.get('shards') as string | undefined, planOnly ? {} : env), dir: out ?? '' };
  }
  return {
    settings,
    backend,
    json: out === undefined && !planOnly,
    planOnly,
    progress: extra.has('progress'),
    trainSamples: values.trainSamples,
    scoreBatch: values.scoreBatch,
    proxyKnobs: proxyKnobsFromParams(values),
    cifarFiles,
    shard,
    workers,
  };
}

export async function runSearchCommand(argv: string[], io: CliIO): Promise<number> {
  const args = argsOrExit('search', io, () => parseSearchArgs(argv), searchHelp);
  if (typeof args === 'number') return args;
  if (args.planOnly && args.shard) {
    io.out(JSON.stringify(shardPlanSummary({ ...args.settings, scoreBatch: args.scoreBatch, proxyKnobs: args.proxyKnobs, trainSamples: args.trainSamples }, args.shard.spec.count)));
    return 0;
  }
  const { openLocalEvaluators, deferredEvaluators, createLocalEvaluators } = await import('./local-evaluators.ts');
  const options = {
    dataset: args.settings.dataset as DatasetName,
    backend: args.backend as BackendPreference,
    seed: args.settings.seed,
    scoreBatch: args.scoreBatch,
    rankBy: args.settings.rankBy,
    proxyKnobs: args.proxyKnobs,
    trainSamples: args.trainSamples,
    cifarFiles: args.cifarFiles,
    workers: args.workers,
  };
  // A shard's header names its backend, and CIFAR-10 files are checked before any work (a bad one is said in one
  // line): those open the engine now. Otherwise it starts only if the search runs a network.
  const evaluators = args.shard || args.cifarFiles?.length ? await openLocalEvaluators(options, io, 'search') : deferredEvaluators(() => createLocalEvaluators(options), args.workers);
  if (typeof evaluators === 'number') return evaluators;
  try {
    return await searchWith(args, evaluators, io);
  } finally {
    // The pool's threads would keep the process alive.
    evaluators.dispose();
  }
}

async function searchWith(args: SearchArgs, evaluators: LocalEvaluators, io: CliIO): Promise<number> {
  if (args.shard) return runSearchShardCommand(args as SearchArgs & { shard: NonNullable<SearchArgs['shard']> }, evaluators, io);
  const progress = args.progress
    ? (e: SearchEvent) => {
        if (e.type === 'stage') io.err(`${e.stage} ${e.state}${e.state === 'end' ? ` (${e.count} candidates, ${e.ms.toFixed(0)} ms)` : ''}`);
        if (e.type === 'trained') io.err(`trained ${e.record.genome}: ${(100 * e.record.result.accuracyQuantized).toFixed(2)}% (${args.settings.space.weightBits.join('/')}-bit)`);
      }
    : undefined;
  const run: SearchRun = await runSearch(args.settings, evaluators, progress);
  if (args.progress) io.err(`backend: ${evaluators.backend} (${evaluators.backendReason}), ${evaluators.workers} worker${evaluators.workers === 1 ? '' : 's'}`);
  // The studio's run document: `Import run` on the page shows this search again.
  io.out(runJson(runDataFromSearch(run)));
  return 0;
}

/** One shard of the search into its file (resumed when it is there). */
async function runSearchShardCommand(args: SearchArgs & { shard: NonNullable<SearchArgs['shard']> }, evaluators: Evaluators & { backend: string }, io: CliIO): Promise<number> {
  const work = { ...args.settings, scoreBatch: args.scoreBatch, proxyKnobs: args.proxyKnobs, trainSamples: args.trainSamples };
  const { spec, dir } = args.shard;
  const plan = planSearchShards(work, spec.count);
  const head = searchShardHeader(work, plan, spec, evaluators.backend);
  mkdirSync(dir, { recursive: true });
  return runShardToFile(shardFilePath(dir, 'search', spec), head, (shardIO) => runSearchShard(work, plan, head, evaluators, shardIO), io, 'search');
}
