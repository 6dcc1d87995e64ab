/** src/tf/data.ts: batches as tfjs tensors (cpu backend). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchTensors } from '../src/tf/data.ts';
import { EMBEDDED_DATASETS } from '../src/core/data/datasets.ts';
import { splitDataset } from '../src/core/data/batches.ts';
import { loadDatasetNode } from '../src/tf/data-node.ts';
import type { Dataset } from '../src/core/data/format.ts';
import { useBackend } from './tf-helpers.ts';

let mnist: Dataset;
beforeAll(async () => {
  await useBackend('cpu');
  mnist = await loadDatasetNode('mnist');
});

describe('batchTensors', () => {
  it('gives NHWC float32 pixels in [0, 1], int32 labels and one-hot rows', async () => {
    const { test } = splitDataset(mnist, EMBEDDED_DATASETS.mnist.split);
    const idx = test.subarray(0, 16);
    const before = tf.memory().numTensors;
    const t = batchTensors(mnist, idx, { oneHot: true });
    expect(t.x.shape).toEqual([16, 28, 28, 1]);
    expect(t.x.dtype).toBe('float32');
    expect(t.labels.dtype).toBe('int32');
    expect(t.oneHot!.shape).toEqual([16, 10]);
    const x = await t.x.data();
    const labels = await t.labels.data();
    const hot = await t.oneHot!.array();
    for (let k = 0; k < 16; k++) {
      const i = idx[k];
      expect(labels[k]).toBe(mnist.labels[i]);
      expect(hot[k].indexOf(1)).toBe(mnist.labels[i]);
      expect(hot[k].reduce((a, b) => a + b, 0)).toBe(1);
      // row 14 of image i, pixel by pixel
      for (let col = 0; col < 28; col++) expect(x[k * 784 + 14 * 28 + col]).toBeCloseTo(mnist.images[i * 784 + 14 * 28 + col] / 255, 6);
    }
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    expect(Math.min(...x)).toBe(0);
    tf.dispose([t.x, t.labels, t.oneHot!]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without oneHot makes two tensors', () => {
    const before = tf.memory().numTensors;
    const t = batchTensors(mnist, [0, 1, 2]);
    expect(t.oneHot).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([t.x, t.labels]);
  });
});
