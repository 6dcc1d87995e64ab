/**
 * SNASNet's training-free score (snn-search.md, "Training-free score"): the
 * sparsity-aware Hamming kernel of an untrained network's binary spikes,
 * averaged over every LIF layer at every timestep, and its log-determinant.
 *
 * For one LIF layer at one timestep, x_i is sample i's binary spike vector
 * (N neurons) and r_i = Σx_i / N its firing rate:
 *
 *   H[i][j]   = x_i·(1 − x_j) + (1 − x_i)·x_j           (Hamming distance)
 *   Z[i][j]   = N · (r_i·(1 − r_j) + (1 − r_i)·r_j)      (its expected value)
 *   K_l[i][j] = N − 0.5 · H[i][j] / (Z[i][j] + 1e-3)
 *
 * K is the mean of K_l over all (layer, timestep) pairs; the score is
 * log|det K|.
 *
 * Differences from SNASNet's reference code (model_snn.py,
 * `computing_K_eachtime`), where this file follows the doc:
 *  - the reference's normaliser is `r_i(1 − r_j) + (1 − r_i) r_j` without the
 *    factor N, so its rescaled term is about N times larger; here Z carries N
 *    as the doc says (Z is then the expected Hamming distance of two
 *    independent vectors with those rates, and H / Z ≈ 1 for unrelated inputs);
 *  - the reference averages the score of two batches; the studio scores one
 *    seeded batch (repeat at the caller to average).
 *  Both compute log|det K| (numpy's slogdet there; LU here).
 *
 * Numerics. The kernel is assembled from integer counts: with s_i = Σx_i,
 * c_i = N − s_i and the Gram matrix G = x xᵀ,
 *   H[i][j] = s_i + s_j − 2 G[i][j],   Z[i][j] = (s_i c_j + c_i s_j) / N,
 * which is exact for binary x (G and s are integers), so a float32 device
 * computing G by a matrix product loses nothing. Since K = N̄ − M̄ with
 * M = 0.5 H / (Z + 1e-3) of order 1 and N̄ the mean neuron count (which can
 * be 10⁴ and more), the device accumulates only M (order-1 values keep
 * float32's relative precision) and the host forms K = N̄ − M̄ in float64.
 * The log-determinant uses LU with partial pivoting in float64 (K is
 * symmetric but not necessarily positive definite, so Cholesky would not
 * always apply); the sign of det K is reported and the score is log|det K|;
 * a singular K (two identical rows, e.g. two identical inputs) scores −∞.
 */

/** The constant SNASNet adds to Z before dividing. */
export const KERNEL_EPS = 1e-3;

function checkShape(length: number, b: number, n: number): void {
  if (!(Number.isInteger(b) && b >= 1 && Number.isInteger(n) && n >= 1)) throw new RangeError(`kernel needs B ≥ 1 samples and N ≥ 1 neurons (got B=${b}, N=${n})`);
  if (length !== b * n) throw new RangeError(`spike matrix has ${length} values; B×N = ${b}×${n} = ${b * n}`);
}

/**
 * K_l for one layer at one timestep, straight from the formula (reference
 * implementation, O(B²N)). `spikes` is row-major B×N with values 0 or 1
 * (anything > 0 counts as a spike).
 */
export function hammingKernel(spikes: ArrayLike<number>, b: number, n: number): Float64Array {
  checkShape(spikes.length, b, n);
  const x = new Float64Array(b * n);
  for (let i = 0; i < b * n; i++) x[i] = spikes[i] > 0 ? 1 : 0;
  const r = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += x[i * n + k];
    r[i] = s / n;
  }
  const k = new Float64Array(b * b);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < b; j++) {
      let h = 0;
      for (let q = 0; q < n; q++) {
        const xi = x[i * n + q];
        const xj = x[j * n + q];
        h += xi * (1 - xj) + (1 - xi) * xj;
      }
      const z = n * (r[i] * (1 - r[j]) + (1 - r[i]) * r[j]);
      k[i * b + j] = n - (0.5 * h) / (z + KERNEL_EPS);
    }
  }
  return k;
}

/**
 * The rescaled Hamming term M[i][j] = 0.5·H[i][j] / (Z[i][j] + 1e-3) from the
 * Gram matrix G = x xᵀ (B×B, row-major) and the spike counts s (length B) of
 * a layer with N neurons; K_l = N − M. This is the form the device computes.
 */
