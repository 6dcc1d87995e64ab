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
 * tensor count after a step equals the count before it (tested). A pass
 * holds every map of the unroll at once (src/core/arch/activation-memory.ts
 * counts them per image), so its batch is sized to fit PASS_MEMORY_BUDGET:
 * evaluation runs in batches of at most that many images, and a training
 * batch that does not fit is split into micro-batches whose gradients are
 * summed before the one optimizer step (the batch, the learning rate and the
 * number of steps stay as asked; the batch norms then normalise each
 * micro-batch with its own statistics and update their running statistics
 * once per micro-batch, as "ghost" batch norm does). A candidate of which
 * not even one image fits is refused with a MemoryBudgetError before any
 * work.
 *
 * Shards: every step computes its batch as two halves (STEP_SHARDS), each in
 * passes as above, and sums them, whether one worker computes both or two
 * workers one each (`ShardPeer`): both train the same network to the last
 * bit, so a search may give a candidate one worker or two.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activationMemory, batchForMemory, PASS_MEMORY_BUDGET } from '../core/arch/activation-memory.ts';
import { epochBatches, makeBatch, UNIT, type Normalisation } from '../core/data/batches.ts';
import type { Dataset } from '../core/data/format.ts';
import type { SpikingModel } from './model.ts';
import { cosineLr, makeOptimizer, type Optimizer, type OptimizerName } from './optim.ts';
import { fakeQuantize } from './quantize.ts';
import { applyRunningStats, deferRunningStats, type BatchNormParams, type RunningStatsUpdate } from './batchnorm.ts';

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
  /** test batch size (default DEFAULT_EVAL_BATCH, or fewer where the candidate's pass would not fit `memoryBudget`) */
  evalBatchSize?: number;
  /** bytes one pass may hold (default PASS_MEMORY_BUDGET): sizes the evaluation batches and the training micro-batches */
  memoryBudget?: number;
  /** quantization-aware training: fake-quantize the layer weights to this many bits (straight-through gradient) */
  qatBits?: number;
  /** scale fc1 on the first batch so the hidden layer fires (SpikingModel.calibrate; default true) */
  calibrate?: boolean;
  /** skip the per-epoch test evaluation (default false) */
  skipEval?: boolean;
  /** read the running loss for the progress callback every this many batches (default 10; 0 = never) */
  progressLossEvery?: number;
  /**
   * also read it whenever this many ms have passed since the last reading (default: never), so a live curve gets
   * points at a steady pace however long a batch takes; each reading waits for the backend's queue, hence the throttle
   */
  progressEveryMs?: number;
  onBatch?: (p: BatchProgress) => void;
  /** after each pass of an epoch's test evaluation */
  onEvalBatch?: (p: EvalProgress & { epoch: number }) => void;
  onEpoch?: (e: EpochStats) => void;
  /** checked between batches and between evaluation passes */
  signal?: AbortSignal;
  /**
   * Shards each step's batch is computed in (default STEP_SHARDS; 1: the whole batch in one pass where it fits, as
   * the early-training proxies are calibrated). See `trainStepInShards`.
   */
  stepShards?: 1 | 2;
  /** the other worker computing the other shard of every step (two-worker training; needs stepShards 2) */
  peer?: ShardPeer;
}

