/**
 * The command line of a sharded search (core/search/shards.ts,
 * core/files/shard-file.ts): a shard file on disk, written line by line and
 * resumed after a kill; `neuronas merge`; `neuronas train-top`.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from './io.ts';
import { UsageError, parseOptions } from './params-args.ts';
import { mergeShards, readShardText, resumeProblem, shardName, type ShardFile, type ShardHeader, type ShardPhase, type ShardSpec } from '../core/files/shard-file.ts';
import { parseRunJson, runJson } from '../core/files/run.ts';
import { ShardingError, parseShardSpec, planTrainShards, runTrainShard, shardFromEnvironment, trainShardHeader, type ShardIO, type ShardOutcome } from '../core/search/shards.ts';
import type { DatasetName } from '../core/data/datasets.ts';
import { PARAMS } from '../core/params.ts';

/** The file of shard `shard` of a phase inside the output folder. */
export function shardFilePath(dir: string, phase: ShardPhase, shard: ShardSpec): string {
  return join(dir, `${phase}-${shard.index}-of-${shard.count}.jsonl`);
}

/** Which shard this process runs: --shard I/N, else the scheduler's environment (with --shards N for Kubernetes). */
export function resolveShard(shardText: string | undefined, shardsText: string | undefined, env: Record<string, string | undefined>): ShardSpec {
  let shards: number | null = null;
  if (shardsText !== undefined) {
    shards = Number(shardsText);
    if (!Number.isInteger(shards) || shards < 1) throw new UsageError(`--shards: '${shardsText}' is not a whole number of shards (1 or more)`);
  }
  try {
    if (shardText !== undefined) {
      const s = parseShardSpec(shardText);
      if (shards !== null && shards !== s.count) throw new UsageError(`--shard ${shardText} and --shards ${shards} disagree`);
      return s;
    }
    const fromEnv = shardFromEnvironment(env, shards);
    if (fromEnv) return fromEnv;
  } catch (e) {
    if (e instanceof ShardingError) throw new UsageError(`--shard: ${e.message}`);
    throw e;
  }
  throw new UsageError('--out writes one shard: give --shard I/N, or run in a Slurm array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N)');
}

/**
 * Runs one shard into its file in `dir`. A file already there is resumed:
 * its header must match this run's, its torn last line (a kill mid-write) is
 * cut, and the shard writes only what it lacks. A file whose header never
 * got written whole is started afresh; one damaged elsewhere is refused
 * (exit 2), never overwritten.
 */
export async function runShardToFile(
  path: string,
  head: ShardHeader,
  run: (io: ShardIO) => Promise<ShardOutcome>,
  io: CliIO,
  command: string,
): Promise<number> {
  let previous: ShardFile | null = null;
  let keep = 0;
  if (existsSync(path)) {
    const r = readShardText(path, readFileSync(path, 'utf8'));
    if (r.ok) {
      const problem = resumeProblem(r.file.header, head);
      if (problem) {
        io.err(`neuronas ${command}: ${path}: ${problem}`);
        return 2;
      }
      previous = r.file;
      keep = r.file.wholeBytes;
    } else if (!/header was cut off|file is empty/.test(r.problems[0])) {
      for (const p of r.problems) io.err(`neuronas ${command}: ${p}`);
      return 2;
    }
  }
  const fd = openSync(path, previous ? 'r+' : 'w');
  try {
    ftruncateSync(fd, keep);
    let position = keep;
    // One write per record: a kill loses at most the line being written (the reader drops it).
    const write = (line: string) => {
      position += writeSync(fd, line, position, 'utf8');
    };
    const outcome = await run({ previous, write });
    const what = outcome.alreadyDone ? 'had already finished' : `${outcome.written} records written${outcome.resumed ? `, resumed after ${outcome.resumed}` : ''}`;
    io.err(`${head.phase} shard ${shardName(head.shard)}: ${what} (${path})`);
  } finally {
    closeSync(fd);
  }
  return 0;
}

/** Shard files named on the command line: each a .jsonl file, or a folder whose .jsonl files are all read. */
export function shardPaths(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (statSync(a).isDirectory()) {
      const files = readdirSync(a).filter((f) => f.endsWith('.jsonl')).sort();
      if (files.length === 0) throw new UsageError(`${a}: the folder holds no shard files (*.jsonl)`);
      out.push(...files.map((f) => join(a, f)));
    } else out.push(a);
  }
  return out;
}

export function mergeHelp(): string {
  return [
    'usage: neuronas merge PATH… [--out run.json]',
    '',
    'Merges the shard files of a sharded search (neuronas search --shard I/N --out DIR,',
    'neuronas train-top --shard I/N --out DIR) into one run document, the one a single',
    'machine would have written: the studio imports it (Import run) like any other.',
    'Each PATH is a shard file or a folder of them (*.jsonl). Search shards alone give',
    'the scored run (train-top reads it); search and train shards together give the',
    'final run with the trained top k.',
    '',
    '  --out FILE         where to write the run (default: standard output)',
    '',
    'A merge is refused whole, naming every reason, when the shards are of different',
    'settings or evaluations, a shard is missing, given twice or unfinished, or a',
    'candidate is in no shard or in two.',
    '',
    'exit status: 0 ok; 2 bad input (a line on stderr for each problem)',
  ].join('\n');
}

