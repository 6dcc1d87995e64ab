// @vitest-environment happy-dom
/**
 * The live Pareto view over fixture data: its frame's ticks and titles, the
 * marks on its canvas layer (read back as pixels), and hover and click.
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { axisSpec } from '../src/core/metrics.ts';
import { ParetoView } from '../src/ui/search/ParetoView.tsx';
import { front2d, type ParetoData } from '../src/ui/search/pareto-data.ts';
import { MARK_SIZE } from '../src/ui/search/pareto-marks.ts';
import { canvasPixel, cleanup, render, texts } from './dom/render.tsx';

afterEach(cleanup);

const COLORS = { feasible: 'rgb(37, 99, 235)', infeasible: 'rgb(148, 155, 168)', front: 'rgb(220, 38, 38)', trained: 'rgb(17, 24, 39)', best: 'rgb(245, 158, 11)' };
const GENOMES = ['c8-h64-t2-w8-331000', 'c16-h64-t2-w8-331000', 'c24-h64-t2-w8-331000', 'c32-h64-t2-w8-331000', 'c40-h64-t2-w8-331000', 'c48-h64-t2-w8-331000'];

/**
 * Five trained candidates (of six; candidate 2 is not plotted), accuracy against area:
 * k 0 and 1 and 3 on the front, k 2 feasible behind it, k 4 over a budget; k 3 (candidate 4) the best.
 */
function fixture(): ParetoData {
  const xs = Float64Array.from([1.2, 1.9, 2.6, 3.1, 3.8]);
  // A front a couple of percent wide, as after a short training: the ticks need a decimal.
  const ys = Float64Array.from([0.93, 0.936, 0.933, 0.941, 0.946]);
  const feasible = Uint8Array.from([1, 1, 1, 1, 0]);
  const front = front2d(xs, ys, feasible, 5);
  return {
    y: 'accuracy',
    rankBy: 'params',
    x: 'areaMm2',
    index: Int32Array.from([0, 1, 3, 4, 5]),
    xs,
    ys,
    feasible,
    front,
    trained: Uint8Array.from([1, 1, 1, 1, 1]),
    n: 5,
    best: 3,
    bestIndex: 4,
    frontCount: front.reduce((a, b) => a + b, 0),
  };
}

// 800 × 420 px: the plot area is 688 × 332 px from (88, 16).
const PLOT = { x: 88, y: 16, width: 688, height: 332 };
// The view pads the data's extent by 4 % so the end marks are not cut.
const xSpec = axisSpec(1.2 - 0.104, 3.8 + 0.104);
const ySpec = axisSpec(0.93 - 0.00064, 0.946 + 0.00064, 'linear');
const xOf = (v: number) => ((v - xSpec.domain[0]) / (xSpec.domain[1] - xSpec.domain[0])) * PLOT.width;
const yOf = (v: number) => ((ySpec.domain[1] - v) / (ySpec.domain[1] - ySpec.domain[0])) * PLOT.height;

/** Within 1 in each channel: the canvas stores colours premultiplied by alpha, which rounds translucent ones. */
function expectColor(actual: number[], expected: number[]): void {
  expect(actual.every((v, i) => Math.abs(v - expected[i]) <= 1), `${actual} is not ${expected}`).toBe(true);
}