export interface BatchProgress {
  epoch: number;
  /** batch index within the epoch, 0-based */
  batch: number;
  batches: number;
  /** samples trained so far in this run */
  samples: number;
  lr: number;
  /** mean training loss of the epoch so far, present every `progressLossEvery` batches (or `progressEveryMs`) */
  loss?: number;
  /** training accuracy of the epoch so far, present with `loss` */
  accuracy?: number;
  /** mean loss and accuracy over the batches since the previous reading of this epoch, present with `loss` */
  recent?: { loss: number; accuracy: number };
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
  /** images per forward/backward pass: the batch size, or less where the batch did not fit the memory budget */
  microBatch: number;
  /** images per evaluation pass */
  evalBatch: number;
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
 * Forward (training mode), loss and gradients of one pass; every returned tensor is kept, for the caller to dispose.
 * `vars` comes back as the variables the loss depends on, `grads` theirs in the same order. A backward cell's weight
 * can reach the output only after the last timestep (with T = 2, a forward edge into a node whose value returns to
 * node 0 through two backward edges): tfjs gives it no gradient, PyTorch (SNASNet) leaves its .grad None and its
 * optimizers skip it, weight decay included, so the step leaves it as it is. Which variables these are follows from
 * the network alone, so every micro-batch of a step returns the same ones.
 */
function passGradients(model: SpikingModel, vars: tf.Variable[], x: tf.Tensor4D, labels: tf.Tensor1D, opts: { encodingSeed?: number; qatBits?: number }): TrainStepResult & { vars: tf.Variable[]; grads: tf.Tensor[] } {
  let kept: Omit<TrainStepResult, 'loss'> | null = null;
  const weightTransform = opts.qatBits ? (w: tf.Tensor) => fakeQuantize(w, opts.qatBits!) : undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(x, { training: true, encodingSeed: opts.encodingSeed, weightTransform });
    const oneHot = tf.oneHot(labels, model.arch.classes);
    const loss = tf.losses.softmaxCrossEntropy(oneHot, out.logits) as tf.Scalar;
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labels), 'float32')) as tf.Scalar;
    kept = { correct: tf.keep(correct), inputRates: tf.keep(out.inputRates), lifRates: tf.keep(out.lifRates) };
    return loss;
  }, vars);
  const connected = vars.filter((v) => grads[v.name]);
  return { loss: value, ...kept!, vars: connected, grads: connected.map((v) => grads[v.name]) };
}

/**
 * One optimisation step on a batch: forward (training mode), loss, gradients
 * through the unroll, update. Returns kept scalars the caller disposes.
 *
 * `microBatch` (default: the whole batch): a batch larger than this runs as
 * consecutive passes of at most `microBatch` images, each pass's mean loss
 * weighted by its share of the batch, so the summed gradient is the batch's
 * mean-loss gradient (exactly so when every micro-batch has the batch's
 * statistics in its batch norms; see the file comment); then one update.
 * The returned loss and rates are the batch's, weighted the same way.
 */
export function trainStep(model: SpikingModel, opt: Optimizer, x: tf.Tensor4D, labels: tf.Tensor1D, lr: number, opts: { encodingSeed?: number; qatBits?: number; microBatch?: number } = {}): TrainStepResult {
  const B = x.shape[0];
  const micro = passSize(B, opts.microBatch);
  const { sums, connected } = shardSums(model, model.trainable as tf.Variable[], x, labels, [0, B], B, micro, 0, opts);
  applyRunningStats(sums.stats);
  const [loss, correct, inputRates, lifRates, ...grads] = sums.parts;
  opt.step(connected, grads, lr);
  tf.dispose(grads);
  return { loss: loss as tf.Scalar, correct: correct as tf.Scalar, inputRates: inputRates as tf.Tensor1D, lifRates: lifRates as tf.Tensor1D };
}

/**
 * A training step's batch is computed in two shards, the first ceil(B/2) images and the rest, each in passes of at
 * most the micro-batch, and its gradient is shard 0's plus shard 1's. Always so, on one worker or two: then a
 * network trained on two workers, each computing one shard of every step and exchanging it (`ShardPeer`), is the
 * network one worker trains, to the last bit (float addition of two terms is commutative; everything else each side
 * computes from the same inputs). The batch norms normalise each pass with its own statistics (ghost batch norm over
 * half-batches, as micro-batching already did) and their running statistics take the passes' updates in pass order.
 */
export const STEP_SHARDS = 2;

/** Image ranges [from, to) of the shards of a batch of `B` images (one shard when `shards` is 1 or B is 1). */
export function stepShards(B: number, shards: 1 | 2 = STEP_SHARDS): [number, number][] {
  if (shards === 1 || B < 2) return [[0, B]];
  const half = Math.ceil(B / 2);
  return [
    [0, half],
    [half, B],
  ];
}

