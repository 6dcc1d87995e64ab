/**
 * The training worker's engine in Node (the worker entry only adds comlink
 * and the same-origin wasm URLs): scoring streams one item per genome and
 * stops on cancel; training streams batch and epoch progress, reports
 * accuracies and spike rates, stops on cancel; nothing leaks.
 */
import { describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/engine-node.ts';
import type { ScoreItem, TrainProgress } from '../src/protocol/training.ts';
import { syntheticCifarBatch } from './cifar-fixture.ts';

const engine = createNodeEngine;

describe('training engine: scoring', () => {
  it('initialises the backend and reports the choice', async () => {
    const e = engine();
    const r = await e.init({ backend: 'wasm' });
    expect(r.backend).toBe('wasm');
    expect(r.reason).toBe('wasm as requested');
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });

  it('streams one item per genome, with errors for the ones it cannot score', async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const items: ScoreItem[] = [];
    const before = e.numTensors();
    const genomes = ['c4-h16-t2-w8-301203', 'c4-h16-t2-w8-nonsense', 'c4-h16-t2-w8-303302020020', 'c4-h16-t2-w8-i32x3-301203', 'c8-h16-t2-w8-311113'];
    const r = await e.score({ jobId: 1, genomes, dataset: 'mnist', seed: 3, batch: 8 }, (i) => {
      items.push(i);
    });
    expect(r).toMatchObject({ jobId: 1, count: 5, completed: true, backend: 'wasm', batch: 8 });
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4]);
    expect(items[0].score).not.toBeNull();
    expect(items[0].kernels).toBe(items[0].lifLayers * 2);
    expect(items[4].score).not.toBeNull();
    expect(items[1]).toMatchObject({ score: null, error: expect.stringMatching(/genome field 'nonsense'/) });
    // A backward (temporal) cell scores like a forward one.
    expect(Number.isFinite(items[2].score)).toBe(true);
    expect(items[3]).toMatchObject({ score: null, error: expect.stringMatching(/takes 32×32×3 inputs but mnist images are 28×28×1/) });
    expect(e.numTensors()).toBe(before);
    // Same request, same scores.
    const again: ScoreItem[] = [];
    await e.score({ jobId: 2, genomes, dataset: 'mnist', seed: 3, batch: 8 }, (i) => {
      again.push(i);
    });
    expect(again.map((i) => i.score)).toEqual(items.map((i) => i.score));
  });

  it('stops between candidates when cancelled', async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const items: ScoreItem[] = [];
    const genomes = Array.from({ length: 50 }, () => 'c4-h16-t2-w8-301203');
    const r = await e.score({ jobId: 7, genomes, dataset: 'mnist', seed: 1, batch: 4 }, (i) => {
      items.push(i);
      if (i.index === 2) e.cancel(7);
    });
    expect(r.completed).toBe(false);
    expect(r.count).toBe(3);
    expect(items).toHaveLength(3);
  });
});