export function rescaledHammingFromGram(gram: ArrayLike<number>, counts: ArrayLike<number>, b: number, n: number): Float64Array {
  if (gram.length !== b * b || counts.length !== b) throw new RangeError(`Gram matrix must be ${b}×${b} and counts ${b} long`);
  const m = new Float64Array(b * b);
  for (let i = 0; i < b; i++) {
    const si = counts[i];
    const ci = n - si;
    for (let j = 0; j < b; j++) {
      const sj = counts[j];
      const h = si + sj - 2 * gram[i * b + j];
      const z = (si * (n - sj) + ci * sj) / n;
      m[i * b + j] = (0.5 * h) / (z + KERNEL_EPS);
    }
  }
  return m;
}

function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * Σ over timesteps of M for one LIF layer, computed on the host from its
 * spikes, time-major [T·B, N] (row t·B + b), by packing each spike vector
 * into 32-bit words and counting G[i][j] = popcount(x_i & x_j): exact
 * integer arithmetic, 32 neurons per operation. This is the fast path where
 * the spikes already live in host memory (the wasm and cpu backends), so
 * reading them is a copy. Returns Σ_t M_t (B×B) for `addRescaled` with
 * nSum = T·N and count = T, and the layer's total spike count.
 */
export function rescaledSumFromSpikes(spikes: ArrayLike<number>, timesteps: number, b: number, n: number): { mSum: Float64Array; spikeCount: number } {
  checkShape(spikes.length, timesteps * b, n);
  const words = (n + 31) >>> 5;
  const bits = new Int32Array(b * words);
  const counts = new Float64Array(b);
  const gram = new Float64Array(b * b);
  const sum = new Float64Array(b * b);
  let spikeCount = 0;
  for (let t = 0; t < timesteps; t++) {
    bits.fill(0);
    counts.fill(0);
    for (let i = 0; i < b; i++) {
      const src = (t * b + i) * n;
      const dst = i * words;
      let c = 0;
      for (let q = 0; q < n; q++) {
        if (spikes[src + q] > 0) {
          bits[dst + (q >>> 5)] |= 1 << (q & 31);
          c++;
        }
      }
      counts[i] = c;
      spikeCount += c;
    }
    for (let i = 0; i < b; i++) {
      const oi = i * words;
      gram[i * b + i] = counts[i];
      for (let j = i + 1; j < b; j++) {
        const oj = j * words;
        let g = 0;
        for (let w = 0; w < words; w++) {
          const v = bits[oi + w] & bits[oj + w];
          if (v !== 0) g += popcount32(v);
        }
        gram[i * b + j] = g;
        gram[j * b + i] = g;
      }
    }
    const m = rescaledHammingFromGram(gram, counts, b, n);
    for (let k = 0; k < sum.length; k++) sum[k] += m[k];
  }
  return { mSum: sum, spikeCount };
}

/**
 * Averages K_l over (layer, timestep) pairs. Each addition is either a spike
 * matrix (host path) or a sum of rescaled terms M with the matching sum of
 * neuron counts (device path: Σ M over `count` kernels, Σ N over the same).
 */
export class KernelAccumulator {
  readonly b: number;
  private readonly mSum: Float64Array;
  private nSum = 0;
  private kernels = 0;

  constructor(b: number) {
    if (!(Number.isInteger(b) && b >= 1)) throw new RangeError(`batch size must be a whole number ≥ 1, got ${b}`);
    this.b = b;
    this.mSum = new Float64Array(b * b);
  }

  /** How many (layer, timestep) kernels have been added. */
  get count(): number {
    return this.kernels;
  }

  /** Adds one layer's spikes at one timestep (row-major B×N, binary). */
  addSpikes(spikes: ArrayLike<number>, n: number): void {
    checkShape(spikes.length, this.b, n);
    const b = this.b;
    const counts = new Float64Array(b);
    const gram = new Float64Array(b * b);
    for (let i = 0; i < b; i++) {
      for (let q = 0; q < n; q++) if (spikes[i * n + q] > 0) counts[i]++;
    }
    for (let i = 0; i < b; i++) {
      for (let j = i; j < b; j++) {
        let g = 0;
        for (let q = 0; q < n; q++) if (spikes[i * n + q] > 0 && spikes[j * n + q] > 0) g++;
        gram[i * b + j] = g;
        gram[j * b + i] = g;
      }
    }
    this.addRescaled(rescaledHammingFromGram(gram, counts, b, n), n, 1);
  }

