/**
 * Fused training kernels for the memory-bound parts of a training step,
 * registered for the 'cpu' and 'wasm' backends as plain JS loops (on wasm,
 * over views of the wasm heap, like the LIF kernels in lif-kernels.ts).
 * On any other backend the callers in conv.ts / batchnorm.ts / pool.ts use
 * ordinary tfjs ops instead.
 *
 * Why: tfjs-backend-wasm runs these with generic, slow code paths. Measured
 * in Node on a [128, 28, 28, 16] tensor (one layer of a T = 4, B = 32
 * batch): Transpose 15–50 ms, AvgPoolGrad 25–100 ms, the per-channel
 * moments of a batch norm ~20 ms and its autodiff backward several times
 * that, where one pass of a JS loop over the heap takes a few ms.
 *
 *   NeuronasBnForward   {x, gamma, beta} → [y, mean, variance, invStd]
 *                       over all axes but the last; variance is biased
 *   NeuronasBnBackward  {dy, x, mean, invStd, gamma} → [dx, dGamma, dBeta]
 *   NeuronasAvgPool2Grad {dy} → dx: the gradient of a 2×2, stride-2, 'valid' avg-pool
 *   NeuronasTranspose4  {x} → x permuted by attrs.perm (rank 4)
 *   NeuronasTimeSum     {x [T·B, …]} → [B, …]: Σ over the T time-major blocks, times attrs.scale
 *   NeuronasChannelSum  {x [..., C]} → [C]: Σ over every axis but the last
 *   NeuronasIm2ColT     {x [N, H, W, C]} → [k·k·C, N·H'·W']: the transposed patch
 *                       matrix of a stride-1 k×k conv (row (kh·k + kw)·C + c)
 *   NeuronasFilterGradSmall {x, dy} → dW [kh, kw, Cin, Cout]: stride-1 conv filter gradient
 *                       computed directly, for few input channels (the stem on the image)
 *   NeuronasAdam        {w, m, v, g} → [w', m', v']: one Adam update (optim.ts), instead of ~12 ops per variable
 *   NeuronasSgd         {w, b, g} → [w', b']: one SGD-with-momentum update
 */
import * as tf from '@tensorflow/tfjs-core';
import { f32Bits, simdTrainingKernels, type SimdTrainingKernels } from './simd-kernels.ts';
import { cpuFloat32, type CpuBackendLike, type WasmBackendLike } from './backend-data.ts';

export const BN_FORWARD = 'NeuronasBnForward';
export const BN_BACKWARD = 'NeuronasBnBackward';
export const AVGPOOL2_GRAD = 'NeuronasAvgPool2Grad';
export const TRANSPOSE4 = 'NeuronasTranspose4';
export const TIME_SUM = 'NeuronasTimeSum';
export const CHANNEL_SUM = 'NeuronasChannelSum';
export const IM2COL_T = 'NeuronasIm2ColT';
export const ADAM = 'NeuronasAdam';
export const FILTER_GRAD_SMALL = 'NeuronasFilterGradSmall';
export const SGD = 'NeuronasSgd';

// ---------------------------------------------------------------------------
// The loops (exported for tests)

// Loop style: V8 keeps scalar locals in registers but reloads and stores a
// per-channel array element every iteration, and that (not the arithmetic)
// bounds a naive "for row, for channel: acc[c] += x" loop (~4× slower). So the
// channel loops go four channels at a time with scalar locals, striding down
// the rows of a chunk of ROWS rows that stays in cache while every group of
// four channels walks it (one pass over memory for any channel count).
// Channel counts that are not a multiple of 4 take a plain loop.

const ROWS = 256;

/** Σx per channel (float64). */
function channelSums(x: Float32Array, C: number, s: Float64Array): void {
  const n = x.length;
  s.fill(0);
  if (C % 4 !== 0) {
    for (let o = 0, c = 0; o < n; o++) {
      s[c] += x[o];
      if (++c === C) c = 0;
    }
    return;
  }
  const chunk = ROWS * C;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    for (let c = 0; c < C; c += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let o = start + c; o < end; o += C) {
        a0 += x[o]; a1 += x[o + 1]; a2 += x[o + 2]; a3 += x[o + 3];
      }
      s[c] += a0; s[c + 1] += a1; s[c + 2] += a2; s[c + 3] += a3;
    }
  }
}

