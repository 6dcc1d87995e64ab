/**
 * Points on the plots' canvas layers: placing them with a frame's scales,
 * finding the one under the pointer, and drawing the cost scatter's.
 *
 * The cost scatter's points are stamped straight into one reused ImageData
 * buffer (a pre-computed anti-aliased disc, alpha-blended in JS) and put on
 * the canvas in one call: no per-point canvas API calls, which without a GPU
 * cost ~10 µs each. Infeasible (grey) points go first, feasible on top.
 * Nothing is allocated per point or per redraw.
 */
import type { FrameScales } from './PlotFrame.tsx';

export interface PointColors {
  feasible: string;
  infeasible: string;
  highlight: string;
}

export interface PixelPoints {
  /** x, y of each point in CSS pixels relative to the canvas */
  px: Float32Array;
  py: Float32Array;
  n: number;
}

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  a: number;
}

const colorCache = new Map<string, Rgba>();

/**
 * Each point's position in CSS pixels relative to the plot area (the canvas
 * layer's origin), through the frame's scales; NaN where a scale has no
 * place for the value (≤ 0 on a log axis, NaN data).
 */
export function placePoints(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, frame: FrameScales): PixelPoints {
  const px = new Float32Array(n);
  const py = new Float32Array(n);
  const { x: x0, y: y0 } = frame.plot;
  for (let i = 0; i < n; i++) {
    px[i] = frame.x(xs[i]) - x0;
    py[i] = frame.y(ys[i]) - y0;
  }
  return { px, py, n };
}

/** Any CSS colour as RGBA, via a 1×1 canvas (cached). */
export function parseColor(css: string): Rgba {
  let c = colorCache.get(css);
  if (c) return c;
  const canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  c = d[3] === 0 ? { r: 0, g: 0, b: 0, a: 0 } : { r: d[0], g: d[1], b: d[2], a: d[3] / 255 };
  colorCache.set(css, c);
  return c;
}

interface Stamp {
  size: number;
  /** offset of the stamp's top-left from the point's pixel */
  offset: number;
  /** the stamp's covered pixels: column, row and coverage 0..1 */
  dx: Int32Array;
  dy: Int32Array;
  cover: Float32Array;
}

const stampCache = new Map<number, Stamp>();

function stampFor(radius: number): Stamp {
  let s = stampCache.get(radius);
  if (s) return s;
  const size = Math.ceil(radius * 2) + 1;
  const offset = Math.floor(size / 2);
  const dx: number[] = [];
  const dy: number[] = [];
  const cover: number[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = Math.max(0, Math.min(1, radius + 0.5 - Math.hypot(x - offset, y - offset)));
      if (c <= 0) continue;
      dx.push(x);
      dy.push(y);
      cover.push(c);
    }
  }
  s = { size, offset, dx: Int32Array.from(dx), dy: Int32Array.from(dy), cover: Float32Array.from(cover) };
  stampCache.set(radius, s);
  return s;
}

let image: ImageData | null = null;

/** Pixels to stamp into: an ImageData, or anything laid out like one (RGBA, row-major). */
export interface PixelBuffer {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

function blendPass(data: Uint8ClampedArray, w: number, h: number, points: PixelPoints, dpr: number, mask: Uint8Array, wantFeasible: boolean, color: Rgba, stamp: Stamp): void {
  const { px, py, n } = points;
  const { size, offset, dx, dy, cover } = stamp;
  const m = cover.length;
  const cr = color.r;
  const cg = color.g;
  const cb = color.b;
  const ca = color.a;
  for (let i = 0; i < n; i++) {
    if ((mask[i] === 0) !== wantFeasible) continue;
    const fx = px[i];
    const fy = py[i];
    if (fx !== fx || fy !== fy) continue; // NaN: not placeable
    const x0 = Math.round(fx * dpr) - offset;
    const y0 = Math.round(fy * dpr) - offset;
    if (x0 >= w || y0 >= h || x0 + size <= 0 || y0 + size <= 0) continue;
    const inside = x0 >= 0 && y0 >= 0 && x0 + size <= w && y0 + size <= h;
    for (let j = 0; j < m; j++) {
      const x = x0 + dx[j];
      const y = y0 + dy[j];
      if (!inside && (x < 0 || x >= w || y < 0 || y >= h)) continue;
      const a = cover[j] * ca;
      const k = (y * w + x) << 2;
      const d3 = data[k + 3];
      if (d3 === 0) {
        // Over a transparent pixel: the source alone.
        data[k] = cr;
        data[k + 1] = cg;
        data[k + 2] = cb;
        data[k + 3] = a * 255;
        continue;
      }
      const keep = (d3 / 255) * (1 - a);
      const inv = 1 / (a + keep);
      data[k] = (cr * a + data[k] * keep) * inv;
      data[k + 1] = (cg * a + data[k + 1] * keep) * inv;
      data[k + 2] = (cb * a + data[k + 2] * keep) * inv;
      data[k + 3] = (a + keep) * 255;
    }
  }
}

/**
 * Clears `pixels` and stamps the points (positions in CSS px, scaled by
 * `dpr` to device pixels), discs of `radius` CSS px: infeasible ones
 * (mask[i] !== 0) first, feasible (mask[i] === 0) on top.
 */
export function stampPoints(pixels: PixelBuffer, dpr: number, points: PixelPoints, mask: Uint8Array, colors: { feasible: Rgba; infeasible: Rgba }, radius: number): void {
  const { data, width: w, height: h } = pixels;
  data.fill(0);
  const stamp = stampFor(radius * dpr);
  blendPass(data, w, h, points, dpr, mask, false, colors.infeasible, stamp);
  blendPass(data, w, h, points, dpr, mask, true, colors.feasible, stamp);
}

/** Draws the points on the canvas (whose backing store is its CSS size × dpr); mask[i] === 0 means feasible. Returns the time taken, ms. */
export function drawPoints(ctx: CanvasRenderingContext2D, dpr: number, points: PixelPoints, mask: Uint8Array, colors: PointColors, radius: number): number {
  const t0 = performance.now();
  const w = ctx.canvas.width;
  const h = ctx.canvas.height;
  if (w === 0 || h === 0) return 0;
  if (image === null || image.width !== w || image.height !== h) image = ctx.createImageData(w, h);
  stampPoints(image, dpr, points, mask, { feasible: parseColor(colors.feasible), infeasible: parseColor(colors.infeasible) }, radius);
  ctx.putImageData(image, 0, 0);
  return performance.now() - t0;
}

/**
 * Index of the point under (x, y): the nearest `drawnOnTop` point within
 * `onTop` CSS pixels (feasible marks are drawn over grey ones), else the
 * nearest of any within `maxDist`; -1 when none is that close.
 */
export function nearestPoint(points: PixelPoints, x: number, y: number, maxDist: number, drawnOnTop?: (i: number) => boolean, onTop = 4): number {
  let best = -1;
  let bestD = maxDist * maxDist;
  let bestTop = -1;
  let bestTopD = onTop * onTop;
  const { px, py, n } = points;
  for (let i = 0; i < n; i++) {
    const dx = px[i] - x;
    const dy = py[i] - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
    if (drawnOnTop !== undefined && d <= bestTopD && drawnOnTop(i)) {
      bestTopD = d;
      bestTop = i;
    }
  }
  return bestTop >= 0 ? bestTop : best;
}
