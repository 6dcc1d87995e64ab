/**
 * Seeded train/test splits, mini-batch order and float batches (pure core).
 *
 * Determinism: everything here is a function of its arguments. Randomness
 * comes from `makeRng` (pure-rand xoroshiro128+), so Node, workers and tests
 * produce the same split and the same batch order for the same seed.
 *
 * Pixel scaling: batches are Float32Array in NHWC order [B, H, W, C].
 * - `{ kind: 'unit' }` (the default): x = byte / 255, in [0, 1]. This is what
 *   the spiking models use: direct encoding feeds it as input current, and
 *   rate (Poisson) encoding reads it as a firing probability, which must lie
 *   in [0, 1].
 * - `{ kind: 'standard', mean, std }`: x = (byte / 255 − mean[c]) / std[c]
 *   per channel c, with mean and std in [0, 1] units (get them from
 *   `pixelStats` over the training split). Not valid for rate encoding.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { makeRng } from '../arch/sampler.ts';
import { DatasetError, imageSize, type Dataset } from './format.ts';

export interface SplitOptions {
  /** images held out for testing */
  test: number;
  /** training images (default: every image not in the test split) */
  train?: number;
  seed: number;
}

/** Indices of images into a Dataset; each list ascending. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** Fisher–Yates shuffle of a copy of `indices`, seeded. */
export function shuffled(indices: ArrayLike<number>, seed: number): Int32Array {
  const out = Int32Array.from(indices);
  const rng = makeRng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * A seeded random split of `count` images (or of a Dataset's images) into
 * disjoint test and train index sets. One permutation of all images is drawn
 * from `seed`; its first `test` entries are the test set and the next `train`
 * entries the training set. So for a given seed and test size the test set
 * does not depend on how many training images are asked for.
 */
export function splitDataset(data: number | Pick<Dataset, 'count'>, opts: SplitOptions): Split {
  const count = typeof data === 'number' ? data : data.count;
  const test = opts.test;
  const train = opts.train ?? count - test;
  if (!Number.isInteger(test) || test < 0) throw new DatasetError(`test split size must be a whole number ≥ 0 (got ${test})`);
  if (!Number.isInteger(train) || train < 0) throw new DatasetError(`training split size must be a whole number ≥ 0 (got ${train})`);
  if (test + train > count) throw new DatasetError(`a split of ${train} training + ${test} test images needs ${train + test} images; the data set has ${count}`);
  const perm = shuffled(
    Int32Array.from({ length: count }, (_, i) => i),
    opts.seed,
  );
  return {
    test: perm.slice(0, test).sort(),
    train: perm.slice(test, test + train).sort(),
  };
}

/** A 32-bit seed for epoch `epoch` of a run seeded with `seed`. */
export function epochSeed(seed: number, epoch: number): number {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul((epoch | 0) + 1, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h | 0;
}

export interface BatchOptions {
  /** shuffle the order each epoch (default true) */
  shuffle?: boolean;
  /** seed of the run; the order of epoch e is a function of (seed, e) */
  seed?: number;
  epoch?: number;
  /** drop a last batch smaller than batchSize (default false) */
  dropLast?: boolean;
}

/**
 * The mini-batches of one epoch, as lists of image indices. With shuffling
 * (the default) the order is `shuffled(indices, epochSeed(seed, epoch))`.
 */
export function epochBatches(indices: ArrayLike<number>, batchSize: number, opts: BatchOptions = {}): Int32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DatasetError(`batch size must be a whole number ≥ 1 (got ${batchSize})`);
  const order = opts.shuffle === false ? Int32Array.from(indices) : shuffled(indices, epochSeed(opts.seed ?? 0, opts.epoch ?? 0));
  const out: Int32Array[] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    const b = order.subarray(i, Math.min(i + batchSize, order.length));
    if (b.length < batchSize && opts.dropLast) break;
    out.push(b);
  }
  return out;
}

export type Normalisation = { kind: 'unit' } | { kind: 'standard'; mean: readonly number[]; std: readonly number[] };

export const UNIT: Normalisation = Object.freeze({ kind: 'unit' });

/** Per-channel mean and standard deviation of byte/255 over the given images (default all). */
export function pixelStats(ds: Dataset, indices?: ArrayLike<number>): { mean: number[]; std: number[] } {
  const c = ds.shape[2];
  const size = imageSize(ds);
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  const n = indices ? indices.length : ds.count;
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k] : k;
    const img = ds.images.subarray(i * size, (i + 1) * size);
    for (let p = 0; p < size; p++) {
      const v = img[p];
      sum[p % c] += v;
      sq[p % c] += v * v;
    }
  }
  const per = (n * size) / c;
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const m = sum[ch] / per;
    mean.push(m / 255);
    std.push(Math.sqrt(Math.max(0, sq[ch] / per - m * m)) / 255);
  }
  return { mean, std };
}

/** byte → float table, one 256-entry block per channel. */
function lookupTable(channels: number, norm: Normalisation): Float32Array {
  const lut = new Float32Array(256 * channels);
  for (let ch = 0; ch < channels; ch++) {
    let mean = 0;
    let std = 1;
    if (norm.kind === 'standard') {
      if (norm.mean.length !== channels || norm.std.length !== channels) throw new DatasetError(`standardisation needs ${channels} means and stds (got ${norm.mean.length} and ${norm.std.length})`);
      mean = norm.mean[ch];
      std = norm.std[ch];
      if (!(std > 0)) throw new DatasetError(`standardisation std must be > 0 (channel ${ch}: ${std})`);
    }
    for (let v = 0; v < 256; v++) lut[ch * 256 + v] = (v / 255 - mean) / std;
  }
  return lut;
}

export interface Batch {
  /** pixels, NHWC [B, H, W, C] */
  x: Float32Array;
  /** class labels, int32 (tf's label dtype) */
  labels: Int32Array;
  shape: [number, number, number, number];
}

/**
 * The images `indices` of `ds` as one float batch, NHWC, scaled per `norm`
 * (default: byte/255). Pass `out` (length ≥ B·H·W·C) to reuse a buffer.
 */
export function makeBatch(ds: Dataset, indices: ArrayLike<number>, norm: Normalisation = UNIT, out?: Float32Array): Batch {
  const [h, w, c] = ds.shape;
  const size = h * w * c;
  const b = indices.length;
  const x = out ? out.subarray(0, b * size) : new Float32Array(b * size);
  if (x.length < b * size) throw new DatasetError(`batch buffer holds ${x.length} floats, needs ${b * size}`);
  const labels = new Int32Array(b);
  const lut = lookupTable(c, norm);
  for (let k = 0; k < b; k++) {
    const i = indices[k];
    if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) throw new DatasetError(`${ds.name}: image index ${i} is outside 0–${ds.count - 1}`);
    labels[k] = ds.labels[i];
    const src = i * size;
    const dst = k * size;
    if (c === 1) {
      for (let p = 0; p < size; p++) x[dst + p] = lut[ds.images[src + p]];
    } else {
      for (let p = 0; p < size; p++) x[dst + p] = lut[(p % c) * 256 + ds.images[src + p]];
    }
  }
  return { x, labels, shape: [b, h, w, c] };
}

/** One-hot rows [B, classes] as float32. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let k = 0; k < labels.length; k++) {
    const l = labels[k];
    if (!(Number.isInteger(l) && l >= 0 && l < classes)) throw new DatasetError(`label ${l} is outside 0–${classes - 1}`);
    out[k * classes + l] = 1;
  }
  return out;
}
