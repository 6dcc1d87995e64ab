/**
 * Scatter of costed candidates on two cost axes. A pure component: columns,
 * feasibility mask, axes and budgets come in through props.
 *
 * The SVG frame (PlotFrame.tsx, shared with the search's Pareto view) draws
 * the axes, grid and budget lines; the points go on its canvas layer.
 * Pixel positions are memoized on the data and the frame, so a budget
 * change only repaints colours: O(n), no allocation.
 */
import { createContext, memo, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { PlotFrame, useFrame } from './PlotFrame.tsx';
import { CanvasLayer, usePlacedPoints } from './CanvasLayer.tsx';
import { BUDGETS } from '../../core/feasibility.ts';
import type { Budgets } from '../../core/settings.ts';
import { METRIC_INFO, METRICS, axisSpec, axisTitle, columnExtent, formatCompactAt, formatMetric, type AxisSpec, type Columns, type Metric } from '../../core/metrics.ts';
import { drawPoints, nearestPoint, type PixelPoints, type PointColors } from './draw.ts';
import { copyText } from '../exchange/clipboard.ts';
import { OverlayMarks } from '../compare/OverlayMarks.tsx';
import type { OverlaySeries } from '../compare/overlays.ts';
import './plot.css';

export interface CostScatterProps {
  columns: Columns;
  /** candidates to show: entries [0, count) */
  count: number;
  /** bumps whenever columns or count change */
  dataVersion: number;
  genomes: readonly string[];
  /** 0 = feasible, else the bits of the broken budgets */
  mask: Uint8Array;
  maskVersion: number;
  x: Metric;
  y: Metric;
  budgets: Budgets;
  colors: PointColors;
  /** feasible candidates among the shown (for the chart's text alternative) */
  feasible: number;
  height?: number;
  /** a point was chosen (click, or Enter on the keyboard cursor): open its detail */
  onSelect?(index: number): void;
  /** published networks marked beside the candidates (the axes stretch to show them) */
  references?: readonly ReferenceMark[];
  /** runs' fronts drawn over the points, at the axes' two costs (src/ui/compare/) */
  overlays?: readonly OverlaySeries[];
}

/** A published network drawn as a labelled diamond at its costs. */
export interface ReferenceMark {
  id: string;
  label: string;
  costs: Readonly<Record<Metric, number>>;
}

const NO_REFERENCES: readonly ReferenceMark[] = [];
const NO_OVERLAYS: readonly OverlaySeries[] = [];

const POINT_RADIUS = 2.5;
const HOVER_DISTANCE = 10;
const BUDGET_OF_METRIC: Partial<Record<Metric, (typeof BUDGETS)[number]>> = Object.fromEntries(BUDGETS.map((b) => [b.metric, b]));

/**
 * What changes while a budget slider moves: passed by context so the memoized
 * chart (axes, grid) skips re-rendering and only the point canvas and the
 * budget lines update.
 */
interface Paint {
  mask: Uint8Array;
  maskVersion: number;
  budgets: Budgets;
  colors: PointColors;
}
const PaintContext = createContext<Paint | null>(null);

interface Hover {
  /** the keyboard cursor put it there (announced to screen readers) */
  keyboard?: boolean;
  index: number;
  /** position in the chart container, CSS px */
  left: number;
  top: number;
}

export function CostScatter(props: CostScatterProps) {
  const { columns, count, dataVersion, x, y, height = 520, references = NO_REFERENCES, overlays = NO_OVERLAYS } = props;
  const xRaw = useMemo(() => specFor(columns[x], count, references, x, overlays.flatMap((o) => o.xs)), [columns, count, dataVersion, x, references, overlays]);
  const yRaw = useMemo(() => specFor(columns[y], count, references, y, overlays.flatMap((o) => o.ys)), [columns, count, dataVersion, y, references, overlays]);
  // Kept by value: overlays of a running search arrive every frame, and the memoized chart re-renders only when a domain moves.
  const xSpec = useMemo(() => xRaw, [JSON.stringify(xRaw)]);
  const ySpec = useMemo(() => yRaw, [JSON.stringify(yRaw)]);
  const [hover, setHover] = useState<Hover | null>(null);
  // A pin names its candidate by genome too, so it survives a re-cost (same candidates, new figures) and not a re-sample.
  const [pinned, setPinned] = useState<{ index: number; genome: string } | null>(null);
  const onHover = useCallback((h: Hover | null) => setHover(h), []);
  const genomesRef = useRef(props.genomes);
  genomesRef.current = props.genomes;
  const onSelectRef = useRef(props.onSelect);
  onSelectRef.current = props.onSelect;
  const onPick = useCallback((i: number | null) => {
    setPinned(i === null ? null : { index: i, genome: genomesRef.current[i] });
    if (i !== null) onSelectRef.current?.(i);
  }, []);
  const pin = pinned !== null && pinned.index < count && props.genomes[pinned.index] === pinned.genome ? pinned.index : null;
  const shown = hover;
  const feasible = props.feasible;
  const paint = useMemo<Paint>(
    () => ({ mask: props.mask, maskVersion: props.maskVersion, budgets: props.budgets, colors: props.colors }),
    [props.mask, props.maskVersion, props.budgets, props.colors],
  );
  return (
    <>
      <div className="scatter" style={{ height }} data-testid="scatter">
        <div
          className="scatter-chart"
          role="group"
          aria-label={`Scatter plot of ${count} candidates, ${METRIC_INFO[x].label} against ${METRIC_INFO[y].label}; ${feasible} feasible (coloured), ${count - feasible} infeasible (grey).`}
        >
          <PaintContext.Provider value={paint}>
            <ChartBody columns={columns} count={count} dataVersion={dataVersion} x={x} y={y} xSpec={xSpec} ySpec={ySpec} references={references} overlays={overlays} onHover={onHover} onPick={onPick} />
          </PaintContext.Provider>
        </div>
        {shown && shown.index < count ? (
          <>
            <span className="hover-ring" style={{ left: shown.left, top: shown.top }} aria-hidden="true" />
            <PointTooltip {...props} hover={shown} height={height} />
          </>
        ) : null}
        <div className="visually-hidden" aria-live="polite">
          {shown?.keyboard && shown.index < count ? `${props.genomes[shown.index]}, ${brokenBudgets(props.mask[shown.index])}; Enter for details.` : ''}
        </div>
      </div>
      {pin !== null ? <PinnedCard {...props} index={pin} onClose={() => setPinned(null)} onDetails={props.onSelect ? () => props.onSelect!(pin) : undefined} /> : null}
    </>
  );
}

function specFor(col: Float64Array, count: number, references: readonly ReferenceMark[], m: Metric, more: readonly number[] = []): AxisSpec {
  let [lo, hi] = columnExtent(col, count);
  for (const v of [...references.map((r) => r.costs[m]), ...more]) {
    if (!Number.isFinite(v)) continue;
    lo = Number.isNaN(lo) ? v : Math.min(lo, v);
    hi = Number.isNaN(hi) ? v : Math.max(hi, v);
  }
  return axisSpec(lo, hi);
}

interface BodyProps {
  columns: Columns;
  count: number;
  dataVersion: number;
  x: Metric;
  y: Metric;
  xSpec: AxisSpec;
  ySpec: AxisSpec;
  references: readonly ReferenceMark[];
  overlays: readonly OverlaySeries[];
  onHover(h: Hover | null): void;
  onPick(i: number | null): void;
}

const ChartBody = memo(function ChartBody(p: BodyProps) {
  return (
    <PlotFrame xSpec={p.xSpec} ySpec={p.ySpec} xTitle={axisTitle(p.x, p.xSpec.scale)} yTitle={axisTitle(p.y, p.ySpec.scale)} xTickFormat={formatCompactAt} yTickFormat={formatCompactAt}>
      <PointsLayer {...p} />
      <BudgetLines x={p.x} y={p.y} xSpec={p.xSpec} ySpec={p.ySpec} />
      <ReferenceMarks references={p.references} x={p.x} y={p.y} />
      <OverlayMarks series={p.overlays} />
    </PlotFrame>
  );
});

/**
 * Dashed lines at the budgets of the metrics on the axes (when the budget is
 * finite and in view). They read the budgets from the paint context, so a
 * budget move re-renders them and the points, never the frame.
 */
function BudgetLines({ x, y, xSpec, ySpec }: { x: Metric; y: Metric; xSpec: AxisSpec; ySpec: AxisSpec }) {
  const { budgets } = useContext(PaintContext)!;
  const frame = useFrame();
  if (!frame) return null;
  const { plot } = frame;
  const xBudget = budgetLine(x, budgets, xSpec);
  const yBudget = budgetLine(y, budgets, ySpec);
  const left = plot.x;
  const right = plot.x + plot.width;
  const top = plot.y;
  const bottom = plot.y + plot.height;
  const bx = xBudget === null ? NaN : frame.x(xBudget);
  const by = yBudget === null ? NaN : frame.y(yBudget);
  return (
    <g className="budget-lines" pointerEvents="none">
      {Number.isFinite(bx) ? (
        <g data-testid="budget-line-x" data-at={bx}>
          <line x1={bx} x2={bx} y1={top} y2={bottom} className="budget-line" strokeDasharray="6 4" />
          <text x={bx - 4} y={top + 12} textAnchor="end" className="budget-label">
            {BUDGET_OF_METRIC[x]!.name} budget
          </text>
        </g>
      ) : null}
      {Number.isFinite(by) ? (
        <g data-testid="budget-line-y" data-at={by}>
          <line x1={left} x2={right} y1={by} y2={by} className="budget-line" strokeDasharray="6 4" />
          <text x={right - 4} y={by - 5} textAnchor="end" className="budget-label">
            {BUDGET_OF_METRIC[y]!.name} budget
          </text>
        </g>
      ) : null}
    </g>
  );
}

const DIAMOND = 7;

/** Published networks: an outlined diamond at each one's costs, labelled with its name. */
function ReferenceMarks({ references, x, y }: { references: readonly ReferenceMark[]; x: Metric; y: Metric }) {
  const frame = useFrame();
  if (!frame || references.length === 0) return null;
  const right = frame.plot.x + frame.plot.width;
  return (
    <g className="reference-marks" pointerEvents="none">
      {references.map((r) => {
        const px = frame.x(r.costs[x]);
        const py = frame.y(r.costs[y]);
        if (!Number.isFinite(px) || !Number.isFinite(py)) return null;
        // The label goes on the side with room: left of a mark near the right edge.
        const leftSide = px > right - 160;
        return (
          <g key={r.id} data-testid="reference-point" data-id={r.id} data-x={px} data-y={py}>
            <path d={`M${px} ${py - DIAMOND}L${px + DIAMOND} ${py}L${px} ${py + DIAMOND}L${px - DIAMOND} ${py}Z`} className="reference-mark" />
            <text x={leftSide ? px - DIAMOND - 4 : px + DIAMOND + 4} y={py + 4} textAnchor={leftSide ? 'end' : 'start'} className="reference-label">
              {r.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function budgetLine(m: Metric, budgets: Budgets, spec: AxisSpec): number | null {
  const b = BUDGET_OF_METRIC[m];
  if (!b) return null;
  const v = budgets[b.key];
  return Number.isFinite(v) && v >= spec.domain[0] && v <= spec.domain[1] ? v : null;
}

/** The canvas of points over the frame's plot area, with the keyboard cursor and pointer picking. */
function PointsLayer(p: BodyProps) {
  const { mask, maskVersion, colors } = useContext(PaintContext)!;
  const frame = useFrame();
  const points = usePlacedPoints(p.columns[p.x], p.columns[p.y], p.count, p.dataVersion);
  const paint = useCallback(
    (ctx: CanvasRenderingContext2D, _w: number, _h: number, dpr: number) => {
      if (!points) return;
      const ms = drawPoints(ctx, dpr, points, mask, colors, POINT_RADIUS);
      performance.mark('neuronas:points-drawn', { detail: { n: points.n, drawMs: ms } });
    },
    // maskVersion: the mask is rewritten in place when a budget moves.
    [points, mask, maskVersion, colors],
  );

  const { onHover, onPick } = p;
  const px0 = frame?.plot.x ?? 0;
  const py0 = frame?.plot.y ?? 0;
  // Keyboard cursor: the arrow keys step through the points in x order (then y), Enter opens the one under it.
  const order = useRef<{ points: PixelPoints; byX: Int32Array } | null>(null);
  const cursor = useRef(-1);
  const pointsInXOrder = (pts: PixelPoints): Int32Array => {
    if (order.current?.points !== pts) {
      const idx = Int32Array.from({ length: pts.n }, (_, i) => i).filter((i) => Number.isFinite(pts.px[i]) && Number.isFinite(pts.py[i]));
      idx.sort((a, b) => pts.px[a] - pts.px[b] || pts.py[a] - pts.py[b]);
      order.current = { points: pts, byX: idx };
      cursor.current = -1;
    }
    return order.current.byX;
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    if (!points || points.n === 0) return;
    const byX = pointsInXOrder(points);
    if (byX.length === 0) return;
    const big = Math.max(1, Math.round(byX.length / 20));
    const steps: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, PageDown: big, PageUp: -big };
    let next = cursor.current;
    if (e.key in steps) next = next < 0 ? (steps[e.key] > 0 ? 0 : byX.length - 1) : Math.min(byX.length - 1, Math.max(0, next + steps[e.key]));
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = byX.length - 1;
    else if ((e.key === 'Enter' || e.key === ' ') && cursor.current >= 0) {
      e.preventDefault();
      onPick(byX[cursor.current]);
      return;
    } else if (e.key === 'Escape' && cursor.current >= 0) {
      cursor.current = -1;
      onHover(null);
      return;
    } else return;
    e.preventDefault();
    cursor.current = next;
    const i = byX[next];
    onHover({ index: i, left: px0 + points.px[i], top: py0 + points.py[i], keyboard: true });
  };
  const find = (x: number, y: number): number => (points ? nearestPoint(points, x, y, HOVER_DISTANCE, (i) => mask[i] === 0) : -1);
  return (
    <CanvasLayer
      paint={paint}
      testId="points-canvas"
      data={{ 'data-points': points?.n ?? 0 }}
      focusable
      label="Candidate points. Arrow keys step through them in order of the x axis, Page Up and Page Down jump, Enter opens the one shown."
      onKeyDown={onKeyDown}
      onBlur={() => {
        if (cursor.current >= 0) onHover(null);
        cursor.current = -1;
      }}
      onPointerAt={(at) => {
        const i = at && points ? find(at.x, at.y) : -1;
        onHover(i < 0 || !points ? null : { index: i, left: px0 + points.px[i], top: py0 + points.py[i] });
      }}
      onClickAt={(x, y) => {
        const i = find(x, y);
        onPick(i < 0 ? null : i);
      }}
    />
  );
}

function figures(columns: Columns, i: number) {
  return METRICS.filter((m) => m !== 'pes').map((m) => ({ m, text: formatMetric(m, columns[m][i]) }));
}

/** "within every budget" or "over the area, energy budgets", from a feasibility mask entry. */
export function brokenBudgets(mask: number): string {
  const names = BUDGETS.filter((b) => mask & b.bit).map((b) => b.name);
  return names.length ? `over the ${names.join(', ')} budget${names.length > 1 ? 's' : ''}` : 'within every budget';
}

function PointTooltip({ columns, genomes, mask, hover, height }: CostScatterProps & { hover: Hover; height: number }) {
  const i = hover.index;
  const flipX = hover.left > 480;
  const flipY = hover.top > height - 240;
  const style = {
    left: hover.left + (flipX ? -14 : 14),
    top: hover.top + (flipY ? -14 : 14),
    transform: `${flipX ? 'translateX(-100%)' : ''} ${flipY ? 'translateY(-100%)' : ''}`.trim() || undefined,
  };
  return (
    <div className="point-tooltip" style={style} data-testid="point-tooltip">
      <div className="genome">{genomes[i]}</div>
      <div className={mask[i] === 0 ? 'verdict ok' : 'verdict bad'}>{brokenBudgets(mask[i])}</div>
      <dl>
        {figures(columns, i).map(({ m, text }) => (
          <div key={m}>
            <dt>{METRIC_INFO[m].label}</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
      <div className="hint">click for details</div>
    </div>
  );
}

function PinnedCard({ columns, genomes, mask, index, onClose, onDetails }: CostScatterProps & { index: number; onClose(): void; onDetails?: () => void }) {
  return (
    <div className="pinned" data-testid="pinned-candidate" data-genome={genomes[index]} data-params={columns.params[index]}>
      <div className="pinned-head">
        <span className="genome">{genomes[index]}</span>
        {onDetails ? (
          <button type="button" onClick={onDetails}>
            Details
          </button>
        ) : null}
        <button type="button" onClick={() => void copyText(genomes[index])}>
          Copy genome
        </button>
        <button type="button" aria-label="Unpin candidate" onClick={onClose}>
          ×
        </button>
      </div>
      <div className={mask[index] === 0 ? 'verdict ok' : 'verdict bad'}>{brokenBudgets(mask[index])}</div>
      <dl>
        {figures(columns, index).map(({ m, text }) => (
          <div key={m}>
            <dt>{METRIC_INFO[m].label}</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
