/**
 * The search over time: the hypervolume of the front under the budgets (or
 * the best accuracy under them) after each evaluation, against the
 * candidates evaluated or against the time since the search started, one
 * line per run. A value holds until the next evaluation changes it, so each
 * line is drawn as stairs through the points where it changes. Pure: the
 * histories come in through props (core/compare/hypervolume-history.ts);
 * the axes are the studio's PlotFrame.
 */
import { memo, useMemo } from 'react';
import { axisSpec, formatCompactAt, formatPercentAt } from '../../core/metrics.ts';
import type { HypervolumeHistory } from '../../core/compare/hypervolume-history.ts';
import { PlotFrame, useFrame, type FrameScales } from '../plot/PlotFrame.tsx';
import './compare.css';

export type OverTimeX = 'evaluated' | 'time';
export type OverTimeY = 'hypervolume' | 'accuracy';

export interface OverTimeSeries {
  /** legend text */
  label: string;
  /** CSS class of the line (its colour and dash come from the stylesheet) */
  className: string;
  history: HypervolumeHistory;
  /** the history has a time for every evaluation (else it has no line against time) */
  timed: boolean;
}

export interface OverTimePlotProps {
  series: readonly OverTimeSeries[];
  x: OverTimeX;
  y: OverTimeY;
  height: number;
  testId: string;
}

/** A line's corners: where its value changes (and where it starts and ends), x in evaluations or seconds. */
export interface StepLine {
  xs: number[];
  ys: number[];
}

/**
 * The points of one history where the chosen value changes, plus its first and last evaluation: enough to draw the
 * stairs exactly, however many evaluations did not change it. Values that are not numbers (no best yet) start no
 * line: it begins at the first evaluation that has one.
 */
export function stepLine(h: HypervolumeHistory, x: OverTimeX, y: OverTimeY): StepLine {
  const values = y === 'hypervolume' ? h.hypervolume : h.bestAccuracy;
  const at = (k: number) => (x === 'evaluated' ? h.evaluated[k] : h.atMs[k] / 1000);
  const out: StepLine = { xs: [], ys: [] };
  const n = values.length;
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (!Number.isFinite(v) || !Number.isFinite(at(k))) continue;
    const last = out.ys.length - 1;
    if (last < 0 || v !== out.ys[last] || k === n - 1) {
      out.xs.push(at(k));
      out.ys.push(v);
    }
  }
  return out;
}

/** The SVG path of a step line in the frame's scales: each value held until the next change. */
export function stairsPath(line: StepLine, frame: Pick<FrameScales, 'x' | 'y'>): string {
  const f = (v: number) => (Math.round(v * 100) / 100).toString();
  const parts: string[] = [];
  for (let k = 0; k < line.xs.length; k++) {
    const x = f(frame.x(line.xs[k]));
    const y = f(frame.y(line.ys[k]));
    parts.push(k === 0 ? `M${x},${y}` : `H${x}V${y}`);
  }
  return parts.join('');
}

function extent(lines: readonly StepLine[], pick: (l: StepLine) => number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines)
    for (const v of pick(l)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

// Hypervolumes are fractions of the unit box, often below 0.01: plain decimals, not exponents.
const fmtHypervolume = (v: number, digits: number) => String(Number(v.toPrecision(digits)));

function Lines({ lines, series }: { lines: readonly StepLine[]; series: readonly OverTimeSeries[] }) {
  const frame = useFrame();
  if (!frame) return null;
  return (
    <g className="over-time-lines">
      {lines.map((l, i) => (
        <path key={series[i].label} className={`over-time-line ${series[i].className}`} d={stairsPath(l, frame)} fill="none" data-label={series[i].label} data-points={l.xs.length} />
      ))}
    </g>
  );
}

export const OverTimePlot = memo(function OverTimePlot({ series, x, y, height, testId }: OverTimePlotProps) {
  // A run that did not record its times has no line against time; the legend says so.
  const drawn = useMemo(() => series.filter((s) => x === 'evaluated' || s.timed), [series, x]);
  const lines = useMemo(() => drawn.map((s) => stepLine(s.history, x, y)), [drawn, x, y]);
  const xSpec = useMemo(() => {
    const [, hi] = extent(lines, (l) => l.xs);
    return axisSpec(0, Number.isFinite(hi) && hi > 0 ? hi : 1, 'linear');
  }, [lines]);
  const ySpec = useMemo(() => {
    const [lo, hi] = extent(lines, (l) => l.ys);
    if (!Number.isFinite(lo)) return axisSpec(0, 1, 'linear');
    // The hypervolume from 0, so its rises compare; the accuracy around its values, which differ by a few percent.
    const from = y === 'hypervolume' ? 0 : lo - (hi - lo || 0.02) * 0.1;
    return axisSpec(from, hi + (hi - from || 0.02) * 0.08, 'linear');
  }, [lines, y]);
  const xTitle = x === 'evaluated' ? 'Candidates evaluated (scored or trained)' : 'Time since the search started (s)';
  const yTitle = y === 'hypervolume' ? 'Hypervolume under the budgets' : 'Best accuracy under the budgets';
  return (
    <figure className="over-time" data-testid={testId} data-x={x} data-y={y} data-lines={lines.filter((l) => l.xs.length > 0).length} style={{ height }}>
      <figcaption className="over-time-legend">
        {series.map((s) => {
          const shown = drawn.includes(s);
          const line = shown ? lines[drawn.indexOf(s)] : null;
          return (
            <span key={s.label} className="over-time-legend-item" data-testid="over-time-legend-item">
              <svg width="26" height="10" aria-hidden="true">
                <line className={`over-time-line ${s.className}`} x1="1" x2="25" y1="5" y2="5" />
              </svg>
              {s.label}
              {!shown ? ' (no times recorded)' : line && line.xs.length === 0 ? (y === 'hypervolume' ? ' (nothing yet)' : ' (nothing trained within the budgets yet)') : ''}
            </span>
          );
        })}
      </figcaption>
      <div className="over-time-area">
        <PlotFrame xSpec={xSpec} ySpec={ySpec} xTitle={xTitle} yTitle={yTitle} xTickFormat={formatCompactAt} yTickFormat={y === 'accuracy' ? formatPercentAt : fmtHypervolume}>
          <Lines lines={lines} series={drawn} />
        </PlotFrame>
      </div>
    </figure>
  );
});
