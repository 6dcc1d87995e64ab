/**
 * Small differentiable ops of the spiking models, each with a gradient that
 * avoids tfjs-backend-wasm's slow generic kernels (Tile, AvgPoolGrad,
 * reductions over leading axes): see kernels.ts for the measurements.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AVGPOOL2_GRAD, CHANNEL_SUM, TIME_SUM, TRANSPOSE4, transpose4, useFused } from './kernels.ts';
import { spikeConv2d, spikeConvShapeOk, spikeFilterGrad, spikeKernelsReady } from './spike-kernels.ts';
import { sparseMaxRate, useSparse } from './sparse-choice.ts';

/** Σ over all axes but the last, as one matMul (ones[1, M] · x[M, C]); returns [C]. */
export function channelSum(x: tf.Tensor): tf.Tensor1D {
  if (useFused(CHANNEL_SUM)) return tf.engine().runKernel(CHANNEL_SUM, { x }, {}) as tf.Tensor1D;
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1];
    const m = x.size / c;
    return tf.reshape(tf.matMul(tf.ones([1, m]), tf.reshape(x, [m, c])), [c]);
  });
}

/** Σ over the T leading blocks of a time-major [T·B, ...] tensor → [B, ...], as one matMul. */
export function timeSum(x: tf.Tensor, timesteps: number, scale = 1): tf.Tensor {
  if (timesteps === 1) return scale === 1 ? tf.clone(x) : tf.mul(x, scale);
  if (useFused(TIME_SUM)) return tf.engine().runKernel(TIME_SUM, { x }, { timesteps, scale }) as tf.Tensor;
  return tf.tidy(() => {
    const per = x.size / timesteps;
    const shape = [x.shape[0] / timesteps, ...x.shape.slice(1)];
    return tf.reshape(tf.matMul(tf.fill([1, timesteps], scale), tf.reshape(x, [timesteps, per])), shape);
  });
}

const meanOps = new Map<number, (x: tf.Tensor) => tf.Tensor>();

/** Mean over T of a time-major [T·B, ...] tensor → [B, ...] (differentiable: its gradient is a matMul too). */
export function timeMean(x: tf.Tensor, timesteps: number): tf.Tensor {
  if (timesteps === 1) return x;
  let op = meanOps.get(timesteps);
  if (!op) {
    op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: timeSum(args[0] as tf.Tensor, timesteps, 1 / timesteps),
      gradFunc: (dy: tf.Tensor) => {
        const g = tf.mul(dy, 1 / timesteps);
        return [tf.concat(new Array<tf.Tensor>(timesteps).fill(g), 0)];
      },
    })) as (x: tf.Tensor) => tf.Tensor;
    meanOps.set(timesteps, op);
  }
  return op(x);
}

const repeatOps = new Map<number, (x: tf.Tensor) => tf.Tensor>();

/**
 * [B, ...] → [T·B, ...] time-major (the static input fed at every step).
 * Forward: concat of T copies (tf.tile is a slow generic loop on wasm);
 * backward: the time-sum of the gradient.
 */
export function repeatTime(x: tf.Tensor, timesteps: number): tf.Tensor {
  if (timesteps === 1) return x;
  let op = repeatOps.get(timesteps);
  if (!op) {
    op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const t = args[0] as tf.Tensor;
      return {
        value: tf.concat(new Array<tf.Tensor>(timesteps).fill(t), 0),
        gradFunc: (dy: tf.Tensor) => [timeSum(dy, timesteps)],
      };
    }) as (x: tf.Tensor) => tf.Tensor;
    repeatOps.set(timesteps, op);
  }
  return op(x);
}

let avgPool2Op: ((x: tf.Tensor) => tf.Tensor) | null = null;

/** Avg-pool 2×2, stride 2, 'valid' on NHWC, with a fused gradient kernel on cpu/wasm. */
export function avgPool2(x: tf.Tensor4D): tf.Tensor4D {
  if (!useFused(AVGPOOL2_GRAD)) return tf.avgPool(x, 2, 2, 'valid');
  avgPool2Op ??= tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args[0] as tf.Tensor4D;
    const [, h, w] = t.shape;
    return {
      value: tf.avgPool(t, 2, 2, 'valid'),
      gradFunc: (dy: tf.Tensor) => [tf.engine().runKernel(AVGPOOL2_GRAD, { dy }, { h, w }) as tf.Tensor],
    };
  }) as (x: tf.Tensor) => tf.Tensor;
  return avgPool2Op(x) as tf.Tensor4D;
}

