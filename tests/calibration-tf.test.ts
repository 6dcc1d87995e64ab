/**
 * The network-running proxies (src/tf/proxies.ts) on real MNIST images with
 * the wasm backend: SNASNet's score as the search computes it, the gradient
 * proxies by their definition, the early-training proxy learning for real,
 * failures kept per proxy, and no tensor left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './tf-helpers.ts';
import { loadDatasetNode } from '../src/cli/data-node.ts';
import { proxyImagePlan, type ProxyImageOptions } from '../src/core/calibration/plan.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import type { Architecture } from '../src/core/arch/architecture.ts';
import { makeBatch } from '../src/core/data/batches.ts';
import type { Dataset } from '../src/core/data/format.ts';
import { scoreArchitecture, scoreBatch } from '../src/tf/score.ts';
import { buildModel } from '../src/tf/model.ts';
import { calibrateOn } from '../src/tf/train.ts';
import { earlyTrainingProxies, gradientProxies, measureNetworkProxies, snasnetProxy, type ProxyContext } from '../src/tf/proxies.ts';

const ARCH = parseGenome('c8-h64-t2-w8-301203');
const IMAGES: ProxyImageOptions = { seed: 3, scoreBatch: 24, scoreRepeats: 2, gradientBatch: 16, earlySteps: 30, earlyBatch: 32, earlyHeldOut: 300 };
let ds: Dataset;
let ctx: ProxyContext;

beforeAll(async () => {
  await useBackend('wasm');
  ds = await loadDatasetNode('mnist');
  ctx = { dataset: ds, plan: proxyImagePlan(ds, IMAGES), seed: IMAGES.seed, earlyBatch: IMAGES.earlyBatch };
});

describe('SNASNet score proxy', () => {
  it('with one batch is the search score; with two, the mean of both batches with the same weights', async () => {
    const one = await snasnetProxy(ARCH, { ...ctx, plan: proxyImagePlan(ds, { ...IMAGES, scoreRepeats: 1 }) });
    const x = scoreBatch(ds, IMAGES.scoreBatch, IMAGES.seed);
    const search = (await scoreArchitecture(ARCH, x, { seed: IMAGES.seed })).score;
    x.dispose();
    expect(one).toBe(search);
    const b = makeBatch(ds, ctx.plan.scoreBatches[1]);
    const x2 = tf.tensor4d(b.x, b.shape);
    const second = (await scoreArchitecture(ARCH, x2, { seed: IMAGES.seed })).score;
    x2.dispose();
    expect(second).not.toBe(search);
    expect(await snasnetProxy(ARCH, ctx)).toBeCloseTo((search + second) / 2, 10);
  });

  it('refuses a batch whose pass does not fit the memory budget', async () => {
    await expect(snasnetProxy(ARCH, { ...ctx, memoryBudget: 1024 * 1024 })).rejects.toThrow(/a score batch of 24 needs \d+ MiB in one pass, more than the 1 MiB budget/);
  });
});

/**
 * SNIP Σ|w·g| and the gradient norm Σ‖g‖ by their definition, computed here on their own: seeded weights, fc1
 * scaled on the batch, one gradient of the mean loss; the layer weights tfjs gives no gradient (the loss does not
 * depend on them) are listed apart and add nothing.
 */
function gradientProxiesByDefinition(arch: Architecture): { snip: number; norm: number; noGradient: string[] } {
  const model = buildModel(arch, { seed: IMAGES.seed });
  const b = makeBatch(ds, ctx.plan.gradientBatch);
  const x = tf.tensor4d(b.x, b.shape);
  const labels = tf.tensor1d(b.labels, 'int32');
  calibrateOn(model, x, 16);
  const vars = [...model.weights.values()];
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), model.forward(x, { training: true, freezeStats: true }).logits) as tf.Scalar, vars);
  let snip = 0;
  let norm = 0;
  for (const v of vars.filter((v) => grads[v.name])) {
    const w = v.dataSync();
    const g = grads[v.name].dataSync();
    let sq = 0;
    for (let i = 0; i < w.length; i++) {
      snip += Math.abs(w[i] * g[i]);
      sq += g[i] * g[i];
    }
    norm += Math.sqrt(sq);
  }
  const noGradient = vars.filter((v) => !grads[v.name]).map((v) => v.name.split('/')[1]);
  tf.dispose([value, x, labels, ...Object.values(grads)]);
  model.dispose();
  return { snip, norm, noGradient };
}

