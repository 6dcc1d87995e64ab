/**
 * conv2d (stride 1, NHWC) with a hand-written gradient.
 *
 * tfjs-backend-wasm 4.22 registers Conv2D and Conv2DBackpropInput but no
 * Conv2DBackpropFilter kernel (see node_modules/@tensorflow/tfjs-backend-wasm/
 * dist/kernels/), so tfjs autodiff of tf.conv2d cannot train a filter there.
 * Its Conv2DBackpropInput is also a plain loop, about 10× slower than its
 * XNNPACK Conv2D on the same shapes. So both gradients here are ordinary
 * forward convolutions, which every backend runs fast:
 *   dx = conv2d(dy, W flipped in space with in/out channels swapped)
 *        (a stride-1 transposed conv; "full" padding k−1−p)
 *   dW = ONE conv2d over transposed tensors, the batch acting as channels:
 *        xᵀ [Cin, H, W, N] ⊛ dyᵀ as a filter [H', W', N, Cout] → [Cin, k, k, Cout],
 *        then transposed to [k, k, Cin, Cout].
 * For k = 1 the filter gradient is a single matMul (xᵀ·dy over N·H·W rows).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FILTER_GRAD_SMALL, IM2COL_T, transpose4, useFused } from './kernels.ts';
import { channelSum, matMulT } from './ops.ts';
import { packedConv2d, packedSpikeCount, spikeConv2d, spikeConvShapeOk, spikeFilterGrad, spikeKernelsReady, unpackSpikes, type ConvPads, type PackedSpikes } from './spike-kernels.ts';
import { sparseMaxRate, useSparse } from './sparse-choice.ts';

export type ConvPad = 'same' | 'valid';

/** The padding tfjs applies for `same`/`valid` at stride 1 (extra row/column at the bottom/right for even k). */
function padsFor(kh: number, kw: number, pad: ConvPad): ConvPads {
  if (pad === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  const ph = kh - 1;
  const pw = kw - 1;
  return { top: Math.floor(ph / 2), bottom: ph - Math.floor(ph / 2), left: Math.floor(pw / 2), right: pw - Math.floor(pw / 2) };
}

type Explicit = [[number, number], [number, number], [number, number], [number, number]];


/** dx of a stride-1 conv: dy convolved with the spatially flipped, channel-swapped kernel. */
export function convInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, pad: ConvPad): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = w.shape;
    const p = padsFor(kh, kw, pad);
    const wf = kh === 1 && kw === 1 ? (tf.transpose(w, [0, 1, 3, 2]) as tf.Tensor4D) : (tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D);
    const full: Explicit = [[0, 0], [kh - 1 - p.top, kh - 1 - p.bottom], [kw - 1 - p.left, kw - 1 - p.right], [0, 0]];
    const samePad = p.top === (kh - 1) / 2 && p.bottom === p.top && p.left === (kw - 1) / 2 && p.right === p.left;
    return tf.conv2d(dy, wf, 1, samePad ? 'same' : full);
  });
}

/** dW of a stride-1 conv as one forward conv over transposed tensors (or one matMul for 1×1). */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, pad: ConvPad): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, wd, cin] = x.shape;
    const cout = dy.shape[3];
    if (kh === 1 && kw === 1) {
      // 1×1: dW[ci, co] = Σ_{n,h,w} x[n,h,w,ci]·dy[n,h,w,co]
      const rows = n * h * wd;
      return tf.reshape(matMulT(tf.reshape(x, [rows, cin]), tf.reshape(dy, [rows, cout]), true, false), [1, 1, cin, cout]);
    }
    const p = padsFor(kh, kw, pad);
    const [, ho, wo] = dy.shape;
    if (kh * kw * cin <= 32 && cout % 4 === 0 && tf.getBackend() === 'wasm' && useFused(FILTER_GRAD_SMALL)) {
      // Few input channels on wasm: the gradient directly, one SIMD pass over the pixels.
      return tf.engine().runKernel(FILTER_GRAD_SMALL, { x, dy }, { kh, kw, padTop: p.top, padLeft: p.left }) as tf.Tensor4D;
    }
    if (kh * kw * cin <= 32 && useFused(IM2COL_T)) {
      // Few input channels (the stem on the image): the patch matrix is small, and one
      // matMul beats a conv whose output has only k·k pixels per input channel.
      const colT = tf.engine().runKernel(IM2COL_T, { x }, { kh, kw, padTop: p.top, padLeft: p.left, ho, wo }) as tf.Tensor2D;
      return tf.reshape(tf.matMul(colT, tf.reshape(dy, [n * ho * wo, cout])), [kh, kw, cin, cout]);
    }
    const xt = transpose4(x, [3, 1, 2, 0]); // [Cin, H, W, N]
    const dyt = transpose4(dy, [1, 2, 0, 3]); // [H', W', N, Cout]
    const g = tf.conv2d(xt, dyt, 1, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]); // [Cin, kh, kw, Cout]
    return transpose4(g, [1, 2, 0, 3]);
  });
}

