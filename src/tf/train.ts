/**
 * Surrogate-gradient training by backpropagation through time: the model's
 * forward pass unrolls all T timesteps in one graph, the loss is softmax
 * cross-entropy of the time-averaged logits, and tf.variableGrads takes the
 * gradient through the whole unroll (the LIFs' surrogate gradients, the
 * custom conv and batch-norm gradients).
 *
 * Mini-batches in a seeded order per epoch (src/core/data/batches.ts), Adam
 * or SGD with momentum on a cosine learning-rate schedule, evaluation on a
 * held-out test split after each epoch. Per-batch numbers stay on the
 * device as running sums and are read once per epoch (a read stalls a GPU
 * backend's queue); the progress callback gets a loss reading only every
 * `progressLossEvery` batches. Cancellation: an AbortSignal checked between
 * batches (the loop yields to the event loop there, so a worker can receive
 * the abort message).
 *
 * Memory: every step runs inside tf.tidy or disposes what it made; the live
 * tensor count after a step equals the count before it (tested).
 */
import * as tf from '@tensorflow/tfjs-core';
import { epochBatches, makeBatch, UNIT, type Normalisation } from '../core/data/batches.ts';
import type { Dataset } from '../core/data/format.ts';
import type { SpikingModel } from './model.ts';
import { cosineLr, makeOptimizer, type Optimizer, type OptimizerName } from './optim.ts';
import { fakeQuantize } from './quantize.ts';

export interface TrainData {
  dataset: Dataset;
  /** image indices to train on */
  train: ArrayLike<number>;
  /** held-out image indices to test on */
  test: ArrayLike<number>;
  /** pixel scaling (default byte/255; rate encoding needs it) */
  norm?: Normalisation;
}

export interface TrainOptions {
  epochs: number;
  batchSize?: number;
  /** peak learning rate (default 3e-3 for Adam, 0.05 for SGD) */
  lr?: number;
  optimizer?: OptimizerName;
  /** SGD momentum (default 0.9) */
  momentum?: number;
  weightDecay?: number;
  /** 'cosine' (default): lr·½(1 + cos(π·step/steps)) over all steps of the run */
  schedule?: 'cosine' | 'constant';
  /** linear warm-up steps before the cosine (default 0) */
  warmupSteps?: number;
  /** seed of the batch order and of the rate-encoding draws (default 0) */
  seed?: number;
  /** test batch size (default 250) */
  evalBatchSize?: number;
  /** quantization-aware training: fake-quantize the layer weights to this many bits (straight-through gradient) */
  qatBits?: number;
  /** scale fc1 on the first batch so the hidden layer fires (SpikingModel.calibrate; default true) */
  calibrate?: boolean;
  /** skip the per-epoch test evaluation (default false) */
  skipEval?: boolean;
  /** read the running loss for the progress callback every this many batches (default 10; 0 = never) */
  progressLossEvery?: number;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (e: EpochStats) => void;
  signal?: AbortSignal;
}

export interface BatchProgress {
  epoch: number;
  /** batch index within the epoch, 0-based */
  batch: number;
  batches: number;
  /** samples trained so far in this run */
  samples: number;
  lr: number;
  /** mean training loss of the epoch so far, present every `progressLossEvery` batches */
  loss?: number;
  /** training throughput of the epoch so far */
  samplesPerS: number;
}

export interface LayerRate {
  name: string;
  rate: number;
}

export interface EpochStats {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  /** NaN when evaluation was skipped */
  testAccuracy: number;
  lr: number;
  /** seconds spent on training steps (evaluation excluded) */
  seconds: number;
  samplesPerS: number;
  /** mean input spike rate of each weight layer over the epoch, layer-list order */
  inputRates: LayerRate[];
  /** mean output spike rate of each LIF over the epoch */
  lifRates: LayerRate[];
}

export interface TrainResult {
  epochs: EpochStats[];
  /** test accuracy after the last completed epoch (NaN if none) */
  testAccuracy: number;
  inputRates: LayerRate[];
  lifRates: LayerRate[];
  /** training samples per second over the whole run (steps only) */
  samplesPerS: number;
  steps: number;
  cancelled: boolean;
}

/** Lets the event loop run (abort messages, progress posts) between batches. */
function yieldToLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(0);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** Adds `inc` into the kept accumulator `acc` (disposing the old one); returns the new accumulator. */
function accumulate(acc: tf.Tensor | null, inc: tf.Tensor): tf.Tensor {
  if (!acc) return tf.keep(tf.clone(inc));
  const next = tf.keep(tf.add(acc, inc));
  acc.dispose();
  return next;
}

