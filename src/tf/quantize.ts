/**
 * Uniform symmetric per-layer weight quantization (4, 8 or 16 bits; any
 * width 2–16 works), applied after training, and the straight-through
 * fake quantization for quantization-aware fine-tuning.
 *
 * For a layer with weights w and b bits:
 *   q_max = 2^(b−1) − 1,   scale = max|w| / q_max,
 *   w_q  = scale · clamp(round(w / scale), −q_max, q_max)
 * so the values lie on a grid of at most 2·q_max + 1 = 2^b − 1 levels
 * symmetric about 0 (the code −2^(b−1) is unused, which keeps the grid
 * symmetric), and |w − w_q| ≤ scale/2.
 *
 * Only the weights of the layer list are quantized (conv kernels, FC
 * matrices): they are what the accelerator stores in its crossbars and what
 * the cost model's memory counts. FC biases and batch-norm parameters stay
 * float (on the hardware BN folds into the neuron's threshold/leak).
 */
import * as tf from '@tensorflow/tfjs-core';

export const SUPPORTED_WEIGHT_BITS: readonly number[] = [4, 8, 16];

export class QuantizeError extends Error {
  override name = 'QuantizeError';
}

export function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new QuantizeError(`weight bits must be a whole number from 2 to 16 (4, 8 and 16 are the studio's choices), got ${bits}`);
}

/** Largest code magnitude of a b-bit symmetric grid: 2^(b−1) − 1. */
export function qMax(bits: number): number {
  checkBits(bits);
  return 2 ** (bits - 1) - 1;
}

/** scale = max|w| / (2^(b−1) − 1); 0 for an all-zero layer. */
export function quantScale(maxAbs: number, bits: number): number {
  return maxAbs / qMax(bits);
}

export interface QuantizedArray {
  /** dequantized values scale·code, float32 */
  values: Float32Array;
  /** integer codes in −q_max … q_max */
  codes: Int32Array;
  scale: number;
  bits: number;
}

/** Round half to even (what tf.round does), so the array reference matches the tensor version exactly. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Quantizes one layer's weights (plain arrays): the reference the tensor
 * version is tested against. It evaluates the same float32 operations in the
 * same order (scale = max|w| / q_max, code = round_half_even(w / scale),
 * value = code · scale), so the two agree exactly.
 */
export function quantizeArray(w: ArrayLike<number>, bits: number): QuantizedArray {
  const q = qMax(bits);
  const f = Math.fround;
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]));
  const scale = f(f(maxAbs) / q);
  const values = new Float32Array(w.length);
  const codes = new Int32Array(w.length);
  if (scale === 0) return { values, codes, scale, bits };
  for (let i = 0; i < w.length; i++) {
    const c = Math.max(-q, Math.min(q, roundHalfEven(f(f(w[i]) / scale))));
    codes[i] = c;
    values[i] = f(c * scale);
  }
  return { values, codes, scale, bits };
}

/**
 * scale·round(w/scale) in tensor ops (no gradient path: used after training
 * and inside the STE's forward); tf.round rounds half to even.
 */
export function quantizeTensor(w: tf.Tensor, bits: number): tf.Tensor {
  const q = qMax(bits);
  return tf.tidy(() => {
    const maxAbs = tf.max(tf.abs(w));
    // An all-zero layer gets scale 1 (its codes are all 0 either way).
    const scale = tf.where(tf.greater(maxAbs, 0), tf.div(maxAbs, q), tf.onesLike(maxAbs));
    return tf.mul(tf.clipByValue(tf.round(tf.div(w, scale)), -q, q), scale);
  });
}

const steOps = new Map<number, (w: tf.Tensor) => tf.Tensor>();

/**
 * Fake quantization with a straight-through estimator: the forward value is
 * the quantized weight, the gradient passes through unchanged (dL/dw = dL/dw_q).
 */
export function fakeQuantize(w: tf.Tensor, bits: number): tf.Tensor {
  let op = steOps.get(bits);
  if (!op) {
    checkBits(bits);
    op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: quantizeTensor(args[0] as tf.Tensor, bits),
      gradFunc: (dy: tf.Tensor) => [dy],
    })) as (w: tf.Tensor) => tf.Tensor;
    steOps.set(bits, op);
  }
  return op(w);
}

export interface HasWeights {
  readonly weights: ReadonlyMap<string, tf.Variable>;
}

/**
 * Replaces every layer-list weight of the model by its b-bit quantized value
 * and returns a function that restores the float weights.
 */
export function quantizeModelWeights(model: HasWeights, bits: number): { restore(): void; scales: Map<string, number> } {
  checkBits(bits);
  const saved = new Map<tf.Variable, tf.Tensor>();
  const scales = new Map<string, number>();
  for (const [name, v] of model.weights) {
    const keep = tf.clone(v);
    saved.set(v, keep);
    tf.tidy(() => {
      const maxAbs = tf.max(tf.abs(v));
      scales.set(name, maxAbs.dataSync()[0] / qMax(bits));
      v.assign(quantizeTensor(v, bits));
    });
  }
  return {
    scales,
    restore() {
      for (const [v, t] of saved) {
        v.assign(t);
        t.dispose();
      }
      saved.clear();
    },
  };
}