/** y = x·a[c] + b[c] (+ z·d[c] when z and d are given) over x viewed as [M, C]. */
function channelAffine(x: Float32Array, C: number, a: Float32Array, b: Float32Array, y: Float32Array, z?: Float32Array, d?: Float32Array): void {
  const n = x.length;
  if (C % 4 !== 0) {
    for (let o = 0, c = 0; o < n; o++) {
      y[o] = z && d ? x[o] * a[c] + z[o] * d[c] + b[c] : x[o] * a[c] + b[c];
      if (++c === C) c = 0;
    }
    return;
  }
  const chunk = ROWS * C;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    for (let c = 0; c < C; c += 4) {
      const a0 = a[c], a1 = a[c + 1], a2 = a[c + 2], a3 = a[c + 3];
      const b0 = b[c], b1 = b[c + 1], b2 = b[c + 2], b3 = b[c + 3];
      if (z && d) {
        const d0 = d[c], d1 = d[c + 1], d2 = d[c + 2], d3 = d[c + 3];
        for (let o = start + c; o < end; o += C) {
          y[o] = x[o] * a0 + z[o] * d0 + b0;
          y[o + 1] = x[o + 1] * a1 + z[o + 1] * d1 + b1;
          y[o + 2] = x[o + 2] * a2 + z[o + 2] * d2 + b2;
          y[o + 3] = x[o + 3] * a3 + z[o + 3] * d3 + b3;
        }
      } else {
        for (let o = start + c; o < end; o += C) {
          y[o] = x[o] * a0 + b0;
          y[o + 1] = x[o + 1] * a1 + b1;
          y[o + 2] = x[o + 2] * a2 + b2;
          y[o + 3] = x[o + 3] * a3 + b3;
        }
      }
    }
  }
}

/** Σdy and Σdy·x per channel of [M, C] (float64); with dy = x, the moments Σx and Σx². */
function channelDots(dy: Float32Array, x: Float32Array, C: number, s: Float64Array, sx: Float64Array): void {
  const n = x.length;
  s.fill(0);
  sx.fill(0);
  if (C % 4 !== 0) {
    for (let o = 0, c = 0; o < n; o++) {
      s[c] += dy[o];
      sx[c] += dy[o] * x[o];
      if (++c === C) c = 0;
    }
    return;
  }
  const chunk = ROWS * C;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    for (let c = 0; c < C; c += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let o = start + c; o < end; o += C) {
        const g0 = dy[o], g1 = dy[o + 1], g2 = dy[o + 2], g3 = dy[o + 3];
        a0 += g0; a1 += g1; a2 += g2; a3 += g3;
        b0 += g0 * x[o]; b1 += g1 * x[o + 1]; b2 += g2 * x[o + 2]; b3 += g3 * x[o + 3];
      }
      s[c] += a0; s[c + 1] += a1; s[c + 2] += a2; s[c + 3] += a3;
      sx[c] += b0; sx[c + 1] += b1; sx[c + 2] += b2; sx[c + 3] += b3;
    }
  }
}

/**
 * Per-channel mean and biased variance of x viewed as [M, C]; y = γ(x − μ)·invStd + β.
 * One pass of float64 sums (Σx, Σx²) and one affine pass.
 */
export function bnForwardLoop(x: Float32Array, C: number, gamma: Float32Array, beta: Float32Array, eps: number, y: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array): void {
  const M = x.length / C;
  const s = new Float64Array(C);
  const s2 = new Float64Array(C);
  channelDots(x, x, C, s, s2);
  const a = new Float32Array(C);
  const b = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const m = s[c] / M;
    const v = Math.max(0, s2[c] / M - m * m);
    const inv = 1 / Math.sqrt(v + eps);
    mean[c] = m;
    variance[c] = v;
    invStd[c] = inv;
    a[c] = gamma[c] * inv;
    b[c] = beta[c] - m * gamma[c] * inv;
  }
  channelAffine(x, C, a, b, y);
}

/**
 * dx = γ·invStd/M·(M·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy, x̂ = (x − μ)·invStd,
 * from one pass of sums (Σdy, Σdy·x) and one pass dx = k·dy + p·x + q.
 */
