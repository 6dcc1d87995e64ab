/**
 * The crossbar mapping as a picture (canvas): tiles delimited, PEs and their
 * crossbars as small squares coloured by layer and filled in proportion to
 * the cells holding a weight; aggregated for big networks (crossbar-map.ts),
 * with a caption saying what one square is. Hover names a square.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CostReport } from '../../core/cost/report.ts';
import { formatCount } from '../../core/metrics.ts';
import { useCssColors } from '../theme.ts';
import { crossbarMapLayout, describeSquare, drawCrossbarMap, mappingOf, squareAt } from './crossbar-map.ts';
import { devicePixelRatio, fitCanvas } from '../plot/canvas.ts';
import { layerColor } from './palette.ts';
import './detail.css';

const THEME_COLORS = { tile: '--border', pe: '--grid', empty: '--grid' } as const;

function useElementWidth<T extends HTMLElement>(): [number, React.RefObject<T | null>] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Measured before the first paint, then kept up to date: the canvas never appears at a wrong size.
    setWidth(Math.floor(el.getBoundingClientRect().width));
    const ro = new ResizeObserver((entries) => setWidth(Math.floor(entries[0].contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [width, ref];
}

export function CrossbarMap({ report }: { report: CostReport }) {
  const mapping = useMemo(() => mappingOf(report), [report]);
  const [width, boxRef] = useElementWidth<HTMLDivElement>();
  const layout = useMemo(() => (width > 0 ? crossbarMapLayout(mapping, width) : null), [mapping, width]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const colors = useCssColors(THEME_COLORS);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !layout) return;
    const ctx = fitCanvas(canvas, layout.width, Math.max(1, layout.height), devicePixelRatio());
    if (ctx) drawCrossbarMap(ctx, layout, colors, layerColor);
  }, [layout, colors]);

  const label = `Crossbar mapping: ${formatCount(mapping.tiles)} tiles, ${formatCount(mapping.totalPes)} PEs, ${formatCount(mapping.totalCrossbars)} crossbars of ${mapping.xbar}×${mapping.xbar} cells; ${(report.utilisation * 100).toFixed(1)} % of the mapped cells hold a weight.`;
  return (
    <div className="crossbar-map" data-testid="crossbar-map" data-level={layout?.level ?? ''}>
      <p className="panel-note" data-testid="crossbar-caption">
        {layout?.caption ?? ' '}
      </p>
      <div ref={boxRef} className="crossbar-canvas-box" style={{ height: layout ? layout.height : undefined }}>
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={label}
          style={{ width: layout?.width ?? 0, height: layout?.height ?? 0, display: 'block' }}
          onPointerMove={(e) => {
            if (!layout) return;
            const r = e.currentTarget.getBoundingClientRect();
            const x = e.clientX - r.left;
            const y = e.clientY - r.top;
            const i = squareAt(layout, x, y);
            setHover(i < 0 ? null : { i, x, y });
          }}
          onPointerLeave={() => setHover(null)}
        />
        {hover && layout ? (
          <div className="map-tooltip" style={{ left: Math.min(hover.x + 12, Math.max(0, layout.width - 280)), top: hover.y + 14 }} role="status">
            {describeSquare(mapping, layout, hover.i)}
          </div>
        ) : null}
      </div>
      <ul className="map-legend" aria-label="Layers in the mapping">
        {mapping.layers.map((l, i) => (
          <li key={l.name}>
            <span className="swatch" style={{ background: layerColor(i) }} aria-hidden="true" />
            <span className="name">{l.name}</span>
            <span className="muted">
              {formatCount(l.pes)} PE{l.pes === 1 ? '' : 's'} · {(l.utilisation * 100).toFixed(0)} %
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
