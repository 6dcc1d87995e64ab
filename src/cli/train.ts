/**
 * `neuronas train`: trains an architecture on an embedded data set in Node
 * (wasm or cpu backend), quantizes its weights and prints accuracy, spike
 * rates and throughput. Bad input exits 2 with one line on stderr.
 */
import { writeFile } from 'node:fs/promises';
import type { CliIO } from './io.ts';
import { layerList, type Architecture } from '../core/arch/architecture.ts';
import { DEFAULT_ARCHITECTURE, GenomeError, formatGenome, parseGenome } from '../core/arch/genome.ts';
import { splitDataset } from '../core/data/batches.ts';
import { EMBEDDED_DATASET_NAMES, embeddedDatasetInfo, type EmbeddedDatasetName } from '../core/data/datasets.ts';
import type { Encoding } from '../tf/model.ts';
import type { OptimizerName } from '../tf/optim.ts';
import { UsageError, argsOrExit, wholeNumber as int } from './params-args.ts';
import { DEFAULT_LIF, REFERENCE_NET_LIF, type LifConfig } from '../core/snn/lif.ts';

/** The neurons the command line names: SNASNet's SpikingJelly LIFNode and the snnTorch Leaky of the reference network. */
export const NEURONS: Readonly<Record<'spikingjelly' | 'snntorch', LifConfig>> = { spikingjelly: DEFAULT_LIF, snntorch: REFERENCE_NET_LIF };

function nonEmpty(name: string, v: string): string {
  if (v.trim() === '') throw new UsageError(`--${name} needs a file name`);
  return v;
}

export function trainHelp(): string {
  return [
    'usage: neuronas train [options]',
    '',
    'Trains a spiking network (surrogate gradients, backpropagation through time)',
    'on an embedded data set, then quantizes its weights (uniform, symmetric, per',
    'layer) and reports float and quantized test accuracy.',
    '',
    'options:',
    `  --architecture G   genome (default ${formatGenome(DEFAULT_ARCHITECTURE)}, the studio's default)`,
    `  --dataset NAME     ${EMBEDDED_DATASET_NAMES.join(' | ')} (default mnist)`,
    '  --epochs E         training epochs (default 3)',
    "  --timesteps T      overrides the genome's timesteps",
    "  --weight-bits B    4 | 8 | 16 (any 2–16 works); overrides the genome's",
    '  --backend NAME     auto | wasm | cpu (default auto: a short probe picks the faster)',
    '  --seed S           seed of weights, batch order and rate encoding (default 0)',
    '  --train-samples N  training images (default 8000)',
    "  --test-samples N   held-out test images (default: the data set's test split)",
    '  --batch-size N     (default 32)',
    '  --lr X             peak learning rate, cosine schedule (default 0.003 adam, 0.05 sgd)',
    '  --optimizer NAME   adam | sgd (SGD with momentum 0.9) (default adam)',
    '  --encoding NAME    direct | rate (Poisson) (default direct)',
    '  --qat-epochs N     quantization-aware fine-tuning epochs after training (default 0)',
    "  --neuron NAME      spikingjelly (SNASNet's LIFNode, the default) | snntorch (Leaky, beta 0.9, subtract reset)",
    '  --save-weights F   write the trained float weights, batch norms, quantization scales and spike',
    '                     rates to F (safetensors, PyTorch layout: neuronas export --weights F ships them)',
    '  --json             print one JSON object (otherwise a readable summary)',
    '  --progress         per-epoch progress on stderr (default on without --json)',
    '  -h, --help         this text',
    '',
    'JSON keys: architecture, dataset, backend, backend_reason, epochs [{epoch, loss,',
    '  train_accuracy, test_accuracy, lr, seconds, samples_per_s}], test_accuracy_float,',
    '  test_accuracy_quantized (fractions 0–1), weight_bits, quant_scales, spike_rates',
    '  (input spike rate of each weight layer, keyed by layer-list name, in layer-list',
    '  order: what the cost model reads as input_rates), lif_rates, samples_per_s,',
    '  train_samples, test_samples, timesteps, micro_batch, eval_batch, encoding, neuron,',
    '  weights_file (with --save-weights), optimizer, batch_size, seed, seconds',
    '',
    'Memory: a pass holds every map of the unrolled network at once, so the images per',
    'pass are sized to fit a fixed budget: evaluation runs in test batches of up to',
    '250 images (fewer for a wide, long network: eval_batch), and a training batch that',
    'does not fit is split into micro-batches whose gradients are summed before the',
    'one update (micro_batch; the batch norms then see each micro-batch alone).',
    '',
    'exit status: 0 ok; 2 bad input, or a network too large to train (one line on stderr)',
  ].join('\n');
}