export function bnBackwardLoop(dy: Float32Array, x: Float32Array, C: number, mean: Float32Array, invStd: Float32Array, gamma: Float32Array, dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void {
  const M = x.length / C;
  const sdy = new Float64Array(C);
  const sdyx = new Float64Array(C);
  channelDots(dy, x, C, sdy, sdyx);
  const k = new Float32Array(C);
  const p = new Float32Array(C);
  const q = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const inv = invStd[c];
    const kc = gamma[c] * inv;
    const sdyxhat = inv * (sdyx[c] - mean[c] * sdy[c]); // Σ dy·x̂
    const mdy = sdy[c] / M;
    const mdyx = sdyxhat / M;
    k[c] = kc;
    p[c] = -kc * mdyx * inv;
    q[c] = -kc * mdy + kc * mdyx * inv * mean[c];
    dGamma[c] = sdyxhat;
    dBeta[c] = sdy[c];
  }
  channelAffine(dy, C, k, q, dx, x, p);
}

/** Gradient of avg-pool 2×2 stride 2 'valid' on [N, H, W, C] (odd trailing rows/columns get 0). */
export function avgPool2GradLoop(dy: Float32Array, N: number, H: number, W: number, C: number, dx: Float32Array): void {
  const Ho = Math.floor(H / 2);
  const Wo = Math.floor(W / 2);
  if (H % 2 || W % 2) dx.fill(0);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      const r0 = ((n * H + 2 * i) * W) * C;
      const r1 = r0 + W * C;
      const src = ((n * Ho + i) * Wo) * C;
      for (let j = 0; j < Wo; j++) {
        const s = src + j * C;
        const d0 = r0 + 2 * j * C;
        const d1 = r1 + 2 * j * C;
        for (let c = 0; c < C; c++) {
          const g = dy[s + c] * 0.25;
          dx[d0 + c] = g;
          dx[d0 + C + c] = g;
          dx[d1 + c] = g;
          dx[d1 + C + c] = g;
        }
      }
    }
  }
}

/**
 * out = x permuted by perm (rank 4); out.shape[i] = x.shape[perm[i]].
 * The two permutations of the conv filter gradient keep H, W together and get
 * cache-friendly loops over the view x = [N, S = H·W, C]:
 *   [3, 1, 2, 0]: [N, S, C] → [C, S, N] (per s: read N rows of C, write C runs of N)
 *   [1, 2, 0, 3]: [N, S, C] → [S, N, C] (row copies)
 * Any other permutation takes the general loop.
 */
export function transpose4Loop(x: Float32Array, shape: readonly number[], perm: readonly number[], out: Float32Array): void {
  const [N, H, W, C] = shape;
  const S = H * W;
  if (perm[0] === 3 && perm[1] === 1 && perm[2] === 2 && perm[3] === 0) {
    for (let s = 0; s < S; s++) {
      for (let n = 0; n < N; n++) {
        const i = (n * S + s) * C;
        let o = s * N + n;
        for (let c = 0; c < C; c++, o += S * N) out[o] = x[i + c];
      }
    }
    return;
  }
  if (perm[0] === 1 && perm[1] === 2 && perm[2] === 0 && perm[3] === 3) {
    for (let s = 0, o = 0; s < S; s++) {
      for (let n = 0; n < N; n++) {
        const i = (n * S + s) * C;
        for (let c = 0; c < C; c++) out[o++] = x[i + c];
      }
    }
    return;
  }
  const inStride = [H * W * C, W * C, C, 1];
  const [d0, d1, d2, d3] = perm.map((p) => shape[p]);
  const [s0, s1, s2, s3] = perm.map((p) => inStride[p]);
  let k = 0;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      for (let c = 0; c < d2; c++) {
        let i = a * s0 + b * s1 + c * s2;
        for (let d = 0; d < d3; d++, i += s3) out[k++] = x[i];
      }
    }
  }
}

/** out[i] = scale·Σ_t x[t·n + i] for x viewed as [T, n]. */
export function timeSumLoop(x: Float32Array, T: number, scale: number, out: Float32Array): void {
  const n = out.length;
  if (T === 4) {
    for (let i = 0; i < n; i++) out[i] = (x[i] + x[n + i] + x[2 * n + i] + x[3 * n + i]) * scale;
    return;
  }
  for (let i = 0; i < n; i++) {
    let a = 0;
    for (let t = 0, o = i; t < T; t++, o += n) a += x[o];
    out[i] = a * scale;
  }
}