describe('training engine: training', () => {
  it('trains, streams progress, quantizes and reports spike rates per layer', async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const progress: TrainProgress[] = [];
    const before = e.numTensors();
    const r = await e.train(
      { jobId: 3, genome: 'c4-h16-t2-w8-301203', dataset: 'mnist', epochs: 1, trainSamples: 96, testSamples: 64, batchSize: 32, seed: 1, lossEvery: 1, qatEpochs: 1 },
      (p) => {
        progress.push(p);
      },
    );
    expect(e.numTensors()).toBe(before);
    expect(r.completed).toBe(true);
    expect(r.backend).toBe('wasm');
    expect(r.epochs).toHaveLength(1);
    expect(r.qatEpochs).toHaveLength(1);
    expect(r.trainSamples).toBe(96);
    expect(r.testSamples).toBe(64);
    expect(r.weightBits).toBe(8);
    for (const a of [r.testAccuracyFloat, r.testAccuracyQuantized]) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
    // One input rate per weight layer, in layer-list order: stem, three cell-1 convs, down, three cell-2 convs, fc1, fc2.
    expect(r.spikeRates.map((s) => s.name)).toEqual(['stem', 'cell1.e01', 'cell1.e12', 'cell1.e23', 'down', 'cell2.e01', 'cell2.e12', 'cell2.e23', 'fc1', 'fc2']);
    expect(r.spikeRates[0].rate).toBe(1);
    for (const s of r.spikeRates) expect(s.rate).toBeGreaterThanOrEqual(0);
    const batches = progress.filter((p) => p.kind === 'batch');
    const epochs = progress.filter((p) => p.kind === 'epoch');
    expect(batches.map((b) => `${b.phase}:${b.batch}`)).toEqual(['train:0', 'train:1', 'train:2', 'qat:0', 'qat:1', 'qat:2']);
    expect(batches.every((b) => b.jobId === 3 && typeof b.loss === 'number')).toBe(true);
    expect(epochs.map((p) => p.phase)).toEqual(['train', 'qat']);
  });

  it('stops between batches when cancelled and reports the partial run', async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const progress: TrainProgress[] = [];
    const r = await e.train({ jobId: 4, genome: 'c4-h16-t2-w8-301203', dataset: 'mnist', epochs: 2, trainSamples: 320, testSamples: 32, batchSize: 32, seed: 1 }, (p) => {
      progress.push(p);
      if (p.kind === 'batch' && p.batch === 1) e.cancel(4);
    });
    expect(r.completed).toBe(false);
    expect(r.epochs).toHaveLength(0);
    expect(Number.isNaN(r.testAccuracyQuantized)).toBe(true);
    expect(progress.filter((p) => p.kind === 'batch')).toHaveLength(2);
  });

  it('reports each evaluation pass, and a cancel stops an evaluation between passes', async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const request = { genome: 'c4-h16-t2-w8-301203', dataset: 'mnist', epochs: 1, trainSamples: 64, testSamples: 600, batchSize: 32, seed: 1 } as const;
    const evals: string[] = [];
    const r = await e.train({ ...request, jobId: 11 }, (p) => {
      if (p.kind === 'eval') evals.push(`${p.phase}:${p.images}/${p.total}`);
    });
    // 600 test images in passes of 250 (this small network's passes are not memory-bound), after the epoch and quantized;
    // training passes of 16, the two shards of each batch of 32 (src/tf/train.ts STEP_SHARDS).
    expect(r.evalBatch).toBe(250);
    expect(r.microBatch).toBe(16);
    // Evaluated as two halves of 300 (src/tf/train.ts evaluateDetailed), each in passes of at most 250.
    expect(evals).toEqual(['train:250/600', 'train:300/600', 'train:550/600', 'train:600/600', 'quantized:250/600', 'quantized:300/600', 'quantized:550/600', 'quantized:600/600']);
    expect(r.completed).toBe(true);

    // Cancelled during the epoch's evaluation: no epoch is reported.
    const before = e.numTensors();
    const inEpoch = await e.train({ ...request, jobId: 12 }, (p) => {
      if (p.kind === 'eval') e.cancel(12);
    });
    expect(inEpoch.completed).toBe(false);
    expect(inEpoch.epochs).toHaveLength(0);
    // Cancelled during the quantized evaluation: the epoch stays, the quantized accuracy is not measured.
    const inQuantized = await e.train({ ...request, jobId: 13 }, (p) => {
      if (p.kind === 'eval' && p.phase === 'quantized') e.cancel(13);
    });
    expect(inQuantized.completed).toBe(false);
    expect(inQuantized.epochs).toHaveLength(1);
    expect(Number.isNaN(inQuantized.testAccuracyQuantized)).toBe(true);
    expect(e.numTensors()).toBe(before);
  });

  it('rejects a bad request with a clear message', async () => {
    const e = engine();
    await e.init({ backend: 'cpu' });
    await expect(e.train({ jobId: 5, genome: 'c4-h16-t2-w8-301203', dataset: 'mnist', epochs: 0, seed: 0 }, () => {})).rejects.toThrow(/epochs must be a whole number ≥ 1/);
    await expect(e.train({ jobId: 6, genome: 'c4-h16-t2-w8-301203', dataset: 'mnist', epochs: 1, weightBits: 17, trainSamples: 32, testSamples: 32, seed: 0 }, () => {})).rejects.toThrow(/weight bits must be a whole number from 2 to 16/);
    await expect(e.train({ jobId: 7, genome: 'c4-h16-t2-w8-i32x3-301203', dataset: 'mnist', epochs: 1, trainSamples: 32, testSamples: 32, seed: 0 }, () => {})).rejects.toThrow(/takes 32×32×3 inputs/);
  });
});

describe('training engine: a user\'s CIFAR-10 batches', () => {
  it('refuses CIFAR-10 jobs until its batches are provided, with a message saying what to do', async () => {
    const e = engine();
    await e.init({ backend: 'cpu' });
    await expect(e.train({ jobId: 1, genome: 'c4-h16-t2-w8-i32x3-301203', dataset: 'cifar10', epochs: 1, seed: 0 }, () => {})).rejects.toThrow(
      'CIFAR-10 has not been uploaded to this worker: choose its batch files first',
    );
  });

  it('parses the batches, keeps the last good upload after a corrupt one, and scores and trains 32×32×3 candidates on it', async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const summary = e.provideDataset({ name: 'cifar10', files: [{ name: 'data_batch_1.bin', bytes: syntheticCifarBatch(600, 1) }, { name: 'data_batch_2.bin', bytes: syntheticCifarBatch(400, 2) }] });
    // A fifth held out (at most 2000), the rest to train on.
    expect(summary).toEqual({ name: 'cifar10', count: 1000, shape: [32, 32, 3], classes: 10, train: 800, test: 200 });
    expect(() => e.provideDataset({ name: 'cifar10', files: [{ name: 'data_batch_3.bin', bytes: syntheticCifarBatch(10, 3).subarray(0, 3073 * 4 + 7) }] })).toThrow(
      /data_batch_3.bin" has 12299 bytes, which is not a positive multiple of 3073/,
    );

    const items: ScoreItem[] = [];
    await e.score({ jobId: 2, genomes: ['c4-h16-t2-w8-i32x3-301203', 'c4-h16-t2-w8-301203'], dataset: 'cifar10', seed: 1, batch: 16 }, (i) => {
      items.push(i);
    });
    expect(items[0].score).not.toBeNull();
    expect(Number.isFinite(items[0].score)).toBe(true);
    expect(items[1]).toMatchObject({ score: null, error: expect.stringMatching(/takes 28×28×1 inputs but cifar10 images are 32×32×3/) });

    // More training images than there are: all 800 training images, tested on the 200 held out.
    const r = await e.train({ jobId: 3, genome: 'c4-h16-t2-w8-i32x3-301203', dataset: 'cifar10', epochs: 2, trainSamples: 5000, batchSize: 32, seed: 2 }, () => {});
    expect(r).toMatchObject({ completed: true, dataset: 'cifar10', trainSamples: 800, testSamples: 200 });
    // The synthetic classes are learnable: far above the 10 % of chance.
    expect(r.testAccuracyFloat).toBeGreaterThan(0.5);
    expect(r.testAccuracyQuantized).toBeGreaterThan(0.5);
  });
});

