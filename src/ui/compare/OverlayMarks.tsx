/**
 * Another run's marks over a plot (the Pareto view, the cost view): hollow
 * triangles for the pinned run, rings for the current run's front, and for
 * a front its stairs, in the SVG of the enclosing PlotFrame. Pure: the
 * series come in through props (overlays.ts).
 */
import { useFrame } from '../plot/PlotFrame.tsx';
import type { OverlaySeries } from './overlays.ts';
import './compare.css';

const R = 6;

function mark(shape: OverlaySeries['shape'], x: number, y: number): string {
  if (shape === 'ring') return `M${x + R},${y}A${R},${R} 0 1,0 ${x - R},${y}A${R},${R} 0 1,0 ${x + R},${y}Z`;
  // An upward triangle centred on the point.
  return `M${x},${y - R - 1}L${x + R},${y + R - 1}L${x - R},${y + R - 1}Z`;
}

export function OverlayMarks({ series }: { series: readonly OverlaySeries[] }) {
  const frame = useFrame();
  if (!frame || series.length === 0) return null;
  const f = (v: number) => Math.round(v * 100) / 100;
  return (
    <g className="overlay-marks" pointerEvents="none">
      {series.map((s) => {
        const pts = s.xs.map((x, k) => [frame.x(x), frame.y(s.ys[k])]).filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py));
        const stairs = s.stairs && pts.length > 1 ? pts.map(([px, py], k) => (k === 0 ? `M${f(px)},${f(py)}` : `H${f(px)}V${f(py)}`)).join('') : null;
        return (
          <g key={s.id} className={`overlay ${s.className}`} data-testid={`overlay-${s.id}`} data-points={pts.length} data-shape={s.shape}>
            {stairs ? <path className="overlay-stairs" d={stairs} fill="none" /> : null}
            <path className="overlay-mark" d={pts.map(([px, py]) => mark(s.shape, f(px), f(py))).join('')} />
          </g>
        );
      })}
    </g>
  );
}
