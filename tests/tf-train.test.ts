/**
 * Training: no tensor leak across 100 steps, the loss falls on a learnable
 * task (Adam and SGD), seeded runs repeat, progress and cancellation work,
 * and the cosine schedule has its shape.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../src/core/data/format.ts';
import { DEFAULT_ARCHITECTURE, parseGenome } from '../src/core/arch/genome.ts';
import type { Architecture } from '../src/core/arch/architecture.ts';
import { activationMemory } from '../src/core/arch/activation-memory.ts';
import { buildModel } from '../src/tf/model.ts';
import { cosineLr, makeOptimizer } from '../src/tf/optim.ts';
import { trainModel, trainStep, type BatchProgress } from '../src/tf/train.ts';
import { useBackend } from './tf-helpers.ts';

const ARCH: Architecture = { ...DEFAULT_ARCHITECTURE, channels: 4, hidden: 16, timesteps: 2 };

/**
 * A learnable toy task on 28×28 images: class 0 has a bright bar in the top
 * rows, class 1 in the bottom rows, at a random column offset, with noise.
 */
function toyDataset(count: number, seed: number): Dataset {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = rnd() < 0.5 ? 0 : 1;
    labels[i] = label;
    const row0 = label === 0 ? 4 + Math.floor(rnd() * 4) : 18 + Math.floor(rnd() * 4);
    const col0 = 2 + Math.floor(rnd() * 10);
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(rnd() * 40);
    for (let r = row0; r < row0 + 4; r++) for (let c = col0; c < col0 + 14; c++) images[i * 784 + r * 28 + c] = 200 + Math.floor(rnd() * 55);
  }
  return { name: 'toy', count, shape: [28, 28, 1], classes: 2, labels, images };
}

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