/** out[c] = Σ_m x[m·C + c]. */
export function channelSumLoop(x: Float32Array, C: number, out: Float32Array): void {
  const s = new Float64Array(C);
  channelSums(x, C, s);
  for (let c = 0; c < C; c++) out[c] = s[c];
}

/**
 * Transposed im2col of a stride-1 conv: out[(kh·kw_n + kw)·C + c][(n·Ho + i)·Wo + j]
 * = x[n, i + kh − padTop, j + kw − padLeft, c] (0 outside the image).
 */
export function im2colTLoop(x: Float32Array, N: number, H: number, W: number, C: number, kh: number, kw: number, padTop: number, padLeft: number, Ho: number, Wo: number, out: Float32Array): void {
  const cols = N * Ho * Wo;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      for (let c = 0; c < C; c++) {
        const row = ((a * kw + b) * C + c) * cols;
        let o = row;
        for (let n = 0; n < N; n++) {
          for (let i = 0; i < Ho; i++) {
            const h = i + a - padTop;
            if (h < 0 || h >= H) {
              for (let j = 0; j < Wo; j++) out[o++] = 0;
              continue;
            }
            const base = ((n * H + h) * W) * C + c;
            for (let j = 0; j < Wo; j++) {
              const w = j + b - padLeft;
              out[o++] = w >= 0 && w < W ? x[base + w * C] : 0;
            }
          }
        }
      }
    }
  }
}

/** dW[a, b, ci, co] = Σ_{n,i,j} x[n, i + a − pt, j + b − pl, ci]·dy[n, i, j, co] (zero outside the image). */
export function filterGradLoop(x: Float32Array, dy: Float32Array, N: number, H: number, W: number, Cin: number, Ho: number, Wo: number, Cout: number, kh: number, kw: number, pt: number, pl: number, dw: Float32Array): void {
  const acc = new Float64Array(dw.length);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const dyp = ((n * Ho + i) * Wo + j) * Cout;
        for (let a = 0; a < kh; a++) {
          const h = i + a - pt;
          if (h < 0 || h >= H) continue;
          for (let b = 0; b < kw; b++) {
            const w = j + b - pl;
            if (w < 0 || w >= W) continue;
            const xp = ((n * H + h) * W + w) * Cin;
            for (let ci = 0; ci < Cin; ci++) {
              const xv = x[xp + ci];
              if (xv === 0) continue;
              const wp = ((a * kw + b) * Cin + ci) * Cout;
              for (let co = 0; co < Cout; co++) acc[wp + co] += xv * dy[dyp + co];
            }
          }
        }
      }
    }
  }
  for (let k = 0; k < dw.length; k++) dw[k] = acc[k];
}

/**
 * Adam, in the form of optim.ts: g ← g + λw; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * w ← w − lrT·m/(√v + epsT), float32 like the op version.
 */
export function adamLoop(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, lrT: number, b1: number, b2: number, epsT: number, wd: number, w2: Float32Array, m2: Float32Array, v2: Float32Array): void {
  const f = Math.fround;
  const c1 = f(1 - b1);
  const c2 = f(1 - b2);
  for (let i = 0; i < w.length; i++) {
    const gi = wd > 0 ? f(g[i] + f(w[i] * wd)) : g[i];
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    m2[i] = mi;
    v2[i] = vi;
    w2[i] = f(w[i] - f(f(mi / f(Math.sqrt(vi) + epsT)) * lrT));
  }
}

/** SGD with momentum (PyTorch form): g ← g + λw; b ← μb + g; w ← w − lr·b. */
export function sgdLoop(w: Float32Array, b: Float32Array, g: Float32Array, lr: number, mu: number, wd: number, w2: Float32Array, b2: Float32Array): void {
  const f = Math.fround;
  for (let i = 0; i < w.length; i++) {
    const gi = wd > 0 ? f(g[i] + f(w[i] * wd)) : g[i];
    const bi = f(f(b[i] * mu) + gi);
    b2[i] = bi;
    w2[i] = f(w[i] - f(bi * lr));
  }
}

