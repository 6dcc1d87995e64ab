/** The training-speed reference network: shapes, it learns its synthetic task, no tensor leak. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { benchReferenceNet, buildReferenceNet } from '../src/tf/reference-net.ts';
import { REFERENCE_NET_LIF } from '../src/core/snn/lif.ts';
import { useBackend } from './tf-helpers.ts';

describe('reference network', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('has its specified layers and shapes: conv 1→16, conv 16→32, FC 1568→10, T = 4', () => {
    const net = buildReferenceNet();
    expect(net.vars.map((v) => v.shape)).toEqual([[3, 3, 1, 16], [16], [3, 3, 16, 32], [32], [1568, 10], [10]]);
    expect(net.timesteps).toBe(4);
    expect(net.lif).toEqual(REFERENCE_NET_LIF);
    tf.tidy(() => {
      const logits = net.forward(tf.zeros([5, 28, 28, 1]) as tf.Tensor4D);
      expect(logits.shape).toEqual([5, 10]);
    });
    net.dispose();
  });

  it('benchReferenceNet trains (the loss falls) and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const r = await benchReferenceNet({ steps: 25, warmup: 2, batch: 32 });
    expect(r.backend).toBe('wasm');
    expect(r.samplesPerS).toBeGreaterThan(0);
    expect(r.steps).toBe(25);
    expect(r.lastLoss).toBeLessThan(r.firstLoss * 0.7);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
    expect(tf.memory().numTensors).toBe(before);
  });
});
