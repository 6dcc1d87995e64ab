/**
 * A quantity against the timestep, as snnTorch's tutorial plots draw an
 * input current or a membrane potential: each series a line through its
 * per-step values (or stairs: a current held for the whole step; or stems:
 * input spikes), with labelled horizontal reference lines (the threshold).
 * Pure: everything comes in through props; the axes are the studio's
 * PlotFrame.
 */
import { memo, useMemo } from 'react';
import { axisSpec, formatCompactAt } from '../../core/metrics.ts';
import { PlotFrame, useFrame, type FrameScales } from '../plot/PlotFrame.tsx';

export interface TimeSeries {
  values: readonly number[];
  /** line: through (t, v); stairs: v held from t to t + 1; stems: a bar from 0 to v at each non-zero step */
  kind: 'line' | 'stairs' | 'stems';
  /** CSS class of the path (colour and dash come from the stylesheet) */
  className: string;
  /** legend text */
  label: string;
}

export interface ReferenceLine {
  value: number;
  label: string;
  className: string;
}

export interface TimeSeriesPlotProps {
  /** what the plot shows, above it */
  title: string;
  series: readonly TimeSeries[];
  lines?: readonly ReferenceLine[];
  /** timesteps on the x axis (every series has this many values) */
  steps: number;
  xTitle: string;
  yTitle: string;
  testId: string;
  /** the plot's height in CSS pixels, axes included */
  height: number;
}

/** The y range that shows every value, every reference line and 0. */
export function valueRange(series: readonly TimeSeries[], lines: readonly ReferenceLine[] = []): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const s of series) {
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  for (const l of lines) {
    lo = Math.min(lo, l.value);
    hi = Math.max(hi, l.value);
  }
  return [lo, hi];
}

/** The SVG path of a series in the frame's scales. */
export function seriesPath(s: TimeSeries, frame: Pick<FrameScales, 'x' | 'y'>): string {
  const parts: string[] = [];
  const n = s.values.length;
  const f = (v: number) => (Math.round(v * 100) / 100).toString();
  if (s.kind === 'stems') {
    const base = frame.y(0);
    for (let t = 0; t < n; t++) {
      const v = s.values[t];
      if (v !== 0 && Number.isFinite(v)) parts.push(`M${f(frame.x(t))},${f(base)}V${f(frame.y(v))}`);
    }
    return parts.join('');
  }
  for (let t = 0; t < n; t++) {
    const x = f(frame.x(t));
    const y = f(frame.y(s.values[t]));
    if (s.kind === 'line') parts.push(`${t === 0 ? 'M' : 'L'}${x},${y}`);
    else parts.push(`${t === 0 ? 'M' : 'L'}${x},${y}H${f(frame.x(t + 1))}`);
  }
  return parts.join('');
}

function Series({ series, lines }: { series: readonly TimeSeries[]; lines: readonly ReferenceLine[] }) {
  const frame = useFrame();
  if (!frame) return null;
  const { plot } = frame;
  return (
    <g className="time-series">
      {/* Reference lines over the series, so their labels stay on top. */}
      {series.map((s) => (
        <path key={s.label} className={`series ${s.className}`} d={seriesPath(s, frame)} fill="none" data-label={s.label} />
      ))}
      {lines.map((l) => {
        const y = frame.y(l.value);
        return (
          <g key={l.label} className={`reference-line ${l.className}`} data-value={l.value}>
            <line x1={plot.x} x2={plot.x + plot.width} y1={y} y2={y} fill="none" />
            <text x={plot.x + plot.width - 4} y={y - 4} textAnchor="end">
              {l.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

export const TimeSeriesPlot = memo(function TimeSeriesPlot({ title, series, lines = [], steps, xTitle, yTitle, testId, height }: TimeSeriesPlotProps) {
  // The stairs of the last step end at t = steps.
  const xSpec = useMemo(() => axisSpec(0, Math.max(1, steps), 'linear'), [steps]);
  const ySpec = useMemo(() => {
    const [lo, hi] = valueRange(series, lines);
    const pad = (hi - lo || 1) * 0.06;
    return axisSpec(lo < 0 ? lo - pad : 0, hi + pad, 'linear');
  }, [series, lines]);
  return (
    <figure className="neuron-plot" data-testid={testId} style={{ height }}>
      <figcaption className="neuron-plot-caption">
        <span className="neuron-plot-title">{title}</span>
        {series.map((s) => (
          <span key={s.label} className="neuron-legend-item">
            <svg width="22" height="10" aria-hidden="true">
              <line className={`series ${s.className}`} x1="1" x2="21" y1="5" y2="5" />
            </svg>
            {s.label}
          </span>
        ))}
        {lines.map((l) => (
          <span key={l.label} className="neuron-legend-item">
            <svg width="22" height="10" aria-hidden="true">
              <line className={`reference-line ${l.className}`} x1="1" x2="21" y1="5" y2="5" />
            </svg>
            {l.label}
          </span>
        ))}
      </figcaption>
      <div className="neuron-plot-area">
        <PlotFrame xSpec={xSpec} ySpec={ySpec} xTitle={xTitle} yTitle={yTitle} xTickFormat={formatCompactAt} yTickFormat={formatCompactAt}>
          <Series series={series} lines={lines} />
        </PlotFrame>
      </div>
    </figure>
  );
});