/** Mean of every element (a channel-sum kernel and a tiny sum on cpu/wasm, whose generic Mean is slow). */
export function meanAll(x: tf.Tensor): tf.Scalar {
  if (!useFused(CHANNEL_SUM) || x.rank === 0) return tf.mean(x);
  return tf.tidy(() => tf.div(tf.sum(channelSum(x.rank === 1 ? tf.reshape(x, [-1, 1]) : x)), x.size));
}

/** [M, N] → [N, M] with the fused transpose on cpu/wasm (tfjs-backend-wasm's MatMul with a transposed operand is slow). */
export function transpose2(x: tf.Tensor2D): tf.Tensor2D {
  const [m, n] = x.shape;
  return tf.tidy(() => tf.reshape(transpose4(tf.reshape(x, [m, 1, 1, n]), [3, 1, 2, 0]), [n, m]));
}

/** a·b with one operand transposed: explicit transpose on cpu/wasm, the MatMul flag elsewhere. */
export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (!useFused(TRANSPOSE4)) return tf.matMul(a, b, transposeA, transposeB);
  return tf.tidy(() => tf.matMul(transposeA ? transpose2(a) : a, transposeB ? transpose2(b) : b));
}

type DenseFn = (x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D) => tf.Tensor2D;
const denseOps = new Map<string, DenseFn>();

/**
 * What a dense layer reads: 'dense' data, or a spike map ('spikes': 0/1;
 * 'pooledSpikes': sparse non-negative values such as time-averaged or pooled
 * spikes). A spike map's product runs event-driven on cpu and wasm when that
 * is the faster at its measured spike rate (the 1×1 case of spike-kernels.ts's
 * conv, chosen by sparse-choice.ts): the same bits as tf.matMul on wasm (both
 * sum over K in order), the bias added after as the dense op does.
 */
export type DenseInput = 'dense' | 'spikes' | 'pooledSpikes';

/** x [M, K] · w [K, N] as the 1×1 spike conv over [M, 1, 1, K], with its packed input and spike count. */
function spikeMatMul(x: tf.Tensor2D, w: tf.Tensor2D, weighted: boolean): { y: tf.Tensor2D; bits: tf.Tensor1D; active: tf.Tensor1D } {
  const [m, k] = x.shape;
  const n = w.shape[1];
  const r = spikeConv2d(tf.reshape(x, [m, 1, 1, k]), tf.reshape(w, [1, 1, k, n]), NO_PADS, weighted, sparseMaxRate('forward', 1, 1, k, n));
  return { y: tf.reshape(r.y, [m, n]), bits: r.bits, active: r.active };
}
const NO_PADS = { top: 0, bottom: 0, left: 0, right: 0 };

/**
 * x [M, K] · w [K, N] (+ b [N]) with a gradient made of plain (untransposed)
 * matMuls and the fused transpose: dx = dy·wᵀ, dw = xᵀ·dy, db = Σ dy; for a
 * spike input (`input`) the product and dw run event-driven where faster.
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D, input: DenseInput = 'dense'): tf.Tensor2D {
  const withBias = b !== undefined;
  const key = `${withBias ? 1 : 0}:${input}`;
  let op = denseOps.get(key);
  if (!op) {
    op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const xx = args[0] as tf.Tensor2D;
      const ww = args[1] as tf.Tensor2D;
      const bb = withBias ? (args[2] as tf.Tensor1D) : undefined;
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const [m, k] = xx.shape;
      const n = ww.shape[1];
      const weighted = input === 'pooledSpikes';
      const spiky = input !== 'dense' && spikeKernelsReady() && spikeConvShapeOk([m, 1, 1, k], n);
      let product: tf.Tensor2D;
      if (spiky) {
        const r = spikeMatMul(xx, ww, weighted);
        save([xx, ww, r.bits, r.active]);
        product = r.y;
      } else {
        save([xx, ww]);
        product = tf.matMul(xx, ww);
      }
      return {
        value: bb ? tf.add(product, bb) : product,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sw, bits, active] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D?, tf.Tensor1D?];
          const g = dy as tf.Tensor2D;
          const dx = matMulT(g, sw, false, true);
          const sparseDw = bits && active && useSparse('filterGrad', 1, 1, k, n, active.dataSync()[0] / sx.size);
          const dw = sparseDw ? tf.reshape(spikeFilterGrad(bits, tf.reshape(sx, [m, 1, 1, k]), tf.reshape(g, [m, 1, 1, n]), 1, 1, NO_PADS, weighted), [k, n]) : matMulT(sx, g, true, false);
          return withBias ? [dx, dw, channelSum(g)] : [dx, dw];
        },
      };
    }) as unknown as DenseFn;
    denseOps.set(key, op);
  }
  return b ? op(x, w, b) : op(x, w);
}
