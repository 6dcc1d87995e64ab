/**
 * The proxies that run the network (definitions and sources in
 * src/core/calibration/proxies.ts): SNASNet's score averaged over batches,
 * the gradient proxies SNIP and gradient norm from one gradient pass at
 * initialisation, and the early-training loss and accuracy on held-out
 * training images after a few seeded steps. The images each one reads come
 * from a `ProxyImagePlan` (training part only); every proxy builds its
 * network with the same seed.
 *
 * The scorer and the trainer are called through their public functions
 * (scoreArchitecture, trainModel); a proxy that cannot run on a candidate
 * (too large for a pass within the memory budget, a model error) gives NaN
 * and says why, and the others still run.
 *
 * Memory: every pass runs in tf.tidy or disposes what it made, and each
 * network is disposed when its proxy is done; the live tensor count after
 * `measureNetworkProxies` equals the count before (tests/calibration-tf.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../core/arch/architecture.ts';
import { activationMemory, PASS_MEMORY_BUDGET } from '../core/arch/activation-memory.ts';
import type { ProxyImagePlan } from '../core/calibration/plan.ts';
import type { ProxyName } from '../core/calibration/proxies.ts';
import { makeBatch } from '../core/data/batches.ts';
import type { Dataset } from '../core/data/format.ts';
import { buildModel, type SpikingModel } from './model.ts';
import { scoreArchitecture } from './score.ts';
import { calibrateOn, evaluationBatch, trainModel, trainingMicroBatch } from './train.ts';

/** The proxies of this file. */
export const NETWORK_PROXIES = ['snasnet', 'snip', 'grad_norm', 'early_loss', 'early_accuracy'] as const satisfies readonly ProxyName[];
export type NetworkProxyName = (typeof NETWORK_PROXIES)[number];

export interface ProxyContext {
  dataset: Dataset;
  plan: ProxyImagePlan;
  /** seed of every network's initial weights (and of the early-training batch order) */
  seed: number;
  /** batch of the early-training steps (the plan's earlyTrain holds steps × this many images) */
  earlyBatch: number;
  /** bytes one pass may hold (default PASS_MEMORY_BUDGET, the trainer's) */
  memoryBudget?: number;
}

export interface ProxyMeasurement {
  values: Partial<Record<NetworkProxyName, number>>;
  /** wall time of each proxy's computation, ms (snip and grad_norm share one; early_loss and early_accuracy too) */
  ms: Partial<Record<NetworkProxyName, number>>;
  /** why a proxy is NaN */
  errors: Partial<Record<NetworkProxyName, string>>;
}

function imageTensors(ds: Dataset, indices: ArrayLike<number>): { x: tf.Tensor4D; labels: tf.Tensor1D } {
  const b = makeBatch(ds, indices);
  return { x: tf.tensor4d(b.x, b.shape), labels: tf.tensor1d(b.labels, 'int32') };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * SNASNet's score averaged over the plan's score batches, with the same
 * initial weights for each (SNASNet averages two batches of 256). A batch
 * is scored in one pass (its batch norms see the whole batch), so a
 * candidate whose pass over it would not fit the memory budget is refused.
 */
export async function snasnetProxy(arch: Architecture, ctx: ProxyContext): Promise<number> {
  const budget = ctx.memoryBudget ?? PASS_MEMORY_BUDGET;
  let sum = 0;
  for (const indices of ctx.plan.scoreBatches) {
    const bytes = activationMemory(arch).evalPerImage * indices.length;
    if (bytes > budget) throw new Error(`a score batch of ${indices.length} needs ${Math.round(bytes / 2 ** 20)} MiB in one pass, more than the ${Math.round(budget / 2 ** 20)} MiB budget (a smaller score batch fits)`);
    const { x, labels } = imageTensors(ctx.dataset, indices);
    labels.dispose();
    try {
      sum += (await scoreArchitecture(arch, x, { seed: ctx.seed })).score;
    } finally {
      x.dispose();
    }
  }
  return sum / ctx.plan.scoreBatches.length;
}

/**
 * SNIP (Σ |w ⊙ g|) and gradient norm (Σ ‖g‖₂) over the layer weights, g the
 * gradient of the mean cross-entropy on the plan's gradient batch at
 * initialisation (the trainer's: seeded weights, then fc1 scaled on the
 * batch), through the surrogate gradients. A batch too large for one pass
 * runs in micro-batches whose gradients are summed by their share, as a
 * training step does.
 */
export function gradientProxies(arch: Architecture, ctx: ProxyContext): { snip: number; grad_norm: number } {
  const model = buildModel(arch, { seed: ctx.seed });
  const { x, labels } = imageTensors(ctx.dataset, ctx.plan.gradientBatch);
  try {
    const B = x.shape[0];
    const micro = trainingMicroBatch(model, B, ctx.memoryBudget);
    calibrateOn(model, x, micro);
    const names = [...model.weights.keys()];
    const vars = names.map((n) => model.weights.get(n)!);
    let sums: tf.Tensor[] | null = null;
    for (let start = 0; start < B; start += micro) {
      const n = Math.min(micro, B - start);
      const grads = tf.tidy(() => {
        const xs = tf.slice(x, [start, 0, 0, 0], [n, -1, -1, -1]);
        const ls = tf.slice(labels, [start], [n]);
        const { value, grads } = tf.variableGrads(() => {
          const out = model.forward(xs, { training: true, freezeStats: true });
          return tf.losses.softmaxCrossEntropy(tf.oneHot(ls, arch.classes), out.logits) as tf.Scalar;
        }, vars);
        value.dispose();
        // A backward cell's weight that reaches the output only after the last timestep has no gradient in tfjs
        // (None in PyTorch): the loss does not depend on it, ∂L/∂w = 0, and it adds nothing to either sum.
        return vars.map((v) => (grads[v.name] ? tf.mul(grads[v.name], n / B) : tf.zerosLike(v)));
      });
      const prev: tf.Tensor[] | null = sums;
      sums = prev ? grads.map((g, i) => tf.add(prev[i], g)) : grads;
      if (prev) tf.dispose([...prev, ...grads]);
    }
    const [snip, norm] = tf.tidy(() => {
      const s = vars.map((v, i) => tf.sum(tf.abs(tf.mul(v, sums![i]))));
      const g = sums!.map((t) => tf.norm(t));
      return [tf.addN(s), tf.addN(g)];
    });
    tf.dispose(sums!);
    const out = { snip: snip.dataSync()[0], grad_norm: norm.dataSync()[0] };
    tf.dispose([snip, norm]);
    return out;
  } finally {
    tf.dispose([x, labels]);
    model.dispose();
  }
}

/** Mean cross-entropy and accuracy of `model` on `indices` in eval mode (running statistics), in memory-sized passes. */
export async function heldOutLossAndAccuracy(model: SpikingModel, ds: Dataset, indices: ArrayLike<number>, memoryBudget?: number): Promise<{ loss: number; accuracy: number }> {
  const bs = evaluationBatch(model, undefined, memoryBudget);
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < indices.length; i += bs) {
    const idx = Array.prototype.slice.call(indices, i, Math.min(i + bs, indices.length)) as number[];
    const { x, labels } = imageTensors(ds, idx);
    const [l, c] = tf.tidy(() => {
      const out = model.forward(x, { training: false });
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, model.arch.classes), out.logits, undefined, undefined, tf.Reduction.SUM);
      return [loss, tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labels), 'float32'))];
    });
    const [lv, cv] = await Promise.all([l.data(), c.data()]);
    tf.dispose([x, labels, l, c]);
    lossSum += lv[0];
    correct += cv[0];
  }
  return { loss: lossSum / indices.length, accuracy: correct / indices.length };
}

