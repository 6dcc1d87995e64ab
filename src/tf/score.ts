/**
 * The training-free score of an architecture (SNASNet; formula, numerics and
 * the differences from SNASNet's code in src/core/snn/score.ts).
 *
 * One forward pass of the untrained network on a seeded batch, with every
 * LIF's spikes collected (`collectSpikes` of src/tf/model.ts). On GPU
 * backends, per LIF one batched matrix product over all T timesteps gives the
 * rescaled Hamming term, summed over LIFs and timesteps on the device
 * (src/tf/score-kernel.ts), and the B×B sum is read back once. On wasm and
 * cpu, whose tensors already live in host memory, the spikes are read and the
 * Gram matrices counted with bit operations in the core, which measured
 * several times faster than tfjs-wasm's matrix products here (see
 * `KernelPath`). Either way the kernel and its log-determinant are float64
 * in the core.
 *
 * The network is scored as SNASNet scores it: a freshly built module, whose
 * batch norms are in training mode (they normalise with the batch's own
 * statistics). Weight initialisation is seeded, so the same architecture,
 * batch and seed give the same score on the same backend.
 *
 * Memory: everything runs in tf.tidy and the model is disposed after each
 * candidate, so the live tensor count does not grow (tests/score-tf.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../core/arch/architecture.ts';
import { makeBatch } from '../core/data/batches.ts';
import { shuffled, splitDataset } from '../core/data/batches.ts';
import type { Dataset } from '../core/data/format.ts';
import { datasetSplit } from '../core/data/datasets.ts';
import { KernelAccumulator, kernelScore, rescaledSumFromSpikes } from '../core/snn/score.ts';
import type { LifConfig } from '../core/snn/lif.ts';
import { buildModel } from './model.ts';
import { deviceKernelSum } from './score-kernel.ts';

export const DEFAULT_SCORE_BATCH = 64;

export interface ScoreOptions {
  /** seed of the weight initialisation (default 0) */
  seed?: number;
  /** neuron of every LIF (default: the model builder's) */
  lif?: LifConfig;
  /** where the kernel is assembled (default 'auto') */
  kernelPath?: KernelPath;
}

export interface ArchitectureScore {
  /** log|det K|; −Infinity when K is singular */
  score: number;
  /** sign of det K */
  sign: -1 | 0 | 1;
  /** B */
  batch: number;
  /** LIF layers whose spikes entered the kernel */
  lifLayers: number;
  /** (layer, timestep) kernels averaged */
  kernels: number;
  /** mean firing rate over all LIF spikes of the pass */
  meanRate: number;
  /** wall time of build + forward + read-back + log-determinant, ms */
  ms: number;
}

/**
 * The seeded score batch: `size` images drawn (seeded permutation) from the
 * data set's training split (datasetSplit in core/data/datasets.ts), as an
 * input tensor [B, H, W, C] in [0, 1]. The caller disposes it.
 */
export function scoreBatch(ds: Dataset, size: number = DEFAULT_SCORE_BATCH, seed = 0): tf.Tensor4D {
  const b = makeBatch(ds, scoreBatchIndices(ds, size, seed));
  return tf.tensor4d(b.x, b.shape, 'float32');
}

/** The data set indices of the seeded score batch (see scoreBatch). */
export function scoreBatchIndices(ds: Dataset, size: number = DEFAULT_SCORE_BATCH, seed = 0): Int32Array {
  const train = splitDataset(ds, datasetSplit(ds)).train;
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`the score batch needs at least 2 images (got ${size})`);
  if (size > train.length) throw new RangeError(`the score batch of ${size} is larger than the ${train.length} training images of ${ds.name}`);
  return shuffled(train, seed).subarray(0, size);
}

/**
 * Where the kernel is assembled. 'device': per-LIF matrix products summed on
 * the device, one read-back (GPU backends). 'host': each LIF's spikes are
 * read (a copy on wasm and cpu, whose tensors live in host memory) and the
 * Gram matrices counted 32 neurons at a time with bit operations
 * (`rescaledSumFromSpikes`). 'auto' (default): host on wasm and cpu, device
 * elsewhere. Both give the same kernel (tests/score-tf.test.ts).
 */
export type KernelPath = 'auto' | 'device' | 'host';

const HOST_BACKENDS = new Set(['wasm', 'cpu']);