/** Images per pass of a batch of `B` asked to run in passes of at most `microBatch` (default: the whole batch). */
function passSize(B: number, microBatch: number | undefined): number {
  return Math.max(1, Math.min(B, Math.floor(microBatch ?? B)));
}

/**
 * The number of each shard's first pass when `ranges` run in passes of at most `size` images: passes are numbered
 * across the whole batch (shard 0's, then shard 1's), as a pass's rate-encoding draw depends on its number.
 */
function firstPasses(ranges: readonly [number, number][], size: number): number[] {
  return ranges.map((_, k) => ranges.slice(0, k).reduce((a, [from, to]) => a + Math.ceil((to - from) / size), 0));
}

/** The halves' sums added in shard order (new tensors, kept by the caller's scope; one half is cloned). */
function addHalves(halves: readonly (readonly tf.Tensor[])[]): tf.Tensor[] {
  return tf.tidy(() => (halves.length === 1 ? halves[0].map((t) => tf.clone(t)) : halves[0].map((t, i) => tf.add(t, halves[1][i]))));
}

/** One shard of a step, flattened for the other worker: `parts` the sums (`ShardSums.parts` in order), `stats` the running-statistics updates. */
export interface ShardPayload {
  parts: Float32Array<ArrayBuffer>;
  /** per update: batch-norm index (model.batchNorms order), count, momentum, then mean and variance (C each) */
  stats: Float64Array<ArrayBuffer>;
}

/**
 * The other half of two-worker training: this side computes shard `shard` of every step, `exchange` sends it and
 * resolves with the other side's shard of the same step (rejecting when the other side stopped or the job was
 * cancelled).
 */
export interface ShardPeer {
  readonly shard: 0 | 1;
  exchange(mine: ShardPayload): Promise<ShardPayload>;
}

/** A shard's contribution to a step: loss·share, correct (a count), input and LIF rates·share, then each gradient·share; kept tensors. */
interface ShardSums {
  parts: tf.Tensor[];
  stats: RunningStatsUpdate[];
}

/** Passes of at most `micro` images over [from, to): their weighted sums, in pass order, and their held-back BN updates. */
function shardSums(model: SpikingModel, vars: tf.Variable[], x: tf.Tensor4D, labels: tf.Tensor1D, range: [number, number], B: number, micro: number, firstPass: number, opts: { encodingSeed?: number; qatBits?: number }): { sums: ShardSums; connected: tf.Variable[] } {
  let parts: tf.Tensor[] | null = null;
  let connected: tf.Variable[] = [];
  const stats: RunningStatsUpdate[] = [];
  for (let start = range[0], pass = firstPass; start < range[1]; start += micro, pass++) {
    const n = Math.min(micro, range[1] - start);
    const share = n / B;
    const whole = n === B;
    const xs = whole ? x : tf.slice(x, [start, 0, 0, 0], [n, -1, -1, -1]);
    const ls = whole ? labels : tf.slice(labels, [start], [n]);
    // Pass 0 draws what a whole-batch step would (rate encoding); later passes draw afresh.
    const { result: r, updates } = deferRunningStats(() => passGradients(model, vars, xs, ls, { ...opts, encodingSeed: (opts.encodingSeed ?? 0) + pass * 7919 }));
    stats.push(...updates);
    connected = r.vars;
    const passParts = [r.loss, r.correct, r.inputRates, r.lifRates, ...r.grads];
    if (whole) {
      parts = passParts;
      break;
    }
    const prev: tf.Tensor[] | null = parts;
    // Means (loss, rates, gradients of the mean loss) count by the pass's share of the batch; `correct` is a count.
    parts = tf.tidy(() =>
      passParts.map((t, i): tf.Tensor => {
        const weighted = i === 1 ? t : tf.mul(t, share);
        return prev ? tf.add(prev[i], weighted) : i === 1 ? tf.clone(t) : weighted;
      }),
    );
    tf.dispose([xs, ls, ...passParts, ...(prev ?? [])]);
  }
  return { sums: { parts: parts!, stats }, connected };
}

