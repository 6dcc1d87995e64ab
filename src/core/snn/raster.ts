/**
 * A layer's spikes as the neuron view's raster carries them, and what the
 * training-free score's Hamming kernel (src/core/snn/score.ts) makes of two
 * of them. Pure.
 *
 * Packing: one row per (image, timestep), row-major, each row
 * `rowBytes = ceil(N / 8)` bytes; neuron q of a row is bit (q mod 8) of its
 * byte ⌊q / 8⌋ (least significant bit first); the padding bits of a row's
 * last byte are 0. Row (i, t) starts at byte (i·T + t)·rowBytes. A layer of
 * N neurons over T steps for two images then travels in 2·T·N/8 bytes
 * (a 28×28×64 map at T = 8: 100 kB).
 */
import { KERNEL_EPS, rescaledHammingFromGram } from './score.ts';

export interface PackedSpikes {
  /** bit-packed rows, see the file comment */
  bits: Uint8Array;
  images: number;
  timesteps: number;
  /** neurons per row */
  neurons: number;
  rowBytes: number;
}

export function rowBytesFor(neurons: number): number {
  return (neurons + 7) >>> 3;
}

/**
 * Packs spikes given time-major, as the model returns them: row t·B + b of
 * `spikes` (B images, N neurons each) is image b at step t. `pick` chooses
 * which batch rows b to keep, in the packed order (default: all).
 */
export function packTimeMajor(spikes: ArrayLike<number>, timesteps: number, batch: number, neurons: number, pick?: readonly number[]): PackedSpikes {
  if (spikes.length !== timesteps * batch * neurons) throw new RangeError(`spikes hold ${spikes.length} values; T×B×N = ${timesteps}×${batch}×${neurons} = ${timesteps * batch * neurons}`);
  const rows = pick ?? Array.from({ length: batch }, (_, b) => b);
  for (const b of rows) if (!(Number.isInteger(b) && b >= 0 && b < batch)) throw new RangeError(`batch row ${b} is not in 0…${batch - 1}`);
  const rowBytes = rowBytesFor(neurons);
  const bits = new Uint8Array(rows.length * timesteps * rowBytes);
  for (let i = 0; i < rows.length; i++) {
    for (let t = 0; t < timesteps; t++) {
      const src = (t * batch + rows[i]) * neurons;
      const dst = (i * timesteps + t) * rowBytes;
      for (let q = 0; q < neurons; q++) if (spikes[src + q] > 0) bits[dst + (q >>> 3)] |= 1 << (q & 7);
    }
  }
  return { bits, images: rows.length, timesteps, neurons, rowBytes };
}

/** The packed row of image i at step t (a view, no copy). */
export function spikeRow(p: PackedSpikes, image: number, t: number): Uint8Array {
  const start = (image * p.timesteps + t) * p.rowBytes;
  return p.bits.subarray(start, start + p.rowBytes);
}

export function spikeAt(row: Uint8Array, q: number): boolean {
  return ((row[q >>> 3] >>> (q & 7)) & 1) === 1;
}

const POPCOUNT8 = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let x = v; x; x >>>= 1) c += x & 1;
  return c;
});

/** Spikes in a packed row. */
export function countSpikes(row: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < row.length; i++) c += POPCOUNT8[row[i]];
  return c;
}

/** Neurons that spike in both rows (the Gram entry x_a·x_b). */
export function countBoth(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError('rows of different layers');
  let c = 0;
  for (let i = 0; i < a.length; i++) c += POPCOUNT8[a[i] & b[i]];
  return c;
}

/** The neurons where exactly one of two rows spikes (what the Hamming distance counts). */
export function xorRows(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RangeError('rows of different layers');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** What the score's kernel sees of two images at one layer and one timestep. */
export interface PairKernel {
  /** spikes of each image, s_a and s_b */
  countA: number;
  countB: number;
  /** neurons where exactly one of the two spikes: H = s_a + s_b − 2·x_a·x_b */
  hamming: number;
  /** its expected value for independent vectors with these rates: Z = (s_a·(N − s_b) + (N − s_a)·s_b) / N */
  expected: number;
  /** the rescaled term M = 0.5·H / (Z + 1e-3) */
  rescaled: number;
  /** the kernel entry K_l[a][b] = N − M */
  kernel: number;
}

/**
 * The entry the score's kernel holds for two spike vectors of one layer at
 * one step, computed by the score's own function (rescaledHammingFromGram on
 * the two rows' 2×2 Gram matrix), so it is exactly what the score adds.
 */
export function pairKernel(a: Uint8Array, b: Uint8Array, neurons: number): PairKernel {
  const countA = countSpikes(a);
  const countB = countSpikes(b);
  const both = countBoth(a, b);
  const m = rescaledHammingFromGram([countA, both, both, countB], [countA, countB], 2, neurons);
  const hamming = countA + countB - 2 * both;
  const expected = (countA * (neurons - countB) + (neurons - countA) * countB) / neurons;
  return { countA, countB, hamming, expected, rescaled: m[1], kernel: neurons - m[1] };
}

/** The kernel constant, re-exported for the view's explanation. */
export { KERNEL_EPS };
