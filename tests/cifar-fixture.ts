/**
 * Synthetic CIFAR-10 binary batches for the tests (the real files cannot be
 * fetched here): records in the real format (1 label byte, then the red,
 * green and blue 32×32 planes), with a class signal a small network can
 * learn (the red and blue planes' brightness and a bright horizontal band
 * at a row that depend on the label) under seeded noise.
 */
import { CIFAR10_RECORD_BYTES } from '../src/core/data/format.ts';

export function syntheticCifarBatch(records: number, seed = 1): Uint8Array {
  const out = new Uint8Array(records * CIFAR10_RECORD_BYTES);
  let s = seed >>> 0 || 1;
  const noise = () => {
    // xorshift32: cheap, seeded, good enough for pixel noise
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % 64;
  };
  for (let r = 0; r < records; r++) {
    const label = (r * 7 + (r >> 3)) % 10;
    const base = r * CIFAR10_RECORD_BYTES;
    out[base] = label;
    for (let p = 0; p < 1024; p++) {
      const row = p >> 5;
      const band = row >> 2 === label % 8 ? 90 : 0;
      out[base + 1 + p] = Math.min(255, 20 * label + noise() + band);
      out[base + 1 + 1024 + p] = noise() + 60;
      out[base + 1 + 2048 + p] = Math.min(255, 200 - 18 * label + noise());
    }
  }
  return out;
}