describe('gradient proxies', () => {
  it('are SNIP Σ|w·g| and Σ‖g‖ over the layer weights at the trainer\'s initialisation', () => {
    const r = gradientProxies(ARCH, ctx);
    const d = gradientProxiesByDefinition(ARCH);
    expect(d.noGradient).toEqual([]);
    expect(r.snip).toBeGreaterThan(0);
    expect(r.snip).toBeCloseTo(d.snip, 4);
    expect(r.grad_norm).toBeCloseTo(d.norm, 4);
    // Another seed is another network.
    expect(gradientProxies(ARCH, { ...ctx, seed: 4 }).snip).not.toBeCloseTo(r.snip, 4);
  });

  it('count a backward-cell weight the loss does not depend on as a zero gradient', () => {
    // Calibration candidate c8-h256-t2-w8-033000300230: with T = 2, e02, b21 and b31 reach the output only from the
    // third timestep on; tfjs gives them no gradient (PyTorch: None). ∂L/∂w is 0 for them: they add nothing.
    const arch = parseGenome('c8-h256-t2-w8-033000300230');
    const r = gradientProxies(arch, ctx);
    const d = gradientProxiesByDefinition(arch);
    expect(d.noGradient).toEqual(['cell1.b21', 'cell1.b31', 'cell1.e02', 'cell2.b21', 'cell2.b31', 'cell2.e02']);
    expect(r.snip).toBeGreaterThan(0);
    // float32 sums over every weight (fc1 alone has 256 outputs), in another order: equal to within 5e-5 of the value.
    expect(Math.abs(r.snip / d.snip - 1)).toBeLessThan(5e-5);
    expect(Math.abs(r.grad_norm / d.norm - 1)).toBeLessThan(5e-5);
  });
});

describe('early-training proxy', () => {
  it('learns in its few steps and is measured on held-out training images', async () => {
    const r = await earlyTrainingProxies(ARCH, ctx);
    // 30 steps of 32 digits: far above chance (10 %, loss ln 10 ≈ 2.30) on 300 digits it never trained on.
    expect(r.early_accuracy).toBeGreaterThan(0.5);
    expect(r.early_loss).toBeLessThan(1.9);
    expect(r.early_loss).toBeGreaterThan(0);
    const fewer = await earlyTrainingProxies(ARCH, { ...ctx, plan: proxyImagePlan(ds, { ...IMAGES, earlySteps: 2 }) });
    expect(fewer.early_loss).toBeGreaterThan(r.early_loss);
  });
});

describe('all proxies of a candidate', () => {
  it('keeps every other proxy when one fails, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const r = await measureNetworkProxies(ARCH, { ...ctx, memoryBudget: 4 * 1024 * 1024 }, ['snasnet', 'snip', 'grad_norm']);
    expect(r.values.snasnet).toBeNaN();
    expect(r.errors.snasnet).toMatch(/more than the 4 MiB budget/);
    expect(r.values.snip).toBeGreaterThan(0);
    expect(r.errors.snip).toBeUndefined();
    expect(r.values.early_loss).toBeUndefined();
    expect(Object.keys(r.ms).sort()).toEqual(['grad_norm', 'snasnet', 'snip']);
    const all = await measureNetworkProxies(ARCH, ctx, ['snasnet', 'early_loss', 'early_accuracy']);
    expect(Number.isFinite(all.values.snasnet)).toBe(true);
    expect(all.values.early_accuracy).toBeGreaterThan(0.5);
    // A backward cell whose weights partly reach the output after the last timestep (see above): every proxy measured.
    const backward = await measureNetworkProxies(parseGenome('c8-h256-t2-w8-033000300230'), ctx, ['snip', 'grad_norm', 'early_loss', 'early_accuracy']);
    expect(backward.errors).toEqual({});
    expect(backward.values.early_accuracy).toBeGreaterThan(0.3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