export interface TrainStepResult {
  loss: tf.Scalar;
  correct: tf.Scalar;
  inputRates: tf.Tensor1D;
  lifRates: tf.Tensor1D;
}

/**
 * One optimisation step on a batch: forward (training mode), loss, gradients
 * through the unroll, update. Returns kept scalars the caller disposes.
 */
export function trainStep(model: SpikingModel, opt: Optimizer, x: tf.Tensor4D, labels: tf.Tensor1D, lr: number, opts: { encodingSeed?: number; qatBits?: number } = {}): TrainStepResult {
  let kept: Omit<TrainStepResult, 'loss'> | null = null;
  const vars = model.trainable as tf.Variable[];
  const weightTransform = opts.qatBits ? (w: tf.Tensor) => fakeQuantize(w, opts.qatBits!) : undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(x, { training: true, encodingSeed: opts.encodingSeed, weightTransform });
    const oneHot = tf.oneHot(labels, model.arch.classes);
    const loss = tf.losses.softmaxCrossEntropy(oneHot, out.logits) as tf.Scalar;
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labels), 'float32')) as tf.Scalar;
    kept = { correct: tf.keep(correct), inputRates: tf.keep(out.inputRates), lifRates: tf.keep(out.lifRates) };
    return loss;
  }, vars);
  opt.step(
    vars,
    vars.map((v) => grads[v.name]),
    lr,
  );
  tf.dispose(grads);
  return { loss: value, ...kept! };
}

export interface EvalResult {
  accuracy: number;
  /** mean input spike rate of each weight layer over the evaluated images (eval mode), layer-list order */
  inputRates: LayerRate[];
  /** mean output spike rate of each LIF */
  lifRates: LayerRate[];
}

/** Accuracy and spike rates on `indices` in eval mode (batch-norm running statistics); one read at the end. */
export async function evaluateDetailed(model: SpikingModel, data: Dataset, indices: ArrayLike<number>, opts: { batchSize?: number; norm?: Normalisation; seed?: number; weightTransform?: (w: tf.Tensor, name: string) => tf.Tensor } = {}): Promise<EvalResult> {
  const bs = opts.batchSize ?? 250;
  let correct: tf.Tensor | null = null;
  let inSum: tf.Tensor | null = null;
  let lifSum: tf.Tensor | null = null;
  for (let i = 0, k = 0; i < indices.length; i += bs, k++) {
    const idx = Array.prototype.slice.call(indices, i, Math.min(i + bs, indices.length)) as number[];
    const b = makeBatch(data, idx, opts.norm ?? UNIT);
    const [c, ir, lr] = tf.tidy(() => {
      const x = tf.tensor4d(b.x, b.shape);
      const labels = tf.tensor1d(b.labels, 'int32');
      const out = model.forward(x, { training: false, encodingSeed: (opts.seed ?? 0) * 7919 + k, weightTransform: opts.weightTransform });
      return [tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labels), 'float32')), tf.mul(out.inputRates, idx.length), tf.mul(out.lifRates, idx.length)];
    });
    correct = accumulate(correct, c);
    inSum = accumulate(inSum, ir);
    lifSum = accumulate(lifSum, lr);
    tf.dispose([c, ir, lr]);
  }
  const names = model.layers.map((l, i) => l.name ?? `layer${i}`);
  if (!correct) return { accuracy: NaN, inputRates: [], lifRates: [] };
  const [cv, iv, lv] = await Promise.all([correct.data(), inSum!.data(), lifSum!.data()]);
  tf.dispose([correct, inSum!, lifSum!]);
  const n = indices.length;
  return { accuracy: cv[0] / n, inputRates: named(names, iv, n), lifRates: named(model.lifNames, lv, n) };
}

/** Fraction of `indices` the model classifies correctly (eval mode). */
export async function evaluate(model: SpikingModel, data: Dataset, indices: ArrayLike<number>, opts: { batchSize?: number; norm?: Normalisation; seed?: number; weightTransform?: (w: tf.Tensor, name: string) => tf.Tensor } = {}): Promise<number> {
  return (await evaluateDetailed(model, data, indices, opts)).accuracy;
}

function named(names: readonly string[], values: ArrayLike<number>, div: number): LayerRate[] {
  return names.map((name, i) => ({ name, rate: values[i] / div }));
}

