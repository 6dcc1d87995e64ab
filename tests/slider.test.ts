import { describe, expect, it } from 'vitest';
import { PARAMS, budgetLimit } from '../src/core/params.ts';
import { LOG_POSITIONS, positionOfValue, sliderRange, valueAtPosition } from '../src/core/slider.ts';

describe('slider mapping', () => {
  it('maps log budgets over fixed positions, the top meaning no limit', () => {
    for (const key of ['maxParams', 'maxAreaMm2', 'maxLatencyMs', 'maxEnergyUJ'] as const) {
      const d = PARAMS[key];
      expect(sliderRange(d)).toEqual({ min: 0, max: LOG_POSITIONS, step: 1 });
      expect(valueAtPosition(d, 0)).toBe(d.min);
      expect(valueAtPosition(d, LOG_POSITIONS)).toBe(d.max);
      expect(budgetLimit(d, valueAtPosition(d, LOG_POSITIONS))).toBe(Infinity);
      expect(budgetLimit(d, valueAtPosition(d, LOG_POSITIONS - 1))).toBeLessThan(Infinity);
      let previous = -Infinity;
      for (let p = 0; p <= LOG_POSITIONS; p++) {
        const v = valueAtPosition(d, p);
        expect(v).toBeGreaterThanOrEqual(previous);
        expect(v).toBeGreaterThanOrEqual(d.min);
        expect(v).toBeLessThanOrEqual(d.max);
        previous = v;
        // A value the slider produced survives the trip through its shown position.
        expect(valueAtPosition(d, positionOfValue(d, v))).toBe(v);
      }
    }
  });

  it('rounds log values to three significant figures', () => {
    const v = valueAtPosition(PARAMS.maxParams, 123);
    expect(Number(v.toPrecision(3))).toBe(v);
  });

  it('shows defaults and out-of-range values at sensible positions', () => {
    const d = PARAMS.maxAreaMm2;
    const p = positionOfValue(d, d.default);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(LOG_POSITIONS);
    expect(positionOfValue(d, 0)).toBe(0);
    expect(positionOfValue(d, 1e9)).toBe(LOG_POSITIONS);
    // Just under the max is not "no limit".
    expect(positionOfValue(d, d.max * 0.999)).toBe(LOG_POSITIONS - 1);
  });

  it('passes linear knobs through, clamped to their grid', () => {
    const d = PARAMS.channelsMin;
    expect(sliderRange(d)).toEqual({ min: d.min, max: d.max, step: d.step });
    expect(valueAtPosition(d, 16)).toBe(16);
    expect(positionOfValue(d, 1000)).toBe(d.max);
  });
});
