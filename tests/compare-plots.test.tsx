// @vitest-environment happy-dom
/** Two runs side by side on the page: the comparison table, the overlays of a pinned run's front. */
import { afterEach, describe, expect, it } from 'vitest';
import { CompareTable, formatHvDifference } from '../src/ui/compare/CompareTable.tsx';
import { OverlayMarks } from '../src/ui/compare/OverlayMarks.tsx';
import { costOverlays, paretoOverlay, pinnedMissing } from '../src/ui/compare/overlays.ts';
import type { PinnedRun } from '../src/ui/compare/store.ts';
import { PlotFrame } from '../src/ui/plot/PlotFrame.tsx';
import { axisSpec } from '../src/core/metrics.ts';
import { runFront, type ComparedRun, type ComparedTrained } from '../src/core/compare/runs.ts';
import type { RunData } from '../src/core/files/run.ts';
import type { CostFigures } from '../src/core/search/pipeline.ts';
import { cleanup, render } from './dom/render.tsx';

afterEach(cleanup);

const costs = (params: number, areaMm2: number, latencyMs: number, energyUJ: number): CostFigures => ({ params, memoryBits: params * 8, areaMm2, latencyMs, energyUJ, tiles: 1, crossbars: 1 });
const t = (index: number, accuracy: number, c: CostFigures): ComparedTrained => ({ index, genome: `g${index}`, accuracy, costs: c });

describe('the comparison table', () => {
  it('shows each run\'s best, its hypervolume and the signed difference', async () => {
    const current = { label: 'Current: neuronas', className: 'run-current', verdict: { best: t(3, 0.912, costs(120_000, 1.25, 0.5, 12.5)), hypervolume: 0.0875, within: 2 }, trained: 3 };
    const pinned = { label: 'Pinned: snasnet', className: 'run-pinned', verdict: { best: null, hypervolume: 0.05, within: 0 }, trained: 2 };
    const { container } = await render(<CompareTable current={current} pinned={pinned} />);
    const row = (c: string) => container.querySelector(`[data-testid=compare-row-${c}]`)!;
    expect(row('run-current').querySelector('[data-testid=compare-accuracy]')!.textContent).toBe('91.2 %');
    expect(row('run-current').textContent).toContain('g3');
    expect(row('run-current').querySelector('[data-testid=compare-hv]')!.textContent).toBe('0.0875');
    expect(row('run-pinned').textContent).toContain('no trained candidate within the budgets');
    expect(row('run-pinned').textContent).toContain('0 of 2');
    const diff = container.querySelector('[data-testid=hv-difference]')!;
    expect(Number(diff.getAttribute('data-value'))).toBeCloseTo(0.0375, 12);
    expect(diff.querySelector('strong')!.textContent).toBe('+0.0375');
    expect(formatHvDifference(-0.00004)).toBe('±0.0000');
    expect(formatHvDifference(-0.012)).toBe('−0.0120');
  });
});

function compared(trained: ComparedTrained[], rankBy: ComparedRun['rankBy'] = 'params'): ComparedRun {
  return { label: 'Pinned: x', strategy: 'snasnet', rankBy, seed: 1, samples: 4, trained: new Map(trained.map((x) => [x.index, x])), maxima: { params: 400, areaMm2: 4, latencyMs: 4, energyUJ: 40 }, evaluations: [], timed: false, ordered: false };
}

