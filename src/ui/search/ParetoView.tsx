/**
 * The live Pareto view, a pure component: the plotted points come in through
 * props (pareto-data.ts). A light SVG frame (plot/PlotFrame.tsx; not
 * recharts, whose re-render on every moved domain was a long main-thread
 * task while a search ran) draws the axes and grid; the points go on a
 * canvas placed with the frame's scales, one batched path per class, so
 * thousands of points redraw within a frame. Infeasible points are grey
 * circles (never hidden), feasible ones coloured circles, front members
 * diamonds, trained points ringed squares, the best under the budgets a
 * star. Hover shows the figures; click opens the detail.
 */
import { createContext, memo, useContext, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { PlotFrame, useFrame } from '../plot/PlotFrame.tsx';
import { METRIC_INFO, axisSpec, axisTitle, formatCompact, formatMetric, type AxisSpec } from '../../core/metrics.ts';
import type { ParetoData } from './pareto-data.ts';

export interface ParetoColors {
  feasible: string;
  infeasible: string;
  front: string;
  trained: string;
  best: string;
}

export interface ParetoViewProps {
  data: ParetoData;
  /** bumps whenever `data` may have changed in place */
  version: number;
  genomes: readonly string[];
  colors: ParetoColors;
  height?: number;
  onSelect?(candidate: number): void;
}

function extent(v: Float64Array, n: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!(lo <= hi)) return [NaN, NaN];
  // A little room so markers at the ends (the best's star, front diamonds) are not cut by the plot's edge.
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.04;
  return [lo > 0 && lo - pad <= 0 ? lo / 1.1 : lo - pad, hi + pad];
}

export function yTitle(y: ParetoData['y']): string {
  return y === 'accuracy' ? 'Quantized test accuracy (trained)' : 'Training-free score (log|det K|, until trained)';
}

export const ParetoView = memo(function ParetoView({ data, version, genomes, colors, height = 420, onSelect }: ParetoViewProps) {
  const [hover, setHover] = useState<{ k: number; left: number; top: number } | null>(null);
  // Axis specs keyed by value: the memoized chart (axes, grid) re-renders only when a domain moves, not per arriving point.
  const xKey = JSON.stringify(axisSpec(...extent(data.xs, data.n)));
  const yKey = JSON.stringify(axisSpec(...extent(data.ys, data.n), 'linear'));
  const xSpec = useMemo(() => JSON.parse(xKey) as AxisSpec, [xKey]);
  const ySpec = useMemo(() => JSON.parse(yKey) as AxisSpec, [yKey]);
  const paint = useMemo(() => ({ data, version, colors, onHover: setHover, onSelect }), [data, version, colors, onSelect]);
  const h = hover && hover.k < data.n ? hover : null;
  let feasible = 0;
  for (let k = 0; k < data.n; k++) feasible += data.feasible[k];
  return (
    <div className="scatter pareto" style={{ height }} data-testid="pareto" data-points={data.n} data-front={data.frontCount} data-y={data.y}>
      <div
        className="scatter-chart"
        role="group"
        aria-label={`Pareto view: ${data.n} candidates, ${yTitle(data.y)} against ${METRIC_INFO[data.x].label}; ${feasible} feasible, ${data.frontCount} on the front.`}
      >
        <PaintContext.Provider value={paint}>
          <Body x={data.x} y={data.y} xSpec={xSpec} ySpec={ySpec} />
        </PaintContext.Provider>
      </div>
      {h ? (
        <div className="point-tooltip" style={{ left: h.left + 14, top: h.top + 14, transform: h.left > 420 ? 'translateX(calc(-100% - 28px))' : undefined }} data-testid="pareto-tooltip">
          <div className="genome">{genomes[data.index[h.k]]}</div>
          <div className={data.feasible[h.k] ? 'verdict ok' : 'verdict bad'}>
            #{data.index[h.k] + 1} · {data.feasible[h.k] ? 'within every budget' : 'over a budget'}
            {data.front[h.k] ? ' · on the front' : ''}
            {data.index[h.k] === data.bestIndex ? ' · best under the budgets' : ''}
          </div>
          <dl>
            <div>
              <dt>{data.y === 'accuracy' ? 'Accuracy (quantized)' : 'Score'}</dt>
              <dd>{data.y === 'accuracy' ? `${(100 * data.ys[h.k]).toFixed(1)} %` : data.ys[h.k].toFixed(2)}</dd>
            </div>
            <div>
              <dt>{METRIC_INFO[data.x].label}</dt>
              <dd>{formatMetric(data.x, data.xs[h.k])}</dd>
            </div>
          </dl>
          <div className="hint">click for details</div>
        </div>
      ) : null}
    </div>
  );
});

interface Paint {
  data: ParetoData;
  version: number;
  colors: ParetoColors;
  onHover(h: { k: number; left: number; top: number } | null): void;
  onSelect?(candidate: number): void;
}
const PaintContext = createContext<Paint | null>(null);

