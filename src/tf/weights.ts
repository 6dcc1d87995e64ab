/**
 * A tfjs SpikingModel's parameters as plain arrays (StudioWeights, the
 * layout core/export/pytorch-weights.ts converts to PyTorch's) and back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchNormChannels, WeightsError, type StudioWeights } from '../core/export/pytorch-weights.ts';
import type { SpikingModel } from './model.ts';

/** The fc biases are trainable variables named `<model id>/<layer>.bias`; the model exposes them only in `trainable`. */
function biasVariables(model: SpikingModel): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const v of model.trainable) {
    const m = /\/(fc[12])\.bias$/.exec(v.name);
    if (m) out.set(m[1], v);
  }
  return out;
}

/** Reads every parameter (weights, fc biases, batch norms with their running statistics) off the model. */
export function readModelWeights(model: SpikingModel): StudioWeights {
  const weights = new Map<string, Float32Array>();
  for (const [name, v] of model.weights) weights.set(name, Float32Array.from(v.dataSync()));
  const biases = new Map<string, Float32Array>();
  for (const [name, v] of biasVariables(model)) biases.set(name, Float32Array.from(v.dataSync()));
  const batchNorms: StudioWeights['batchNorms'] = new Map();
  for (const [name, bn] of model.batchNorms) {
    batchNorms.set(name, {
      gamma: Float32Array.from(bn.gamma.dataSync()),
      beta: Float32Array.from(bn.beta.dataSync()),
      runningMean: Float32Array.from(bn.runningMean.dataSync()),
      runningVar: Float32Array.from(bn.runningVar.dataSync()),
      updates: bn.updates,
    });
  }
  return { weights, biases, batchNorms };
}

/** Assigns every parameter of `w` to the model (shapes must match its architecture). */
export function writeModelWeights(model: SpikingModel, w: StudioWeights): void {
  const assign = (v: tf.Variable, data: Float32Array | undefined, what: string) => {
    if (!data || data.length !== v.size) throw new WeightsError(`${what}: expected ${v.size} values, got ${data?.length ?? 'none'}`);
    tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
  };
  for (const [name, v] of model.weights) assign(v, w.weights.get(name), `weight ${name}`);
  for (const [name, v] of biasVariables(model)) assign(v, w.biases.get(name), `bias ${name}`);
  const expected = batchNormChannels(model.arch);
  for (const [name, bn] of model.batchNorms) {
    if (!expected.has(name)) throw new WeightsError(`the model has a batch norm ${name} the layer list does not name`);
    const src = w.batchNorms.get(name);
    assign(bn.gamma, src?.gamma, `batch norm ${name} weight`);
    assign(bn.beta, src?.beta, `batch norm ${name} bias`);
    assign(bn.runningMean, src?.runningMean, `batch norm ${name} running mean`);
    assign(bn.runningVar, src?.runningVar, `batch norm ${name} running variance`);
    bn.updates = src!.updates;
  }
}
