/**
 * Where a number knob of the parameter table sits on a range input. Linear
 * knobs use their own min/max/step; log knobs (the budgets) map a fixed
 * number of positions geometrically over [min, max], rounded to three
 * significant figures so keyboard steps give readable values. The top
 * position of an `unboundedAtMax` knob is its max, which means "no limit".
 */
import { clampNumber, type NumberParam } from './params.ts';

/** Positions of a log slider: one arrow-key step is 1/LOG_POSITIONS of the decades spanned. */
export const LOG_POSITIONS = 400;

export interface SliderRange {
  min: number;
  max: number;
  step: number;
}

export function sliderRange(d: NumberParam): SliderRange {
  return d.scale === 'log' ? { min: 0, max: LOG_POSITIONS, step: 1 } : { min: d.min, max: d.max, step: d.step };
}

function roundSignificant(v: number, digits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(digits));
}

/** The knob value at a slider position. */
export function valueAtPosition(d: NumberParam, position: number): number {
  if (d.scale !== 'log') return clampNumber(d, position);
  const p = Math.min(LOG_POSITIONS, Math.max(0, position));
  if (p >= LOG_POSITIONS) return d.max;
  if (p <= 0) return d.min;
  const v = d.min * (d.max / d.min) ** (p / LOG_POSITIONS);
  return clampNumber(d, roundSignificant(v, 3));
}

/** The slider position that shows a knob value. */
export function positionOfValue(d: NumberParam, value: number): number {
  if (d.scale !== 'log') return clampNumber(d, value);
  if (!(value > d.min)) return 0;
  if (value >= d.max) return LOG_POSITIONS;
  return Math.min(LOG_POSITIONS - 1, Math.max(0, Math.round((LOG_POSITIONS * Math.log(value / d.min)) / Math.log(d.max / d.min))));
}
