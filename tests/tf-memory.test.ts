/**
 * Bounded memory on wasm: the activation count of src/core/arch/
 * activation-memory.ts bounds what tfjs really allocates; evaluation and
 * training run in passes sized to a budget, with the same results as one big
 * pass; a candidate too large for any pass is refused with its reason; a
 * full WebAssembly heap is an error, not corruption.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { activationMemory } from '../src/core/arch/activation-memory.ts';
import { DEFAULT_ARCHITECTURE, parseGenome } from '../src/core/arch/genome.ts';
import type { Architecture } from '../src/core/arch/architecture.ts';
import type { Encoding } from '../src/tf/model.ts';
import { buildModel } from '../src/tf/model.ts';
import { makeOptimizer } from '../src/tf/optim.ts';
import { MemoryBudgetError, evaluateDetailed, trainModel, trainStep } from '../src/tf/train.ts';
import { loadDatasetNode } from '../src/cli/data-node.ts';
import { makeBatch } from '../src/core/data/batches.ts';
import type { Dataset } from '../src/core/data/format.ts';
import { WasmHeapFullError } from '../src/tf/wasm-heap.ts';
import { REFERENCE_NET_LIF, type LifConfig } from '../src/core/snn/lif.ts';
import { useBackend, wasmAllocationPeak } from './tf-helpers.ts';
import { largestDefaultCandidate } from './largest-candidate.ts';

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

function batchOf(ds: Dataset, indices: number[]): { x: tf.Tensor4D; labels: tf.Tensor1D } {
  const b = makeBatch(ds, indices);
  return { x: tf.tensor4d(b.x, b.shape), labels: tf.tensor1d(b.labels, 'int32') };
}

describe('memory of a pass on wasm', () => {
  let mnist: Dataset;
  beforeAll(async () => {
    await useBackend('wasm');
    mnist = await loadDatasetNode('mnist');
  });

  const cases: [string, Architecture, Encoding, LifConfig?][] = [
    ['the largest candidate of the default space', largestDefaultCandidate(), 'direct'],
    ['a wide, long candidate whose cell is a skip', parseGenome('c64-h256-t8-w8-001000'), 'direct'],
    ['avg-pool edges', parseGenome('c8-h64-t5-w8-402241'), 'direct'],
    ['one timestep', parseGenome('c8-h32-t1-w8-301203'), 'direct'],
    ['rate encoding', DEFAULT_ARCHITECTURE, 'rate'],
    ['a backward cell (SNASNet)', parseGenome('c16-h128-t4-w8-303302020020'), 'direct'],
    ['a wide, long backward cell with conv3×3 recurrences', parseGenome('c64-h256-t8-w8-303300030033'), 'direct'],
    ['a node fed only by a backward edge', parseGenome('c8-h64-t5-w8-202000020023'), 'direct'],
    ['a backward cell of snnTorch neurons', parseGenome('c16-h128-t4-w8-303302020020'), 'direct', REFERENCE_NET_LIF],
  ];
  for (const [what, arch, encoding, lif] of cases) {
    it(`the count bounds the bytes wasm allocates, within 1.5×: ${what}`, async () => {
      const B = 2;
      const model = buildModel(arch, { seed: 1, encoding, lif });
      const opt = makeOptimizer('adam');
      const { x, labels } = batchOf(mnist, [0, 1]);
      // A first step creates Adam's moments, which live between passes, not in one.
      tf.dispose(Object.values(trainStep(model, opt, x, labels, 1e-3)));
      const evalPeak = await wasmAllocationPeak(() => tf.tidy(() => model.forward(x, { training: false }).logits.dataSync()));
      const trainPeak = await wasmAllocationPeak(() => tf.dispose(Object.values(trainStep(model, opt, x, labels, 1e-3))));
      const m = activationMemory(arch, encoding, lif);
      const evalEstimate = B * m.evalPerImage;
      const trainEstimate = B * m.trainPerImage + m.trainFixed;
      expect(evalEstimate).toBeGreaterThanOrEqual(evalPeak);
      expect(evalEstimate).toBeLessThanOrEqual(1.5 * evalPeak);
      expect(trainEstimate).toBeGreaterThanOrEqual(trainPeak);
      expect(trainEstimate).toBeLessThanOrEqual(1.5 * trainPeak);
      tf.dispose([x, labels]);
      opt.dispose();
      model.dispose();
    });
  }

  it('evaluates in passes that fit the budget, with the same accuracy and rates as one pass', async () => {
    const model = buildModel(DEFAULT_ARCHITECTURE, { seed: 2 });
    const test = range(0, 60);
    const perImage = activationMemory(DEFAULT_ARCHITECTURE).evalPerImage;
    const before = tf.memory().numTensors;
    const whole = await evaluateDetailed(model, mnist, test, { batchSize: 60, memoryBudget: 60 * perImage });
    let small: Awaited<ReturnType<typeof evaluateDetailed>> | null = null;
    const budget = 7 * perImage;
    const peak = await wasmAllocationPeak(async () => {
      small = await evaluateDetailed(model, mnist, test, { memoryBudget: budget });
    });
    expect(peak).toBeLessThanOrEqual(budget);
    // 7 images per pass instead of 60 at once: at most a ninth of the memory, every image still tested.
    expect(peak).toBeLessThan(60 * perImage / 8);
    expect(small!.accuracy).toBe(whole.accuracy);
    small!.inputRates.forEach((r, i) => expect(r.rate).toBeCloseTo(whole.inputRates[i].rate, 6));
    small!.lifRates.forEach((r, i) => expect(r.rate).toBeCloseTo(whole.lifRates[i].rate, 6));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a step in micro-batches is the whole-batch step when each micro-batch has the batch statistics', () => {
    // Batch [a, b, a, b] split into [a, b] and [a, b]: each half has the batch's
    // batch-norm statistics, so the weighted gradients sum to the batch gradient.
    const { x: ab, labels: abLabels } = batchOf(mnist, [3, 4]);
    const x = tf.concat([ab, ab]) as tf.Tensor4D;
    const labels = tf.concat([abLabels, abLabels]) as tf.Tensor1D;
    // SGD: the update is the gradient itself (Adam's first step is lr·sign(g), which magnifies float noise in tiny gradients).
    const step = (microBatch?: number) => {
      const model = buildModel(DEFAULT_ARCHITECTURE, { seed: 5 });
      const opt = makeOptimizer('sgd');
      const r = trainStep(model, opt, x, labels, 0.1, { microBatch });
      const out = { loss: r.loss.dataSync()[0], correct: r.correct.dataSync()[0], lifRates: Array.from(r.lifRates.dataSync()), weights: model.trainable.map((v) => Array.from(v.dataSync())), running: Array.from(model.batchNorms.get('stem')!.runningVar.dataSync()) };
      tf.dispose(Object.values(r));
      opt.dispose();
      model.dispose();
      return out;
    };
    const before = tf.memory().numTensors;
    const whole = step();
    const halves = step(2);
    expect(tf.memory().numTensors).toBe(before);
    expect(halves.loss).toBeCloseTo(whole.loss, 5);
    expect(halves.correct).toBe(whole.correct);
    halves.lifRates.forEach((r, i) => expect(r).toBeCloseTo(whole.lifRates[i], 6));
    // The running variance takes the unbiased batch variance, n/(n−1): n is half as large per micro-batch (relative difference ~1/n).
    halves.running.forEach((v, i) => expect(Math.abs(v - whole.running[i])).toBeLessThan(1e-3 * whole.running[i]));
    let maxDiff = 0;
    let maxMove = 0;
    const start = buildModel(DEFAULT_ARCHITECTURE, { seed: 5 });
    start.trainable.forEach((v, k) => {
      const w0 = v.dataSync();
      for (let i = 0; i < w0.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(halves.weights[k][i] - whole.weights[k][i]));
        maxMove = Math.max(maxMove, Math.abs(whole.weights[k][i] - w0[i]));
      }
    });
    start.dispose();
    // The step moved the weights, and both ways moved them alike.
    expect(maxMove).toBeGreaterThan(1e-2);
    expect(maxDiff).toBeLessThan(1e-4 * maxMove);
    tf.dispose([ab, abLabels, x, labels]);
  });

  it('trains in micro-batches within the budget, and refuses a candidate of which not one image fits', async () => {
    const arch = DEFAULT_ARCHITECTURE;
    const m = activationMemory(arch);
    const budget = m.trainFixed + 5 * m.trainPerImage;
    const model = buildModel(arch, { seed: 3 });
    const data = { dataset: mnist, train: range(0, 32), test: range(100, 130) };
    const before = tf.memory().numTensors;
    let result: Awaited<ReturnType<typeof trainModel>> | null = null;
    const peak = await wasmAllocationPeak(async () => {
      result = await trainModel(model, data, { epochs: 1, batchSize: 16, memoryBudget: budget, seed: 1 });
    });
    expect(result!.microBatch).toBe(5);
    expect(result!.evalBatch).toBeGreaterThanOrEqual(5);
    expect(result!.epochs.length).toBe(1);
    expect(result!.testAccuracy).toBeGreaterThanOrEqual(0);
    // Beside the passes, only Adam's two moments per weight (they outlive the step) and per-batch scalars.
    const adamMoments = 2 * 4 * model.parameterCount();
    expect(peak).toBeLessThanOrEqual(budget + adamMoments);
    // A whole batch of 16 in one pass would have needed far more.
    expect(16 * m.trainPerImage).toBeGreaterThan(2 * budget);
    expect(tf.memory().numTensors).toBe(before);

    const tooSmall = m.trainFixed + m.trainPerImage / 2;
    await expect(trainModel(model, data, { epochs: 1, batchSize: 16, memoryBudget: tooSmall })).rejects.toThrow(MemoryBudgetError);
    await expect(trainModel(model, data, { epochs: 1, batchSize: 16, memoryBudget: tooSmall })).rejects.toThrow(/^one training image needs \d+ MiB of tensors, more than the \d+ MiB a pass may use/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a tensor the WebAssembly heap cannot hold is a WasmHeapFullError; the heap and its tensors stay intact', async () => {
    const kept = tf.tensor1d([1, 2, 3]);
    // Just under 4 GiB: more than the heap can ever hold (without the guard: a RangeError from a view past the heap's end).
    expect(() => tf.fill([1_073_737_500], 2)).toThrow(WasmHeapFullError);
    expect(() => tf.fill([1_073_737_500], 2)).toThrow(/^out of memory: the WebAssembly heap \(\d+ MiB, 4 GiB at most\) has no room for another 4096 MiB tensor$/);
    expect(Array.from(await kept.data())).toEqual([1, 2, 3]);
    expect(Array.from(await tf.add(kept, 1).data())).toEqual([2, 3, 4]);
    kept.dispose();
  });
});
