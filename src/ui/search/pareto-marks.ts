/**
 * The Pareto view's marks, drawn on its canvas layer in CSS pixels: one
 * batched path per class, so thousands of points redraw within a frame.
 * Bottom to top: infeasible points as grey circles (never hidden), feasible
 * ones as coloured circles, front members as diamonds, trained points as
 * ringed squares, the best under the budgets as a star. No React, no DOM.
 */
import type { PixelPoints } from '../plot/draw.ts';
import type { ParetoData } from './pareto-data.ts';

export interface ParetoColors {
  feasible: string;
  infeasible: string;
  front: string;
  trained: string;
  best: string;
}

/** Sizes of the marks, CSS px: circle radius, diamond and square half-widths, the star's outer and inner radii. */
export const MARK_SIZE = { circle: 3, diamond: 5.5, square: 6.5, starOuter: 11, starInner: 4.5 } as const;

type Ctx = CanvasRenderingContext2D;

export function drawParetoMarks(ctx: Ctx, width: number, height: number, points: PixelPoints, data: ParetoData, colors: ParetoColors): void {
  ctx.clearRect(0, 0, width, height);
  const { px, py } = points;
  const n = Math.min(points.n, data.n);
  const placed = (k: number) => Number.isFinite(px[k]) && Number.isFinite(py[k]);
  const layer = (want: (k: number) => boolean, shape: (x: number, y: number) => void, fill: string | null, stroke: string | null, lineWidth = 1.5) => {
    ctx.beginPath();
    for (let k = 0; k < n; k++) if (placed(k) && want(k)) shape(px[k], py[k]);
    if (fill) {
      ctx.fillStyle = fill;
      ctx.fill();
    }
    if (stroke) {
      ctx.lineWidth = lineWidth;
      ctx.strokeStyle = stroke;
      ctx.stroke();
    }
  };
  const circle = (x: number, y: number) => {
    ctx.moveTo(x + MARK_SIZE.circle, y);
    ctx.arc(x, y, MARK_SIZE.circle, 0, 2 * Math.PI);
  };
  const diamond = (x: number, y: number) => {
    const r = MARK_SIZE.diamond;
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
  };
  const square = (x: number, y: number) => ctx.rect(x - MARK_SIZE.square, y - MARK_SIZE.square, 2 * MARK_SIZE.square, 2 * MARK_SIZE.square);
  ctx.globalAlpha = 0.55;
  layer((k) => !data.feasible[k], circle, colors.infeasible, null);
  ctx.globalAlpha = 0.85;
  layer((k) => data.feasible[k] === 1 && !data.front[k], circle, colors.feasible, null);
  ctx.globalAlpha = 1;
  layer((k) => data.front[k] === 1, diamond, colors.front, null);
  layer((k) => data.trained[k] === 1, square, null, colors.trained, 2);
  if (data.best >= 0 && data.best < n && placed(data.best)) {
    const x = px[data.best];
    const y = py[data.best];
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const r = i % 2 ? MARK_SIZE.starInner : MARK_SIZE.starOuter;
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
}
