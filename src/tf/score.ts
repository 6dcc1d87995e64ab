/**
 * The training-free score of an architecture (SNASNet; formula, numerics and
 * the differences from SNASNet's code in src/core/snn/score.ts).
 *
 * One forward pass of the untrained network on a seeded batch, with every
 * LIF's spikes collected (`collectSpikes` of src/tf/model.ts). On GPU
 * backends, per LIF one batched matrix product over all T timesteps gives the
 * rescaled Hamming term, summed over LIFs and timesteps on the device
 * (src/tf/score-kernel.ts), and the B×B sum is read back once. On wasm and
 * cpu (the host path) the forward runs in its packed form: each LIF kernel
 * writes its spikes bit-packed, the convolutions reading them run
 * event-driven where the layer's spike rate makes that faster, and each
 * layer's Gram matrix is a popcount product in wasm (spike-kernels.ts
 * packedHammingTerm), on the heap where the spikes already are: no spike is
 * read back and no per-neuron JavaScript loop runs. The packed form computes
 * the same spikes and the same float64 sums, in the same order, as the
 * earlier float form (`SpikeForm`), so the score is the same to the last
 * bit whichever form or convolution path runs. Either way the kernel is
 * averaged and its log-determinant taken in float64 in the core.
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
import { buildModel, type CollectedSpikes } from './model.ts';
import { deviceKernelSum } from './score-kernel.ts';
import { packedHammingTerm, spikeKernelsReady, unpackSpikes } from './spike-kernels.ts';

export const DEFAULT_SCORE_BATCH = 64;

export interface ScoreOptions {
  /** seed of the weight initialisation (default 0) */
  seed?: number;
  /** neuron of every LIF (default: the model builder's) */
  lif?: LifConfig;
  /** where the kernel is assembled (default 'auto') */
  kernelPath?: KernelPath;
  /**
   * On the host path, the form of the spikes (default 'auto'): 'packed'
   * (bit-packed by the LIF kernels, event-driven convolutions, the popcount
   * Gram in wasm: see `scoreArchitecture`) where the spike kernels run,
   * 'float' the earlier form (0/1 floats, the Gram counted in JS from a copy
   * of the spikes; its convolutions follow the same rate rule, and with
   * sparse-choice.ts's policy 'never' it is the score as it ran before the
   * spike kernels). Both give the same score to the last bit
   * (tests/spike-kernels.test.ts); 'float' is kept for that comparison, the
   * bench's before/after and backends without wasm SIMD.
   */
  spikeForm?: SpikeForm;
}

export type SpikeForm = 'auto' | 'packed' | 'float';

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
  /** how the kernel was assembled: on the device, or on the host from packed or float spikes */
  form: 'device' | 'packed' | 'float';
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
  let form: ArchitectureScore['form'] = 'device';
  const model = buildModel(arch, { seed: opts.seed ?? 0, ...(opts.lif ? { lif: opts.lif } : {}) });
  try {
    if (path === 'device') {
      const out = tf.tidy(() => {
        const r = model.forward(batch, { training: true, freezeStats: true, collectSpikes: true });
        const spikes = r.spikes ?? [];
        const floats = spikes.map((s) => s.spikes!);
        const dev = deviceKernelSum(
          floats.map((f) => ({ spikes: f, timesteps: T })),
          b,
        );
        // One read-back: the B×B sum with the mean rate appended.
        let total = tf.scalar(0);
        let size = 0;
        for (const f of floats) {
          total = tf.add(total, tf.sum(f));
          size += f.size;
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
      const packed = hostForm(opts.spikeForm) === 'packed';
      form = packed ? 'packed' : 'float';
      const r = model.forward(batch, { training: true, freezeStats: true, collectSpikes: true, packedSpikes: packed, noGradient: true });
      try {
        const spikes = r.spikes ?? [];
        if (spikes.length === 0) throw new Error('no LIF layer produced spikes: the score needs at least one spiking layer');
        let total = 0;
        let size = 0;
        for (const s of spikes) {
          const layer = await hostLayerTerm(s, T, b);
          acc.addRescaled(layer.mSum, T * layer.n, T);
          total += layer.spikeCount;
          size += T * b * layer.n;
        }
        rate = total / size;
        lifLayers = spikes.length;
      } finally {
        tf.dispose([r.logits, r.inputRates, r.lifRates, ...(r.spikes ?? []).map((s) => s.spikes ?? s.packed!.bits)]);
      }
    }
  } finally {
    model.dispose();
  }
  const { logAbsDet, sign } = kernelScore(acc.kernel(), b);
  return { score: logAbsDet, sign, batch: b, lifLayers, kernels: acc.count, meanRate: rate, ms: performance.now() - t0, form };
}

/** The host path's spike form: packed where the spike kernels run (or as asked). */
function hostForm(form: SpikeForm = 'auto'): 'packed' | 'float' {
  if (form === 'float') return 'float';
  const ready = spikeKernelsReady();
  if (form === 'packed' && !ready) throw new Error(`packed spikes need the spike kernels, which do not run on the ${tf.getBackend()} backend here (no wasm SIMD?)`);
  return ready ? 'packed' : 'float';
}

/** One layer's Σ_t M_t and spike count on the host: the popcount Gram on packed spikes, else the core's from a copy of the floats. */
async function hostLayerTerm(s: CollectedSpikes, T: number, b: number): Promise<{ mSum: ArrayLike<number>; spikeCount: number; n: number }> {
  const shape = s.packed ? s.packed.shape : s.spikes!.shape;
  const n = shape.reduce((a, d) => a * d, 1) / (T * b);
  if (s.packed && n % 8 === 0) return { ...packedHammingTerm(s.packed, T, b), n };
  const floats = s.spikes ?? unpackSpikes(s.packed!);
  try {
    return { ...rescaledSumFromSpikes(await floats.data(), T, b, n), n };
  } finally {
    if (floats !== s.spikes) floats.dispose();
  }
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
