/**
 * The SVG frame of the studio's point plots (the cost scatter and the live
 * Pareto view): grid, numeric axes with the AxisSpec's ticks, axis titles,
 * and the plot area and scales its children (canvas layers, budget lines)
 * read with `useFrame()`. Plain React: a new domain is one render of a few
 * dozen SVG elements, with no chart store and no DOM text measurement.
 *
 * Why not recharts: measured in Chromium on a 2-core machine, one recharts
 * frame re-render with a new axis domain costs 20–30 ms of main-thread CPU
 * (a cascade of store dispatches — axis settings, chart options, rendered
 * ticks — each re-rendering the chart synchronously, and labels measured in
 * the DOM with forced layouts) and its first mount 50–90 ms; during a search
 * the domain moves whenever a scored candidate lands outside it. With this
 * frame, switching a cost axis (new domain, new title, every point
 * re-placed) takes 2–8 ms of main-thread CPU, against 5–31 ms with recharts
 * (both plots, measured per task from the kernel's count). Mounting the
 * recharts frame before Start and moving its domains in coarse steps was
 * tried: its heaviest task during a small search was 29–35 ms of CPU
 * against 15–20 here (see the commit that reverted it).
 *
 * Its size comes from a ResizeObserver (no forced synchronous layout at
 * mount); nothing is drawn until the first size is known.
 */
import { createContext, memo, useContext, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { tickLabels, type AxisSpec, type TickFormat } from '../../core/metrics.ts';
import './plot.css';

/** Room around the plot area: margins, the y axis's width (ticks and title) and the x axis's height. */
const FRAME_MARGIN = { top: 16, right: 24, bottom: 28, left: 16 };
const Y_AXIS_WIDTH = 72;
const X_AXIS_HEIGHT = 44;
const TICK_SIZE = 6;
const TICK_MARGIN = 2;
/** Tick labels are 12 px: an estimate of their extent, to drop labels that would overlap (as recharts' default interval does). */
const CHAR_WIDTH = 7.2;
const LABEL_HEIGHT = 14;
const MIN_TICK_GAP = 5;

export interface PlotArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FrameScales {
  plot: PlotArea;
  /** value → SVG x (NaN where the scale has no place for it, e.g. ≤ 0 on a log axis) */
  x(v: number): number;
  /** value → SVG y */
  y(v: number): number;
}

const FrameContext = createContext<FrameScales | null>(null);

/** The plot area and scales of the enclosing PlotFrame; null until it has a size. */
export function useFrame(): FrameScales | null {
  return useContext(FrameContext);
}

export interface PlotFrameProps {
  xSpec: AxisSpec;
  ySpec: AxisSpec;
  xTitle: string;
  yTitle: string;
  /** tick labels: at the least precision at which neighbouring ticks read differently (tickLabels) */
  xTickFormat: TickFormat;
  yTickFormat: TickFormat;
  children: ReactNode;
}

/** Maps the spec's domain onto [r0, r1] (linear, or log10). */
export function frameScale(spec: AxisSpec, r0: number, r1: number): (v: number) => number {
  const [d0, d1] = spec.domain;
  if (spec.scale === 'log' && d0 > 0 && d1 > 0) {
    const l0 = Math.log10(d0);
    const k = (r1 - r0) / (Math.log10(d1) - l0 || 1);
    return (v) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN);
  }
  const k = (r1 - r0) / (d1 - d0 || 1);
  return (v) => r0 + (v - d0) * k;
}

interface Tick {
  value: number;
  at: number;
  label: string;
  show: boolean;
}

/**
 * Ticks in the domain with their positions; labels that would overlap the
 * next shown one are dropped, walking from the end so the last label stays.
 */
export function frameTicks(spec: AxisSpec, scale: (v: number) => number, format: TickFormat, extent: (label: string) => number): Tick[] {
  const [d0, d1] = spec.domain;
  const eps = Math.abs(d1 - d0) * 1e-9;
  const values = spec.ticks.filter((v) => v >= d0 - eps && Number.isFinite(scale(v)) && v <= d1 + eps);
  const labels = tickLabels(values, format);
  const ticks = values.map((value, i) => ({ value, at: scale(value), label: labels[i], show: false }));
  let prevAt = NaN;
  let prevHalf = 0;
  for (let i = ticks.length - 1; i >= 0; i--) {
    const t = ticks[i];
    const half = extent(t.label) / 2;
    // Positions run either way (y grows downwards): compare centre distances.
    if (Number.isNaN(prevAt) || Math.abs(prevAt - t.at) >= prevHalf + half + MIN_TICK_GAP) {
      t.show = true;
      prevAt = t.at;
      prevHalf = half;
    }
  }
  return ticks;
}