function packShard(sums: ShardSums, bnIndex: ReadonlyMap<BatchNormParams, number>): ShardPayload {
  const values = sums.parts.map((t) => t.dataSync() as Float32Array);
  const parts = new Float32Array(values.reduce((a, v) => a + v.length, 0));
  let at = 0;
  for (const v of values) {
    parts.set(v, at);
    at += v.length;
  }
  const stats = new Float64Array(sums.stats.reduce((a, u) => a + 3 + 2 * u.mean.size, 0));
  at = 0;
  for (const u of sums.stats) {
    stats[at++] = bnIndex.get(u.params)!;
    stats[at++] = u.count;
    stats[at++] = u.momentum;
    stats.set(u.mean.dataSync(), at);
    at += u.mean.size;
    stats.set(u.variance.dataSync(), at);
    at += u.variance.size;
  }
  return { parts, stats };
}

/** The other side's shard as tensors shaped like this side's `like` parts (the same network, so the same shapes). */
function unpackShard(payload: ShardPayload, like: readonly tf.Tensor[], bns: readonly BatchNormParams[]): ShardSums {
  let at = 0;
  const parts = like.map((t) => {
    const v = payload.parts.subarray(at, at + t.size);
    at += t.size;
    return tf.tensor(v, t.shape);
  });
  if (at !== payload.parts.length) throw new Error(`the other worker's shard holds ${payload.parts.length} values, this side expects ${at}`);
  const stats: RunningStatsUpdate[] = [];
  for (let i = 0; i < payload.stats.length; ) {
    const params = bns[payload.stats[i]];
    const count = payload.stats[i + 1];
    const momentum = payload.stats[i + 2];
    const c = params.gamma.size;
    stats.push({ params, count, momentum, mean: tf.tensor1d(Float32Array.from(payload.stats.subarray(i + 3, i + 3 + c))), variance: tf.tensor1d(Float32Array.from(payload.stats.subarray(i + 3 + c, i + 3 + 2 * c))) });
    i += 3 + 2 * c;
  }
  return { parts, stats };
}

/**
 * One optimisation step computed in shards (STEP_SHARDS; see there): both on this worker, or with `peer` this side's
 * shard here and the other's on the peer's worker, exchanged before the update. Either way the update, the running
 * statistics and the returned figures are the same. Returns kept scalars the caller disposes.
 */
export async function trainStepInShards(model: SpikingModel, opt: Optimizer, x: tf.Tensor4D, labels: tf.Tensor1D, lr: number, opts: { encodingSeed?: number; qatBits?: number; microBatch?: number; shards?: 1 | 2; peer?: ShardPeer } = {}): Promise<TrainStepResult> {
  const vars = model.trainable as tf.Variable[];
  const B = x.shape[0];
  const ranges = stepShards(B, opts.peer ? 2 : (opts.shards ?? STEP_SHARDS));
  // A one-image batch has one shard: both sides compute it (the same numbers), with nothing to exchange.
  const peer = ranges.length === 2 ? opts.peer : undefined;
  const micro = passSize(B, opts.microBatch);
  const firstPass = firstPasses(ranges, micro);
  const sums: (ShardSums | null)[] = ranges.map(() => null);
  let connected: tf.Variable[] = vars;
  try {
    for (let k = 0; k < ranges.length; k++) {
      if (peer && peer.shard !== k) continue;
      const r = shardSums(model, vars, x, labels, ranges[k], B, micro, firstPass[k], opts);
      sums[k] = r.sums;
      connected = r.connected;
    }
    if (peer) {
      const bns = [...model.batchNorms.values()];
      const mine = sums[peer.shard]!;
      const theirs = await peer.exchange(packShard(mine, new Map(bns.map((b, i) => [b, i]))));
      sums[1 - peer.shard] = unpackShard(theirs, mine.parts, bns);
    }
    const present = sums.filter((t): t is ShardSums => t !== null);
    const total = addHalves(present.map((p) => p.parts));
    for (const s of present) {
      applyRunningStats(s.stats);
      s.stats = [];
    }
    const [loss, correct, inputRates, lifRates, ...grads] = total;
    opt.step(connected, grads, lr);
    tf.dispose(grads);
    return { loss: loss as tf.Scalar, correct: correct as tf.Scalar, inputRates: inputRates as tf.Tensor1D, lifRates: lifRates as tf.Tensor1D };
  } finally {
    for (const s of sums) {
      if (!s) continue;
      tf.dispose(s.parts);
      tf.dispose(s.stats.flatMap((u) => [u.mean, u.variance]));
    }
  }
}

