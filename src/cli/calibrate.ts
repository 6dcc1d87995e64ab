/**
 * `neuronas calibrate`: how well does each proxy predict trained accuracy
 * on a data set and search space? Runs core/calibration/run.ts in this
 * process: the network-running proxies of src/tf/proxies.ts and the
 * training engine the search uses in Node (src/cli/engine-node.ts: the
 * trainer of src/tf/train.ts, then quantization and the quantized test).
 */
import type { CliIO } from './io.ts';
import { UsageError, argsOrExit, budgetsFromOptions, parseOptions, spaceAndHardwareHelp, tableHelp, wholeNumber } from './params-args.ts';
import { searchSettingsFromParams } from '../core/settings.ts';
import { PARAMS } from '../core/params.ts';
import { compileSpace } from '../core/arch/sampler.ts';
import { EMBEDDED_DATASETS, isEmbeddedDatasetName, type EmbeddedDatasetName } from '../core/data/datasets.ts';
import { PROXIES, PROXY_NAMES, parseProxyList, type ProxyName } from '../core/calibration/proxies.ts';
import { calibrationSplit, proxyImagePlan, proxyKnobsFromParams, type ProxyImageOptions } from '../core/calibration/plan.ts';
import { CalibrationError, pickCandidates, runCalibration, type CalibrationEvaluators, type CalibrationEvent, type CalibrationSettings } from '../core/calibration/run.ts';
import { calibrationDocument, formatCalibrationTable } from '../core/calibration/document.ts';
import { CALIBRATE_DEFAULTS } from '../core/calibration/settings.ts';

const BACKENDS = ['auto', 'wasm', 'cpu'] as const;

export { CALIBRATE_DEFAULTS };

export function calibrateHelp(): string {
  const d = CALIBRATE_DEFAULTS;
  const P = PARAMS;
  return [
    'usage: neuronas calibrate [options] [--json]',
    '',
    'How well does each proxy predict trained accuracy? Samples and costs the space,',
    'picks N feasible candidates spread over it (one per quantile stratum of the',
    'parameter count, so the dear ones are there too), computes every proxy on each',
    '(same seed), trains each (same seed), and reports Kendall τ-b and Spearman ρ',
    'between each proxy and float and quantized test accuracy with bootstrap 95 %',
    'intervals (resampling candidates), the top-3 overlap, and the accuracy noise:',
    'its binomial standard error and the spread between two training seeds of a few',
    'candidates. No proxy ever reads a test image: they read the training part only.',
    '',
    'calibration options:',
    `  --dataset NAME       mnist | fashion-mnist (default mnist)`,
    `  --candidates N       candidates to score and train (default ${d.candidates}; 6–500)`,
    `  --epochs E           training epochs per candidate (default ${P.epochs.default})`,
    `  --train-samples M    training images per candidate (default ${P.trainSamples.default})`,
    `  --test-samples N     test images, from the fixed held-out split (default ${d.testSamples}, or all of a smaller split)`,
    `  --seed S             seed of sampling, proxies and training (default ${P.seed.default})`,
    `  --samples N          candidates sampled and costed to stratify from (default ${P.samples.default})`,
    `  --seed-repeats K     candidates trained again with seed S+1 (default ${d.seedRepeats}; 0 skips)`,
    `  --bootstrap R        bootstrap resamples (default ${d.bootstrap})`,
    `  --proxies LIST       comma list of ${PROXY_NAMES.join(', ')} (default all)`,
    '',
    'proxy options:',
    `  --score-batch B      images per SNASNet score batch (default ${P.scoreBatch.default}; SNASNet uses 256)`,
    `  --score-repeats R    score batches averaged (default ${d.scoreRepeats}, as SNASNet)`,
    `  --gradient-batch B   images of the snip / grad_norm gradient (default ${d.gradientBatch})`,
    `  --early-steps N      training steps of early_loss / early_accuracy (default ${d.earlySteps})`,
    `  --early-batch B      their batch (default ${d.earlyBatch})`,
    `  --early-held-out N   held-out training images they are measured on (default ${d.earlyHeldOut})`,
    '',
    'proxies:',
    ...PROXY_NAMES.map((p) => `  ${p.padEnd(15)} ${PROXIES[p].direction === 'higher' ? 'higher' : 'lower '} is better: ${PROXIES[p].label}`),
    '',
    'budgets (candidates are picked among those within all of them):',
    ...tableHelp(['budget']),
    '  --no-budgets       no limit for every budget left out',
    '',
    ...spaceAndHardwareHelp(),
    '  --json             print the calibration as one JSON object (format neuronas-calibration)',
    '  --progress         each step on stderr as it finishes',
    '',
    'JSON keys: settings, pool {sampled, feasible, strata}, proxies [{name, label, direction,',
    '  source}], candidates [{genome, stratum, costs, proxies, accuracy_float, accuracy_quantized}],',
    '  seed_pairs, statistics {correlations [{proxy, target, n, kendall_tau, kendall_tau_ci,',
    '  spearman_rho, spearman_rho_ci, top_k_overlap}], ranking [{target, best, reliable,',
    '  clearly_best, verdict}], noise}, recommendation, timings',
    '',
    'exit status: 0 ok; 2 bad input (one line on stderr)',
  ].join('\n');
}

