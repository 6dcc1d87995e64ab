import { describe, expect, it } from 'vitest';
import { KERNEL_EPS, KernelAccumulator, hammingKernel, log, logAbsDet, rescaledHammingFromGram, scoreSpikeMatrices } from '../src/core/snn/score.ts';

/** Seeded LCG for test matrices (no Math.random: tests must be reproducible). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sparsity-aware Hamming kernel on a hand-made spike matrix (B=3, N=4)', () => {
  // x0 = 1100 (r = 2/4), x1 = 1010 (r = 2/4), x2 = 0001 (r = 1/4)
  const x = [1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1];
  // Hamming distances: H01 = 2 (positions 1, 2), H02 = 3 (0, 1, 3), H12 = 3 (0, 2, 3), H_ii = 0.
  // Expected distances Z = N(r_i(1−r_j) + (1−r_i)r_j):
  //   Z01 = 4(.5·.5 + .5·.5) = 2;  Z02 = Z12 = 4(.5·.75 + .5·.25) = 2;
  //   Z00 = Z11 = 2;  Z22 = 4(.25·.75 + .75·.25) = 1.5 (unused: H_ii = 0).
  // K = N − 0.5·H/(Z + 0.001); with e = 1/2.001:
  //   K_ii = 4;  K01 = 4 − e = 3.50024987506...;  K02 = K12 = 4 − 1.5e = 3.25037481259...
  const e = 1 / 2.001;
  const a = 4;
  const b = 4 - e;
  const c = 4 - 1.5 * e;

  it('builds K from the formula', () => {
    const k = hammingKernel(x, 3, 4);
    const expected = [a, b, c, b, a, c, c, c, a];
    for (let i = 0; i < 9; i++) expect(k[i]).toBeCloseTo(expected[i], 12);
    expect(b).toBeCloseTo(3.500249875, 9);
    expect(c).toBeCloseTo(3.250374813, 9);
  });

  it('takes log|det K| by hand', () => {
    // K = [[a,b,c],[b,a,c],[c,c,a]]: (1,−1,0) is an eigenvector with eigenvalue a − b; on span{(1,1,0), (0,0,1)}
    // the block is [[a+b, √2c],[√2c, a]] with determinant a(a+b) − 2c². So
    //   det K = (a − b)(a² + ab − 2c²) = e·(20e − 4.5e²) = e²(20 − 4.5e) = 4.43334665445...
    //   log det K = 1.48915475131...
    const det = (a - b) * (a * a + a * b - 2 * c * c);
    expect(det).toBeCloseTo(e * e * (20 - 4.5 * e), 12);
    expect(det).toBeCloseTo(4.433346654, 8);
    const r = scoreSpikeMatrices(3, [{ spikes: x, n: 4 }]);
    expect(r.sign).toBe(1);
    expect(r.logAbsDet).toBeCloseTo(1.489154751, 8);
    expect(r.logAbsDet).toBeCloseTo(Math.log(det), 12);
  });

  it('averages K over layers and timesteps, each with its own N', () => {
    // A second "layer" with N = 2: y0 = 10, y1 = 01, y2 = 11. r = .5, .5, 1.
    // H01 = 2, H02 = 1, H12 = 1; Z01 = 2(.25+.25) = 1, Z02 = Z12 = 2(.5·0 + .5·1) = 1.
    // K' = 2 − 0.5H/(Z + .001): K'01 = 2 − 1/1.001, K'02 = K'12 = 2 − 0.5/1.001, K'_ii = 2.
    const y = [1, 0, 0, 1, 1, 1];
    const f = 1 / 1.001;
    const kp = [2, 2 - f, 2 - 0.5 * f, 2 - f, 2, 2 - 0.5 * f, 2 - 0.5 * f, 2 - 0.5 * f, 2];
    const k1 = [a, b, c, b, a, c, c, c, a];
    const acc = new KernelAccumulator(3);
    acc.addSpikes(x, 4);
    acc.addSpikes(y, 2);
    acc.addSpikes(x, 4);
    expect(acc.count).toBe(3);
    const k = acc.kernel();
    for (let i = 0; i < 9; i++) expect(k[i]).toBeCloseTo((2 * k1[i] + kp[i]) / 3, 12);
    // And the score is the log-determinant of that mean.
    const mean = k1.map((v, i) => (2 * v + kp[i]) / 3);
    const [p, q, r, s] = [mean[0], mean[1], mean[2], mean[8]];
    // Same symmetric structure [[p,q,r],[q,p,r],[r,r,s]]: det = (p − q)(p s + q s − 2r²).
    const det = (p - q) * (p * s + q * s - 2 * r * r);
    const got = scoreSpikeMatrices(3, [
      { spikes: x, n: 4 },
      { spikes: y, n: 2 },
      { spikes: x, n: 4 },
    ]);
    expect(got.logAbsDet).toBeCloseTo(Math.log(Math.abs(det)), 10);
    expect(got.sign).toBe(Math.sign(det));
  });

  it('gives identical inputs a singular kernel (score −∞)', () => {
    const r = scoreSpikeMatrices(3, [{ spikes: [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1], n: 4 }]);
    expect(r.sign).toBe(0);
    expect(r.logAbsDet).toBe(-Infinity);
  });
});

describe('kernel from the Gram matrix (the device form)', () => {
  it('equals the direct formula on random sparse and dense spikes', () => {
    const rnd = lcg(7);
    for (const [b, n, p] of [
      [5, 37, 0.1],
      [8, 200, 0.5],
      [6, 50, 0.95],
      [4, 10, 0],
      [4, 10, 1],
    ] as const) {
      const x = Array.from({ length: b * n }, () => (rnd() < p ? 1 : 0));
      const gram = new Float64Array(b * b);
      const counts = new Float64Array(b);
      for (let i = 0; i < b; i++) {
        for (let q = 0; q < n; q++) counts[i] += x[i * n + q];
        for (let j = 0; j < b; j++) for (let q = 0; q < n; q++) gram[i * b + j] += x[i * n + q] * x[j * n + q];
      }
      const m = rescaledHammingFromGram(gram, counts, b, n);
      const k = hammingKernel(x, b, n);
      for (let i = 0; i < b * b; i++) expect(n - m[i]).toBeCloseTo(k[i], 9);
    }
  });

  it('uses the 1e-3 constant of SNASNet', () => {
    expect(KERNEL_EPS).toBe(1e-3);
  });
});

describe('log-determinant (LU with partial pivoting, float64)', () => {
  it('matches hand-computed determinants, including negative and pivoting cases', () => {
    // [[0,1],[1,0]] needs a row swap; det = −1.
    expect(logAbsDet([0, 1, 1, 0], 2)).toEqual({ logAbsDet: 0, sign: -1 });
    // [[2,1],[1,3]]: det = 5.
    const r = logAbsDet([2, 1, 1, 3], 2);
    expect(r.sign).toBe(1);
    expect(r.logAbsDet).toBeCloseTo(Math.log(5), 14);
    // [[1,2,3],[4,5,6],[7,8,10]]: det = 1(50−48) − 2(40−42) + 3(32−35) = 2 + 4 − 9 = −3.
    const s = logAbsDet([1, 2, 3, 4, 5, 6, 7, 8, 10], 3);
    expect(s.sign).toBe(-1);
    expect(s.logAbsDet).toBeCloseTo(Math.log(3), 13);
    // Singular: rows 1 and 3 equal.
    expect(logAbsDet([1, 2, 3, 4, 5, 6, 1, 2, 3], 3).sign).toBe(0);
  });

  it('does not overflow where the determinant itself would (64×64, det = 10^400)', () => {
    // Diagonal 10^6.25 scaled by a random unit-lower-triangular L (det L = 1): det = 10^(64·6.25) = 10^400.
    const n = 64;
    const rnd = lcg(3);
    const l = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      l[i * n + i] = 1;
      for (let j = 0; j < i; j++) l[i * n + j] = rnd() - 0.5;
    }
    const d = 10 ** 6.25;
    // A = L · D · Lᵀ (symmetric, det = d^n).
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let v = 0;
      for (let q = 0; q < n; q++) v += l[i * n + q] * d * l[j * n + q];
      a[i * n + j] = v;
    }
    const r = logAbsDet(a, n);
    expect(r.sign).toBe(1);
    expect(r.logAbsDet).toBeCloseTo(400 * Math.log(10), 6);
  });

  it('agrees with det(AB) = det A · det B on random matrices', () => {
    const rnd = lcg(11);
    const n = 12;
    const A = Array.from({ length: n * n }, () => rnd() * 2 - 1);
    const B = Array.from({ length: n * n }, () => rnd() * 2 - 1);
    const C = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let q = 0; q < n; q++) C[i * n + j] += A[i * n + q] * B[q * n + j];
    const [la, lb, lc] = [logAbsDet(A, n), logAbsDet(B, n), logAbsDet(C, n)];
    expect(lc.logAbsDet).toBeCloseTo(la.logAbsDet + lb.logAbsDet, 10);
    expect(lc.sign).toBe(la.sign * lb.sign);
  });

  it('rejects malformed input', () => {
    expect(() => logAbsDet([1, 2, 3], 2)).toThrow(RangeError);
    expect(() => hammingKernel([1, 0, 1], 2, 2)).toThrow(/B×N/);
    expect(() => new KernelAccumulator(2).kernel()).toThrow(/no LIF layer/);
  });
});

describe('the engine-independent logarithm of the log-determinant', () => {
  /** Distance in ulps between two positive doubles. */
  function ulps(a: number, b: number): number {
    const v = new DataView(new ArrayBuffer(16));
    v.setFloat64(0, a);
    v.setFloat64(8, b);
    return Math.abs(Number(v.getBigInt64(0) - v.getBigInt64(8)));
  }

  it('is within 1 ulp of Math.log over 200,000 inputs from 2^−1074 to 2^1000, both sides of 1 included', () => {
    const r = lcg(11);
    let worst = 0;
    let wrongSign = 0;
    for (let i = 0; i < 200_000; i++) {
      const e = Math.floor(r() * 2074) - 1074;
      const x = i % 10 === 0 ? 1 + (r() - 0.5) * 2 ** -18 : (1 + r()) * 2 ** e;
      const got = log(x);
      const want = Math.log(x);
      if (got !== want) worst = Math.max(worst, ulps(got, want));
      // the sign of the true logarithm (the ulp distance alone would not see a sign flip near 1)
      if (x !== 1 && Math.sign(got) !== Math.sign(x - 1)) wrongSign++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(wrongSign).toBe(0);
  });

  it('is exact where the logarithm is, and follows IEEE at the edges', () => {
    expect(log(1)).toBe(0);
    expect(log(2)).toBe(Math.LN2);
    expect(log(0.5)).toBe(-Math.LN2);
    expect(log(2 ** 40)).toBe(40 * Math.LN2);
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(NaN)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
    expect(log(Number.MIN_VALUE)).toBeCloseTo(-744.44007192138126, 12);
  });

  it('gives logAbsDet the sum of its pivots\' logarithms', () => {
    // diag(3, 1/7, 2^−900): log|det| = log 3 + log(1/7) + log 2^−900
    const a = [3, 0, 0, 0, 1 / 7, 0, 0, 0, 2 ** -900];
    expect(logAbsDet(a, 3).logAbsDet).toBe(log(3) + log(1 / 7) + log(2 ** -900));
  });
});