  /** Adds Σ M over `count` kernels whose neuron counts sum to `nSum`. */
  addRescaled(mSum: ArrayLike<number>, nSum: number, count: number): void {
    if (mSum.length !== this.b * this.b) throw new RangeError(`rescaled term must be ${this.b}×${this.b}`);
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`kernel count must be a whole number ≥ 1, got ${count}`);
    for (let i = 0; i < mSum.length; i++) this.mSum[i] += mSum[i];
    this.nSum += nSum;
    this.kernels += count;
  }

  /** K = mean over kernels of (N_l − M_l), row-major B×B, float64. */
  kernel(): Float64Array {
    if (this.kernels === 0) throw new Error('no LIF layer was seen: the score needs at least one spiking layer');
    const nMean = this.nSum / this.kernels;
    const k = new Float64Array(this.b * this.b);
    for (let i = 0; i < k.length; i++) k[i] = nMean - this.mSum[i] / this.kernels;
    return k;
  }
}

// ---------------------------------------------------------------------------
// A natural logarithm that is the same function in every JavaScript engine.
//
// Math.log is only required to be an approximation, and engines differ:
// Chromium 156's V8 and Node 20's (V8 11.3) disagree in the last bit for
// about 1 input in 130. The score is a sum of logarithms, and the page and
// Node must agree on it to the last bit (e2e/determinism.spec.ts), so the
// log-determinant uses this port of fdlibm's __ieee754_log (e_log.c, the
// algorithm V8 11.3's Math.log also ports): only IEEE float64 +, −, ×, ÷ and
// exact bit manipulation, which every engine computes identically. It is
// within 1 ulp of the true logarithm.

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

const logWords = new DataView(new ArrayBuffer(8));

/** ln x, fdlibm's algorithm (see above): log(±0) = −∞, log(x < 0) = NaN, log(∞) = ∞. */
export function log(x: number): number {
  const w = logWords;
  w.setFloat64(0, x);
  let hx = w.getInt32(0);
  const lx = w.getUint32(4);
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^−1022: zero, negative, or subnormal (scaled up by 2^54)
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    w.setFloat64(0, x);
    hx = w.getInt32(0);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  // x or x/2 normalised into [√2/2, √2)
  w.setFloat64(0, x);
  w.setInt32(0, hx | (i0 ^ 0x3ff00000));
  x = w.getFloat64(0);
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // −2^−20 ≤ f < 2^−20
    if (f === 0) {
      if (k === 0) return 0;
      return k * LN2_HI + k * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k === 0) return f - R;
    return k * LN2_HI - (R - k * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const dk = k;
  const z = s * s;
  let i = hx - 0x6147a;
  const ww = z * z;
  const j = 0x6b851 - hx;
  const t1 = ww * (LG2 + ww * (LG4 + ww * LG6));
  const t2 = z * (LG1 + ww * (LG3 + ww * (LG5 + ww * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

export interface LogDet {
  /** log |det A| (natural log); −Infinity when A is singular */
  logAbsDet: number;
  /** sign of det A: 1, −1, or 0 when singular */
  sign: -1 | 0 | 1;
}

/**
 * log|det A| of an n×n row-major matrix by LU decomposition with partial
 * pivoting in float64: det A = (−1)^swaps · Π U_kk, so log|det A| = Σ log|U_kk|
 * (summing logs never overflows, unlike the product). A is not modified.
 */
export function logAbsDet(a: ArrayLike<number>, n: number): LogDet {
  if (!(Number.isInteger(n) && n >= 1) || a.length !== n * n) throw new RangeError(`logAbsDet needs an n×n matrix (n=${n}, ${a.length} values)`);
  const lu = Float64Array.from(a);
  let sign: -1 | 1 = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > 0)) return { logAbsDet: best === 0 ? -Infinity : NaN, sign: 0 };
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[p * n + j];
        lu[p * n + j] = t;
      }
      sign = sign === 1 ? -1 : 1;
    }
    const pivot = lu[k * n + k];
    if (pivot < 0) sign = sign === 1 ? -1 : 1;
    sum += log(Math.abs(pivot));
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k] / pivot;
      if (f === 0) continue;
      lu[i * n + k] = f;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { logAbsDet: sum, sign };
}

/** The score of an averaged kernel: log|det K|. */
export function kernelScore(k: ArrayLike<number>, b: number): LogDet {
  return logAbsDet(k, b);
}

/** Convenience: score from a list of per-(layer, timestep) spike matrices, all B×N_l. */
export function scoreSpikeMatrices(b: number, matrices: readonly { spikes: ArrayLike<number>; n: number }[]): LogDet {
  const acc = new KernelAccumulator(b);
  for (const m of matrices) acc.addSpikes(m.spikes, m.n);
  return kernelScore(acc.kernel(), b);
}