describe('training', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('the live tensor count does not grow across 100 training steps', () => {
    const start = tf.memory().numTensors;
    const arch = { ...ARCH, classes: 2 };
    const m = buildModel(arch, { seed: 1 });
    const opt = makeOptimizer('adam');
    const ds = toyDataset(64, 3);
    const x = tf.tensor4d(Float32Array.from(ds.images, (v) => v / 255).subarray(0, 8 * 784), [8, 28, 28, 1]);
    const labels = tf.tensor1d(Array.from(ds.labels.subarray(0, 8)), 'int32');
    const counts: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = trainStep(m, opt, x, labels, 1e-3);
      tf.dispose([r.loss, r.correct, r.inputRates, r.lifRates]);
      counts.push(tf.memory().numTensors);
    }
    // step 1 creates the optimizer's moment variables; after that the count is flat
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[99]).toBe(counts[1]);
    opt.dispose();
    m.dispose();
    tf.dispose([x, labels]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('trainModel leaves no tensors behind, learns the toy task with Adam, and reports per-epoch numbers and spike rates', async () => {
    const ds = toyDataset(480, 5);
    const m = buildModel({ ...ARCH, classes: 2 }, { seed: 2 });
    const before = tf.memory().numTensors;
    const progress: BatchProgress[] = [];
    const r = await trainModel(m, { dataset: ds, train: range(0, 384), test: range(384, 480) }, { epochs: 2, batchSize: 16, lr: 3e-3, seed: 1, progressLossEvery: 4, onBatch: (p) => progress.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.cancelled).toBe(false);
    expect(r.epochs.length).toBe(2);
    expect(r.steps).toBe(48);
    expect(r.epochs[1].loss).toBeLessThan(r.epochs[0].loss);
    expect(r.epochs[1].loss).toBeLessThan(0.5);
    expect(r.testAccuracy).toBeGreaterThan(0.9);
    expect(r.samplesPerS).toBeGreaterThan(0);
    // per-layer input rates in layer-list order, stem = 1, all in [0, 1]
    expect(r.inputRates.map((x) => x.name)).toEqual(m.layers.map((l) => l.name));
    expect(r.inputRates[0].rate).toBe(1);
    for (const x of [...r.inputRates, ...r.lifRates]) {
      expect(x.rate).toBeGreaterThanOrEqual(0);
      expect(x.rate).toBeLessThanOrEqual(1);
    }
    expect(r.lifRates.some((x) => x.rate > 0.01)).toBe(true);
    // one progress call per batch; loss readings every 4th batch; samples count up
    expect(progress.length).toBe(48);
    expect(progress.filter((p) => p.loss !== undefined).length).toBe(12);
    expect(progress[47].samples).toBe(768);
    expect(progress[0].lr).toBeCloseTo(3e-3, 8);
    expect(progress[47].lr).toBeLessThan(1e-5);
    m.dispose();
  });

  it('trainModel takes a reading of loss and accuracy at a steady pace (progressEveryMs), each the means of the batches since the last', async () => {
    const ds = toyDataset(480, 5);
    const m = buildModel({ ...ARCH, classes: 2 }, { seed: 2 });
    const progress: BatchProgress[] = [];
    // Every batch is due at 0 ms; no lossEvery readings: all come from the pace.
    const r = await trainModel(m, { dataset: ds, train: range(0, 384), test: range(384, 480) }, { epochs: 2, batchSize: 16, lr: 3e-3, seed: 1, progressLossEvery: 0, progressEveryMs: 0, onBatch: (p) => progress.push(p) });
    expect(progress.every((p) => p.recent !== undefined && p.loss !== undefined && p.accuracy !== undefined)).toBe(true);
    for (const epoch of [0, 1]) {
      const mine = progress.filter((p) => p.epoch === epoch);
      // The readings of one batch each average, over the epoch, to its loss and accuracy (batches of 16, equal weight).
      const meanLoss = mine.reduce((a, p) => a + p.recent!.loss, 0) / mine.length;
      const meanAcc = mine.reduce((a, p) => a + p.recent!.accuracy, 0) / mine.length;
      expect(meanLoss).toBeCloseTo(r.epochs[epoch].loss, 4);
      expect(meanAcc).toBeCloseTo(r.epochs[epoch].trainAccuracy, 5);
      expect(mine[mine.length - 1].loss).toBeCloseTo(r.epochs[epoch].loss, 5);
      expect(mine[mine.length - 1].accuracy).toBeCloseTo(r.epochs[epoch].trainAccuracy, 6);
      // An accuracy over 16 images is a multiple of 1/16.
      for (const p of mine) expect(Math.abs(p.recent!.accuracy * 16 - Math.round(p.recent!.accuracy * 16))).toBeLessThan(1e-4);
    }
    // Without a pace, a long gap never reads: the readings stay every lossEvery batches.
    const slow: BatchProgress[] = [];
    await trainModel(m, { dataset: ds, train: range(0, 128), test: range(384, 480) }, { epochs: 1, batchSize: 16, seed: 1, progressLossEvery: 4, skipEval: true, onBatch: (p) => slow.push(p) });
    expect(slow.map((p) => p.recent !== undefined)).toEqual([false, false, false, true, false, false, false, true]);
    m.dispose();
  });

  it('SGD with momentum also learns; the same seed repeats the same losses, another seed does not', async () => {
    const ds = toyDataset(320, 9);
    const run = async (seed: number) => {
      const m = buildModel({ ...ARCH, classes: 2 }, { seed });
      const r = await trainModel(m, { dataset: ds, train: range(0, 256), test: range(256, 320) }, { epochs: 2, batchSize: 16, optimizer: 'sgd', lr: 0.05, seed, skipEval: true });
      m.dispose();
      return r.epochs.map((e) => e.loss);
    };
    const a = await run(4);
    const b = await run(4);
    const c = await run(5);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a[1]).toBeLessThan(a[0]);
  });

  it('an AbortSignal stops training between batches without leaking', async () => {
    const ds = toyDataset(200, 11);
    const m = buildModel({ ...ARCH, classes: 2 }, { seed: 3 });
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    const r = await trainModel(m, { dataset: ds, train: range(0, 160), test: range(160, 200) }, { epochs: 3, batchSize: 16, onBatch: (p) => p.batch === 2 && ac.abort(), signal: ac.signal });
    expect(r.cancelled).toBe(true);
    expect(r.steps).toBe(3);
    expect(r.epochs.length).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('trains a backward cell whose weights reach the output only after the last timestep, leaving those weights as PyTorch leaves them', async () => {
    // Every node is live (SNASNet's pruning on the combined graph), but e02 feeds node 2, node 2 feeds node 1 one
    // timestep later (b21), node 1 feeds node 0 one later again (b10), and only node 0 reaches node 3: e02, b21 and
    // b31 touch the output from the third timestep on. With T = 2 the loss does not depend on them: tfjs gives them
    // no gradient, and PyTorch leaves their .grad None, which its optimizers skip (weight decay included).
    const ds = toyDataset(96, 17);
    const run = async (timesteps: number, microBatch?: number) => {
      const arch = { ...parseGenome('c4-h16-t2-w8-033000300230'), timesteps, classes: 2 };
      const m = buildModel(arch, { seed: 5 });
      const start = new Map([...m.weights].map(([name, w]) => [name, w.dataSync().slice()]));
      // A memory budget of `microBatch` training images splits each batch of 16 into passes of that many; without one
      // each step still runs as two shards of 8 (src/tf/train.ts STEP_SHARDS).
      const mem = activationMemory(arch, m.encoding);
      const memoryBudget = microBatch ? mem.trainFixed + microBatch * mem.trainPerImage : undefined;
      const r = await trainModel(m, { dataset: ds, train: range(0, 64), test: range(64, 96) }, { epochs: 1, batchSize: 16, seed: 1, weightDecay: 1e-2, memoryBudget, progressLossEvery: 0 });
      expect(r.microBatch).toBe(microBatch ?? 8);
      const moved = [...m.weights].filter(([name, w]) => w.dataSync().some((v, i) => v !== start.get(name)![i])).map(([name]) => name);
      m.dispose();
      return { r, moved };
    };
    const two = await run(2);
    expect(Number.isFinite(two.r.epochs[0].loss)).toBe(true);
    expect(Number.isFinite(two.r.testAccuracy)).toBe(true);
    expect(two.moved).toEqual(['stem', 'cell1.b10', 'cell1.e03', 'down', 'cell2.b10', 'cell2.e03', 'fc1', 'fc2']);
    // In passes of 5 (each shard of 8 in two passes) the same weights move.
    expect((await run(2, 5)).moved).toEqual(two.moved);
    // A third timestep lets all of them reach the output.
    expect((await run(3)).moved).toEqual(['stem', 'cell1.b10', 'cell1.b21', 'cell1.b31', 'cell1.e02', 'cell1.e03', 'down', 'cell2.b10', 'cell2.b21', 'cell2.b31', 'cell2.e02', 'cell2.e03', 'fc1', 'fc2']);
  });

  it('quantization-aware fine-tuning runs on the fake-quantized weights', async () => {
    const ds = toyDataset(160, 13);
    const m = buildModel({ ...ARCH, classes: 2 }, { seed: 4 });
    const before = tf.memory().numTensors;
    const r = await trainModel(m, { dataset: ds, train: range(0, 128), test: range(128, 160) }, { epochs: 1, batchSize: 16, qatBits: 4, seed: 2 });
    expect(r.epochs.length).toBe(1);
    expect(Number.isFinite(r.epochs[0].loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});

describe('cosineLr', () => {
  it('starts at lr, halves at the middle, ends at 0; warm-up ramps linearly', () => {
    expect(cosineLr(0.1, 0, 100)).toBeCloseTo(0.1, 12);
    expect(cosineLr(0.1, 50, 100)).toBeCloseTo(0.05, 12);
    expect(cosineLr(0.1, 100, 100)).toBeCloseTo(0, 12);
    expect(cosineLr(0.1, 25, 100)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(cosineLr(0.1, 0, 100, 10)).toBeCloseTo(0.01, 12);
    expect(cosineLr(0.1, 9, 100, 10)).toBeCloseTo(0.1, 12);
    expect(cosineLr(0.1, 100, 100, 0, 0.1)).toBeCloseTo(0.01, 12);
  });
});
