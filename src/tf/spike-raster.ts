/**
 * One LIF layer's spikes for a few chosen images, as the training-free score
 * sees them (src/tf/score.ts): a freshly built network with seeded weights,
 * one forward pass with the batch norms in training mode (each normalises
 * with the statistics of the batch it is given), every LIF's spikes
 * collected. The caller puts its chosen images first in the batch and the
 * score's own seeded batch after them, so the batch statistics are (all but)
 * the ones the score's pass has; only the chosen images' spikes are kept,
 * bit-packed (src/core/snn/raster.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../core/arch/architecture.ts';
import { packTimeMajor, type PackedSpikes } from '../core/snn/raster.ts';
import { buildModel } from './model.ts';

export interface LayerSpikesOptions {
  /** seed of the weight initialisation (the score's seed gives the score's network) */
  seed: number;
  /** the LIF to keep, by name (the model's lifNames); default the first */
  layer?: string;
}

export interface LayerSpikes {
  /** every LIF of the network, in forward order, with the shape of one image's map at one step */
  layers: { name: string; shape: number[] }[];
  layer: string;
  shape: number[];
  /** the first `keep` images of the batch, every timestep */
  packed: PackedSpikes;
}

export class SpikeRasterError extends Error {
  override name = 'SpikeRasterError';
}

/** Runs `batch` [B, H, W, C] through the untrained network and packs the spikes of its first `keep` images at one LIF. Leaves no tensor behind. */
export async function layerSpikes(arch: Architecture, batch: tf.Tensor4D, keep: number, opts: LayerSpikesOptions): Promise<LayerSpikes> {
  const b = batch.shape[0];
  if (!(Number.isInteger(keep) && keep >= 1 && keep <= b)) throw new RangeError(`keep ${keep} of a batch of ${b}`);
  const T = arch.timesteps;
  const model = buildModel(arch, { seed: opts.seed });
  try {
    // forward runs in its own tf.tidy and keeps only what it returns.
    const r = model.forward(batch, { training: true, freezeStats: true, collectSpikes: true });
    try {
      // Without packedSpikes the forward collects 0/1 float spikes, never the packed form.
      const spikes = (r.spikes ?? []).map((s) => ({ name: s.name, spikes: s.spikes! }));
      const layers = spikes.map((s) => ({ name: s.name, shape: s.spikes.shape.slice(1) }));
      const name = opts.layer ?? layers[0]?.name;
      const chosen = spikes.find((s) => s.name === name);
      if (!chosen) throw new SpikeRasterError(`the network has no LIF layer '${String(name)}' (it has ${layers.map((l) => l.name).join(', ')})`);
      const shape = chosen.spikes.shape.slice(1);
      const neurons = shape.reduce((a, d) => a * d, 1);
      const data = await chosen.spikes.data();
      const packed = packTimeMajor(data, T, b, neurons, Array.from({ length: keep }, (_, i) => i));
      return { layers, layer: chosen.name, shape, packed };
    } finally {
      tf.dispose([r.logits, r.inputRates, r.lifRates, ...(r.spikes ?? []).map((s) => s.spikes ?? s.packed!.bits)]);
    }
  } finally {
    model.dispose();
  }
}
