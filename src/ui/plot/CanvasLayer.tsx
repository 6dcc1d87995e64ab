/**
 * The canvas layer of a plot: a canvas laid over the enclosing PlotFrame's
 * plot area, its backing store sized to the area times the device pixel
 * ratio, repainted before the browser paints whenever its `paint` function
 * or the area's size changes. Pointer positions are handed on in CSS pixels
 * relative to the plot area, the space `placePoints` puts points in.
 *
 * Thousands of points go on a canvas, not in SVG: SVG circles cannot all be
 * recoloured within a frame when a budget moves.
 */
import { useLayoutEffect, useMemo, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { devicePixelRatio, fitCanvas } from './canvas.ts';
import { placePoints, type PixelPoints } from './draw.ts';
import { useFrame } from './PlotFrame.tsx';
import './plot.css';

/**
 * Positions of the points in the enclosing frame's plot area (see
 * placePoints), recomputed when the data, its version (columns filled in
 * place) or the frame (size, domains) change; null outside a sized frame.
 */
export function usePlacedPoints(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, version: number): PixelPoints | null {
  const frame = useFrame();
  // version: the columns can be filled in place.
  return useMemo(() => (frame ? placePoints(xs, ys, n, frame) : null), [xs, ys, n, version, frame]);
}

export interface CanvasLayerProps {
  /**
   * Paints the layer on a context drawing in CSS pixels (the canvas already
   * sized); `width` and `height` are the plot area's. A new function means
   * a repaint, so wrap it in useCallback with what it draws.
   */
  paint(ctx: CanvasRenderingContext2D, width: number, height: number, dpr: number): void;
  testId: string;
  label: string;
  cursor?: string;
  /** the pointer moved to (x, y) in the plot area, or left it (null) */
  onPointerAt?(at: { x: number; y: number } | null): void;
  onClickAt?(x: number, y: number): void;
  onKeyDown?(e: KeyboardEvent<HTMLCanvasElement>): void;
  onBlur?(): void;
  focusable?: boolean;
  /** data-* attributes for the canvas (what it shows, for tests and tools) */
  data?: Readonly<Record<`data-${string}`, string | number>>;
}

export function CanvasLayer(p: CanvasLayerProps) {
  const frame = useFrame();
  const ref = useRef<HTMLCanvasElement>(null);
  const dpr = devicePixelRatio();
  const width = Math.max(0, Math.round(frame?.plot.width ?? 0));
  const height = Math.max(0, Math.round(frame?.plot.height ?? 0));
  const { paint } = p;
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas || width === 0 || height === 0) return;
    const ctx = fitCanvas(canvas, width, height, dpr);
    if (ctx) paint(ctx, width, height, dpr);
  }, [paint, width, height, dpr]);
  if (!frame) return null;
  const at = (e: PointerEvent<HTMLCanvasElement> | React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  return (
    <foreignObject x={frame.plot.x} y={frame.plot.y} width={width} height={height} className="points-layer">
      <canvas
        ref={ref}
        style={{ width, height, display: 'block', cursor: p.cursor }}
        data-testid={p.testId}
        {...p.data}
        tabIndex={p.focusable ? 0 : undefined}
        role="img"
        aria-label={p.label}
        onKeyDown={p.onKeyDown}
        onBlur={p.onBlur}
        onPointerMove={p.onPointerAt ? (e) => p.onPointerAt!(at(e)) : undefined}
        onPointerLeave={p.onPointerAt ? () => p.onPointerAt!(null) : undefined}
        onClick={
          p.onClickAt
            ? (e) => {
                const { x, y } = at(e);
                p.onClickAt!(x, y);
              }
            : undefined
        }
      />
    </foreignObject>
  );
}
