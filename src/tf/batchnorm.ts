/**
 * Batch normalisation over every axis but the last (channels), with a
 * hand-written gradient: 4 full-size ops backward instead of the ~20 that
 * autodiff of the moments would record. In a spiking net the batch is the
 * folded [T·B] axis, so the statistics cover all timesteps (SpikingJelly's
 * multi-step BN does the same).
 *
 * Training: y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch statistics, and
 * the running statistics move by `momentum` (PyTorch convention: running ←
 * (1 − m)·running + m·batch; the running variance uses the unbiased batch
 * variance), except that the k-th update uses m = max(momentum, 1/k): the
 * first batches are averaged exactly (PyTorch's cumulative mode), so a short
 * run does not evaluate with statistics still dominated by the initial
 * (0, 1), which matters for spike-driven convs whose true variance is far
 * below 1. Eval: the running statistics, as one scale and one shift.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BN_BACKWARD, BN_FORWARD, useFused } from './kernels.ts';

export interface BatchNormParams {
  /** running-statistics updates so far (drives the cumulative start) */
  updates: number;
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.1;

function reduceAxes(rank: number): number[] {
  return Array.from({ length: rank - 1 }, (_, i) => i);
}

type Stats = (mean: tf.Tensor, variance: tf.Tensor, count: number) => void;

const trainOps = new Map<string, (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor>();
/** The stats hook of the op being run (set just before each call; ops run synchronously). */
let pendingStats: Stats | null = null;

function takeStats(): Stats | null {
  const s = pendingStats;
  pendingStats = null;
  return s;
}

/** Plain-op batch norm with a hand-written gradient (any backend). */
function opsTrainOp(eps: number): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const axes = reduceAxes(x.rank);
    const count = x.size / x.shape[x.rank - 1];
    const { mean, variance } = tf.moments(x, axes);
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(x, mean), invStd);
    takeStats()?.(mean, variance, count);
    save([xhat, invStd, gamma]);
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sInv, sGamma] = saved;
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, sx), axes);
        // dx = γ·invStd/N · (N·dy − Σdy − x̂·Σ(dy·x̂))
        const k = tf.div(tf.mul(sGamma, sInv), count);
        const dx = tf.mul(tf.sub(tf.sub(tf.mul(dy, count), dBeta), tf.mul(sx, dGamma)), k);
        return [dx, dGamma, dBeta];
      },
    };
  }) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
}

/** The same with the fused cpu/wasm kernels: one pass forward, two backward (kernels.ts). */
function fusedTrainOp(eps: number): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const count = x.size / x.shape[x.rank - 1];
    const [y, mean, variance, invStd] = tf.engine().runKernel(BN_FORWARD, { x, gamma, beta }, { eps }) as tf.Tensor[];
    takeStats()?.(mean, variance, count);
    save([x, mean, invStd, gamma]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sMean, sInv, sGamma] = saved;
        return tf.engine().runKernel(BN_BACKWARD, { dy, x: sx, mean: sMean, invStd: sInv, gamma: sGamma }, {}) as tf.Tensor[];
      },
    };
  }) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
}

function trainOp(eps: number): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  const fused = useFused(BN_FORWARD);
  const key = `${fused ? 'f' : 'o'}${eps}`;
  let op = trainOps.get(key);
  if (!op) {
    op = fused ? fusedTrainOp(eps) : opsTrainOp(eps);
    trainOps.set(key, op);
  }
  return op;
}

/**
 * Batch norm of x (any rank, channels last). `training`: batch statistics,
 * and the running statistics are updated (unless `updateRunning` is false);
 * otherwise the running statistics.
 */
export function batchNorm<T extends tf.Tensor>(x: T, p: BatchNormParams, training: boolean, opts: { eps?: number; momentum?: number; updateRunning?: boolean } = {}): T {
  const eps = opts.eps ?? BN_EPSILON;
  if (!training) {
    return tf.tidy(() => {
      const scale = tf.mul(p.gamma, tf.rsqrt(tf.add(p.runningVar, eps)));
      const shift = tf.sub(p.beta, tf.mul(p.runningMean, scale));
      return tf.add(tf.mul(x, scale), shift) as T;
    });
  }
  if (opts.updateRunning !== false) {
    const momentum = opts.momentum ?? BN_MOMENTUM;
    const into = deferred;
    pendingStats = into
      ? (mean, variance, count) => into.push({ params: p, momentum, count, mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)) })
      : (mean, variance, count) => updateRunningStats(p, momentum, mean, variance, count);
  }
  try {
    return trainOp(eps)(x, p.gamma, p.beta) as T;
  } finally {
    pendingStats = null;
  }
}

/** Moves `p`'s running statistics towards one batch's (see the file comment: the k-th update uses max(momentum, 1/k)). */
function updateRunningStats(p: BatchNormParams, momentum: number, mean: tf.Tensor, variance: tf.Tensor, count: number): void {
  const m = Math.max(momentum, 1 / (p.updates + 1));
  p.updates++;
  const unbiased = count > 1 ? count / (count - 1) : 1;
  tf.tidy(() => {
    p.runningMean.assign(tf.add(tf.mul(p.runningMean, 1 - m), tf.mul(mean, m)));
    p.runningVar.assign(tf.add(tf.mul(p.runningVar, 1 - m), tf.mul(variance, m * unbiased)));
  });
}

/**
 * A running-statistics update a training pass asked for, held back (`deferRunningStats`): its batch's mean and
 * variance (kept tensors, disposed by `applyRunningStats`) and element count per channel.
 */
export interface RunningStatsUpdate {
  params: BatchNormParams;
  momentum: number;
  count: number;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

let deferred: RunningStatsUpdate[] | null = null;

/**
 * Runs `fn` with every batch norm's running-statistics update held back and returned in the order they were asked
 * for, instead of applied. A step computed in shards, some on another worker (src/tf/train.ts), applies them all in
 * shard order afterwards, so the running statistics come out the same wherever each shard ran. Training-mode outputs
 * use the batch statistics, so holding the updates back changes nothing else.
 */
export function deferRunningStats<T>(fn: () => T): { result: T; updates: RunningStatsUpdate[] } {
  const outer = deferred;
  const updates: RunningStatsUpdate[] = [];
  deferred = updates;
  try {
    return { result: fn(), updates };
  } finally {
    deferred = outer;
  }
}

/** Applies held-back updates in order (each parameter's in the order its passes ran) and disposes their tensors. */
export function applyRunningStats(updates: readonly RunningStatsUpdate[]): void {
  for (const u of updates) {
    updateRunningStats(u.params, u.momentum, u.mean, u.variance, u.count);
    u.mean.dispose();
    u.variance.dispose();
  }
}

/** Fresh BN parameters for `channels` channels: γ = 1, β = 0, running mean 0, variance 1. */
export function makeBatchNorm(channels: number, name: string): BatchNormParams {
  return {
    updates: 0,
    gamma: tf.variable(tf.ones([channels]), true, `${name}.gamma`),
    beta: tf.variable(tf.zeros([channels]), true, `${name}.beta`),
    runningMean: tf.variable(tf.zeros([channels]), false, `${name}.running_mean`),
    runningVar: tf.variable(tf.ones([channels]), false, `${name}.running_var`),
  };
}
