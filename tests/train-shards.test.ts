/**
 * Two-worker training: a step is computed in two shards (src/tf/train.ts STEP_SHARDS), and two sides each computing
 * one shard and exchanging it over a MessagePort (src/workers/shard-peer.ts) train the network one side alone trains,
 * to the last bit: weights, batch-norm running statistics and the reported loss and rates. Here both sides run in
 * this thread on one backend, joined by a real MessageChannel, as two workers would be.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { parseGenome } from '../src/core/arch/genome.ts';
import { loadDatasetNode } from '../src/cli/data-node.ts';
import type { Dataset } from '../src/core/data/format.ts';
import { buildModel, type SpikingModel } from '../src/tf/model.ts';
import { stepShards, trainModel, type TrainOptions, type TrainResult } from '../src/tf/train.ts';
import { portShardPeer, PeerStoppedError } from '../src/workers/shard-peer.ts';
import { useBackend } from './tf-helpers.ts';

let mnist: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  mnist = await loadDatasetNode('mnist');
});

/** Every value the network keeps: its trainable weights and the batch norms' running statistics. */
function state(model: SpikingModel): Float32Array[] {
  const bnStats = [...model.batchNorms.values()].flatMap((b) => [b.runningMean, b.runningVar]);
  return [...model.trainable, ...bnStats].map((v) => v.dataSync() as Float32Array);
}

function expectSameBits(a: Float32Array[], b: Float32Array[]): void {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) expect(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength).equals(Buffer.from(a[i].buffer, a[i].byteOffset, a[i].byteLength))).toBe(true);
}

const train = Array.from({ length: 100 }, (_, i) => i);
const test = Array.from({ length: 40 }, (_, i) => 9000 + i);

async function alone(genome: string, opts: Partial<TrainOptions>): Promise<{ model: SpikingModel; result: TrainResult }> {
  const model = buildModel(parseGenome(genome), { seed: 3 });
  const result = await trainModel(model, { dataset: mnist, train, test }, { epochs: 1, batchSize: 32, seed: 5, ...opts });
  return { model, result };
}

async function paired(genome: string, opts: Partial<TrainOptions>): Promise<{ model: SpikingModel; result: TrainResult; other: SpikingModel; otherResult: TrainResult }> {
  const channel = new MessageChannel();
  const aborts = [new AbortController(), new AbortController()];
  const peers = [portShardPeer(channel.port1, 0, aborts[0].signal), portShardPeer(channel.port2, 1, aborts[1].signal)];
  const models = [0, 1].map(() => buildModel(parseGenome(genome), { seed: 3 }));
  try {
    const [result, otherResult] = await Promise.all(models.map((model, k) => trainModel(model, { dataset: mnist, train, test }, { epochs: 1, batchSize: 32, seed: 5, ...opts, peer: peers[k] })));
    return { model: models[0], result, other: models[1], otherResult };
  } finally {
    peers.forEach((p) => p.close('done'));
  }
}

/**
 * Trains `genome` on one side and on two, checks both sides' weights and running statistics and the epoch's loss
 * against the one side's to the bit, then `check`s the rest; disposes the three networks.
 */
async function bothWays(genome: string, opts: Partial<TrainOptions>, check: (one: Awaited<ReturnType<typeof alone>>, two: Awaited<ReturnType<typeof paired>>) => void): Promise<void> {
  const one = await alone(genome, opts);
  const two = await paired(genome, opts);
  try {
    expectSameBits(state(one.model), state(two.model));
    expectSameBits(state(one.model), state(two.other));
    expect(two.result.epochs[0].loss).toBe(one.result.epochs[0].loss);
    check(one, two);
  } finally {
    one.model.dispose();
    two.model.dispose();
    two.other.dispose();
  }
}

