/**
 * The training worker's spike raster (engine in Node, real tfjs wasm, real
 * MNIST): one LIF layer's spikes per timestep for chosen test images through
 * the untrained candidate the score builds. The check that matters: the
 * rasters of every layer, put through the score's kernel entry
 * (src/core/snn/raster.ts pairKernel), give exactly the score the score
 * function computes for the same two images.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadDatasetNode } from '../src/cli/data-node.ts';
import { createNodeEngine } from '../src/cli/engine-node.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { makeBatch, splitDataset } from '../src/core/data/batches.ts';
import { datasetSplit } from '../src/core/data/datasets.ts';
import { imageSize } from '../src/core/data/format.ts';
import { KernelAccumulator, kernelScore } from '../src/core/snn/score.ts';
import { countSpikes, pairKernel } from '../src/core/snn/raster.ts';
import { scoreArchitecture } from '../src/tf/score.ts';
import type { SpikeRasterResult } from '../src/protocol/training.ts';

const engine = createNodeEngine;

const GENOME = 'c4-h16-t2-w8-301203';

function row(r: SpikeRasterResult, image: number, t: number): Uint8Array {
  const start = (image * r.timesteps + t) * r.rowBytes;
  return r.spikes.subarray(start, start + r.rowBytes);
}

describe('training engine: spike raster', () => {
  it("gives every layer's spikes of two test images; through the score's kernel they give the score of those two images", async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const before = e.numTensors();
    const seed = 5;
    const images = [3, 11];
    const first = await e.spikeRaster({ genome: GENOME, dataset: 'mnist', images, seed, contextBatch: 0 });
    expect(first.layers.length).toBeGreaterThan(2);
    expect(first.layer).toBe(first.layers[0].name);
    expect(first.timesteps).toBe(2);
    expect(first.contextBatch).toBe(0);
    expect(first.imageShape).toEqual([28, 28, 1]);

    // The images are the test split's, with their labels and pixels.
    const ds = await loadDatasetNode('mnist');
    const test = splitDataset(ds, datasetSplit(ds)).test;
    expect(first.images.map((i) => i.datasetIndex)).toEqual([test[3], test[11]]);
    expect(first.images.map((i) => i.label)).toEqual([ds.labels[test[3]], ds.labels[test[11]]]);
    const size = imageSize(ds);
    expect(Array.from(first.images[1].pixels)).toEqual(Array.from(ds.images.subarray(test[11] * size, (test[11] + 1) * size)));

    const acc = new KernelAccumulator(2);
    let spikes = 0;
    for (const layer of first.layers) {
      const r = layer.name === first.layer ? first : await e.spikeRaster({ genome: GENOME, dataset: 'mnist', images, seed, contextBatch: 0, layer: layer.name });
      expect(r.layer).toBe(layer.name);
      expect(r.shape).toEqual(layer.shape);
      expect(r.neurons).toBe(layer.shape.reduce((a, d) => a * d, 1));
      expect(r.rowBytes).toBe(Math.ceil(r.neurons / 8));
      expect(r.spikes).toHaveLength(2 * r.timesteps * r.rowBytes);
      for (let t = 0; t < r.timesteps; t++) {
        const k = pairKernel(row(r, 0, t), row(r, 1, t), r.neurons);
        acc.addRescaled([0, k.rescaled, k.rescaled, 0], r.neurons, 1);
        spikes += countSpikes(row(r, 0, t)) + countSpikes(row(r, 1, t));
      }
    }
    expect(spikes).toBeGreaterThan(0);
    const mine = kernelScore(acc.kernel(), 2);

    const b = makeBatch(ds, [test[3], test[11]]);
    const x = tf.tensor4d(b.x, b.shape, 'float32');
    const score = await scoreArchitecture(parseGenome(GENOME), x, { seed, kernelPath: 'host' });
    x.dispose();
    expect(score.kernels).toBe(acc.count);
    expect(mine.logAbsDet).toBeCloseTo(score.score, 9);
    expect(mine.sign).toBe(score.sign);
    expect(e.numTensors()).toBe(before);
  });

  it('runs the score batch beside the chosen images by default, the same every time, and a layer is named, not guessed', async () => {
    const e = engine();
    await e.init({ backend: 'wasm' });
    const req = { genome: GENOME, dataset: 'mnist' as const, images: [0, 1], seed: 2 };
    const a = await e.spikeRaster(req);
    expect(a.contextBatch).toBe(64);
    const again = await e.spikeRaster(req);
    expect(Array.from(again.spikes)).toEqual(Array.from(a.spikes));
    // The batch norms normalise over the whole batch: the context changes the chosen images' spikes.
    const alone = await e.spikeRaster({ ...req, contextBatch: 0 });
    expect(alone.spikes).toHaveLength(a.spikes.length);
    expect(Array.from(alone.spikes)).not.toEqual(Array.from(a.spikes));
    const last = a.layers[a.layers.length - 1].name;
    const deep = await e.spikeRaster({ ...req, layer: last });
    expect(deep.layer).toBe(last);
    expect(deep.shape).toEqual([16]);
  });

  it('refuses a bad request with a message that names what is wrong', async () => {
    const e = engine();
    await e.init({ backend: 'cpu' });
    const req = { genome: GENOME, dataset: 'mnist' as const, images: [0, 1], seed: 1, contextBatch: 0 };
    await expect(e.spikeRaster({ ...req, images: [0, 2000] })).rejects.toThrow("test image 2000 is not one of mnist's 2000 test images (0–1999)");
    await expect(e.spikeRaster({ ...req, images: [0.5] })).rejects.toThrow(/test image 0.5 is not one of/);
    await expect(e.spikeRaster({ ...req, images: [] })).rejects.toThrow('a spike raster shows 1 to 4 images (got 0)');
    await expect(e.spikeRaster({ ...req, layer: 'cell9.lif1' })).rejects.toThrow(/has no LIF layer 'cell9.lif1' \(it has cell1\.lif/);
    await expect(e.spikeRaster({ ...req, genome: 'c4-h16-t2-w8-i32x3-301203' })).rejects.toThrow(/takes 32×32×3 inputs but mnist images are 28×28×1/);
    await expect(e.spikeRaster({ ...req, dataset: 'cifar10' })).rejects.toThrow(/CIFAR-10 has not been uploaded/);
  });
});
