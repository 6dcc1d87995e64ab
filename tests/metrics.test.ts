import { describe, expect, it } from 'vitest';
import { AXIS_METRICS, METRICS, axisSpec, axisTitle, chooseScale, columnExtent, formatCompact, formatCount, formatMetric } from '../src/core/metrics.ts';
import { createTotals } from '../src/core/cost/estimator.ts';

describe('metrics', () => {
  it('lists exactly the estimator’s CostTotals fields', () => {
    expect([...METRICS].sort()).toEqual(Object.keys(createTotals()).sort());
  });

  it('offers the axes the page needs', () => {
    expect(AXIS_METRICS).toEqual(['params', 'memoryBits', 'areaMm2', 'energyUJ', 'latencyMs', 'tiles', 'crossbars']);
  });

  it('finds the extent of the first n values', () => {
    expect(columnExtent(Float64Array.from([3, 1, 2, -100]), 3)).toEqual([1, 3]);
    expect(columnExtent(new Float64Array(0), 0).every(Number.isNaN)).toBe(true);
  });

  it('uses a log scale only for positive ranges spanning decades', () => {
    expect(chooseScale(1, 10)).toBe('linear');
    expect(chooseScale(1, 1000)).toBe('log');
    expect(chooseScale(0, 1000)).toBe('linear');
  });

  it('snaps log axes to 1-2-5 ticks that enclose the data', () => {
    const s = axisSpec(1.7, 260);
    expect(s.scale).toBe('log');
    expect(s.domain[0]).toBeLessThanOrEqual(1.7);
    expect(s.domain[1]).toBeGreaterThanOrEqual(260);
    expect(s.ticks[0]).toBe(s.domain[0]);
    expect(s.ticks.at(-1)).toBe(s.domain[1]);
    expect(s.ticks).toContain(10);
    expect(s.ticks).toContain(100);
    // wide ranges: fewer ticks per decade
    expect(axisSpec(1e3, 1e9).ticks.every((t) => Math.log10(t) % 1 === 0)).toBe(true);
  });

  it('gives linear axes nice round ticks', () => {
    const s = axisSpec(2, 37.2);
    expect(s.scale).toBe('linear');
    expect(s.domain).toEqual([0, 40]);
    expect(s.ticks).toEqual([0, 10, 20, 30, 40]);
    expect(axisSpec(5, 5).domain[0]).toBeLessThan(5);
    expect(axisSpec(NaN, NaN).domain).toEqual([0, 1]);
  });

  it('formats numbers compactly', () => {
    expect(formatCompact(412345)).toBe('412k');
    expect(formatCompact(4e6)).toBe('4M');
    expect(formatCompact(12.345)).toBe('12.3');
    expect(formatCompact(0.5)).toBe('0.5');
    expect(formatCompact(Infinity)).toBe('∞');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(999)).toBe('999');
    expect(formatMetric('areaMm2', 12.34)).toBe('12.3 mm²');
    expect(axisTitle('energyUJ', 'log')).toBe('Energy (µJ, log)');
    expect(axisTitle('tiles', 'linear')).toBe('Tiles');
  });
});