/** The error of a candidate whose pass does not fit the memory budget even with one image (the message does not name it: the caller does). */
export class MemoryBudgetError extends Error {
  override name = 'MemoryBudgetError';
}

const MIB = 1024 * 1024;

/** Images per training pass for `model` with batches of `batchSize`: the batch, or the micro-batch that fits `budget`. */
export function trainingMicroBatch(model: SpikingModel, batchSize: number, budget: number = PASS_MEMORY_BUDGET): number {
  const m = activationMemory(model.arch, model.encoding, model.lif);
  const n = batchForMemory(m.trainPerImage, batchSize, budget, m.trainFixed);
  if (n === 0) {
    throw new MemoryBudgetError(`one training image needs ${Math.round((m.trainPerImage + m.trainFixed) / MIB)} MiB of tensors, more than the ${Math.round(budget / MIB)} MiB a pass may use (fewer channels, timesteps or hidden units fit)`);
  }
  return n;
}

/** Default images per evaluation pass, for candidates small enough. */
export const DEFAULT_EVAL_BATCH = 250;

/** Images per evaluation pass for `model`: `wanted` (default DEFAULT_EVAL_BATCH) or fewer, to fit `budget`. */
export function evaluationBatch(model: SpikingModel, wanted: number = DEFAULT_EVAL_BATCH, budget: number = PASS_MEMORY_BUDGET): number {
  const m = activationMemory(model.arch, model.encoding, model.lif);
  const n = batchForMemory(m.evalPerImage, wanted, budget);
  if (n === 0) {
    throw new MemoryBudgetError(`one test image needs ${Math.round(m.evalPerImage / MIB)} MiB of tensors, more than the ${Math.round(budget / MIB)} MiB a pass may use (fewer channels, timesteps or hidden units fit)`);
  }
  return n;
}

export interface EvalResult {
  /** NaN when cancelled */
  accuracy: number;
  /** the signal stopped the evaluation between two passes */
  cancelled: boolean;
  /** mean input spike rate of each weight layer over the evaluated images (eval mode), layer-list order */
  inputRates: LayerRate[];
  /** mean output spike rate of each LIF */
  lifRates: LayerRate[];
}

export interface EvalOptions {
  /** images per pass (default DEFAULT_EVAL_BATCH); fewer where the pass would not fit `memoryBudget` */
  batchSize?: number;
  /** bytes one pass may hold (default PASS_MEMORY_BUDGET) */
  memoryBudget?: number;
  norm?: Normalisation;
  seed?: number;
  weightTransform?: (w: tf.Tensor, name: string) => tf.Tensor;
  /** checked between passes: a wide, long network can take minutes over a test split */
  signal?: AbortSignal;
  /** after each pass */
  onBatch?: (p: EvalProgress) => void;
}

export interface EvalProgress {
  /** images evaluated so far */
  images: number;
  total: number;
}

