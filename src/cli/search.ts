/**
 * `neuronas search`: runs one search (NeuroNAS or a baseline) in Node with
 * the tfjs scorer and trainer, and prints the whole run as JSON.
 */
import type { CliIO } from './io.ts';
import { UsageError, argsOrExit, budgetsFromOptions, parseOptions, spaceAndHardwareHelp, tableHelp } from './params-args.ts';
import { searchSettingsFromParams } from '../core/settings.ts';
import { compileSpace } from '../core/arch/sampler.ts';
import { runSearch, type SearchEvent, type SearchRun, type SearchSettings } from '../core/search/pipeline.ts';
import { runDataFromSearch, runJson } from '../core/files/run.ts';
import type { DatasetName } from '../core/data/datasets.ts';
import { DatasetError } from '../core/data/format.ts';

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
  /** CIFAR-10 batch files (with --dataset cifar10) */
  cifarFiles: string[];
}

export function parseSearchArgs(argv: string[]): SearchArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const parsed = parseOptions(argv, ['json', 'progress', 'no-budgets'], ['backend', 'cifar']);
  const { values, extra } = parsed;
  const backend = (extra.get('backend') as string | undefined) ?? 'auto';
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend: '${backend}' is not one of ${BACKENDS.join(', ')}`);
  const cifar = extra.get('cifar') as string | undefined;
  const cifarFiles = cifar ? cifar.split(',').filter((f) => f !== '') : [];
  if (values.dataset === 'cifar10' && cifarFiles.length === 0) throw new UsageError('--dataset cifar10 needs --cifar data_batch_1.bin[,data_batch_2.bin,…]: CIFAR-10 comes from your disk');
  if (values.dataset !== 'cifar10' && cifar !== undefined) throw new UsageError(`--cifar goes with --dataset cifar10 (the dataset is ${values.dataset})`);
  if (!extra.has('json')) throw new UsageError('pass --json: the search prints its run as JSON');
  const settings = searchSettingsFromParams(values, {}, budgetsFromOptions(parsed));
  compileSpace(settings.space); // a space with no valid cell is a usage error, said before any work
  return {
    settings,
    backend,
    json: true,
    progress: extra.has('progress'),
    trainSamples: values.trainSamples,
    scoreBatch: values.scoreBatch,
    cifarFiles,
  };
}

export async function runSearchCommand(argv: string[], io: CliIO): Promise<number> {
  const args = argsOrExit('search', io, () => parseSearchArgs(argv), searchHelp);
  if (typeof args === 'number') return args;
  const { createLocalEvaluators } = await import('./local-evaluators.ts');
  let evaluators: Awaited<ReturnType<typeof createLocalEvaluators>>;
  try {
    evaluators = await createLocalEvaluators({
      dataset: args.settings.dataset as DatasetName,
      backend: args.backend as 'auto' | 'wasm' | 'cpu',
      seed: args.settings.seed,
      scoreBatch: args.scoreBatch,
      trainSamples: args.trainSamples,
      cifarFiles: args.cifarFiles,
    });
  } catch (e) {
    // A missing or malformed batch file is bad input, said in one line.
    if (e instanceof DatasetError || (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EISDIR'))) {
      io.err(`neuronas search: --cifar: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const progress = args.progress
    ? (e: SearchEvent) => {
        if (e.type === 'stage') io.err(`${e.stage} ${e.state}${e.state === 'end' ? ` (${e.count} candidates, ${e.ms.toFixed(0)} ms)` : ''}`);
        if (e.type === 'trained') io.err(`trained ${e.record.genome}: ${(100 * e.record.result.accuracyQuantized).toFixed(2)}% (${args.settings.space.weightBits.join('/')}-bit)`);
      }
    : undefined;
  const run: SearchRun = await runSearch(args.settings, evaluators, progress);
  if (args.progress) io.err(`backend: ${evaluators.backend} (${evaluators.backendReason})`);
  // The studio's run document: `Import run` on the page shows this search again.
  io.out(runJson(runDataFromSearch(run)));
  return 0;
}
