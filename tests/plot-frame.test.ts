import { describe, expect, it } from 'vitest';
import { axisSpec, formatCompact } from '../src/core/metrics.ts';
import { frameScale, frameTicks } from '../src/ui/plot/PlotFrame.tsx';

describe('the live plots’ SVG frame', () => {
  it('maps a linear domain onto its range, either way round', () => {
    const spec = axisSpec(0, 10, 'linear');
    const x = frameScale(spec, 100, 300);
    expect(x(spec.domain[0])).toBe(100);
    expect(x(spec.domain[1])).toBe(300);
    expect(x((spec.domain[0] + spec.domain[1]) / 2)).toBe(200);
    const y = frameScale(spec, 400, 0);
    expect(y(spec.domain[0])).toBe(400);
    expect(y(spec.domain[1])).toBe(0);
  });

  it('maps a log domain by decades, with no place for values ≤ 0', () => {
    const spec = axisSpec(1, 1000);
    expect(spec.scale).toBe('log');
    const x = frameScale(spec, 0, 300);
    expect(x(1)).toBeCloseTo(0);
    expect(x(10)).toBeCloseTo(100);
    expect(x(1000)).toBeCloseTo(300);
    expect(x(0)).toBeNaN();
    expect(x(-1)).toBeNaN();
  });

  it('places every tick of the spec, and drops labels that would overlap from the start, keeping the last', () => {
    const spec = axisSpec(0, 100, 'linear');
    const wide = frameTicks(spec, frameScale(spec, 0, 800), formatCompact, (s) => s.length * 7);
    expect(wide.map((t) => t.value)).toEqual(spec.ticks);
    expect(wide.every((t) => t.show)).toBe(true);
    const narrow = frameTicks(spec, frameScale(spec, 0, 60), formatCompact, (s) => s.length * 7);
    expect(narrow).toHaveLength(spec.ticks.length);
    expect(narrow[narrow.length - 1].show).toBe(true);
    expect(narrow.filter((t) => t.show).length).toBeLessThan(spec.ticks.length);
    // Shown labels never overlap (5 px apart at least).
    const shown = narrow.filter((t) => t.show);
    for (let i = 1; i < shown.length; i++) {
      const half = (t: (typeof shown)[number]) => (t.label.length * 7) / 2;
      expect(Math.abs(shown[i].at - shown[i - 1].at)).toBeGreaterThanOrEqual(half(shown[i]) + half(shown[i - 1]) + 5);
    }
  });

  it('works on a y axis, whose positions grow downwards', () => {
    const spec = axisSpec(-100, -50, 'linear');
    const ticks = frameTicks(spec, frameScale(spec, 300, 0), formatCompact, () => 14);
    expect(ticks[0].at).toBe(300);
    expect(ticks[ticks.length - 1].at).toBe(0);
    expect(ticks.every((t) => t.show)).toBe(true);
    const crowded = frameTicks(spec, frameScale(spec, 40, 0), formatCompact, () => 14);
    expect(crowded.filter((t) => t.show).length).toBeLessThan(crowded.length);
  });
});