/**
 * Accuracy and spike rates on `indices` in eval mode (batch-norm running
 * statistics), in passes sized by `evaluationBatch`; one read at the end.
 * Between passes it reports progress, yields to the event loop (so an abort
 * message can arrive) and stops when the signal is aborted.
 *
 * Like a training step, the images are evaluated as two halves whose sums are
 * added (stepShards): one worker evaluates both, or with `peer` this side its
 * half and the other worker the other, and both get the same figures.
 */
export async function evaluateDetailed(model: SpikingModel, data: Dataset, indices: ArrayLike<number>, opts: EvalOptions & { peer?: ShardPeer } = {}): Promise<EvalResult> {
  const bs = evaluationBatch(model, opts.batchSize, opts.memoryBudget);
  const halves = stepShards(indices.length);
  const peer = halves.length === 2 ? opts.peer : undefined;
  const firstPass = firstPasses(halves, bs);
  const local = halves.map((h, k) => (peer && peer.shard !== k ? null : h));
  const total = local.reduce((a, h) => a + (h ? h[1] - h[0] : 0), 0);
  const sums: (tf.Tensor[] | null)[] = halves.map(() => null);
  const disposeAll = () => tf.dispose(sums.flatMap((t) => t ?? []));
  let done = 0;
  for (let k = 0; k < halves.length; k++) {
    const range = local[k];
    if (!range) continue;
    let correct: tf.Tensor | null = null;
    let inSum: tf.Tensor | null = null;
    let lifSum: tf.Tensor | null = null;
    for (let i = range[0], pass = firstPass[k]; i < range[1]; i += bs, pass++) {
      if (opts.signal?.aborted) {
        tf.dispose([correct, inSum, lifSum].filter((t): t is tf.Tensor => t !== null));
        disposeAll();
        return { accuracy: NaN, cancelled: true, inputRates: [], lifRates: [] };
      }
      const idx = Array.prototype.slice.call(indices, i, Math.min(i + bs, range[1])) as number[];
      const b = makeBatch(data, idx, opts.norm ?? UNIT);
      const [c, ir, lr] = tf.tidy(() => {
        const x = tf.tensor4d(b.x, b.shape);
        const labels = tf.tensor1d(b.labels, 'int32');
        const out = model.forward(x, { training: false, encodingSeed: (opts.seed ?? 0) * 7919 + pass, weightTransform: opts.weightTransform });
        return [tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labels), 'float32')), tf.mul(out.inputRates, idx.length), tf.mul(out.lifRates, idx.length)];
      });
      correct = accumulate(correct, c);
      inSum = accumulate(inSum, ir);
      lifSum = accumulate(lifSum, lr);
      tf.dispose([c, ir, lr]);
      done += idx.length;
      opts.onBatch?.({ images: done, total });
      await yieldToLoop();
    }
    if (correct) sums[k] = [correct, inSum!, lifSum!];
  }
  if (peer) {
    const mine = sums[peer.shard];
    let theirs: ShardPayload;
    try {
      theirs = await peer.exchange(packShard({ parts: mine!, stats: [] }, new Map()));
    } catch (e) {
      disposeAll();
      if (opts.signal?.aborted) return { accuracy: NaN, cancelled: true, inputRates: [], lifRates: [] };
      throw e;
    }
    sums[1 - peer.shard] = unpackShard(theirs, mine!, []).parts;
  }
  const present = sums.filter((t): t is tf.Tensor[] => t !== null);
  const names = model.layers.map((l, i) => l.name ?? `layer${i}`);
  if (!present.length) return { accuracy: NaN, cancelled: false, inputRates: [], lifRates: [] };
  const [correct, inSum, lifSum] = addHalves(present);
  const [cv, iv, lv] = await Promise.all([correct.data(), inSum.data(), lifSum.data()]);
  tf.dispose([correct, inSum, lifSum]);
  disposeAll();
  const n = indices.length;
  return { accuracy: cv[0] / n, cancelled: false, inputRates: named(names, iv, n), lifRates: named(model.lifNames, lv, n) };
}

