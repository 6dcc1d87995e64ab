import { describe, expect, it } from 'vitest';
import { axisSpec } from '../src/core/metrics.ts';
import { frameScale, type FrameScales } from '../src/ui/plot/PlotFrame.tsx';
import { nearestPoint, placePoints, stampPoints, type PixelBuffer, type PixelPoints } from '../src/ui/plot/draw.ts';

const BLUE = { r: 37, g: 99, b: 235, a: 1 };
const GREY = { r: 148, g: 155, b: 168, a: 1 };

function buffer(width: number, height: number): PixelBuffer {
  return { data: new Uint8ClampedArray(width * height * 4), width, height };
}
function pixel(b: PixelBuffer, x: number, y: number): number[] {
  const k = (y * b.width + x) * 4;
  return Array.from(b.data.subarray(k, k + 4));
}
function points(xy: [number, number][]): PixelPoints {
  return { px: Float32Array.from(xy, (p) => p[0]), py: Float32Array.from(xy, (p) => p[1]), n: xy.length };
}

describe('the cost scatter’s point stamps', () => {
  it('draws each point as a disc of its class’s colour, feasible over infeasible, and nothing elsewhere', () => {
    const b = buffer(40, 20);
    // 0 feasible at (5, 5); 1 infeasible at (20, 10); 2 infeasible and 3 feasible both at (32, 10).
    const mask = Uint8Array.from([0, 1, 2, 0]);
    stampPoints(b, 1, points([[5, 5], [20, 10], [32, 10], [32, 10]]), mask, { feasible: BLUE, infeasible: GREY }, 2.5);
    expect(pixel(b, 5, 5)).toEqual([37, 99, 235, 255]);
    expect(pixel(b, 20, 10)).toEqual([148, 155, 168, 255]);
    expect(pixel(b, 32, 10)).toEqual([37, 99, 235, 255]);
    // Radius 2.5: 2 px from the centre is covered, 4 px is not.
    expect(pixel(b, 22, 10)[3]).toBe(255);
    expect(pixel(b, 24, 10)).toEqual([0, 0, 0, 0]);
    expect(pixel(b, 0, 19)).toEqual([0, 0, 0, 0]);
    let covered = 0;
    for (let k = 3; k < b.data.length; k += 4) covered += b.data[k] > 0 ? 1 : 0;
    // Three discs (two coincide) of π·2.5² ≈ 20 pixels each, with anti-aliased rims.
    expect(covered).toBeGreaterThan(3 * 16);
    expect(covered).toBeLessThan(3 * 36);
  });

  it('scales positions by the device pixel ratio, clips at the edges, skips unplaceable points and clears what was drawn before', () => {
    const b = buffer(20, 20);
    stampPoints(b, 1, points([[16, 16]]), Uint8Array.from([0]), { feasible: BLUE, infeasible: GREY }, 2.5);
    // At dpr 2, (4, 4) CSS px is device pixel (8, 8); a point half off the canvas and a NaN one.
    stampPoints(b, 2, points([[4, 4], [0, 9], [NaN, 3]]), Uint8Array.from([0, 1, 0]), { feasible: BLUE, infeasible: GREY }, 1.5);
    expect(pixel(b, 8, 8)).toEqual([37, 99, 235, 255]);
    expect(pixel(b, 0, 18)).toEqual([148, 155, 168, 255]);
    expect(pixel(b, 16, 16)).toEqual([0, 0, 0, 0]);
  });

  it('blends translucent colours: a half-transparent grey under opaque blue stays blue, over nothing it keeps its alpha', () => {
    const b = buffer(20, 10);
    stampPoints(b, 1, points([[5, 5], [14, 5], [14, 5]]), Uint8Array.from([1, 1, 0]), { feasible: BLUE, infeasible: { ...GREY, a: 0.5 } }, 2.5);
    expect(pixel(b, 5, 5)).toEqual([148, 155, 168, 128]);
    expect(pixel(b, 14, 5)).toEqual([37, 99, 235, 255]);
    // Blue at 80 % over the half-transparent grey: mostly blue, alpha 1 - 0.2 · 0.5.
    stampPoints(b, 1, points([[5, 5], [5, 5]]), Uint8Array.from([1, 0]), { feasible: { ...BLUE, a: 0.8 }, infeasible: { ...GREY, a: 0.5 } }, 2.5);
    const [r, g, bl, a] = pixel(b, 5, 5);
    expect(a).toBe(230);
    expect(r).toBe(Math.round((37 * 0.8 + 148 * 0.5 * 0.2) / 0.9));
    expect(bl).toBeGreaterThan(220);
    expect(g).toBeLessThan(110);
  });
});

describe('placing and picking points', () => {
  const frame = (): FrameScales => {
    const plot = { x: 88, y: 16, width: 400, height: 200 };
    return { plot, x: frameScale(axisSpec(0, 100, 'linear'), plot.x, plot.x + plot.width), y: frameScale(axisSpec(1, 1000), plot.y + plot.height, plot.y) };
  };

  it('puts values at CSS px from the plot area’s corner, y growing downwards, NaN where a log axis has no place', () => {
    const p = placePoints(Float64Array.from([0, 50, 100, 50]), Float64Array.from([1, 10, 1000, 0]), 4, frame());
    expect(Array.from(p.px)).toEqual([0, 200, 400, 200]);
    expect(p.py[0]).toBeCloseTo(200);
    expect(p.py[1]).toBeCloseTo(200 - 200 / 3, 4);
    expect(p.py[2]).toBeCloseTo(0);
    expect(p.py[3]).toBeNaN();
  });

  it('picks the nearest point within reach, a drawn-on-top one within 4 px first, and none out of reach', () => {
    const p = points([[10, 10], [13, 10], [50, 50], [NaN, 10]]);
    expect(nearestPoint(p, 11, 10, 10)).toBe(0);
    // Point 1 is drawn on top (feasible): within 4 px it wins over the nearer point 0.
    expect(nearestPoint(p, 11, 10, 10, (i) => i === 1)).toBe(1);
    expect(nearestPoint(p, 5, 10, 10, (i) => i === 1)).toBe(0);
    expect(nearestPoint(p, 30, 30, 10)).toBe(-1);
    expect(nearestPoint(p, 45, 45, 10)).toBe(2);
  });
});