// ---------------------------------------------------------------------------
// Backend plumbing

/** Whether the wasm kernels may use the WebAssembly module of simd-kernels.ts (tests compare both paths). */
let simdEnabled = true;
export function setTrainingSimd(on: boolean): void {
  simdEnabled = on;
}

function simdOf(backendName: 'cpu' | 'wasm', backend: unknown): { k: SimdTrainingKernels; b: WasmBackendLike } | null {
  if (backendName !== 'wasm' || !simdEnabled) return null;
  const b = backend as WasmBackendLike;
  const memory = b.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || typeof b.getMemoryOffset !== 'function') return null;
  const k = simdTrainingKernels(memory);
  return k ? { k, b } : null;
}

const BN_CHUNK_ROWS = 256;

/** Adds the per-chunk float32 sums [chunks, C] into float64 totals. */
function reduceChunks(parts: Float32Array, C: number, out: Float64Array): void {
  out.fill(0);
  for (let o = 0, c = 0; o < parts.length; o++) {
    out[c] += parts[o];
    if (++c === C) c = 0;
  }
}

/** Batch-norm forward on the wasm heap: chunked SIMD sums, float64 finish in JS, SIMD affine pass. */
function bnForwardSimd(sb: { k: SimdTrainingKernels; b: WasmBackendLike }, x: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo, eps: number): tf.TensorInfo[] {
  const { k, b } = sb;
  const C = x.shape[x.shape.length - 1];
  const M = x.shape.reduce((a, d) => a * d, 1) / C;
  const chunks = Math.ceil(M / BN_CHUNK_ROWS);
  const y = b.makeOutput(x.shape, 'float32');
  const mean = b.makeOutput([C], 'float32');
  const variance = b.makeOutput([C], 'float32');
  const invStd = b.makeOutput([C], 'float32');
  const parts = b.makeOutput([2, chunks, C], 'float32');
  const ab = b.makeOutput([2, C], 'float32');
  const off = (t: tf.TensorInfo) => b.getMemoryOffset(t.dataId);
  k.mom(off(x), off(parts), off(parts) + chunks * C * 4, M, C, BN_CHUNK_ROWS);
  const pv = b.typedArrayFromHeap(parts);
  const s = new Float64Array(C);
  const s2 = new Float64Array(C);
  reduceChunks(pv.subarray(0, chunks * C), C, s);
  reduceChunks(pv.subarray(chunks * C), C, s2);
  const [mv, vv, iv, abv, g, bt] = [mean, variance, invStd, ab, gamma, beta].map((t) => b.typedArrayFromHeap(t));
  for (let c = 0; c < C; c++) {
    const m = s[c] / M;
    const v = Math.max(0, s2[c] / M - m * m);
    const inv = 1 / Math.sqrt(v + eps);
    mv[c] = m;
    vv[c] = v;
    iv[c] = inv;
    abv[c] = g[c] * inv;
    abv[C + c] = bt[c] - m * g[c] * inv;
  }
  k.aff(off(x), off(y), off(ab), off(ab) + C * 4, M, C);
  b.disposeData(parts.dataId);
  b.disposeData(ab.dataId);
  return [y, mean, variance, invStd];
}