/** Trains `model` on `data`; see the file comment. */
export async function trainModel(model: SpikingModel, data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  const optimizer = opts.optimizer ?? 'adam';
  const bs = opts.batchSize ?? 32;
  const lr0 = opts.lr ?? (optimizer === 'adam' ? 3e-3 : 0.05);
  const seed = opts.seed ?? 0;
  const norm = data.norm ?? UNIT;
  const lossEvery = opts.progressLossEvery ?? 10;
  const batchesPerEpoch = Math.ceil(data.train.length / bs);
  const totalSteps = batchesPerEpoch * opts.epochs;
  const layerNames = model.layers.map((l, i) => l.name ?? `layer${i}`);
  const opt = makeOptimizer(optimizer, { momentum: opts.momentum, weightDecay: opts.weightDecay });
  const result: TrainResult = { epochs: [], testAccuracy: NaN, inputRates: [], lifRates: [], samplesPerS: 0, steps: 0, cancelled: false };
  let trainSeconds = 0;
  let trainSamples = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs && !result.cancelled; epoch++) {
      const batches = epochBatches(data.train, bs, { seed, epoch });
      let lossSum: tf.Tensor | null = null;
      let correctSum: tf.Tensor | null = null;
      let inSum: tf.Tensor | null = null;
      let lifSum: tf.Tensor | null = null;
      let seen = 0;
      let epochSeconds = 0;
      let lr = lr0;
      for (let bi = 0; bi < batches.length; bi++) {
        if (opts.signal?.aborted) {
          result.cancelled = true;
          break;
        }
        const t0 = performance.now();
        lr = opts.schedule === 'constant' ? lr0 : cosineLr(lr0, step, totalSteps, opts.warmupSteps ?? 0);
        const b = makeBatch(data.dataset, batches[bi], norm);
        const x = tf.tensor4d(b.x, b.shape);
        const labels = tf.tensor1d(b.labels, 'int32');
        if (step === 0 && opts.calibrate !== false) model.calibrate(x);
        const r = trainStep(model, opt, x, labels, lr, { encodingSeed: seed * 100003 + step, qatBits: opts.qatBits });
        tf.dispose([x, labels]);
        const n = b.labels.length;
        const weighted = tf.mul(r.loss, n);
        lossSum = accumulate(lossSum, weighted);
        weighted.dispose();
        correctSum = accumulate(correctSum, r.correct);
        const inW = tf.mul(r.inputRates, n);
        inSum = accumulate(inSum, inW);
        const lifW = tf.mul(r.lifRates, n);
        lifSum = accumulate(lifSum, lifW);
        tf.dispose([r.loss, r.correct, r.inputRates, r.lifRates, inW, lifW]);
        seen += n;
        step++;
        let loss: number | undefined;
        if (opts.onBatch && lossEvery > 0 && (bi + 1) % lossEvery === 0) loss = (await lossSum.data())[0] / seen;
        epochSeconds += (performance.now() - t0) / 1000;
        opts.onBatch?.({ epoch, batch: bi, batches: batches.length, samples: trainSamples + seen, lr, loss, samplesPerS: seen / Math.max(epochSeconds, 1e-9) });
        await yieldToLoop();
      }
      if (seen === 0) break;
      // One read per epoch (this also waits for a GPU backend to finish the epoch's work).
      const t1 = performance.now();
      const [lossV, correctV, inV, lifV] = await Promise.all([lossSum!.data(), correctSum!.data(), inSum!.data(), lifSum!.data()]);
      epochSeconds += (performance.now() - t1) / 1000;
      tf.dispose([lossSum!, correctSum!, inSum!, lifSum!]);
      trainSeconds += epochSeconds;
      trainSamples += seen;
      const partial = result.cancelled;
      const testAccuracy = opts.skipEval || partial ? NaN : await evaluate(model, data.dataset, data.test, { batchSize: opts.evalBatchSize, norm, seed });
      const stats: EpochStats = {
        epoch,
        loss: lossV[0] / seen,
        trainAccuracy: correctV[0] / seen,
        testAccuracy,
        lr,
        seconds: epochSeconds,
        samplesPerS: seen / epochSeconds,
        inputRates: named(layerNames, inV, seen),
        lifRates: named(model.lifNames, lifV, seen),
      };
      if (partial) break;
      result.epochs.push(stats);
      result.inputRates = stats.inputRates;
      result.lifRates = stats.lifRates;
      opts.onEpoch?.(stats);
    }
  } finally {
    opt.dispose();
  }
  result.steps = step;
  result.samplesPerS = trainSamples / Math.max(trainSeconds, 1e-9);
  result.testAccuracy = result.epochs.length ? result.epochs[result.epochs.length - 1].testAccuracy : NaN;
  return result;
}