export function resolveKernelPath(path: KernelPath = 'auto'): 'device' | 'host' {
  if (path !== 'auto') return path;
  return HOST_BACKENDS.has(tf.getBackend()) ? 'host' : 'device';
}

/** Scores one architecture on an input batch [B, H, W, C] (B ≥ 2). Leaves no tensor behind. */
export async function scoreArchitecture(arch: Architecture, batch: tf.Tensor4D, opts: ScoreOptions = {}): Promise<ArchitectureScore> {
  const t0 = performance.now();
  const b = batch.shape[0];
  if (b < 2) throw new RangeError(`the score needs a batch of at least 2 inputs (got ${b})`);
  const path = resolveKernelPath(opts.kernelPath);
  const T = arch.timesteps;
  const acc = new KernelAccumulator(b);
  let rate: number;
  let lifLayers: number;
  const model = buildModel(arch, { seed: opts.seed ?? 0, ...(opts.lif ? { lif: opts.lif } : {}) });
  try {
    if (path === 'device') {
      const out = tf.tidy(() => {
        const r = model.forward(batch, { training: true, freezeStats: true, collectSpikes: true });
        const spikes = r.spikes ?? [];
        const dev = deviceKernelSum(
          spikes.map((s) => ({ spikes: s.spikes, timesteps: T })),
          b,
        );
        // One read-back: the B×B sum with the mean rate appended.
        let total = tf.scalar(0);
        let size = 0;
        for (const s of spikes) {
          total = tf.add(total, tf.sum(s.spikes));
          size += s.spikes.size;
        }
        const packed = tf.concat([tf.reshape(dev.mSum, [-1]), tf.reshape(tf.div(total, size), [1])]);
        return { packed, nSum: dev.nSum, count: dev.count, lifLayers: spikes.length };
      });
      const data = await out.packed.data();
      out.packed.dispose();
      acc.addRescaled(data.subarray(0, b * b), out.nSum, out.count);
      rate = data[b * b];
      lifLayers = out.lifLayers;
    } else {
      // forward runs in its own tf.tidy and keeps only what it returns.
      const r = model.forward(batch, { training: true, freezeStats: true, collectSpikes: true });
      try {
        const spikes = r.spikes ?? [];
        if (spikes.length === 0) throw new Error('no LIF layer produced spikes: the score needs at least one spiking layer');
        let total = 0;
        let size = 0;
        for (const s of spikes) {
          const n = s.spikes.size / (T * b);
          const data = await s.spikes.data();
          const layer = rescaledSumFromSpikes(data, T, b, n);
          acc.addRescaled(layer.mSum, T * n, T);
          total += layer.spikeCount;
          size += s.spikes.size;
        }
        rate = total / size;
        lifLayers = spikes.length;
      } finally {
        tf.dispose([r.logits, r.inputRates, r.lifRates, ...(r.spikes ?? []).map((s) => s.spikes)]);
      }
    }
  } finally {
    model.dispose();
  }
  const { logAbsDet, sign } = kernelScore(acc.kernel(), b);
  return { score: logAbsDet, sign, batch: b, lifLayers, kernels: acc.count, meanRate: rate, ms: performance.now() - t0 };
}

export interface ScoreManyHooks {
  /** called after each candidate; return false to stop */
  onScore?(index: number, result: ArchitectureScore | { error: string }): boolean | void | Promise<boolean | void>;
  /** checked before each candidate */
  cancelled?(): boolean;
}

/** Scores architectures one after another on the same batch; a candidate that fails gets an error, the rest go on. */
export async function scoreArchitectures(archs: readonly Architecture[], batch: tf.Tensor4D, opts: ScoreOptions = {}, hooks: ScoreManyHooks = {}): Promise<(ArchitectureScore | { error: string })[]> {
  const out: (ArchitectureScore | { error: string })[] = [];
  for (let i = 0; i < archs.length; i++) {
    if (hooks.cancelled?.()) break;
    let r: ArchitectureScore | { error: string };
    try {
      r = await scoreArchitecture(archs[i], batch, opts);
    } catch (e) {
      r = { error: e instanceof Error ? e.message : String(e) };
    }
    out.push(r);
    if ((await hooks.onScore?.(i, r)) === false) break;
  }
  return out;
}