describe('the overlays of a pinned run', () => {
  const trained = [t(0, 0.9, costs(300, 3, 1, 10)), t(1, 0.8, costs(100, 1, 1, 10)), t(2, 0.85, costs(300, 3, 1, 30)), t(3, 0.95, costs(400, 4, 1, 10))];
  const candidates = trained.map((x) => ({ index: x.index, genome: x.genome, costs: x.costs, pes: 5 * (x.index + 1), feasible: true, violation: 0, score: 10 - x.index }));
  const pinned: PinnedRun = { run: compared(trained), from: { kind: 'search' }, data: { candidates } as unknown as RunData };
  const open = { maxParams: Infinity, maxAreaMm2: Infinity, maxLatencyMs: Infinity, maxEnergyUJ: Infinity };

  it('puts the pinned run\'s 2-D front (accuracy up, cost down) in the Pareto view, in order of the cost', () => {
    // Area: 1 → 0.8, 3 → 0.85 and 0.9, 4 → 0.95: the 0.85 is not on the front.
    expect(paretoOverlay(pinned, 'areaMm2', 'accuracy', 'params', open)).toMatchObject({ xs: [1, 3, 4], ys: [0.8, 0.9, 0.95], shape: 'triangle', stairs: true });
    // Energy: candidate 2 spends 30 for 0.85, beaten by candidate 0 (10 for 0.9).
    expect(paretoOverlay(pinned, 'energyUJ', 'accuracy', 'params', open)).toMatchObject({ xs: [10], ys: [0.95] });
    // PEs come from the run's candidates (5, 10, 15, 20): the area budget at 3.5 leaves 0, 1 and 2, and 0 has the fewest.
    expect(paretoOverlay(pinned, 'pes', 'accuracy', 'params', { ...open, maxAreaMm2: 3.5 })).toMatchObject({ xs: [5], ys: [0.9] });
    expect(paretoOverlay(pinned, 'pes', 'accuracy', 'params', { ...open, maxAreaMm2: 2.5 })).toMatchObject({ xs: [10], ys: [0.8] });
    // Scores (10, 9, 8, 7): only when both runs rank by the same proxy.
    expect(paretoOverlay(pinned, 'areaMm2', 'score', 'params', open)).toMatchObject({ xs: [1, 3], ys: [9, 10] });
    expect(paretoOverlay(pinned, 'areaMm2', 'score', 'snasnet', open)).toBeNull();
    expect(paretoOverlay(pinned, 'areaMm2', 'accuracy', 'params', { ...open, maxParams: 50 })).toBeNull();
    // …and the legend says why.
    expect(pinnedMissing('score', true)).toMatch(/another proxy/);
    expect(pinnedMissing('score', false)).toMatch(/no scored candidate within the budgets/);
    expect(pinnedMissing('accuracy', false)).toMatch(/no trained candidate within the budgets/);
  });

  it('puts both runs\' fronts (accuracy against every cost) at the cost view\'s two costs', () => {
    // Candidate 2 is dominated by 0 (less accurate for the same parameters, area and latency, and more energy); the rest trade off.
    expect(runFront(pinned.run, open).map((x) => x.index)).toEqual([0, 1, 3]);
    const current = compared([t(0, 0.7, costs(50, 0.5, 1, 5))]);
    const o = costOverlays({ ...current, label: 'Current: y' }, pinned, open, 'params', 'areaMm2');
    expect(o.map((s) => [s.id, s.shape, s.xs, s.ys])).toEqual([
      ['current', 'ring', [50], [0.5]],
      ['pinned', 'triangle', [300, 100, 400], [3, 1, 4]],
    ]);
  });

  it('draws the marks and the front\'s stairs in the plot\'s frame', async () => {
    const overlay = paretoOverlay(pinned, 'areaMm2', 'accuracy', 'params', open)!;
    const { container } = await render(
      <PlotFrame xSpec={axisSpec(0, 5, 'linear')} ySpec={axisSpec(0.7, 1, 'linear')} xTitle="Area" yTitle="Accuracy" xTickFormat={String} yTickFormat={String}>
          <OverlayMarks series={[overlay]} />
      </PlotFrame>,
      { width: 500, height: 300 },
    );
    const g = container.querySelector('[data-testid=overlay-pinned]')!;
    expect(g.getAttribute('data-points')).toBe('3');
    expect(g.querySelector('.overlay-mark')!.getAttribute('d')!.match(/M/g)).toHaveLength(3);
    // Stairs: start, then across and up at each of the two others.
    expect(g.querySelector('.overlay-stairs')!.getAttribute('d')!.match(/H/g)).toHaveLength(2);
  });
});