export interface TrainArgs {
  arch: Architecture;
  dataset: EmbeddedDatasetName;
  epochs: number;
  weightBits: number;
  backend: 'auto' | 'wasm' | 'cpu';
  seed: number;
  trainSamples: number;
  testSamples?: number;
  batchSize: number;
  lr?: number;
  optimizer: OptimizerName;
  encoding: Encoding;
  qatEpochs: number;
  lif: LifConfig;
  saveWeights?: string;
  json: boolean;
  progress: boolean;
}

const VALUE_OPTIONS = ['architecture', 'dataset', 'epochs', 'timesteps', 'weight-bits', 'backend', 'seed', 'train-samples', 'test-samples', 'batch-size', 'lr', 'optimizer', 'encoding', 'qat-epochs', 'neuron', 'save-weights'] as const;
const FLAG_OPTIONS = ['json', 'progress', 'help'] as const;

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

export function parseTrainArgs(argv: string[]): TrainArgs | 'help' {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}' (options start with --; see neuronas train --help)`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if ((FLAG_OPTIONS as readonly string[]).includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) throw new UsageError(`unknown option '--${name}' (see neuronas train --help)`);
    let v: string | undefined;
    if (eq >= 0) v = a.slice(eq + 1);
    else {
      v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    values.set(name, v);
  }
  let arch: Architecture = DEFAULT_ARCHITECTURE;
  const g = values.get('architecture');
  if (g !== undefined) {
    try {
      arch = parseGenome(g);
    } catch (e) {
      if (e instanceof GenomeError) throw new UsageError(`--architecture: ${e.message}`);
      throw e;
    }
  }
  const t = values.get('timesteps');
  if (t !== undefined) arch = { ...arch, timesteps: int('timesteps', t, 1, 64) };
  const wb = values.get('weight-bits');
  if (wb !== undefined) arch = { ...arch, weightBits: int('weight-bits', wb, 2, 16) };
  else if (arch.weightBits < 2 || arch.weightBits > 16) throw new UsageError(`the genome's weight bits (${arch.weightBits}) must be between 2 and 16 to quantize; pass --weight-bits`);
  const dataset = oneOf('dataset', values.get('dataset') ?? 'mnist', EMBEDDED_DATASET_NAMES);
  const info = embeddedDatasetInfo(dataset);
  if (arch.input.size !== info.shape[0] || arch.input.channels !== info.shape[2]) {
    throw new UsageError(`--architecture takes ${arch.input.size}×${arch.input.size}×${arch.input.channels} input but ${dataset} images are ${info.shape.join('×')}`);
  }
  if (arch.classes !== info.classNames.length) throw new UsageError(`--architecture has ${arch.classes} classes but ${dataset} has ${info.classNames.length}`);
  const maxTest = info.split.test;
  const testSamples = values.has('test-samples') ? int('test-samples', values.get('test-samples')!, 1, maxTest) : undefined;
  const maxTrain = info.count - (testSamples ?? maxTest);
  const lrText = values.get('lr');
  let lr: number | undefined;
  if (lrText !== undefined) {
    lr = Number(lrText);
    if (!/^[0-9.eE+-]+$/.test(lrText) || !Number.isFinite(lr) || lr <= 0 || lr > 10) throw new UsageError(`--lr must be a number in (0, 10], got '${lrText}'`);
  }
  return {
    arch,
    dataset,
    epochs: int('epochs', values.get('epochs') ?? '3', 1, 1000),
    weightBits: arch.weightBits,
    backend: oneOf('backend', values.get('backend') ?? 'auto', ['auto', 'wasm', 'cpu'] as const),
    seed: int('seed', values.get('seed') ?? '0', -(2 ** 31), 2 ** 31 - 1),
    trainSamples: int('train-samples', values.get('train-samples') ?? String(Math.min(8000, maxTrain)), 1, maxTrain),
    testSamples,
    batchSize: int('batch-size', values.get('batch-size') ?? '32', 1, 4096),
    lr,
    optimizer: oneOf('optimizer', values.get('optimizer') ?? 'adam', ['adam', 'sgd'] as const),
    encoding: oneOf('encoding', values.get('encoding') ?? 'direct', ['direct', 'rate'] as const),
    qatEpochs: int('qat-epochs', values.get('qat-epochs') ?? '0', 0, 100),
    lif: NEURONS[oneOf('neuron', values.get('neuron') ?? 'spikingjelly', ['spikingjelly', 'snntorch'] as const)],
    ...(values.has('save-weights') ? { saveWeights: nonEmpty('save-weights', values.get('save-weights')!) } : {}),
    json: flags.has('json'),
    progress: flags.has('progress') || !flags.has('json'),
  };
}

