// @vitest-environment happy-dom
/**
 * The cost scatter over fixture data: the frame's ticks and titles, the
 * budget lines, the points' pixels on its canvas layer, and hover, click and
 * the keyboard cursor.
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { computeFeasibility } from '../src/core/feasibility.ts';
import { allocateColumns, axisSpec, formatCompact, type Columns } from '../src/core/metrics.ts';
import type { Budgets } from '../src/core/settings.ts';
import { CostScatter, brokenBudgets, type CostScatterProps } from '../src/ui/plot/CostScatter.tsx';
import { canvasPixel, cleanup, render, texts } from './dom/render.tsx';

afterEach(cleanup);

const COLORS = { feasible: 'rgb(37, 99, 235)', infeasible: 'rgb(148, 155, 168)', highlight: '#f59e0b' };
// Inside the axes' nice domains ([1, 3.5] and [2, 12]), so no point sits on the canvas's edge.
const AREA = [1.2, 1.6, 2, 2.5, 3, 3.4];
const ENERGY = [2.5, 4, 6, 8, 10, 11.5];
const GENOMES = AREA.map((_, i) => `c${8 * (i + 1)}-h64-t2-w8-33100${i}`);
// Area budget 2.2 mm², energy budget 9 µJ: candidates 0-2 are within both.
const BUDGETS: Budgets = { maxParams: Infinity, maxAreaMm2: 2.2, maxLatencyMs: Infinity, maxEnergyUJ: 9 };
// 800 × 400 px: the plot area is 688 × 312 px from (88, 16).
const PLOT = { x: 88, y: 16, width: 688, height: 312 };

function fixture(budgets = BUDGETS): CostScatterProps {
  const n = AREA.length;
  const columns: Columns = allocateColumns(n);
  for (let i = 0; i < n; i++) {
    columns.areaMm2[i] = AREA[i];
    columns.energyUJ[i] = ENERGY[i];
    columns.params[i] = 1000 * (i + 1);
    columns.latencyMs[i] = 0.5 * (i + 1);
  }
  const mask = new Uint8Array(n);
  const counts = computeFeasibility(columns, n, budgets, mask);
  return { columns, count: n, dataVersion: 1, genomes: GENOMES, mask, maskVersion: 1, x: 'areaMm2', y: 'energyUJ', budgets, colors: COLORS, feasible: counts.feasible, height: 400 };
}

/** Where a value lands in the container (the plot area's scales, linear axes). */
function at(v: number, lo: number, hi: number, from: number, length: number): number {
  return from + ((v - lo) / (hi - lo)) * length;
}
const xSpec = axisSpec(1.2, 3.4);
const ySpec = axisSpec(2.5, 11.5);
const xOf = (v: number) => at(v, xSpec.domain[0], xSpec.domain[1], PLOT.x, PLOT.width);
const yOf = (v: number) => at(v, ySpec.domain[1], ySpec.domain[0], PLOT.y, PLOT.height);

function canvasOf(c: HTMLElement): HTMLCanvasElement {
  return c.querySelector<HTMLCanvasElement>('[data-testid=points-canvas]')!;
}