export async function runMerge(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(mergeHelp());
    return 0;
  }
  const paths: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i].startsWith('--out=')) out = argv[i].slice(6);
    else if (argv[i].startsWith('--')) {
      io.err(`neuronas merge: unknown option ${argv[i]} (see --help)`);
      return 2;
    } else paths.push(argv[i]);
  }
  if (out === '' || (out === undefined && argv.includes('--out'))) {
    io.err('neuronas merge: --out needs a file name');
    return 2;
  }
  if (paths.length === 0) {
    io.err('neuronas merge: name the shard files or folders to merge (see --help)');
    return 2;
  }
  const files: ShardFile[] = [];
  const problems: string[] = [];
  try {
    for (const p of shardPaths(paths)) {
      const r = readShardText(p, readFileSync(p, 'utf8'));
      if (r.ok) files.push(r.file);
      else problems.push(...r.problems);
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && 'code' in e)) {
      io.err(`neuronas merge: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const merged = problems.length ? null : mergeShards(files);
  if (!merged || !merged.ok) {
    for (const p of merged ? merged.problems : problems) io.err(`neuronas merge: ${p}`);
    return 2;
  }
  for (const w of merged.warnings) io.err(`neuronas merge: ${w}`);
  const text = runJson(merged.run);
  if (out === undefined) io.out(text);
  else {
    // Whole or not at all: a train pod waiting for the scored run must never read half of it.
    writeFileSync(`${out}.partial`, text + '\n');
    renameSync(`${out}.partial`, out);
  }
  const c = merged.run.counts!;
  const phases = (phase: ShardPhase) => files.filter((f) => f.header.phase === phase).length;
  io.err(`merged ${phases('search')} search and ${phases('train')} train shards: ${c.sampled} candidates, ${c.scored} scored, ${c.trained} trained${out ? ` → ${out}` : ''}`);
  return 0;
}

export function trainTopHelp(): string {
  return [
    'usage: neuronas train-top --run RUN --shard I/N --out DIR [options]',
    '',
    'Trains this shard\'s part of the top k of a merged, scored sharded search',
    '(neuronas merge of its search shards): the strategy\'s selection, as one machine',
    'makes it, dealt over N shards by estimated training time. Writes',
    'DIR/train-I-of-N.jsonl, one record per trained candidate; a rerun resumes.',
    '',
    '  --run FILE         the scored run (from neuronas merge)',
    '  --shard I/N        shard I of N (I from 0); without it, from SLURM_ARRAY_TASK_ID and',
    '                     SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shards N',
    '  --shards N         the number of shards (a Kubernetes Indexed Job\'s completions)',
    '  --out DIR          the folder of the shard files',
    `  --train-samples N  training images (default ${PARAMS.trainSamples.default}; must be the search's)`,
    '  --backend NAME     auto | wasm | cpu (default auto; must give the search\'s backend)',
    '  --cifar FILES      for a cifar10 run: comma list of CIFAR-10 binary batch files',
    '',
    'Then merge the search and train shards together: neuronas merge SEARCH_DIR TRAIN_DIR --out run.json',
    '',
    'exit status: 0 ok; 2 bad input (one line on stderr)',
  ].join('\n');
}

export async function runTrainTop(argv: string[], io: CliIO, env: Record<string, string | undefined> = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(trainTopHelp());
    return 0;
  }
  let parsed;
  try {
    parsed = parseOptions(argv, [], ['run', 'shard', 'shards', 'out', 'backend', 'cifar']);
    for (const k of parsed.given) if (k !== 'trainSamples') throw new UsageError(`--${PARAMS[k].cli}: train-top takes the search's settings from --run`);
    if (!parsed.extra.has('run')) throw new UsageError('--run RUN: the merged, scored run is needed');
    if (!parsed.extra.has('out')) throw new UsageError('--out DIR: the folder of the shard files is needed');
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`neuronas train-top: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const runPath = parsed.extra.get('run') as string;
  const outDir = parsed.extra.get('out') as string;
  let shard: ShardSpec;
  try {
    shard = resolveShard(parsed.extra.get('shard') as string | undefined, parsed.extra.get('shards') as string | undefined, env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`neuronas train-top: ${e.message}`);
      return 2;
    }
    throw e;
  }
  let text: string;
  try {
    text = await io.readFile(runPath);
  } catch (e) {
    io.err(`neuronas train-top: --run: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const read = parseRunJson(text);
  if (!read.ok) {
    io.err(`neuronas train-top: --run ${runPath}: ${read.problems.join('; ')}`);
    return 2;
  }
  const run = read.run;
  const trainSamples = parsed.values.trainSamples;
  let plan;
  try {
    plan = planTrainShards(run, trainSamples, shard.count);
  } catch (e) {
    if (e instanceof ShardingError) {
      io.err(`neuronas train-top: --run ${runPath}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const backend = (parsed.extra.get('backend') as string | undefined) ?? 'auto';
  const cifar = parsed.extra.get('cifar') as string | undefined;
  const { openLocalEvaluators } = await import('./local-evaluators.ts');
  const evaluators = await openLocalEvaluators(
    { dataset: run.settings.dataset as DatasetName, backend, seed: run.settings.seed, scoreBatch: parsed.values.scoreBatch, trainSamples, cifarFiles: cifar ? cifar.split(',').filter((f) => f) : [] },
    io,
    'train-top',
  );
  if (typeof evaluators === 'number') return evaluators;
  mkdirSync(outDir, { recursive: true });
  const head = trainShardHeader(run, plan, shard, { score_batch: parsed.values.scoreBatch, train_samples: trainSamples, backend: evaluators.backend });
  return runShardToFile(shardFilePath(outDir, 'train', shard), head, (shardIO) => runTrainShard(run, head, evaluators, shardIO), io, 'train-top');
}
