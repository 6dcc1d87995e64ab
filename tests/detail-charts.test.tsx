// @vitest-environment happy-dom
/**
 * The detail view's plots over one architecture's real cost report: the
 * per-layer and whole-chip breakdowns and the training charts (recharts,
 * read back from the SVG they render), the crossbar map (pixels of its
 * canvas) and the cell graph (SVG).
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { describeCell } from '../src/core/arch/describe.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { resolveHardware } from '../src/core/cost/hardware.ts';
import { COMPONENTS, buildArchitectureReport } from '../src/core/cost/report.ts';
import type { TrainingView } from '../src/core/files/architecture.ts';
import { formatCompact } from '../src/core/metrics.ts';
import { CellGraph } from '../src/ui/detail/CellGraph.tsx';
import { CostCharts } from '../src/ui/detail/CostCharts.tsx';
import { CrossbarMap } from '../src/ui/detail/CrossbarMap.tsx';
import { LiveTraining, TrainingCharts } from '../src/ui/detail/TrainingCharts.tsx';
import { OP_LABEL } from '../src/ui/detail/cell-graph.ts';
import { crossbarMapLayout, describeSquare, mappingOf } from '../src/ui/detail/crossbar-map.ts';
import { COMPONENT_LABEL, layerColor } from '../src/ui/detail/palette.ts';
import { canvasPixel, cleanup, render, texts } from './dom/render.tsx';

afterEach(cleanup);

const GENOME = 'c16-h128-t4-w8-301203';
const report = buildArchitectureReport(parseGenome(GENOME), resolveHardware({}));
const LAYERS = report.layers.map((l) => l.name);

/** Widths of a recharts bar chart's rectangles, summed per category (the `name` recharts gives each). */
function barWidths(chart: Element): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of chart.querySelectorAll('.recharts-bar-rectangle path')) {
    const name = r.getAttribute('name')!;
    out.set(name, (out.get(name) ?? 0) + Number(r.getAttribute('width')));
  }
  return out;
}