/** Batch-norm backward on the wasm heap: chunked SIMD Σdy, Σdy·x; dx = k·dy + p·x + q in one SIMD pass. */
function bnBackwardSimd(sb: { k: SimdTrainingKernels; b: WasmBackendLike }, dy: tf.TensorInfo, x: tf.TensorInfo, mean: tf.TensorInfo, invStd: tf.TensorInfo, gamma: tf.TensorInfo): tf.TensorInfo[] {
  const { k, b } = sb;
  const C = x.shape[x.shape.length - 1];
  const M = x.shape.reduce((a, d) => a * d, 1) / C;
  const chunks = Math.ceil(M / BN_CHUNK_ROWS);
  const dx = b.makeOutput(x.shape, 'float32');
  const dGamma = b.makeOutput([C], 'float32');
  const dBeta = b.makeOutput([C], 'float32');
  const parts = b.makeOutput([2, chunks, C], 'float32');
  const kpq = b.makeOutput([3, C], 'float32');
  const off = (t: tf.TensorInfo) => b.getMemoryOffset(t.dataId);
  k.dots(off(dy), off(x), off(parts), off(parts) + chunks * C * 4, M, C, BN_CHUNK_ROWS);
  const pv = b.typedArrayFromHeap(parts);
  const sdy = new Float64Array(C);
  const sdyx = new Float64Array(C);
  reduceChunks(pv.subarray(0, chunks * C), C, sdy);
  reduceChunks(pv.subarray(chunks * C), C, sdyx);
  const [mv, iv, g, dgv, dbv, kv] = [mean, invStd, gamma, dGamma, dBeta, kpq].map((t) => b.typedArrayFromHeap(t));
  for (let c = 0; c < C; c++) {
    const inv = iv[c];
    const kc = g[c] * inv;
    const sdyxhat = inv * (sdyx[c] - mv[c] * sdy[c]);
    const mdyx = sdyxhat / M;
    kv[c] = kc;
    kv[C + c] = -kc * mdyx * inv;
    kv[2 * C + c] = -kc * (sdy[c] / M) + kc * mdyx * inv * mv[c];
    dgv[c] = sdyxhat;
    dbv[c] = sdy[c];
  }
  k.aff2(off(dy), off(x), off(dx), off(kpq), off(kpq) + C * 4, off(kpq) + 2 * C * 4, M, C);
  b.disposeData(parts.dataId);
  b.disposeData(kpq.dataId);
  return [dx, dGamma, dBeta];
}

function f32(info: tf.TensorInfo, what: string): void {
  if (info.dtype !== 'float32') throw new Error(`${what}: expected float32, got ${info.dtype}`);
}

/**
 * Runs `body` with float32 views of the inputs and freshly made outputs, on
 * either backend. On wasm the views are taken after every output is
 * allocated (an allocation may grow the heap, which detaches older views).
 */
function run(backendName: 'cpu' | 'wasm', backend: unknown, inputs: tf.TensorInfo[], outShapes: number[][], body: (ins: Float32Array[], outs: Float32Array[]) => void): tf.TensorInfo[] {
  if (backendName === 'cpu') {
    const b = backend as CpuBackendLike;
    const ins = inputs.map((t) => cpuFloat32(b, t, 'fused kernel'));
    const outs = outShapes.map((s) => new Float32Array(s.reduce((a, d) => a * d, 1)));
    body(ins, outs);
    return outs.map((o, i) => b.makeTensorInfo(outShapes[i], 'float32', o));
  }
  const b = backend as WasmBackendLike;
  const infos = outShapes.map((s) => b.makeOutput(s, 'float32'));
  body(
    inputs.map((t) => b.typedArrayFromHeap(t)),
    infos.map((t) => b.typedArrayFromHeap(t)),
  );
  return infos;
}

