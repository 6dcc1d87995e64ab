// @vitest-environment happy-dom
/** The search over time: a line per run of its hypervolume (or best accuracy) under the budgets, against evaluations or time. */
import { afterEach, describe, expect, it } from 'vitest';
import { OverTimePlot, stairsPath, stepLine } from '../src/ui/compare/OverTimePlot.tsx';
import type { HypervolumeHistory } from '../src/core/compare/hypervolume-history.ts';
import { cleanup, render, texts } from './dom/render.tsx';

afterEach(cleanup);

// Six evaluations: four scorings, then two trainings that raise the hypervolume and the best accuracy.
const HISTORY: HypervolumeHistory = {
  evaluated: [1, 2, 3, 4, 5, 6],
  atMs: [100, 200, 300, 400, 2500, 4000],
  hypervolume: [0, 0, 0, 0, 0.05, 0.075],
  bestAccuracy: [NaN, NaN, NaN, NaN, 0.8, 0.9],
};
// A plainer search: the same front, found after ten evaluations and 9 s.
const SLOWER: HypervolumeHistory = {
  evaluated: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  atMs: [100, 200, 300, 400, 500, 600, 700, 800, 6000, 9000],
  hypervolume: [0, 0, 0, 0, 0, 0, 0, 0, 0.05, 0.075],
  bestAccuracy: [NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 0.8, 0.9],
};

describe('the over-time plot', () => {
  it('keeps only the corners of each line: where it starts, where it changes and where it ends', () => {
    expect(stepLine(HISTORY, 'evaluated', 'hypervolume')).toEqual({ xs: [1, 5, 6], ys: [0, 0.05, 0.075] });
    expect(stepLine(HISTORY, 'time', 'hypervolume')).toEqual({ xs: [0.1, 2.5, 4], ys: [0, 0.05, 0.075] });
    // No best before the first training within the budgets: the line starts there.
    expect(stepLine(HISTORY, 'evaluated', 'accuracy')).toEqual({ xs: [5, 6], ys: [0.8, 0.9] });
    // A value held to the last evaluation ends the line there.
    expect(stepLine({ ...HISTORY, hypervolume: [0, 0, 0.1, 0.1, 0.1, 0.1] }, 'evaluated', 'hypervolume')).toEqual({ xs: [1, 3, 6], ys: [0, 0.1, 0.1] });
    // Without times there is no line against time.
    expect(stepLine({ ...HISTORY, atMs: HISTORY.atMs.map(() => NaN) }, 'time', 'hypervolume')).toEqual({ xs: [], ys: [] });
  });

  it('draws each line as stairs: a value held until the next change', () => {
    const scale = { x: (v: number) => 10 * v, y: (v: number) => 100 - 1000 * v };
    expect(stairsPath({ xs: [1, 5, 6], ys: [0, 0.05, 0.075] }, scale)).toBe('M10,100H50V50H60V25');
  });

  it('renders a line per run with its legend, the NeuroNAS-like one rising first, and says which run has no times', async () => {
    const series = [
      { label: 'Current: neuronas', className: 'run-current', history: HISTORY, timed: true },
      { label: 'Pinned: snasnet', className: 'run-pinned', history: SLOWER, timed: true },
    ];
    const { container } = await render(<OverTimePlot series={series} x="evaluated" y="hypervolume" height={300} testId="ot" />, { width: 600, height: 280 });
    const fig = container.querySelector('[data-testid=ot]')!;
    expect(fig.getAttribute('data-lines')).toBe('2');
    expect(texts(fig, '.over-time-legend-item')).toEqual(['Current: neuronas', 'Pinned: snasnet']);
    expect(texts(fig, '.axis-title')).toEqual(['Candidates evaluated (scored or trained)', 'Hypervolume under the budgets']);
    const paths = [...fig.querySelectorAll('g.over-time-lines path')];
    expect(paths.map((p) => p.getAttribute('data-label'))).toEqual(['Current: neuronas', 'Pinned: snasnet']);
    // Where each line first leaves 0: the current run's rise (evaluation 5) is left of the pinned one's (evaluation 9).
    const rise = (d: string) => Number(/^M[\d.]+,[\d.]+H([\d.]+)/.exec(d)![1]);
    const current = rise(paths[0].getAttribute('d')!);
    const pinned = rise(paths[1].getAttribute('d')!);
    expect(current).toBeLessThan(pinned);
    // x from 0 to 10 over the plot's width: evaluation 5 sits halfway between 0 and 10.
    const x0 = Number(/^M([\d.]+)/.exec(paths[0].getAttribute('d')!)![1]);
    expect((current - x0) / (pinned - x0)).toBeCloseTo((5 - 1) / (9 - 1), 2);

    const untimed = await render(<OverTimePlot series={[series[0], { ...series[1], timed: false }]} x="time" y="hypervolume" height={300} testId="ot2" />, { width: 600, height: 280 });
    const fig2 = untimed.container.querySelector('[data-testid=ot2]')!;
    expect(fig2.getAttribute('data-lines')).toBe('1');
    expect(texts(fig2, '.over-time-legend-item')).toEqual(['Current: neuronas', 'Pinned: snasnet (no times recorded)']);
  });
});
