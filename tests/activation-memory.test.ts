/**
 * The activation-memory count (src/core/arch/activation-memory.ts) and the
 * batch sizing built on it. That the count bounds what tfjs really allocates
 * is measured in tests/tf-memory.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { PASS_MEMORY_BUDGET, TRAIN_FACTOR, activationMemory, batchForMemory } from '../src/core/arch/activation-memory.ts';
import { DEFAULT_ARCHITECTURE, parseGenome } from '../src/core/arch/genome.ts';
import type { Architecture } from '../src/core/arch/architecture.ts';
import { largestDefaultCandidate } from './largest-candidate.ts';

const GIB = 1024 ** 3;

describe('activationMemory', () => {
  it('counts the default network map by map', () => {
    // c16-h128-t4-w8-301203 on 28×28: cell edges 0→1 conv3×3, 0→3 skip, 1→2 conv1×1, 2→3 conv3×3.
    const T = 4;
    const s1 = 28 * 28 * 16; // a stage-1 map per timestep
    const s2 = 14 * 14 * 32;
    const stem = 2 * s1 + T * s1; // conv + BN of the static image, T copies
    const cell = (s: number) => T * s * (3 /* LIFs of nodes 0, 1, 2 */ + 2 * 3 /* conv + BN of 3 edges */ + 1 /* node 3 sums two edges */);
    const down = 2 * T * s1 + 2 * T * (28 * 28 * 32) + T * s2;
    const head = 2 * T * s2 + T * (7 * 7 * 32) + 2 * T * 128;
    const fc2 = 128 + 10;
    const transient = T * 28 * 28 * 32; // the down block's conv map, the largest
    const floats = stem + cell(s1) + down + cell(s2) + head + fc2 + transient;
    const m = activationMemory(DEFAULT_ARCHITECTURE);
    expect(m.evalPerImage).toBe(4 * floats);
    expect(m.evalPerImage).toBe(5_248_040);
    expect(m.trainPerImage).toBe(Math.ceil(TRAIN_FACTOR * 4 * floats));
    // weights + biases + BN γ, β: stem 9·16, edges 9·256 + 256 + 9·256 (cell 1) and ×4 (cell 2), down 9·16·32, fc1 1568·128, fc2 1280
    const weights = 9 * 16 + (9 + 1 + 9) * 256 + 9 * 16 * 32 + (9 + 1 + 9) * 1024 + 1568 * 128 + 128 * 10;
    const perChannel = 2 * (16 + 3 * 16 + 32 + 3 * 32 + 16 + 32) + 128 + 10;
    expect(m.trainFixed).toBe(2 * 4 * (weights + perChannel));
  });

  it('grows with width, timesteps, hidden units, conv edges and rate encoding', () => {
    const base = parseGenome('c16-h128-t4-w8-301203');
    const more: [string, Architecture][] = [
      ['wider', { ...base, channels: 32 }],
      ['longer', { ...base, timesteps: 8 }],
      ['more hidden units', { ...base, hidden: 256 }],
      ['more conv edges', parseGenome('c16-h128-t4-w8-333333')],
      ['CIFAR-sized input', parseGenome('c16-h128-t4-w8-i32x3-301203')],
    ];
    const b = activationMemory(base);
    for (const [what, arch] of more) {
      const m = activationMemory(arch);
      expect(m.evalPerImage, what).toBeGreaterThan(b.evalPerImage);
      expect(m.trainPerImage, what).toBeGreaterThan(b.trainPerImage);
    }
    expect(activationMemory(base, 'rate').evalPerImage).toBeGreaterThan(b.evalPerImage);
    // An avg-pool edge has no weights but holds a map.
    expect(activationMemory(parseGenome('c16-h128-t4-w8-301243')).evalPerImage).toBeGreaterThan(activationMemory(parseGenome('c16-h128-t4-w8-301203')).evalPerImage);
  });
});

describe('batchForMemory', () => {
  it('fits as many images as the budget holds, at most the batch asked for, 0 when none fits', () => {
    expect(batchForMemory(100, 32, 1000)).toBe(10);
    expect(batchForMemory(100, 8, 1000)).toBe(8);
    expect(batchForMemory(100, 32, 1000, 300)).toBe(7);
    expect(batchForMemory(100, 32, 1099)).toBe(10);
    expect(batchForMemory(1001, 32, 1000)).toBe(0);
    expect(batchForMemory(100, 32, 1000, 950)).toBe(0);
    expect(() => batchForMemory(0, 32, 1000)).toThrow(RangeError);
    expect(() => batchForMemory(100, 0, 1000)).toThrow(RangeError);
  });

  it('the largest candidate of the default space needs smaller test batches and training micro-batches; the default network trains in whole batches', () => {
    const arch = largestDefaultCandidate();
    expect(arch).toMatchObject({ channels: 64, hidden: 256, timesteps: 8 });
    const m = activationMemory(arch);
    // The old fixed test batch of 250 needed more than the whole 4 GiB wasm heap.
    expect(250 * m.evalPerImage).toBeGreaterThan(4 * GIB);
    const evalBatch = batchForMemory(m.evalPerImage, 250);
    expect(evalBatch).toBeGreaterThanOrEqual(8);
    expect(evalBatch).toBeLessThan(250);
    expect(evalBatch * m.evalPerImage).toBeLessThanOrEqual(PASS_MEMORY_BUDGET);
    const micro = batchForMemory(m.trainPerImage, 32, PASS_MEMORY_BUDGET, m.trainFixed);
    expect(micro).toBeGreaterThanOrEqual(4);
    expect(micro).toBeLessThan(32);
    const d = activationMemory(DEFAULT_ARCHITECTURE);
    expect(batchForMemory(d.evalPerImage, 250)).toBeGreaterThan(200);
    expect(batchForMemory(d.trainPerImage, 32, PASS_MEMORY_BUDGET, d.trainFixed)).toBe(32);
  });
});