describe('the cost breakdown charts', () => {
  it('stack each layer’s energy and area by component, bar lengths in proportion to the layers’ totals', async () => {
    const { container } = await render(<CostCharts report={report} />);
    for (const which of ['energy', 'area'] as const) {
      const chart = container.querySelector(`[data-testid=chart-${which}-per-layer]`)!;
      expect(texts(chart, '.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')).toEqual(LAYERS);
      expect(texts(chart, '.recharts-legend-item-text')).toEqual(COMPONENTS.map((c) => COMPONENT_LABEL[c]));
      // One rectangle per layer and component, in the component's colour.
      expect(chart.querySelectorAll('.recharts-bar')).toHaveLength(COMPONENTS.length);
      expect(chart.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(LAYERS.length * COMPONENTS.length);
      const widths = barWidths(chart);
      const total = (i: number) => (which === 'energy' ? report.layers[i].energy_uJ : report.layers[i].area_mm2);
      const perUnit = widths.get(LAYERS[0])! / total(0);
      expect(perUnit).toBeGreaterThan(0);
      for (const [i, name] of LAYERS.entries()) expect(widths.get(name)!).toBeCloseTo(total(i) * perUnit, 1);
    }
  });

  it('show the whole chip’s shares as two full bars, with the figures in a table', async () => {
    const { container } = await render(<CostCharts report={report} />);
    const chart = container.querySelector('[data-testid=chart-chip-shares]')!;
    expect(texts(chart, '.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')).toEqual(['Energy', 'Area']);
    expect(texts(chart, '.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')).toEqual(['0 %', '25 %', '50 %', '75 %', '100 %']);
    // 100 % bars: energy and area stacks are equally long.
    const widths = barWidths(chart);
    expect(widths.get('Energy')!).toBeCloseTo(widths.get('Area')!, 3);
    const rows = Array.from(chart.querySelectorAll('tbody tr'), (tr) => texts(tr, 'th, td'));
    expect(rows.map((r) => r[0])).toEqual(COMPONENTS.map((c) => COMPONENT_LABEL[c]));
    const e = report.breakdown.energy_uJ;
    expect(rows.map((r) => r[1])).toEqual(COMPONENTS.map((c) => formatCompact(e[c])));
    const shares = rows.map((r) => Number(r[2].replace(' %', '')));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  });
});

describe('the training charts', () => {
  const training: TrainingView = {
    epochs: [
      { epoch: 1, loss: 1.2, trainAccuracy: 0.62, testAccuracy: 0.7 },
      { epoch: 2, loss: 0.6, trainAccuracy: 0.85, testAccuracy: 0.88 },
      { epoch: 3, loss: 0.4, trainAccuracy: 0.91, testAccuracy: 0.925 },
    ],
    spikeRates: LAYERS.map((_, i) => 0.05 * (i + 1)),
    accuracyFloat: 0.925,
    accuracyQuantized: 0.918,
  };

  it('show the accuracies, one line per curve over the epochs, and each layer’s spike rate as a bar', async () => {
    const { container } = await render(<TrainingCharts training={training} report={report} />);
    expect(container.querySelector('[data-testid=accuracy-float]')!.textContent).toBe('92.5 %');
    expect(container.querySelector('[data-testid=accuracy-quantized]')!.textContent).toBe('91.8 %');
    const curves = container.querySelector('[data-testid=chart-training-curves]')!;
    // Recharts lists a legend by name unless told otherwise.
    expect(texts(curves, '.recharts-legend-item-text')).toEqual(['Loss', 'Test accuracy', 'Train accuracy']);
    expect(texts(curves, '.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')).toEqual(['1', '2', '3']);
    const lines = curves.querySelectorAll('path.recharts-line-curve');
    expect(lines).toHaveLength(3);
    // Three points each: a move and two line segments.
    for (const l of lines) expect(l.getAttribute('d')!.match(/[ML]/g)).toHaveLength(3);

    const rates = container.querySelector('[data-testid=chart-spike-rates]')!;
    expect(rates.querySelector('figcaption')!.textContent).toBe('Input spike rate per layer');
    expect(texts(rates, '.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')).toEqual(LAYERS);
    const widths = barWidths(rates);
    // Rate 0.05 per layer index step, on a 0-100 % axis: lengths grow in step.
    for (const [i, name] of LAYERS.entries()) expect(widths.get(name)! / widths.get(LAYERS[0])!).toBeCloseTo(i + 1, 3);
  });

  it('draw a live curve that grows in place as readings arrive, and keep it with the test accuracies once trained', async () => {
    const readings = [
      { at: 0.25, loss: 2.2, accuracy: 0.15 },
      { at: 0.5, loss: 1.6, accuracy: 0.4 },
    ];
    const ui = () => <LiveTraining readings={readings} epoch={1} epochs={2} />;
    const { container, rerender } = await render(ui());
    const curves = () => container.querySelector('[data-testid=chart-training-curves]')!;
    const segments = (name: string) => [...curves().querySelectorAll('.recharts-line')].find((l) => l.querySelector('path')?.getAttribute('name') === name)?.querySelector('path.recharts-line-curve')?.getAttribute('d')?.match(/[ML]/g)?.length ?? 0;
    expect(container.querySelector('[data-testid=training-live]')!.textContent).toContain('epoch 1 of 2');
    expect(curves().getAttribute('data-points')).toBe('2');
    expect(segments('Loss')).toBe(2);
    // The search pushes into the same array; the count it passes tells the chart to redraw.
    readings.push({ at: 0.75, loss: 1.1, accuracy: 0.6 }, { at: 1, loss: 0.9, accuracy: 0.7 });
    await rerender(ui());
    expect(curves().getAttribute('data-points')).toBe('4');
    expect(segments('Loss')).toBe(4);
    expect(segments('Train accuracy')).toBe(4);
    // Trained: the readings stay, with each epoch's test accuracy at its end (epochs count from 0).
    const done: TrainingView = { ...training, epochs: [{ epoch: 0, loss: 1.4, trainAccuracy: 0.5, testAccuracy: 0.72 }] };
    await rerender(<TrainingCharts training={done} report={report} readings={readings} />);
    expect(curves().querySelector('figcaption')!.textContent).toBe('Loss and accuracy as it trained');
    expect(segments('Loss')).toBe(4);
    expect(curves().querySelectorAll('.recharts-line')).toHaveLength(3);
    expect(curves().querySelectorAll('.recharts-line-dots circle')).toHaveLength(1);
  });

  it('say when the measured rates do not match the layers', async () => {
    const { container } = await render(<TrainingCharts training={{ ...training, spikeRates: [0.2, 0.3] }} report={report} />);
    expect(container.querySelector('[data-testid=chart-spike-rates] figcaption')!.textContent).toBe(
      `Input spike rate per layer (2 rates for ${LAYERS.length} layers: not used for energy)`,
    );
  });
});

describe('the crossbar map', () => {
  it('draws each crossbar in its layer’s colour, filled from the bottom by its share of used cells, and names the one under the pointer', async () => {
    const { container } = await render(<CrossbarMap report={report} />, { width: 640, height: 400 });
    const mapping = mappingOf(report);
    const layout = crossbarMapLayout(mapping, 640);
    const map = container.querySelector('[data-testid=crossbar-map]')!;
    expect(map.getAttribute('data-level')).toBe(layout.level);
    expect(container.querySelector('[data-testid=crossbar-caption]')!.textContent).toBe(layout.caption);
    expect(texts(map, '.map-legend .name')).toEqual(mapping.layers.map((l) => l.name));
    const canvas = map.querySelector('canvas')!;
    expect([canvas.width, canvas.height]).toEqual([layout.width, layout.height]);
    expect(canvas.getAttribute('aria-label')).toContain(`${mapping.totalCrossbars} crossbars of ${mapping.xbar}×${mapping.xbar} cells`);

    const full = Array.from({ length: layout.count }, (_, i) => i).find((i) => layout.fill[i] === 1)!;
    const part = Array.from({ length: layout.count }, (_, i) => i).find((i) => layout.fill[i] > 0 && layout.fill[i] * layout.size < 1)!;
    expect(full).toBeGreaterThanOrEqual(0);
    expect(part).toBeGreaterThanOrEqual(0);
    const hex = (c: string) => [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16));
    const s = layout.size;
    const pixel = (i: number, dy: number) => canvasPixel(canvas, layout.x[i] + s / 2, layout.y[i] + dy);
    // A full crossbar is its layer's colour top to bottom.
    expect(pixel(full, s - 1.5)).toEqual([...hex(layerColor(layout.layer[full])), 255]);
    expect(pixel(full, 1.5)).toEqual([...hex(layerColor(layout.layer[full])), 255]);
    // A nearly empty one (under half full): its bottom pixel row solid, faint (22 %) above.
    const color = hex(layerColor(layout.layer[part]));
    expect(layout.fill[part] * s).toBeLessThan(1);
    expect(pixel(part, s - 1).slice(0, 3).every((v, k) => Math.abs(v - color[k]) <= 2)).toBe(true);
    expect(pixel(part, s - 1)[3]).toBe(255);
    expect(pixel(part, 1.5)[3]).toBe(Math.round(0.22 * 255));

    await act(async () => void canvas.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: layout.x[full] + 1, clientY: layout.y[full] + 1 })));
    expect(map.querySelector('.map-tooltip')!.textContent).toBe(describeSquare(mapping, layout, full));
  });
});