export interface CalibrateArgs {
  settings: CalibrationSettings;
  dataset: EmbeddedDatasetName;
  backend: (typeof BACKENDS)[number];
  json: boolean;
  progress: boolean;
}

const EXTRA = ['candidates', 'test-samples', 'seed-repeats', 'bootstrap', 'proxies', 'score-repeats', 'backend'];

export function parseCalibrateArgs(argv: string[]): CalibrateArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const parsed = parseOptions(argv, ['json', 'progress', 'no-budgets'], EXTRA);
  const { values, given, extra } = parsed;
  for (const key of ['strategy', 'topK'] as const) if (given.has(key)) throw new UsageError(`--${key === 'topK' ? 'top-k' : key} does not apply to calibrate: every candidate is trained`);
  const dataset = values.dataset;
  if (!isEmbeddedDatasetName(dataset)) throw new UsageError(`--dataset: calibrate runs on the embedded data sets (mnist, fashion-mnist), not ${dataset}`);
  const d = CALIBRATE_DEFAULTS;
  const opt = (name: string, def: number, min: number, max: number) => {
    const v = extra.get(name);
    return v === undefined ? def : wholeNumber(name, v as string, min, max);
  };
  const fixedTest = EMBEDDED_DATASETS[dataset].split.test;
  const testSamples = opt('test-samples', Math.min(d.testSamples, fixedTest), 100, fixedTest);
  const backend = (extra.get('backend') as string | undefined) ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new UsageError(`--backend: '${backend}' is not one of ${BACKENDS.join(', ')}`);
  let proxies: ProxyName[] = [...PROXY_NAMES];
  const list = extra.get('proxies');
  if (list !== undefined) {
    try {
      proxies = parseProxyList(list as string);
    } catch (e) {
      throw new UsageError(`--proxies: ${(e as Error).message}`);
    }
  }
  const search = searchSettingsFromParams(values, {}, budgetsFromOptions(parsed));
  compileSpace(search.space); // a space with no valid cell is a usage error, said before any work
  const proxyImages: ProxyImageOptions = {
    seed: search.seed,
    scoreBatch: values.scoreBatch,
    scoreRepeats: opt('score-repeats', d.scoreRepeats, 1, 8),
    ...proxyKnobsFromParams(values),
  };
  const info = EMBEDDED_DATASETS[dataset];
  try {
    // Both throw a RangeError naming what does not fit the data set: said before any work.
    calibrationSplit(info, testSamples, values.trainSamples);
    proxyImagePlan(info, proxyImages);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const settings: CalibrationSettings = {
    dataset,
    space: search.space,
    hardware: search.hardware,
    budgets: search.budgets,
    samples: search.samples,
    candidates: opt('candidates', d.candidates, 6, 500),
    epochs: search.epochs,
    trainSamples: values.trainSamples,
    testSamples,
    seed: search.seed,
    proxies,
    seedRepeats: opt('seed-repeats', d.seedRepeats, 0, 50),
    bootstrapResamples: opt('bootstrap', d.bootstrap, 100, 100_000),
    proxyImages,
  };
  try {
    pickCandidates(settings); // too few feasible candidates is bad input, said before any work (costing takes milliseconds)
  } catch (e) {
    if (e instanceof CalibrationError) throw new UsageError(e.message);
    throw e;
  }
  return { dataset, backend: backend as CalibrateArgs['backend'], json: extra.has('json'), progress: extra.has('progress'), settings };
}