function kernels(backendName: 'cpu' | 'wasm'): tf.KernelConfig[] {
  return [
    {
      kernelName: BN_FORWARD,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const x = inputs.x as tf.TensorInfo;
        f32(x, BN_FORWARD);
        const C = x.shape[x.shape.length - 1];
        const eps = (attrs as { eps: number }).eps;
        const sb = C % 4 === 0 ? simdOf(backendName, backend) : null;
        if (sb) return bnForwardSimd(sb, x, inputs.gamma as tf.TensorInfo, inputs.beta as tf.TensorInfo, eps);
        return run(backendName, backend, [x, inputs.gamma as tf.TensorInfo, inputs.beta as tf.TensorInfo], [x.shape, [C], [C], [C]], ([xv, g, bt], [y, m, v, inv]) =>
          bnForwardLoop(xv, C, g, bt, eps, y, m, v, inv),
        );
      },
    },
    {
      kernelName: BN_BACKWARD,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const x = inputs.x as tf.TensorInfo;
        f32(x, BN_BACKWARD);
        const C = x.shape[x.shape.length - 1];
        const ins = ['dy', 'x', 'mean', 'invStd', 'gamma'].map((k) => inputs[k] as tf.TensorInfo);
        const sb = C % 4 === 0 ? simdOf(backendName, backend) : null;
        if (sb) return bnBackwardSimd(sb, ins[0], ins[1], ins[2], ins[3], ins[4]);
        return run(backendName, backend, ins, [x.shape, [C], [C]], ([dy, xv, m, inv, g], [dx, dg, db]) => bnBackwardLoop(dy, xv, C, m, inv, g, dx, dg, db));
      },
    },
    {
      kernelName: AVGPOOL2_GRAD,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const dy = inputs.dy as tf.TensorInfo;
        f32(dy, AVGPOOL2_GRAD);
        const { h, w } = attrs as { h: number; w: number };
        const [N, , , C] = dy.shape;
        const sb = C % 4 === 0 ? simdOf(backendName, backend) : null;
        if (sb) {
          const dx = sb.b.makeOutput([N, h, w, C], 'float32');
          if (h % 2 || w % 2) sb.b.typedArrayFromHeap(dx).fill(0);
          sb.k.pool2g(sb.b.getMemoryOffset(dy.dataId), sb.b.getMemoryOffset(dx.dataId), N, h, w, C);
          return dx;
        }
        return run(backendName, backend, [dy], [[N, h, w, C]], ([g], [dx]) => avgPool2GradLoop(g, N, h, w, C, dx))[0];
      },
    },
    {
      kernelName: TRANSPOSE4,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const x = inputs.x as tf.TensorInfo;
        f32(x, TRANSPOSE4);
        const perm = (attrs as { perm: number[] }).perm;
        const p = perm.join('');
        const sb = p === '3120' || p === '1203' ? simdOf(backendName, backend) : null;
        if (sb) {
          const [N, H, W, C] = x.shape;
          const out = sb.b.makeOutput(perm.map((q) => x.shape[q]), 'float32');
          (p === '3120' ? sb.k.t3120 : sb.k.t1203)(sb.b.getMemoryOffset(x.dataId), sb.b.getMemoryOffset(out.dataId), N, H * W, C);
          return out;
        }
        return run(backendName, backend, [x], [perm.map((p) => x.shape[p])], ([xv], [o]) => transpose4Loop(xv, x.shape, perm, o))[0];
      },
    },
    {
      kernelName: TIME_SUM,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const x = inputs.x as tf.TensorInfo;
        f32(x, TIME_SUM);
        const { timesteps, scale } = attrs as { timesteps: number; scale: number };
        const shape = [x.shape[0] / timesteps, ...x.shape.slice(1)];
        const n = shape.reduce((a, d) => a * d, 1);
        const sb = n % 4 === 0 ? simdOf(backendName, backend) : null;
        if (sb) {
          const out = sb.b.makeOutput(shape, 'float32');
          sb.k.tsum(sb.b.getMemoryOffset(x.dataId), sb.b.getMemoryOffset(out.dataId), timesteps, n, f32Bits(scale));
          return out;
        }
        return run(backendName, backend, [x], [shape], ([xv], [o]) => timeSumLoop(xv, timesteps, scale, o))[0];
      },
    },
    {
      kernelName: CHANNEL_SUM,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const x = inputs.x as tf.TensorInfo;
        f32(x, CHANNEL_SUM);
        const C = x.shape[x.shape.length - 1];
        const sb = C % 4 === 0 ? simdOf(backendName, backend) : null;
        if (sb) {
          const out = sb.b.makeOutput([C], 'float32');
          sb.b.typedArrayFromHeap(out).fill(0);
          sb.k.csum(sb.b.getMemoryOffset(x.dataId), sb.b.getMemoryOffset(out.dataId), x.shape.reduce((a, d) => a * d, 1) / C, C);
          return out;
        }
        return run(backendName, backend, [x], [[C]], ([xv], [o]) => channelSumLoop(xv, C, o))[0];
      },
    },
    {
      kernelName: IM2COL_T,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const x = inputs.x as tf.TensorInfo;
        f32(x, IM2COL_T);
        const { kh, kw, padTop, padLeft, ho, wo } = attrs as { kh: number; kw: number; padTop: number; padLeft: number; ho: number; wo: number };
        const [N, H, W, C] = x.shape;
        return run(backendName, backend, [x], [[kh * kw * C, N * ho * wo]], ([xv], [o]) => im2colTLoop(xv, N, H, W, C, kh, kw, padTop, padLeft, ho, wo, o))[0];
      },
    },
    {
      kernelName: FILTER_GRAD_SMALL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const x = inputs.x as tf.TensorInfo;
        const dy = inputs.dy as tf.TensorInfo;
        f32(x, FILTER_GRAD_SMALL);
        const { kh, kw, padTop, padLeft } = attrs as { kh: number; kw: number; padTop: number; padLeft: number };
        const [N, H, W, Cin] = x.shape;
        const [, Ho, Wo, Cout] = dy.shape;
        const shape = [kh, kw, Cin, Cout];
        const sb = Cout % 4 === 0 ? simdOf(backendName, backend) : null;
        if (sb) {
          const dw = sb.b.makeOutput(shape, 'float32');
          sb.b.typedArrayFromHeap(dw).fill(0);
          const off = (t: tf.TensorInfo) => sb.b.getMemoryOffset(t.dataId);
          sb.k.fgrad(off(x), off(dy), off(dw), N, H, W, Cin, Ho, Wo, Cout, kh, kw, padTop, padLeft);
          return dw;
        }
        return run(backendName, backend, [x, dy], [shape], ([xv, g], [dw]) => filterGradLoop(xv, g, N, H, W, Cin, Ho, Wo, Cout, kh, kw, padTop, padLeft, dw))[0];
      },
    },
    {
      kernelName: ADAM,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const w = inputs.w as tf.TensorInfo;
        f32(w, ADAM);
        const { lrT, b1, b2, epsT, wd } = attrs as { lrT: number; b1: number; b2: number; epsT: number; wd: number };
        const ins = ['w', 'm', 'v', 'g'].map((k) => inputs[k] as tf.TensorInfo);
        return run(backendName, backend, ins, [w.shape, w.shape, w.shape], ([wv, mv, vv, gv], [w2, m2, v2]) => adamLoop(wv, mv, vv, gv, lrT, b1, b2, epsT, wd, w2, m2, v2));
      },
    },
    {
      kernelName: SGD,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const w = inputs.w as tf.TensorInfo;
        f32(w, SGD);
        const { lr, mu, wd } = attrs as { lr: number; mu: number; wd: number };
        const ins = ['w', 'b', 'g'].map((k) => inputs[k] as tf.TensorInfo);
        return run(backendName, backend, ins, [w.shape, w.shape], ([wv, bv, gv], [w2, b2]) => sgdLoop(wv, bv, gv, lr, mu, wd, w2, b2));
      },
    },
  ];
}

