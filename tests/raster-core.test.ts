/** Bit-packed spike rasters and the score's kernel entry of two of them (src/core/snn/raster.ts). */
import { describe, expect, it } from 'vitest';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { makeRng } from '../src/core/arch/sampler.ts';
import { countBoth, countSpikes, packTimeMajor, pairKernel, rowBytesFor, spikeAt, spikeRow } from '../src/core/snn/raster.ts';
import { hammingKernel } from '../src/core/snn/score.ts';

function randomSpikes(seed: number, n: number, rate: number): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => (uniformInt(rng, 0, 999) < rate * 1000 ? 1 : 0));
}

describe('packing spikes', () => {
  it('packs time-major rows, least significant bit first, picking batch rows in order', () => {
    // T = 2, B = 3, N = 10: row t·B + b.
    const T = 2;
    const B = 3;
    const N = 10;
    const spikes = randomSpikes(1, T * B * N, 0.4);
    const p = packTimeMajor(spikes, T, B, N, [2, 0]);
    expect(p).toMatchObject({ images: 2, timesteps: 2, neurons: 10, rowBytes: 2 });
    expect(p.bits).toHaveLength(2 * 2 * 2);
    for (const [i, b] of [2, 0].entries()) {
      for (let t = 0; t < T; t++) {
        const row = spikeRow(p, i, t);
        for (let q = 0; q < N; q++) expect(spikeAt(row, q), `image ${i} t ${t} q ${q}`).toBe(spikes[(t * B + b) * N + q] === 1);
        // Padding bits stay 0.
        expect(row[1] >>> 2).toBe(0);
        expect(countSpikes(row)).toBe(Array.from(spikes.subarray((t * B + b) * N, (t * B + b + 1) * N)).filter((v) => v === 1).length);
      }
    }
    // Neuron 0 is bit 0 of byte 0, neuron 9 bit 1 of byte 1.
    const one = new Float32Array(10);
    one[0] = 1;
    one[9] = 1;
    expect(Array.from(packTimeMajor(one, 1, 1, 10).bits)).toEqual([1, 2]);
    expect(rowBytesFor(8)).toBe(1);
    expect(rowBytesFor(9)).toBe(2);
  });

  it('refuses a wrong length or a batch row that is not there', () => {
    expect(() => packTimeMajor(new Float32Array(7), 2, 1, 4)).toThrow(/T×B×N = 2×1×4 = 8/);
    expect(() => packTimeMajor(new Float32Array(8), 2, 1, 4, [1])).toThrow(/batch row 1 is not in 0…0/);
  });
});

describe('the kernel entry of two spike vectors', () => {
  it('is the score’s K_l entry, from the reference formula, for random vectors of many sizes and rates', () => {
    for (const [n, rate, seed] of [
      [1, 0.5, 1],
      [7, 0.3, 2],
      [64, 0.1, 3],
      [200, 0.5, 4],
      [1000, 0.02, 5],
    ] as const) {
      const a = randomSpikes(seed, n, rate);
      const b = randomSpikes(seed + 100, n, rate);
      const both = new Float32Array(2 * n);
      both.set(a, 0);
      both.set(b, n);
      const k = hammingKernel(both, 2, n);
      const pa = packTimeMajor(a, 1, 1, n).bits;
      const pb = packTimeMajor(b, 1, 1, n).bits;
      const e = pairKernel(pa, pb, n);
      expect(e.kernel, `n=${n}`).toBeCloseTo(k[1], 9);
      let h = 0;
      for (let q = 0; q < n; q++) h += a[q] !== b[q] ? 1 : 0;
      expect(e.hamming).toBe(h);
      expect(e.countA).toBe(a.filter((v) => v === 1).length);
      expect(e.countB).toBe(b.filter((v) => v === 1).length);
      expect(countBoth(pa, pb)).toBe((e.countA + e.countB - h) / 2);
      expect(e.rescaled).toBeCloseTo(0.5 * (h / (e.expected + 1e-3)), 12);
      // A vector against itself: H = 0, K = N.
      expect(pairKernel(pa, pa, n)).toMatchObject({ hamming: 0, rescaled: 0, kernel: n });
    }
  });

  it('worked example: N = 8, a = 11110000, b = 11001100', () => {
    // s_a = s_b = 4, both = 2, H = 4, Z = (4·4 + 4·4)/8 = 4, M = 0.5·4/4.001, K = 8 − M.
    const a = Uint8Array.of(0b00001111);
    const b = Uint8Array.of(0b00110011);
    const e = pairKernel(a, b, 8);
    expect(e).toMatchObject({ countA: 4, countB: 4, hamming: 4, expected: 4 });
    expect(e.rescaled).toBeCloseTo(2 / 4.001, 15);
    expect(e.kernel).toBeCloseTo(8 - 2 / 4.001, 15);
  });
});
