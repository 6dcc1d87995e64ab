/**
 * The live Pareto view, a pure component: the plotted points come in through
 * props (pareto-data.ts). The plots' SVG frame (plot/PlotFrame.tsx, shared
 * with the cost scatter) draws the axes and grid; the marks
 * (pareto-marks.ts) go on its canvas layer. Hover shows the figures; click
 * opens the detail.
 */
import { createContext, memo, useCallback, useContext, useMemo, useState } from 'react';
import { PlotFrame, useFrame } from '../plot/PlotFrame.tsx';
import { CanvasLayer, usePlacedPoints } from '../plot/CanvasLayer.tsx';
import { nearestPoint } from '../plot/draw.ts';
import { PROXIES, oriented } from '../../core/calibration/proxies.ts';
import { METRIC_INFO, axisSpec, axisTitle, formatCompactAt, formatPercentAt, formatMetric, type AxisSpec } from '../../core/metrics.ts';
import type { ParetoData } from './pareto-data.ts';
import { RANK_LABELS } from './rank-labels.ts';
import { drawParetoMarks, type ParetoColors } from './pareto-marks.ts';
import { OverlayMarks } from '../compare/OverlayMarks.tsx';
import type { OverlaySeries } from '../compare/overlays.ts';
import './search.css';

export interface ParetoViewProps {
  data: ParetoData;
  /** bumps whenever `data` may have changed in place */
  version: number;
  genomes: readonly string[];
  colors: ParetoColors;
  height?: number;
  onSelect?(candidate: number): void;
  /** a pinned run's front, drawn over the points (the axes stretch to show it) */
  overlay?: OverlaySeries | null;
}

function extent(v: Float64Array, n: number, more: readonly number[] = []): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n + more.length; i++) {
    const x = i < n ? v[i] : more[i - n];
    if (!Number.isFinite(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!(lo <= hi)) return [NaN, NaN];
  // A little room so markers at the ends (the best's star, front diamonds) are not cut by the plot's edge.
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.04;
  return [lo > 0 && lo - pad <= 0 ? lo / 1.1 : lo - pad, hi + pad];
}

export function yTitle(y: ParetoData['y'], rankBy: ParetoData['rankBy']): string {
  return y === 'accuracy' ? 'Quantized test accuracy (trained)' : RANK_LABELS[rankBy].axis;
}

export const ParetoView = memo(function ParetoView({ data, version, genomes, colors, height = 420, onSelect, overlay = null }: ParetoViewProps) {
  const [hover, setHover] = useState<{ k: number; left: number; top: number } | null>(null);
  // Axis specs keyed by value: the memoized chart (axes, grid) re-renders only when a domain moves, not per arriving point.
  const xKey = JSON.stringify(axisSpec(...extent(data.xs, data.n, overlay?.xs)));
  const yKey = JSON.stringify(axisSpec(...extent(data.ys, data.n, overlay?.ys), 'linear'));
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
        aria-label={`Pareto view: ${data.n} candidates, ${yTitle(data.y, data.rankBy)} against ${METRIC_INFO[data.x].label}; ${feasible} feasible, ${data.frontCount} on the front.`}
      >
        <PaintContext.Provider value={paint}>
          <Body x={data.x} y={data.y} rankBy={data.rankBy} xSpec={xSpec} ySpec={ySpec} overlay={overlay} />
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
              <dt>{data.y === 'accuracy' ? 'Accuracy (quantized)' : RANK_LABELS[data.rankBy].phrase}</dt>
              {/* The ranking's own value: the plot negates a lower-is-better proxy (up is better), the tooltip does not. */}
              <dd>{data.y === 'accuracy' ? `${(100 * data.ys[h.k]).toFixed(1)} %` : RANK_LABELS[data.rankBy].format(oriented(PROXIES[data.rankBy], data.ys[h.k]) /* the plotted value turned back: its own inverse */)}</dd>
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
  rankBy: ParetoData['rankBy'];
  xSpec: AxisSpec;
  ySpec: AxisSpec;
  overlay: OverlaySeries | null;
}


const NO_OVERLAY: readonly OverlaySeries[] = [];

const Body = memo(function Body(p: BodyProps) {
  return (
    <PlotFrame xSpec={p.xSpec} ySpec={p.ySpec} xTitle={axisTitle(p.x, p.xSpec.scale)} yTitle={yTitle(p.y, p.rankBy)} xTickFormat={formatCompactAt} yTickFormat={p.y === 'accuracy' ? formatPercentAt : formatCompactAt}>
      <Points />
      <OverlayMarks series={p.overlay ? [p.overlay] : NO_OVERLAY} />
    </PlotFrame>
  );
});

/** Within this many CSS px of the pointer a point is hovered (a feasible one within 4 px wins: it is drawn on top). */
const HOVER_DISTANCE = 12;

function Points() {
  const { data, version, colors, onHover, onSelect } = useContext(PaintContext)!;
  const frame = useFrame();
  const points = usePlacedPoints(data.xs, data.ys, data.n, version);
  const paint = useCallback(
    (ctx: CanvasRenderingContext2D, width: number, height: number) => {
      if (points) drawParetoMarks(ctx, width, height, points, data, colors);
    },
    [points, data, colors],
  );
  const x0 = frame?.plot.x ?? 0;
  const y0 = frame?.plot.y ?? 0;
  const find = (x: number, y: number) => (points ? nearestPoint(points, x, y, HOVER_DISTANCE, (k) => data.feasible[k] === 1) : -1);
  return (
    <CanvasLayer
      paint={paint}
      testId="pareto-canvas"
      data={{ 'data-points': points?.n ?? 0 }}
      cursor={onSelect ? 'pointer' : undefined}
      label="Candidate points of the Pareto view; the candidate table below lists the same candidates."
      onPointerAt={(at) => {
        const k = at ? find(at.x, at.y) : -1;
        onHover(k < 0 || !points ? null : { k, left: x0 + points.px[k], top: y0 + points.py[k] });
      }}
      onClickAt={(x, y) => {
        const k = find(x, y);
        if (k >= 0) onSelect?.(data.index[k]);
      }}
    />
  );
}