let registered = false;

/**
 * tfjs-backend-wasm's Identity kernel copies the whole buffer, and the tfjs
 * engine runs Identity (tf.clone) on every tensor it saves for the backward
 * pass: some twenty copies of a [128, 28, 28, 16] activation per training
 * step of the default net. tfjs tensors are immutable and the wasm backend
 * reference-counts its buffers (its Reshape kernel already shares them), so
 * an Identity that shares the buffer is equivalent and free. It replaces the
 * wasm Identity kernel (the cpu backend's already shares).
 */
const sharingIdentity: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as tf.TensorInfo;
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Registers the fused kernels for cpu and wasm (idempotent), and the buffer-sharing wasm Identity. */
export function ensureTrainingKernels(): void {
  if (registered) return;
  registered = true;
  for (const k of [...kernels('cpu'), ...kernels('wasm')]) {
    if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
  }
  const id = tf.getKernel('Identity', 'wasm');
  if (id && id.kernelFunc !== sharingIdentity) {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharingIdentity });
  }
}

/** True when the active backend has the fused kernel `name`. */
export function hasKernel(name: string): boolean {
  ensureTrainingKernels();
  return tf.getKernel(name, tf.getBackend()) != null;
}

/** Set false to force the plain-op paths (tests compare the two). */
let fusedEnabled = true;
export function setFusedTrainingKernels(on: boolean): void {
  fusedEnabled = on;
}
export function useFused(name: string): boolean {
  return fusedEnabled && hasKernel(name);
}

/** x permuted by a rank-4 `perm`: the fused kernel on cpu/wasm, tf.transpose elsewhere. No gradient (used inside gradients). */
export function transpose4(x: tf.Tensor4D, perm: [number, number, number, number]): tf.Tensor4D {
  if (!useFused(TRANSPOSE4)) return tf.transpose(x, perm);
  return tf.engine().runKernel(TRANSPOSE4, { x }, { perm } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