describe('the cell graph', () => {
  it('draws the four nodes and every operation edge with its label, pruned parts marked', async () => {
    const cell = describeCell(parseGenome('c16-h128-t4-w8-331000').cells[0]);
    const { container } = await render(<CellGraph cell={cell} title="Cell 1" />);
    const svg = container.querySelector('svg')!;
    expect(texts(svg, '.cell-node text')).toEqual(['in', '1', '2', 'out']);
    expect(svg.querySelectorAll('.cell-node.pruned')).toHaveLength(2);
    expect(texts(svg, '.cell-edge text')).toEqual(cell.edges.map((e) => OP_LABEL[e.op]));
    expect(svg.querySelectorAll('.cell-edge.pruned')).toHaveLength(cell.edges.filter((e) => !e.active).length);
    expect(svg.querySelector('desc')!.textContent).toBe('0→1 conv 3×3 (pruned), 0→2 conv 3×3 (pruned), 0→3 skip');
    expect(container.querySelector('figcaption')!.textContent).toBe('Cell 1 · 331000 · faded: nodes 1, 2 off every input→output path, 2 edges that never compute');
  });

  it('dashes backward edges', async () => {
    const cell = describeCell(parseGenome('c16-h128-t4-w8-301203000300').cells[0]);
    const { container } = await render(<CellGraph cell={cell} title="Cell 1" />);
    const back = container.querySelectorAll('.cell-edge.backward path');
    expect(back).toHaveLength(1);
    expect(back[0].getAttribute('stroke-dasharray')).toBe('5 4');
  });
});