describe('a step in two shards', () => {
  it('splits a batch into its first ceil(B/2) images and the rest (one shard for one image or when asked)', () => {
    expect(stepShards(32)).toEqual([
      [0, 16],
      [16, 32],
    ]);
    expect(stepShards(5)).toEqual([
      [0, 3],
      [3, 5],
    ]);
    expect(stepShards(1)).toEqual([[0, 1]]);
    expect(stepShards(32, 1)).toEqual([[0, 32]]);
  });

  // 100 images at batch 32: three full steps and a last one of 4 images; a forward cell and a backward one (its LIFs
  // step one timestep at a time, and one batch norm runs once per timestep).
  for (const genome of ['c8-h64-t2-w8-301203', 'c8-h64-t3-w8-013020000300']) {
    it(`two sides train ${genome} to the same bits as one (weights, running statistics, loss, rates, accuracy)`, async () => {
      await bothWays(genome, {}, (one, two) => {
        expect(two.result.epochs[0].trainAccuracy).toBe(one.result.epochs[0].trainAccuracy);
        // The test images evaluated half on each side: the same accuracy and rates on both, as on one.
        expect(two.result.testAccuracy).toBe(one.result.testAccuracy);
        expect(two.otherResult.testAccuracy).toBe(one.result.testAccuracy);
        expect(two.result.lifRates).toEqual(one.result.lifRates);
        expect(two.otherResult.lifRates).toEqual(one.result.lifRates);
        expect(two.result.inputRates).toEqual(one.result.inputRates);
        expect(one.result.testAccuracy).toBeGreaterThan(0);
        expect(one.result.epochs[0].loss).toBeGreaterThan(0);
        expect(one.result.steps).toBe(4);
      });
    }, 120_000);
  }

  it('also when a memory budget splits each shard into passes (batch 32, passes of 5 images)', async () => {
    const genome = 'c8-h64-t2-w8-301203';
    // A budget that fits 5 training images of this network (the same formula trainModel sizes its passes by).
    const { activationMemory } = await import('../src/core/arch/activation-memory.ts');
    const probe = buildModel(parseGenome(genome), { seed: 3 });
    const m = activationMemory(probe.arch, probe.encoding, probe.lif);
    probe.dispose();
    const memoryBudget = m.trainFixed + 5.5 * m.trainPerImage;
    await bothWays(genome, { memoryBudget, skipEval: true }, (one) => expect(one.result.microBatch).toBe(5));
  }, 120_000);

  it('a side whose peer stops gets a clear error instead of waiting for ever', async () => {
    const channel = new MessageChannel();
    const abort = new AbortController();
    const peer = portShardPeer(channel.port1, 0, abort.signal);
    const other = portShardPeer(channel.port2, 1, new AbortController().signal);
    other.close('its worker crashed');
    const model = buildModel(parseGenome('c8-h64-t2-w8-301203'), { seed: 3 });
    try {
      const before = tf.memory().numTensors;
      await expect(trainModel(model, { dataset: mnist, train, test }, { epochs: 1, batchSize: 32, peer, skipEval: true })).rejects.toThrow(/other worker of this training stopped: its worker crashed/);
      expect(tf.memory().numTensors).toBe(before);
      // And one cancelled while it waits for a shard that never comes stops at once, as a cancel between batches does.
      const c2 = new MessageChannel();
      const a2 = new AbortController();
      const waiting = trainModel(model, { dataset: mnist, train, test }, { epochs: 1, batchSize: 32, peer: portShardPeer(c2.port1, 0, a2.signal), skipEval: true, signal: a2.signal });
      setTimeout(() => a2.abort(), 50);
      const r = await waiting;
      expect(r.cancelled).toBe(true);
      expect(r.steps).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
      c2.port2.close();
      // Without the job's signal (the peer's own), the wait ends in the peer's error.
      const c3 = new MessageChannel();
      const a3 = new AbortController();
      const orphan = trainModel(model, { dataset: mnist, train, test }, { epochs: 1, batchSize: 32, peer: portShardPeer(c3.port1, 0, a3.signal), skipEval: true });
      setTimeout(() => a3.abort(), 50);
      await expect(orphan).rejects.toBeInstanceOf(PeerStoppedError);
      c3.port2.close();
    } finally {
      peer.close('test over');
      model.dispose();
    }
  }, 60_000);
});
