import { describe, expect, it } from 'vitest';
import { BUDGETS, computeFeasibility, emptyCounts } from '../src/core/feasibility.ts';
import { allocateColumns, type Columns } from '../src/core/metrics.ts';
import type { Budgets } from '../src/core/settings.ts';

const NO_LIMIT: Budgets = { maxParams: Infinity, maxAreaMm2: Infinity, maxLatencyMs: Infinity, maxEnergyUJ: Infinity };

function columnsOf(rows: { params: number; areaMm2: number; latencyMs: number; energyUJ: number }[]): Columns {
  const c = allocateColumns(rows.length);
  rows.forEach((r, i) => {
    c.params[i] = r.params;
    c.areaMm2[i] = r.areaMm2;
    c.latencyMs[i] = r.latencyMs;
    c.energyUJ[i] = r.energyUJ;
  });
  return c;
}

/** The obvious implementation, to compare against. */
function naive(c: Columns, n: number, b: Budgets) {
  const limits = BUDGETS.map(({ key, metric }) => ({ limit: b[key], col: c[metric] }));
  const masks: number[] = [];
  for (let i = 0; i < n; i++) {
    let m = 0;
    limits.forEach(({ limit, col }, bit) => {
      if (!(col[i] <= limit)) m |= 1 << bit;
    });
    masks.push(m);
  }
  return {
    masks,
    feasible: masks.filter((m) => m === 0).length,
    over: BUDGETS.map((_, bit) => masks.filter((m) => m & (1 << bit)).length),
    only: BUDGETS.map((_, bit) => masks.filter((m) => m === 1 << bit).length),
  };
}

describe('computeFeasibility', () => {
  it('sets one bit per broken budget and counts over / alone', () => {
    const c = columnsOf([
      { params: 100, areaMm2: 1, latencyMs: 1, energyUJ: 1 }, // feasible
      { params: 1000, areaMm2: 1, latencyMs: 1, energyUJ: 1 }, // memory only
      { params: 1000, areaMm2: 50, latencyMs: 1, energyUJ: 1 }, // memory and area
      { params: 100, areaMm2: 1, latencyMs: 1, energyUJ: 99 }, // energy only
    ]);
    const mask = new Uint8Array(4);
    const r = computeFeasibility(c, 4, { maxParams: 500, maxAreaMm2: 10, maxLatencyMs: 10, maxEnergyUJ: 10 }, mask);
    expect([...mask]).toEqual([0, 1, 1 | 2, 8]);
    expect(r.total).toBe(4);
    expect(r.feasible).toBe(1);
    expect(r.over).toEqual([2, 1, 0, 1]);
    expect(r.only).toEqual([1, 0, 0, 1]);
  });

  it('treats a value equal to the budget as within it, Infinity as no limit, NaN as over every finite budget', () => {
    const c = columnsOf([
      { params: 500, areaMm2: 10, latencyMs: 10, energyUJ: 10 },
      { params: NaN, areaMm2: 1, latencyMs: 1, energyUJ: 1 },
      { params: 1e12, areaMm2: 1e9, latencyMs: 1e9, energyUJ: 1e9 },
    ]);
    const mask = new Uint8Array(3);
    computeFeasibility(c, 3, { maxParams: 500, maxAreaMm2: 10, maxLatencyMs: 10, maxEnergyUJ: 10 }, mask);
    expect(mask[0]).toBe(0);
    expect(mask[1]).toBe(1);
    expect(mask[2]).toBe(15);
    const r = computeFeasibility(c, 3, NO_LIMIT, mask);
    expect([...mask]).toEqual([0, 0, 0]);
    expect(r.feasible).toBe(3);
  });

  it('only looks at the first n entries and reuses the caller’s count object', () => {
    const c = columnsOf([
      { params: 1, areaMm2: 1, latencyMs: 1, energyUJ: 1 },
      { params: 1e9, areaMm2: 1, latencyMs: 1, energyUJ: 1 },
    ]);
    const mask = new Uint8Array(8).fill(7);
    const out = emptyCounts();
    const r = computeFeasibility(c, 1, { ...NO_LIMIT, maxParams: 10 }, mask, out);
    expect(r).toBe(out);
    expect(r.total).toBe(1);
    expect(r.feasible).toBe(1);
    expect(mask[1]).toBe(7);
    expect(() => computeFeasibility(c, 2, NO_LIMIT, new Uint8Array(1))).toThrow(RangeError);
  });

  it('agrees with the naive computation on random data', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const n = 5000;
    const rows = Array.from({ length: n }, () => ({ params: rand() * 1e6, areaMm2: rand() * 100, latencyMs: rand() * 50, energyUJ: rand() * 200 }));
    const c = columnsOf(rows);
    for (const b of [
      { maxParams: 4e5, maxAreaMm2: 20, maxLatencyMs: 20, maxEnergyUJ: 40 },
      { maxParams: 9e5, maxAreaMm2: Infinity, maxLatencyMs: 5, maxEnergyUJ: 150 },
      NO_LIMIT,
    ]) {
      const mask = new Uint8Array(n);
      const r = computeFeasibility(c, n, b, mask);
      const expected = naive(c, n, b);
      expect([...mask]).toEqual(expected.masks);
      expect(r.feasible).toBe(expected.feasible);
      expect(r.over).toEqual(expected.over);
      expect(r.only).toEqual(expected.only);
    }
  });

  it('recomputes 10,000 candidates well within a frame', () => {
    const n = 10000;
    const c = allocateColumns(n);
    for (let i = 0; i < n; i++) {
      c.params[i] = i * 100;
      c.areaMm2[i] = i / 100;
      c.latencyMs[i] = i / 200;
      c.energyUJ[i] = i / 50;
    }
    const mask = new Uint8Array(n);
    const out = emptyCounts();
    const b = { maxParams: 4e5, maxAreaMm2: 20, maxLatencyMs: 20, maxEnergyUJ: 40 };
    for (let k = 0; k < 20; k++) computeFeasibility(c, n, b, mask, out); // warm up
    const t0 = performance.now();
    const reps = 100;
    for (let k = 0; k < reps; k++) computeFeasibility(c, n, { ...b, maxAreaMm2: 10 + k }, mask, out);
    const perCall = (performance.now() - t0) / reps;
    expect(perCall).toBeLessThan(4);
  });
});
