/**
 * The device half of the training-free score (see src/core/snn/score.ts for
 * the formula and the numerics): from each LIF layer's spikes, time-major
 * [T·B, ...], the rescaled Hamming term M = 0.5·H / (Z + 1e-3) of every
 * timestep, summed over timesteps and layers on the device in float32.
 *
 * Per layer: x [T, B, N] → G = x xᵀ [T, B, B] (integers, exact in float32
 * while N < 2²⁴), s = Σx [T, B], then H = s_i + s_j − 2G and
 * Z = (s_i (N − s_j) + (N − s_i) s_j) / N elementwise, and the sum over T.
 * (Algebraically x(1−x)ᵀ + (1−x)xᵀ = s_i + s_j − 2 x xᵀ: one product, not two.)
 *
 * How G is computed depends on the backend, by measurement (Node, wasm,
 * T = 4, B = 64, N = 12 544): tfjs-wasm runs a *batched* or a transposed-B
 * matMul outside XNNPACK (batched x·xᵀ 720 ms), while T plain 2-D products
 * a·transpose(a) go through XNNPACK (155 ms for all four, transposes
 * included). So on wasm and cpu it is T 2-D products; on GPU backends
 * (webgl, webgpu), where one batched op is one shader, one batched matMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KERNEL_EPS } from '../core/snn/score.ts';

export interface LayerSpikes {
  /** binary spikes, time-major [T·B, ...] (index t·B + b) */
  spikes: tf.Tensor;
  /** timesteps T folded into the leading axis */
  timesteps: number;
}

export interface DeviceKernelSum {
  /** Σ over layers and timesteps of M, [B, B] float32 (still on the device) */
  mSum: tf.Tensor2D;
  /** Σ over the same (layer, timestep) pairs of the layer's neuron count N */
  nSum: number;
  /** number of (layer, timestep) kernels summed */
  count: number;
}

/** Backends on which T separate 2-D products beat one batched product. */
const PER_STEP_GRAM = new Set(['wasm', 'cpu']);

/** How G is formed: 'auto' (per step on wasm and cpu, batched elsewhere), or forced. */
export type GramForm = 'auto' | 'batched' | 'per-step';

/** G_t = x_t x_tᵀ for every t, [T, B, B]. */
function gram(x: tf.Tensor3D, timesteps: number, b: number, n: number, form: GramForm): tf.Tensor3D {
  const perStep = form === 'auto' ? PER_STEP_GRAM.has(tf.getBackend()) : form === 'per-step';
  if (!perStep) return tf.matMul(x, x, false, true);
  const x2 = tf.reshape(x, [timesteps * b, n]);
  const gs: tf.Tensor2D[] = [];
  for (let t = 0; t < timesteps; t++) {
    const a = tf.slice(x2, [t * b, 0], [b, n]) as tf.Tensor2D;
    gs.push(tf.matMul(a, tf.transpose(a)));
  }
  return timesteps === 1 ? (tf.reshape(gs[0], [1, b, b]) as tf.Tensor3D) : tf.stack(gs) as tf.Tensor3D;
}

/** Σ_t M_t of one layer, [B, B]. Call inside tf.tidy. */
export function layerRescaledSum(spikes: tf.Tensor, timesteps: number, b: number, form: GramForm = 'auto'): tf.Tensor2D {
  const n = spikes.size / (timesteps * b);
  if (!Number.isInteger(n) || spikes.shape[0] !== timesteps * b) {
    throw new Error(`spike tensor of shape [${spikes.shape}] is not time-major [T·B, ...] with T=${timesteps}, B=${b}`);
  }
  const x = tf.reshape(spikes, [timesteps, b, n]) as tf.Tensor3D;
  const g = gram(x, timesteps, b, n, form); // [T, B, B]
  const s = tf.sum(x, 2); // [T, B]
  const si = tf.reshape(s, [timesteps, b, 1]);
  const sj = tf.reshape(s, [timesteps, 1, b]);
  const ci = tf.sub(n, si);
  const cj = tf.sub(n, sj);
  const h = tf.sub(tf.add(si, sj), tf.mul(g, 2));
  const z = tf.div(tf.add(tf.mul(si, cj), tf.mul(ci, sj)), n);
  const m = tf.div(tf.mul(h, 0.5), tf.add(z, KERNEL_EPS));
  return tf.sum(m, 0) as tf.Tensor2D;
}

/** Sums M over every layer and timestep. The caller disposes `mSum` (or runs this in tf.tidy). */
export function deviceKernelSum(layers: readonly LayerSpikes[], b: number, form: GramForm = 'auto'): DeviceKernelSum {
  if (layers.length === 0) throw new Error('no LIF layer produced spikes: the score needs at least one spiking layer');
  let nSum = 0;
  let count = 0;
  const mSum = tf.tidy(() => {
    let acc: tf.Tensor2D | null = null;
    for (const l of layers) {
      const n = l.spikes.size / (l.timesteps * b);
      const m = layerRescaledSum(l.spikes, l.timesteps, b, form);
      acc = acc ? (tf.add(acc, m) as tf.Tensor2D) : m;
      nSum += n * l.timesteps;
      count += l.timesteps;
    }
    return acc as tf.Tensor2D;
  });
  return { mSum, nSum, count };
}