function useSize(): [React.RefObject<HTMLDivElement | null>, { width: number; height: number } | null] {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      const width = Math.round(r.width);
      const height = Math.round(r.height);
      setSize((s) => (s && s.width === width && s.height === height ? s : { width, height }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}

export const PlotFrame = memo(function PlotFrame(p: PlotFrameProps) {
  const [ref, size] = useSize();
  const frame = useMemo<FrameScales | null>(() => {
    if (!size) return null;
    const plot = {
      x: FRAME_MARGIN.left + Y_AXIS_WIDTH,
      y: FRAME_MARGIN.top,
      width: Math.max(0, size.width - FRAME_MARGIN.left - Y_AXIS_WIDTH - FRAME_MARGIN.right),
      height: Math.max(0, size.height - FRAME_MARGIN.top - FRAME_MARGIN.bottom - X_AXIS_HEIGHT),
    };
    return { plot, x: frameScale(p.xSpec, plot.x, plot.x + plot.width), y: frameScale(p.ySpec, plot.y + plot.height, plot.y) };
  }, [size, p.xSpec, p.ySpec]);
  return (
    <div ref={ref} className="plot-frame" style={{ width: '100%', height: '100%' }}>
      {size && frame && frame.plot.width > 0 && frame.plot.height > 0 ? (
        <svg className="plot-surface" width={size.width} height={size.height} viewBox={`0 0 ${size.width} ${size.height}`} style={{ display: 'block' }}>
          <Axes frame={frame} {...p} />
          <FrameContext.Provider value={frame}>{p.children}</FrameContext.Provider>
        </svg>
      ) : null}
    </div>
  );
});

function Axes({ frame, xSpec, ySpec, xTitle, yTitle, xTickFormat, yTickFormat }: PlotFrameProps & { frame: FrameScales }) {
  const { plot } = frame;
  const left = plot.x;
  const right = plot.x + plot.width;
  const top = plot.y;
  const bottom = plot.y + plot.height;
  const xTicks = frameTicks(xSpec, frame.x, xTickFormat, (s) => s.length * CHAR_WIDTH);
  const yTicks = frameTicks(ySpec, frame.y, yTickFormat, () => LABEL_HEIGHT);
  const yTitleX = FRAME_MARGIN.left + 4;
  const yTitleY = top + plot.height / 2;
  return (
    <>
      <g className="plot-grid">
        {yTicks.map((t) => (
          <line key={`h${t.value}`} x1={left} x2={right} y1={t.at} y2={t.at} fill="none" />
        ))}
        {xTicks.map((t) => (
          <line key={`v${t.value}`} x1={t.at} x2={t.at} y1={top} y2={bottom} fill="none" />
        ))}
      </g>
      <g className="plot-axis plot-x-axis">
        <line className="plot-axis-line" x1={left} x2={right} y1={bottom} y2={bottom} fill="none" />
        {xTicks.map((t) => (
          <line key={t.value} className="plot-tick-line" x1={t.at} x2={t.at} y1={bottom} y2={bottom + TICK_SIZE} fill="none" />
        ))}
        {xTicks.map((t) =>
          t.show ? (
            <text key={t.value} className="plot-tick-value" x={t.at} y={bottom + TICK_SIZE + TICK_MARGIN} dy="0.71em" textAnchor="middle">
              {t.label}
            </text>
          ) : null,
        )}
        <text className="axis-title" x={left + plot.width / 2} y={bottom + X_AXIS_HEIGHT + 18} textAnchor="middle">
          {xTitle}
        </text>
      </g>
      <g className="plot-axis plot-y-axis">
        <line className="plot-axis-line" x1={left} x2={left} y1={top} y2={bottom} fill="none" />
        {yTicks.map((t) => (
          <line key={t.value} className="plot-tick-line" x1={left - TICK_SIZE} x2={left} y1={t.at} y2={t.at} fill="none" />
        ))}
        {yTicks.map((t) =>
          t.show ? (
            <text key={t.value} className="plot-tick-value" x={left - TICK_SIZE - TICK_MARGIN} y={t.at} dy="0.355em" textAnchor="end">
              {t.label}
            </text>
          ) : null,
        )}
        <text className="axis-title" x={yTitleX} y={yTitleY} dy="0.355em" textAnchor="middle" transform={`rotate(-90, ${yTitleX}, ${yTitleY})`}>
          {yTitle}
        </text>
      </g>
    </>
  );
}