/**
 * The conv (stride 1) of a packed binary spike map, for the score (no
 * gradient): event-driven when that is the faster at the map's spike rate
 * (sparse-choice.ts),
 * else the map unpacked and the dense tf.conv2d. Both give the same bits.
 */
export function packedSpikeConv(s: PackedSpikes, w: tf.Tensor4D, pad: ConvPad = 'same'): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  const size = s.shape.reduce((a, d) => a * d, 1);
  if (spikeConvShapeOk(s.shape, cout) && useSparse('forward', kh, kw, cin, cout, packedSpikeCount(s) / size)) {
    const p = padsFor(kh, kw, pad);
    return packedConv2d(s, w, p);
  }
  return tf.tidy(() => tf.conv2d(unpackSpikes(s) as tf.Tensor4D, w, 1, pad));
}

type ConvFn = (x: tf.Tensor4D, w: tf.Tensor4D, b?: tf.Tensor1D) => tf.Tensor4D;
const convCache = new Map<string, ConvFn>();

/**
 * What a conv reads: 'dense' data (the image), 'spikes' (0/1: a LIF's
 * output) or 'pooledSpikes' (sparse non-negative values such as avg-pooled
 * spikes). For spike maps on cpu and wasm the forward pass and the filter
 * gradient run event-driven (spike-kernels.ts) when that is the faster at
 * the batch's measured spike rate (sparse-choice.ts); the forward result is
 * the same to the last bit either way, the filter gradient the same to
 * float32 rounding. The input gradient is always the dense conv (dy is
 * dense).
 */
export type ConvInput = 'dense' | 'spikes' | 'pooledSpikes';

function makeConv(pad: ConvPad, inputGrad: boolean, withBias: boolean, input: ConvInput): ConvFn {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x4 = args[0] as tf.Tensor4D;
    const w4 = args[1] as tf.Tensor4D;
    const bias = withBias ? (args[2] as tf.Tensor1D) : undefined;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [kh, kw, cin, cout] = w4.shape;
    const grads = (dw: tf.Tensor4D, dy4: tf.Tensor4D, sx: tf.Tensor4D, sw: tf.Tensor4D): tf.Tensor[] => {
      const dx = inputGrad ? convInputGrad(dy4, sw, pad) : tf.zerosLike(sx);
      return withBias ? [dx, dw, channelSum(dy4)] : [dx, dw];
    };
    if (input !== 'dense' && spikeKernelsReady() && spikeConvShapeOk(x4.shape, cout)) {
      const p = padsFor(kh, kw, pad);
      const weighted = input === 'pooledSpikes';
      // Packs x (kept for the filter gradient) and runs event-driven or dense by its spike count.
      const r = spikeConv2d(x4, w4, p, weighted, sparseMaxRate('forward', kh, kw, cin, cout), bias);
      save([x4, w4, r.bits, r.active]);
      return {
        value: r.y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sw, bits, active] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
          const dy4 = dy as tf.Tensor4D;
          const rate = active.dataSync()[0] / sx.size;
          const dw = useSparse('filterGrad', kh, kw, cin, cout, rate) ? spikeFilterGrad(bits, sx, dy4, kh, kw, p, weighted) : convFilterGrad(sx, dy4, kh, kw, pad);
          return grads(dw, dy4, sx, sw);
        },
      };
    }
    save([x4, w4]);
    return {
      value: bias ? tf.fused.conv2d({ x: x4, filter: w4, strides: 1, pad, bias }) : tf.conv2d(x4, w4, 1, pad),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        return grads(convFilterGrad(sx, dy4, kh, kw, pad), dy4, sx, sw);
      },
    };
  });
  return f as unknown as ConvFn;
}

/**
 * Stride-1 conv2d, x [N, H, W, Cin] ⊛ w [k, k, Cin, Cout] (+ bias [Cout]),
 * whose gradient needs only Conv2D, MatMul and the fused transpose (and the
 * spike kernels for spike inputs: `input`).
 * `inputGrad: false` skips dx (returns zeros) for a conv whose input is data,
 * like the stem on the image.
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, pad: ConvPad = 'same', inputGrad = true, bias?: tf.Tensor1D, input: ConvInput = 'dense'): tf.Tensor4D {
  const key = `${pad}:${inputGrad ? 1 : 0}:${bias ? 1 : 0}:${input}`;
  let f = convCache.get(key);
  if (!f) {
    f = makeConv(pad, inputGrad, bias !== undefined, input);
    convCache.set(key, f);
  }
  return bias ? f(x, w, bias) : f(x, w);
}