/**
 * Trains a fresh network (the same seed) for the plan's early steps with the
 * trainer's defaults (Adam, its default learning rate, held constant: the
 * network is judged early in a run, not at the end of a short one), then
 * measures loss and accuracy on the held-out training images. Each step is
 * one shard (the whole batch where it fits the memory budget), as when these
 * proxies were calibrated (docs/calibration/): the training a search gives
 * its best candidates computes each step in two (src/tf/train.ts
 * STEP_SHARDS), which moves the figures by float rounding and ghost batch
 * norm.
 */
export async function earlyTrainingProxies(arch: Architecture, ctx: ProxyContext): Promise<{ early_loss: number; early_accuracy: number }> {
  const model = buildModel(arch, { seed: ctx.seed });
  try {
    await trainModel(model, { dataset: ctx.dataset, train: ctx.plan.earlyTrain, test: [] }, { epochs: 1, batchSize: ctx.earlyBatch, seed: ctx.seed, schedule: 'constant', skipEval: true, progressLossEvery: 0, memoryBudget: ctx.memoryBudget, stepShards: 1 });
    const r = await heldOutLossAndAccuracy(model, ctx.dataset, ctx.plan.earlyHeldOut, ctx.memoryBudget);
    return { early_loss: r.loss, early_accuracy: r.accuracy };
  } finally {
    model.dispose();
  }
}

/** Every asked network proxy of one candidate; each failure is a NaN with its reason. */
export async function measureNetworkProxies(arch: Architecture, ctx: ProxyContext, names: readonly ProxyName[]): Promise<ProxyMeasurement> {
  const out: ProxyMeasurement = { values: {}, ms: {}, errors: {} };
  const wants = (n: NetworkProxyName) => names.includes(n);
  const run = async <K extends NetworkProxyName>(keys: readonly K[], f: () => Promise<Record<K, number>> | Record<K, number>) => {
    const asked = keys.filter(wants);
    if (asked.length === 0) return;
    const t0 = performance.now();
    try {
      const r = await f();
      for (const k of asked) out.values[k] = r[k];
    } catch (e) {
      for (const k of asked) {
        out.values[k] = NaN;
        out.errors[k] = message(e);
      }
    }
    for (const k of asked) out.ms[k] = performance.now() - t0;
  };
  await run(['snasnet'], async () => ({ snasnet: await snasnetProxy(arch, ctx) }));
  await run(['snip', 'grad_norm'], () => gradientProxies(arch, ctx));
  await run(['early_loss', 'early_accuracy'], () => earlyTrainingProxies(arch, ctx));
  return out;
}