const pct = (v: number) => (Number.isNaN(v) ? 'untrained' : `${(100 * v).toFixed(2)} %`);

/** The progress line of each event; the training's time left is read off the candidates trained so far. */
function progressReporter(bits: string): (e: CalibrationEvent) => string {
  let trainingStart = performance.now();
  return (e) => {
    switch (e.type) {
      case 'pool':
        return `pool: ${e.sampled} sampled, ${e.feasible} feasible; one candidate from each of ${e.strata.length} parameter strata (${e.strata[0].low.toLocaleString('en')} … ${e.strata[e.strata.length - 1].high.toLocaleString('en')} weights)`;
      case 'proxies': {
        trainingStart = performance.now();
        const c = e.candidate;
        const values = Object.entries(c.proxies).map(([k, v]) => `${k} ${Number.isNaN(v) ? 'NaN' : Number(v.toPrecision(4))}`);
        const errors = Object.entries(c.proxy_errors).map(([k, m]) => `${k}: ${m}`);
        return `proxies ${e.done}/${e.total} ${c.genome}: ${values.join(', ')}${errors.length ? ` (${errors.join('; ')})` : ''}`;
      }
      case 'trained': {
        const c = e.candidate;
        const left = ((performance.now() - trainingStart) / 1000 / e.done) * (e.total - e.done);
        const eta = left < 120 ? `${Math.round(left)} s` : `${Math.round(left / 60)} min`;
        return c.train_error
          ? `trained ${e.done}/${e.total} ${c.genome}: could not be trained: ${c.train_error}`
          : `trained ${e.done}/${e.total} ${c.genome}: float ${pct(c.accuracy_float)}, ${bits}-bit ${pct(c.accuracy_quantized)} (${c.train_seconds.toFixed(0)} s; about ${eta} left before the second seeds)`;
      }
      case 'seed-pair':
        return `second seed ${e.done}/${e.total} ${e.pair.genome}: ${bits}-bit ${pct(e.pair.accuracy_quantized[0])} (seed ${e.pair.seeds[0]}) vs ${pct(e.pair.accuracy_quantized[1])} (seed ${e.pair.seeds[1]})`;
    }
  };
}

export async function runCalibrate(argv: string[], io: CliIO): Promise<number> {
  const args = argsOrExit('calibrate', io, () => parseCalibrateArgs(argv), calibrateHelp);
  if (typeof args === 'number') return args;
  const a = args;
  const s = a.settings;
  // tfjs loads only now: --help and usage errors stay fast.
  const tf = await import('@tensorflow/tfjs-core');
  tf.env().set('PROD', true);
  const [{ createNodeEngine, engineEndpoint }, { loadDatasetNode }, { measureNetworkProxies }] = await Promise.all([import('./engine-node.ts'), import('./data-node.ts'), import('../tf/proxies.ts')]);
  const engine = createNodeEngine();
  const choice = await engine.init({ backend: a.backend });
  const endpoint = engineEndpoint(engine);
  const ds = await loadDatasetNode(a.dataset);
  const ctx = { dataset: ds, plan: proxyImagePlan(ds, s.proxyImages), seed: s.seed, earlyBatch: s.proxyImages.earlyBatch };
  const line = progressReporter(s.space.weightBits.join('/'));
  const onEvent = a.progress ? (e: CalibrationEvent) => io.err(line(e)) : undefined;
  if (a.progress) io.err(`calibrating on ${a.dataset} with ${choice.backend} (${choice.reason})`);
  const evaluators: CalibrationEvaluators = {
    proxies: (arch, _genome, names) => measureNetworkProxies(arch, ctx, names),
    async train(genome, seed, signal) {
      const r = await endpoint.train({ genome, dataset: a.dataset, epochs: s.epochs, trainSamples: s.trainSamples, testSamples: s.testSamples, seed }, () => {}, signal);
      if (!r.completed) throw new Error('training was cancelled');
      return { accuracyFloat: r.testAccuracyFloat, accuracyQuantized: r.testAccuracyQuantized, seconds: r.seconds };
    },
  };
  const run = await runCalibration(s, evaluators, onEvent);
  const doc = calibrationDocument(run, choice);
  if (a.json) io.out(JSON.stringify(doc));
  else io.out(formatCalibrationTable(doc));
  if (a.progress && a.json) io.err(formatCalibrationTable(doc));
  return 0;
}