/** Why `path` cannot be written (its folder is missing or it is a folder), or null. */
export async function unwritableFile(path: string): Promise<string | null> {
  const { stat } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const dir = await stat(dirname(path)).catch(() => null);
  if (!dir?.isDirectory()) return `the folder ${dirname(path)} does not exist`;
  const file = await stat(path).catch(() => null);
  if (file?.isDirectory()) return `${path} is a folder`;
  return null;
}

const round = (x: number, d = 6) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

export async function runTrain(argv: string[], io: CliIO): Promise<number> {
  const args = argsOrExit('train', io, () => parseTrainArgs(argv), trainHelp);
  if (typeof args === 'number') return args;
  const a = args;
  if (a.saveWeights) {
    // Before training, so a run of minutes is not lost to a bad path at the end.
    const problem = await unwritableFile(a.saveWeights);
    if (problem) {
      io.err(`neuronas train: --save-weights: ${problem}`);
      return 2;
    }
  }
  const t0 = performance.now();
  // tfjs loads only now: --help and usage errors stay fast.
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs');
  const { initNodeBackend } = await import('../tf/backend-node.ts');
  const { loadDatasetNode } = await import('./data-node.ts');
  const { buildModel } = await import('../tf/model.ts');
  const { trainModel, evaluateDetailed, MemoryBudgetError } = await import('../tf/train.ts');
  const { quantizeModelWeights } = await import('../tf/quantize.ts');

  const choice = await initNodeBackend(a.backend);
  const ds = await loadDatasetNode(a.dataset);
  const info = embeddedDatasetInfo(a.dataset);
  const split = splitDataset(ds, { test: a.testSamples ?? info.split.test, train: a.trainSamples, seed: info.split.seed });
  const data = { dataset: ds, train: split.train, test: split.test };
  const model = buildModel(a.arch, { encoding: a.encoding, seed: a.seed, lif: a.lif });
  const log = (s: string) => {
    if (a.progress) io.err(s);
  };
  log(`training ${formatGenome(a.arch)} on ${a.dataset} (${split.train.length} train / ${split.test.length} test) on ${choice.backend}: ${choice.reason}`);
  try {
    const result = await trainModel(model, data, {
      epochs: a.epochs,
      batchSize: a.batchSize,
      lr: a.lr,
      optimizer: a.optimizer,
      seed: a.seed,
      onEpoch: (e) => log(`epoch ${e.epoch + 1}/${a.epochs}: loss ${e.loss.toFixed(4)}, train ${(100 * e.trainAccuracy).toFixed(2)}%, test ${(100 * e.testAccuracy).toFixed(2)}%, ${e.samplesPerS.toFixed(1)} samples/s, ${e.seconds.toFixed(1)} s`),
    });
    const floatAcc = result.testAccuracy;
    let qatEpochs: typeof result.epochs = [];
    if (a.qatEpochs > 0) {
      const q = await trainModel(model, data, {
        epochs: a.qatEpochs,
        batchSize: a.batchSize,
        lr: (a.lr ?? (a.optimizer === 'adam' ? 3e-3 : 0.05)) * 0.1,
        optimizer: a.optimizer,
        seed: a.seed + 1,
        qatBits: a.weightBits,
        calibrate: false,
        onEpoch: (e) => log(`QAT epoch ${e.epoch + 1}/${a.qatEpochs} (${a.weightBits}-bit): loss ${e.loss.toFixed(4)}, test (fake-quantized forward) ${(100 * e.testAccuracy).toFixed(2)}%`),
      });
      qatEpochs = q.epochs;
    }
    const quant = quantizeModelWeights(model, a.weightBits);
    const qEval = await evaluateDetailed(model, ds, split.test, { seed: a.seed });
    quant.restore();
    if (a.saveWeights) {
      const { readModelWeights } = await import('../tf/weights.ts');
      const { encodeWeightsFile } = await import('../core/export/pytorch-weights.ts');
      const bytes = encodeWeightsFile(a.arch, readModelWeights(model), {
        genome: formatGenome(a.arch),
        lif: a.lif,
        encoding: a.encoding,
        weightBits: a.weightBits,
        quantScales: Object.fromEntries(quant.scales),
        spikeRates: Object.fromEntries(qEval.inputRates.map((r) => [r.name, r.rate])),
        source: `neuronas train (${a.dataset}, ${a.epochs} epochs${a.qatEpochs ? ` + ${a.qatEpochs} QAT` : ''}, test accuracy ${(100 * floatAcc).toFixed(2)}% float, ${(100 * qEval.accuracy).toFixed(2)}% ${a.weightBits}-bit)`,
      });
      await writeFile(a.saveWeights, bytes);
      log(`saved weights to ${a.saveWeights} (${bytes.length} bytes)`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const layers = layerList(a.arch);
    const out = {
      architecture: formatGenome(a.arch),
      dataset: a.dataset,
      backend: choice.backend,
      backend_reason: choice.reason,
      epochs: result.epochs.map((e) => ({ epoch: e.epoch + 1, loss: round(e.loss), train_accuracy: round(e.trainAccuracy), test_accuracy: round(e.testAccuracy), lr: round(e.lr, 8), seconds: round(e.seconds, 2), samples_per_s: round(e.samplesPerS, 1) })),
      ...(a.qatEpochs > 0 ? { qat_epochs: qatEpochs.map((e) => ({ epoch: e.epoch + 1, loss: round(e.loss), train_accuracy: round(e.trainAccuracy), test_accuracy_fake_quantized: round(e.testAccuracy), seconds: round(e.seconds, 2) })) } : {}),
      test_accuracy_float: round(floatAcc),
      test_accuracy_quantized: round(qEval.accuracy),
      weight_bits: a.weightBits,
      quant_scales: Object.fromEntries(layers.map((l) => [l.name!, round(quant.scales.get(l.name!) ?? NaN, 9)])),
      spike_rates: Object.fromEntries(qEval.inputRates.map((r) => [r.name, round(r.rate)])),
      spike_rates_note: 'input spike rate of each weight layer on the test split (eval mode, quantized weights), layer-list order; the stem reads the analog image with direct encoding (rate 1)',
      lif_rates: Object.fromEntries(qEval.lifRates.map((r) => [r.name, round(r.rate)])),
      samples_per_s: round(result.samplesPerS, 1),
      train_samples: split.train.length,
      test_samples: split.test.length,
      timesteps: a.arch.timesteps,
      micro_batch: result.microBatch,
      eval_batch: result.evalBatch,
      encoding: a.encoding,
      neuron: a.lif.model,
      ...(a.saveWeights ? { weights_file: a.saveWeights } : {}),
      optimizer: a.optimizer,
      batch_size: a.batchSize,
      seed: a.seed,
      seconds: round(seconds, 1),
    };
    if (a.json) io.out(JSON.stringify(out));
    else {
      io.out(
        [
          `architecture   ${out.architecture} (${a.dataset}, T=${a.arch.timesteps}, ${a.encoding} encoding)`,
          `backend        ${out.backend} (${out.backend_reason})`,
          ...out.epochs.map((e) => `epoch ${e.epoch}        loss ${e.loss}  train ${e.train_accuracy}  test ${e.test_accuracy}`),
          `test accuracy  float ${(100 * floatAcc).toFixed(2)}%   ${a.weightBits}-bit ${(100 * qEval.accuracy).toFixed(2)}%`,
          `throughput     ${out.samples_per_s} samples/s (training steps)`,
          `passes         training batch ${a.batchSize}${result.microBatch < a.batchSize ? ` in micro-batches of ${result.microBatch}` : ''}, test batches of ${result.evalBatch} (sized to the memory budget)`,
          `spike rates    ${qEval.inputRates.map((r) => `${r.name} ${r.rate.toFixed(3)}`).join(', ')}`,
          `time           ${out.seconds} s`,
        ].join('\n'),
      );
    }
    return 0;
  } catch (e) {
    // A network too large for the memory budget is said in one line, like bad input.
    if (e instanceof MemoryBudgetError) {
      io.err(`neuronas train: ${formatGenome(a.arch)} cannot be trained here: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    model.dispose();
    void tf;
  }
}