describe('the cost scatter', () => {
  it('frames the two costs with their ticks and titles, and says what it shows', async () => {
    const { container } = await render(<CostScatter {...fixture()} />);
    expect([xSpec.scale, xSpec.domain, ySpec.domain]).toEqual(['linear', [1, 3.5], [2, 12]]);
    expect(texts(container, '.plot-x-axis .plot-tick-value')).toEqual(xSpec.ticks.map(formatCompact));
    expect(texts(container, '.plot-y-axis .plot-tick-value')).toEqual(ySpec.ticks.map(formatCompact));
    expect(texts(container, '.axis-title')).toEqual(['Area (mm²)', 'Energy (µJ)']);
    expect(container.querySelector('[role=group]')!.getAttribute('aria-label')).toBe(
      'Scatter plot of 6 candidates, Area against Energy; 3 feasible (coloured), 3 infeasible (grey).',
    );
  });

  it('draws every point on its canvas, coloured by feasibility, where the axes put it', async () => {
    const { container } = await render(<CostScatter {...fixture()} />);
    const canvas = canvasOf(container);
    expect(canvas.dataset.points).toBe('6');
    expect(canvas.style.width).toBe(`${PLOT.width}px`);
    expect([canvas.width, canvas.height]).toEqual([PLOT.width, PLOT.height]);
    for (let i = 0; i < AREA.length; i++) {
      const [r, g, b, a] = canvasPixel(canvas, xOf(AREA[i]) - PLOT.x, yOf(ENERGY[i]) - PLOT.y);
      expect([r, g, b, a]).toEqual(i < 3 ? [37, 99, 235, 255] : [148, 155, 168, 255]);
    }
    // Between points: nothing.
    expect(canvasPixel(canvas, (xOf(1.2) + xOf(1.6)) / 2 - PLOT.x, 5)).toEqual([0, 0, 0, 0]);
  });

  it('draws a dashed line at each budget in view, and moves it and recolours the points when a budget moves', async () => {
    const { container, rerender } = await render(<CostScatter {...fixture()} />);
    const xLine = container.querySelector('[data-testid=budget-line-x]')!;
    expect(Number(xLine.getAttribute('data-at'))).toBeCloseTo(xOf(2.2), 6);
    expect(xLine.textContent).toBe('area budget');
    const yLine = container.querySelector('[data-testid=budget-line-y]')!;
    expect(Number(yLine.getAttribute('data-at'))).toBeCloseTo(yOf(9), 6);
    expect(yLine.textContent).toBe('energy budget');

    const looser = { ...BUDGETS, maxAreaMm2: 3.2, maxEnergyUJ: Infinity };
    await rerender(<CostScatter {...fixture(looser)} maskVersion={2} />);
    expect(Number(container.querySelector('[data-testid=budget-line-x]')!.getAttribute('data-at'))).toBeCloseTo(xOf(3.2), 6);
    // No energy budget: no line.
    expect(container.querySelector('[data-testid=budget-line-y]')).toBeNull();
    const canvas = canvasOf(container);
    expect(canvasPixel(canvas, xOf(3) - PLOT.x, yOf(10) - PLOT.y)).toEqual([37, 99, 235, 255]);
    expect(canvasPixel(canvas, xOf(3.4) - PLOT.x, yOf(11.5) - PLOT.y)).toEqual([148, 155, 168, 255]);
  });

  it('marks a published network with a labelled diamond at its costs, stretching the axes to show it', async () => {
    const costs = { params: 9000, memoryBits: 0, areaMm2: 6.1, energyUJ: 20.5, latencyMs: 4, tiles: 0, pes: 0, crossbars: 0 };
    const reference = { id: 'ref', label: 'Published net', costs };
    const { container, rerender } = await render(<CostScatter {...fixture()} references={[reference]} />);
    // The domains now take in the reference: area 1.2–6.1, energy 2.5–20.5.
    const xs = axisSpec(1.2, 6.1);
    const ys = axisSpec(2.5, 20.5);
    expect(texts(container, '.plot-x-axis .plot-tick-value')).toEqual(xs.ticks.map(formatCompact));
    expect(texts(container, '.plot-y-axis .plot-tick-value')).toEqual(ys.ticks.map(formatCompact));
    const mark = container.querySelector('[data-testid=reference-point]')!;
    expect(Number(mark.getAttribute('data-x'))).toBeCloseTo(at(6.1, xs.domain[0], xs.domain[1], PLOT.x, PLOT.width), 6);
    expect(Number(mark.getAttribute('data-y'))).toBeCloseTo(at(20.5, ys.domain[1], ys.domain[0], PLOT.y, PLOT.height), 6);
    expect(mark.textContent).toBe('Published net');
    // Within 160 px of the plot's right edge, the label sits left of the mark.
    const px = Number(mark.getAttribute('data-x'));
    expect(px).toBeGreaterThan(PLOT.x + PLOT.width - 160);
    expect(mark.querySelector('text')!.getAttribute('text-anchor')).toBe('end');
    // A budget move keeps the mark where it is.
    await rerender(<CostScatter {...fixture({ ...BUDGETS, maxAreaMm2: 3 })} maskVersion={2} references={[reference]} />);
    expect(Number(container.querySelector('[data-testid=reference-point]')!.getAttribute('data-x'))).toBeCloseTo(Number(mark.getAttribute('data-x')), 6);
    // Without references, no mark and the domains are the candidates' own.
    const plain = await render(<CostScatter {...fixture()} />);
    expect(plain.container.querySelector('[data-testid=reference-point]')).toBeNull();
  });

  it('shows the point under the pointer, and a click selects and pins it', async () => {
    const chosen: number[] = [];
    const { container } = await render(<CostScatter {...fixture()} onSelect={(i) => chosen.push(i)} />);
    const canvas = canvasOf(container);
    // happy-dom lays nothing out: the canvas's box is at (0, 0), so client coordinates are plot-area coordinates.
    const x = xOf(2.5) - PLOT.x + 3;
    const y = yOf(8) - PLOT.y - 2;
    await act(async () => void canvas.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: x, clientY: y })));
    const tip = container.querySelector('[data-testid=point-tooltip]')!;
    expect(tip.querySelector('.genome')!.textContent).toBe(GENOMES[3]);
    expect(tip.querySelector('.verdict')!.textContent).toBe('over the area budget');
    await act(async () => void canvas.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y })));
    expect(chosen).toEqual([3]);
    expect(container.querySelector('[data-testid=pinned-candidate]')!.getAttribute('data-genome')).toBe(GENOMES[3]);
    // Far from every point: no tooltip.
    await act(async () => void canvas.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: 5, clientY: 5 })));
    expect(container.querySelector('[data-testid=point-tooltip]')).toBeNull();
  });

  it('steps a keyboard cursor through the points in x order, and Enter selects', async () => {
    const chosen: number[] = [];
    const { container } = await render(<CostScatter {...fixture()} onSelect={(i) => chosen.push(i)} />);
    const canvas = canvasOf(container);
    const key = (k: string) => act(async () => void canvas.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })));
    await key('End');
    expect(container.querySelector('[data-testid=point-tooltip] .genome')!.textContent).toBe(GENOMES[5]);
    await key('ArrowLeft');
    await key('ArrowLeft');
    expect(container.querySelector('[aria-live=polite]')!.textContent).toBe(`${GENOMES[3]}, over the area budget; Enter for details.`);
    await key('Enter');
    expect(chosen).toEqual([3]);
  });
});

describe('brokenBudgets', () => {
  it('names the budgets a mask entry breaks', () => {
    expect(brokenBudgets(0)).toBe('within every budget');
    expect(brokenBudgets(0b0010)).toBe('over the area budget');
    expect(brokenBudgets(0b1010)).toBe('over the area, energy budgets');
  });
});