describe('the live Pareto view', () => {
  it('frames accuracy against a cost with one-decimal percent ticks, and says what it shows', async () => {
    const data = fixture();
    expect(Array.from(data.front)).toEqual([1, 1, 0, 1, 0]);
    const { container } = await render(<ParetoView data={data} version={1} genomes={GENOMES} colors={COLORS} />, { width: 800, height: 420 });
    const view = container.querySelector('[data-testid=pareto]')!;
    expect(view.getAttribute('data-points')).toBe('5');
    expect(view.getAttribute('data-front')).toBe('3');
    expect(texts(container, '.plot-y-axis .plot-tick-value')).toEqual(ySpec.ticks.map((v) => `${Number((v * 100).toFixed(1))}%`));
    expect(texts(container, '.plot-y-axis .plot-tick-value')).toContain('93.5%');
    expect(texts(container, '.axis-title')).toEqual(['Area (mm²)', 'Quantized test accuracy (trained)']);
    expect(container.querySelector('[role=group]')!.getAttribute('aria-label')).toBe(
      'Pareto view: 5 candidates, Quantized test accuracy (trained) against Area; 4 feasible, 3 on the front.',
    );
  });

  it('draws each class of mark in its colour: grey circles, coloured circles, front diamonds, trained rings, the best’s star', async () => {
    const data = fixture();
    const { container } = await render(<ParetoView data={data} version={1} genomes={GENOMES} colors={COLORS} />, { width: 800, height: 420 });
    const canvas = container.querySelector<HTMLCanvasElement>('[data-testid=pareto-canvas]')!;
    expect(canvas.dataset.points).toBe('5');
    const px = (k: number, dx = 0, dy = 0) => canvasPixel(canvas, xOf(data.xs[k]) + dx, yOf(data.ys[k]) + dy);
    // Over a budget: grey at 55 % opacity. Feasible behind the front: the feasible colour at 85 %.
    expectColor(px(4), [148, 155, 168, 140]);
    expectColor(px(2), [37, 99, 235, 217]);
    // Front members: diamonds of 5.5 px, wider than the 3 px circles.
    expectColor(px(0), [220, 38, 38, 255]);
    expectColor(px(0, 3.5, 0), [220, 38, 38, 255]);
    expect(px(2, 4.5, 0)[3]).toBe(0);
    // Trained: a 2 px ring 6.5 px out from the centre.
    expectColor(px(2, MARK_SIZE.square, 0), [17, 24, 39, 255]);
    // The best: a star drawn over its diamond, its upper arm wider than the 5.5 px diamond reaches.
    expectColor(px(3), [245, 158, 11, 255]);
    expectColor(px(3, 0, -5), [245, 158, 11, 255]);
    // Empty plot area between the marks.
    expect(canvasPixel(canvas, (xOf(1.2) + xOf(1.9)) / 2, PLOT.height - 5)).toEqual([0, 0, 0, 0]);
  });

  it('shows the figures of the mark under the pointer, and a click opens that candidate', async () => {
    const data = fixture();
    const chosen: number[] = [];
    const { container } = await render(<ParetoView data={data} version={1} genomes={GENOMES} colors={COLORS} onSelect={(i) => chosen.push(i)} />, {
      width: 800,
      height: 420,
    });
    const canvas = container.querySelector<HTMLCanvasElement>('[data-testid=pareto-canvas]')!;
    // happy-dom lays nothing out: the canvas's box is at (0, 0), so client coordinates are plot-area coordinates.
    const x = xOf(data.xs[3]) + 4;
    const y = yOf(data.ys[3]) + 3;
    await act(async () => void canvas.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: x, clientY: y })));
    const tip = container.querySelector('[data-testid=pareto-tooltip]')!;
    expect(tip.querySelector('.genome')!.textContent).toBe(GENOMES[4]);
    expect(tip.querySelector('.verdict')!.textContent).toBe('#5 · within every budget · on the front · best under the budgets');
    expect(texts(tip, 'dd')).toEqual(['94.1 %', '3.1 mm²']);
    await act(async () => void canvas.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y })));
    expect(chosen).toEqual([4]);
    // React makes pointer-leave from the pointer going out to nothing.
    await act(async () => void canvas.dispatchEvent(new PointerEvent('pointerout', { bubbles: true, relatedTarget: null })));
    expect(container.querySelector('[data-testid=pareto-tooltip]')).toBeNull();
  });

  it('plots training-free scores on a plain numeric axis before anything is trained', async () => {
    const data: ParetoData = { ...fixture(), y: 'score', rankBy: 'snasnet', ys: Float64Array.from([41, 44.5, 43, 47, 52]), trained: new Uint8Array(5) };
    const { container } = await render(<ParetoView data={data} version={1} genomes={GENOMES} colors={COLORS} />, { width: 800, height: 420 });
    expect(container.querySelector('[data-testid=pareto]')!.getAttribute('data-y')).toBe('score');
    expect(texts(container, '.plot-y-axis .plot-tick-value')).toEqual(['40', '42', '44', '46', '48', '50', '52', '54']);
    expect(texts(container, '.axis-title')[1]).toBe('SNASNet score (the ranking, until trained)');
    // Ranked by the parameter count, the axis says so.
    const byParams = await render(<ParetoView data={{ ...data, rankBy: 'params' }} version={2} genomes={GENOMES} colors={COLORS} />, { width: 800, height: 420 });
    expect(texts(byParams.container, '.axis-title')[1]).toBe('Parameters (the ranking, until trained)');
  });

  it('names the ranking in the tooltip and gives its own value: a parameter count as a count, a lower-is-better proxy un-negated', async () => {
    const hover = async (data: ParetoData, k: number) => {
      const { container } = await render(<ParetoView data={data} version={1} genomes={GENOMES} colors={COLORS} />, { width: 800, height: 420 });
      const canvas = container.querySelector<HTMLCanvasElement>('[data-testid=pareto-canvas]')!;
      const ys = axisSpec(Math.min(...data.ys), Math.max(...data.ys));
      const y = ((ys.domain[1] - data.ys[k]) / (ys.domain[1] - ys.domain[0])) * PLOT.height;
      await act(async () => void canvas.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: xOf(data.xs[k]), clientY: y })));
      const tip = container.querySelector('[data-testid=pareto-tooltip]')!;
      return [texts(tip, 'dt')[0], texts(tip, 'dd')[0]];
    };
    const base = { ...fixture(), y: 'score' as const, trained: new Uint8Array(5) };
    expect(await hover({ ...base, rankBy: 'params', ys: Float64Array.from([120500, 250000, 310000, 481234, 581000]) }, 3)).toEqual(['Parameters', '481,234']);
    // early_loss is plotted negated (up is better); the tooltip reads the loss itself.
    expect(await hover({ ...base, rankBy: 'early_loss', ys: Float64Array.from([-2.1, -1.9, -1.7, -1.25, -0.9]) }, 3)).toEqual(['Early-training loss', '1.25']);
  });
});