interface BodyProps {
  x: ParetoData['x'];
  y: ParetoData['y'];
  xSpec: AxisSpec;
  ySpec: AxisSpec;
}

// One decimal: a front of a few trained points spans only a few percent, and whole percents would repeat on the ticks.
const fmtAccuracy = (v: number) => `${Number((v * 100).toFixed(1))}%`;

const Body = memo(function Body(p: BodyProps) {
  return (
    <PlotFrame xSpec={p.xSpec} ySpec={p.ySpec} xTitle={axisTitle(p.x, p.xSpec.scale)} yTitle={yTitle(p.y)} xTickFormat={formatCompact} yTickFormat={p.y === 'accuracy' ? fmtAccuracy : formatCompact}>
      <Points />
    </PlotFrame>
  );
});

function Points() {
  const { data, version, colors, onHover, onSelect } = useContext(PaintContext)!;
  const frame = useFrame();
  const plot = frame?.plot;
  const xScale = frame?.x;
  const yScale = frame?.y;
  const ref = useRef<HTMLCanvasElement>(null);
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const x0 = plot?.x ?? 0;
  const y0 = plot?.y ?? 0;
  const width = Math.max(0, Math.round(plot?.width ?? 0));
  const height = Math.max(0, Math.round(plot?.height ?? 0));
  const px = useMemo(() => {
    const out = { x: new Float32Array(data.n), y: new Float32Array(data.n) };
    if (!xScale || !yScale) return out;
    for (let k = 0; k < data.n; k++) {
      out.x[k] = xScale(data.xs[k]) - x0;
      out.y[k] = yScale(data.ys[k]) - y0;
    }
    return out;
  }, [data, version, xScale, yScale, x0, y0, width, height]);

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const ok = (k: number) => Number.isFinite(px.x[k]) && Number.isFinite(px.y[k]);
    // Infeasible first (grey), then feasible, then front diamonds, trained squares, the best's star on top.
    const layer = (want: (k: number) => boolean, shape: (x: number, y: number) => void, fill: string | null, stroke: string | null, lw = 1.5) => {
      ctx.beginPath();
      for (let k = 0; k < data.n; k++) if (ok(k) && want(k)) shape(px.x[k], px.y[k]);
      if (fill) {
        ctx.fillStyle = fill;
        ctx.fill();
      }
      if (stroke) {
        ctx.lineWidth = lw;
        ctx.strokeStyle = stroke;
        ctx.stroke();
      }
    };
    const circle = (r: number) => (x: number, y: number) => {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    };
    const diamond = (r: number) => (x: number, y: number) => {
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
    };
    const square = (r: number) => (x: number, y: number) => ctx.rect(x - r, y - r, 2 * r, 2 * r);
    ctx.globalAlpha = 0.55;
    layer((k) => !data.feasible[k], circle(3), colors.infeasible, null);
    ctx.globalAlpha = 0.85;
    layer((k) => data.feasible[k] === 1 && !data.front[k], circle(3), colors.feasible, null);
    ctx.globalAlpha = 1;
    layer((k) => data.front[k] === 1, diamond(5.5), colors.front, null);
    layer((k) => data.trained[k] === 1, square(6.5), null, colors.trained, 2);
    if (data.best >= 0 && ok(data.best)) {
      const x = px.x[data.best];
      const y = px.y[data.best];
      ctx.beginPath();
      for (let i = 0; i < 10; i++) {
        const r = i % 2 ? 4.5 : 11;
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        if (i === 0) ctx.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
        else ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
      }
      ctx.closePath();
      ctx.fillStyle = colors.best;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = colors.trained;
      ctx.stroke();
    }
  }, [px, data, colors, width, height, dpr]);

  const find = (e: React.MouseEvent<HTMLCanvasElement>): number => {
    const r = e.currentTarget.getBoundingClientRect();
    const mx = e.clientX - r.left;
    const my = e.clientY - r.top;
    let best = -1;
    let bd = 12 * 12;
    for (let k = 0; k < data.n; k++) {
      const d = (px.x[k] - mx) ** 2 + (px.y[k] - my) ** 2;
      // Prefer feasible points over infeasible ones under the cursor.
      if (d < bd || (d === bd && data.feasible[k])) {
        bd = d;
        best = k;
      }
    }
    return best;
  };
  if (!plot) return null;
  return (
    <foreignObject x={x0} y={y0} width={width} height={height} className="points-layer">
      <canvas
        ref={ref}
        style={{ width, height, display: 'block', cursor: onSelect ? 'pointer' : undefined }}
        data-testid="pareto-canvas"
        role="img"
        aria-label="Candidate points of the Pareto view; the candidate table below lists the same candidates."
        onPointerMove={(e) => {
          const k = find(e);
          onHover(k < 0 ? null : { k, left: x0 + px.x[k], top: y0 + px.y[k] });
        }}
        onPointerLeave={() => onHover(null)}
        onClick={(e) => {
          const k = find(e);
          if (k >= 0) onSelect?.(data.index[k]);
        }}
      />
    </foreignObject>
  );
}
