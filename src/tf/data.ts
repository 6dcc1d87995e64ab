/**
 * Data sets as tfjs tensors (works in Node and workers; uses whatever tfjs
 * backend is active). Pixels NHWC float32 [B, H, W, C], scaled per
 * `Normalisation` (default byte/255 in [0, 1], see src/core/data/batches.ts);
 * labels int32 [B], optionally one-hot float32 [B, classes].
 *
 * Loading: `loadDatasetNode` (src/tf/data-node.ts, Node only) or
 * `loadDatasetBrowser` (src/tf/data-browser.ts, page or worker); both wrap
 * `loadDataset(name, fetchBytes)` from src/core/data/datasets.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { makeBatch, oneHot as oneHotRows, UNIT, type Normalisation } from '../core/data/batches.ts';
import type { Dataset } from '../core/data/format.ts';

export interface TensorBatch {
  /** [B, H, W, C] float32 */
  x: tf.Tensor4D;
  /** [B] int32 class labels */
  labels: tf.Tensor1D;
  /** [B, classes] float32, when asked for */
  oneHot?: tf.Tensor2D;
}

export interface TensorBatchOptions {
  norm?: Normalisation;
  oneHot?: boolean;
}

/**
 * The images `indices` of `ds` as tensors; the caller disposes them (or runs
 * this inside tf.tidy). Fresh arrays each call: tfjs backends may keep a
 * reference to the array they were given, so no scratch buffer is reused.
 */
export function batchTensors(ds: Dataset, indices: ArrayLike<number>, opts: TensorBatchOptions = {}): TensorBatch {
  const b = makeBatch(ds, indices, opts.norm ?? UNIT);
  const x = tf.tensor4d(b.x, b.shape, 'float32');
  const labels = tf.tensor1d(b.labels, 'int32');
  if (!opts.oneHot) return { x, labels };
  return { x, labels, oneHot: tf.tensor2d(oneHotRows(b.labels, ds.classes), [b.labels.length, ds.classes], 'float32') };
}