/** Fraction of `indices` the model classifies correctly (eval mode; NaN when cancelled). */
export async function evaluate(model: SpikingModel, data: Dataset, indices: ArrayLike<number>, opts: EvalOptions = {}): Promise<number> {
  return (await evaluateDetailed(model, data, indices, opts)).accuracy;
}

function named(names: readonly string[], values: ArrayLike<number>, div: number): LayerRate[] {
  return names.map((name, i) => ({ name, rate: values[i] / div }));
}

/** `model.calibrate` on the first `images` of `x` (a forward pass over more would not fit the memory budget). */
export function calibrateOn(model: SpikingModel, x: tf.Tensor4D, images: number): void {
  if (images >= x.shape[0]) {
    model.calibrate(x);
    return;
  }
  const part = tf.slice(x, [0, 0, 0, 0], [images, -1, -1, -1]);
  model.calibrate(part);
  part.dispose();
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
  // Both throw a MemoryBudgetError for a candidate too large to run at all, before any work.
  const microBatch = trainingMicroBatch(model, bs, opts.memoryBudget);
  const evalBatch = evaluationBatch(model, opts.evalBatchSize, opts.memoryBudget);
  const shards = opts.peer ? 2 : (opts.stepShards ?? STEP_SHARDS);
  const [first] = stepShards(bs, shards);
  const opt = makeOptimizer(optimizer, { momentum: opts.momentum, weightDecay: opts.weightDecay });
  const result: TrainResult = { epochs: [], microBatch: Math.min(microBatch, first[1] - first[0]), evalBatch, testAccuracy: NaN, inputRates: [], lifRates: [], samplesPerS: 0, steps: 0, cancelled: false };
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
      // The previous reading of this epoch's sums, for the means over the batches since (a curve's points).
      let readSeen = 0;
      let readLoss = 0;
      let readCorrect = 0;
      let readAt = performance.now();
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
        if (step === 0 && opts.calibrate !== false) calibrateOn(model, x, microBatch);
        let r: TrainStepResult;
        try {
          r = await trainStepInShards(model, opt, x, labels, lr, { encodingSeed: seed * 100003 + step, qatBits: opts.qatBits, microBatch, shards, peer: opts.peer });
        } catch (e) {
          // Cancelled while waiting for the other worker's shard: a cancel, like one between batches.
          if (!opts.signal?.aborted) throw e;
          result.cancelled = true;
          break;
        } finally {
          tf.dispose([x, labels]);
        }
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
        let reading: Pick<BatchProgress, 'loss' | 'accuracy' | 'recent'> = {};
        const due = (lossEvery > 0 && (bi + 1) % lossEvery === 0) || (opts.progressEveryMs !== undefined && performance.now() - readAt >= opts.progressEveryMs);
        if (opts.onBatch && due) {
          const [lossV, correctV] = await Promise.all([lossSum.data(), correctSum.data()]);
          const n = seen - readSeen;
          reading = { loss: lossV[0] / seen, accuracy: correctV[0] / seen, recent: { loss: (lossV[0] - readLoss) / n, accuracy: (correctV[0] - readCorrect) / n } };
          readSeen = seen;
          readLoss = lossV[0];
          readCorrect = correctV[0];
          readAt = performance.now();
        }
        epochSeconds += (performance.now() - t0) / 1000;
        opts.onBatch?.({ epoch, batch: bi, batches: batches.length, samples: trainSamples + seen, lr, ...reading, samplesPerS: seen / Math.max(epochSeconds, 1e-9) });
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
      let partial = result.cancelled;
      let testAccuracy = NaN;
      if (!opts.skipEval && !partial) {
        const onEval = opts.onEvalBatch;
        const ev = await evaluateDetailed(model, data.dataset, data.test, { batchSize: evalBatch, memoryBudget: opts.memoryBudget, norm, seed, signal: opts.signal, onBatch: onEval && ((p) => onEval({ ...p, epoch })), ...(opts.peer ? { peer: opts.peer } : {}) });
        testAccuracy = ev.accuracy;
        if (ev.cancelled) partial = result.cancelled = true;
      }
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
