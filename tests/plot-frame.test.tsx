// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { axisSpec, formatCompact, formatCompactAt, formatPercentAt } from '../src/core/metrics.ts';
import { PlotFrame, frameScale, frameTicks, useFrame } from '../src/ui/plot/PlotFrame.tsx';
import { cleanup, render, texts } from './dom/render.tsx';

afterEach(cleanup);

describe('the live plots’ SVG frame', () => {
  it('maps a linear domain onto its range, either way round', () => {
    const spec = axisSpec(0, 10, 'linear');
    const x = frameScale(spec, 100, 300);
    expect(x(spec.domain[0])).toBe(100);
    expect(x(spec.domain[1])).toBe(300);
    expect(x((spec.domain[0] + spec.domain[1]) / 2)).toBe(200);
    const y = frameScale(spec, 400, 0);
    expect(y(spec.domain[0])).toBe(400);
    expect(y(spec.domain[1])).toBe(0);
  });

  it('maps a log domain by decades, with no place for values ≤ 0', () => {
    const spec = axisSpec(1, 1000);
    expect(spec.scale).toBe('log');
    const x = frameScale(spec, 0, 300);
    expect(x(1)).toBeCloseTo(0);
    expect(x(10)).toBeCloseTo(100);
    expect(x(1000)).toBeCloseTo(300);
    expect(x(0)).toBeNaN();
    expect(x(-1)).toBeNaN();
  });

  it('places every tick of the spec, and drops labels that would overlap from the start, keeping the last', () => {
    const spec = axisSpec(0, 100, 'linear');
    const wide = frameTicks(spec, frameScale(spec, 0, 800), formatCompact, (s) => s.length * 7);
    expect(wide.map((t) => t.value)).toEqual(spec.ticks);
    expect(wide.every((t) => t.show)).toBe(true);
    const narrow = frameTicks(spec, frameScale(spec, 0, 60), formatCompact, (s) => s.length * 7);
    expect(narrow).toHaveLength(spec.ticks.length);
    expect(narrow[narrow.length - 1].show).toBe(true);
    expect(narrow.filter((t) => t.show).length).toBeLessThan(spec.ticks.length);
    // Shown labels never overlap (5 px apart at least).
    const shown = narrow.filter((t) => t.show);
    for (let i = 1; i < shown.length; i++) {
      const half = (t: (typeof shown)[number]) => (t.label.length * 7) / 2;
      expect(Math.abs(shown[i].at - shown[i - 1].at)).toBeGreaterThanOrEqual(half(shown[i]) + half(shown[i - 1]) + 5);
    }
  });

  it('labels a narrow range finely enough that no two neighbouring ticks read the same', () => {
    // 1,200 to 1,212 parameters: at 3 figures every tick read "1.2k".
    const params = axisSpec(1200, 1212, 'linear');
    expect(params.ticks).toEqual([1200, 1202, 1204, 1206, 1208, 1210, 1212]);
    expect(params.ticks.map(formatCompact)).toEqual(['1.2k', '1.2k', '1.2k', '1.21k', '1.21k', '1.21k', '1.21k']);
    const ticks = frameTicks(params, frameScale(params, 0, 800), formatCompactAt, (s) => s.length * 7);
    expect(ticks.map((t) => t.label)).toEqual(['1.2k', '1.202k', '1.204k', '1.206k', '1.208k', '1.21k', '1.212k']);
    // 97.51 % to 97.59 % accuracy: one decimal read "97.5%" or "97.6%".
    const accuracy = axisSpec(0.9751, 0.9759, 'linear');
    const labels = frameTicks(accuracy, frameScale(accuracy, 300, 0), formatPercentAt, () => 14).map((t) => t.label);
    expect(labels).toEqual(accuracy.ticks.map((v) => `${Number((v * 100).toFixed(2))}%`));
    expect(new Set(labels).size).toBe(labels.length);
    // A usual range keeps the usual 3 figures.
    const wide = axisSpec(0, 100, 'linear');
    expect(frameTicks(wide, frameScale(wide, 0, 800), formatCompactAt, (s) => s.length * 7).map((t) => t.label)).toEqual(wide.ticks.map(formatCompact));
  });

  it('works on a y axis, whose positions grow downwards', () => {
    const spec = axisSpec(-100, -50, 'linear');
    const ticks = frameTicks(spec, frameScale(spec, 300, 0), formatCompact, () => 14);
    expect(ticks[0].at).toBe(300);
    expect(ticks[ticks.length - 1].at).toBe(0);
    expect(ticks.every((t) => t.show)).toBe(true);
    const crowded = frameTicks(spec, frameScale(spec, 40, 0), formatCompact, () => 14);
    expect(crowded.filter((t) => t.show).length).toBeLessThan(crowded.length);
  });
});

/** A child of the frame that marks where the frame puts (x, y). */
function Marker({ x, y }: { x: number; y: number }) {
  const frame = useFrame();
  if (!frame) return null;
  return <circle data-testid="marker" cx={frame.x(x)} cy={frame.y(y)} r={2} data-plot={JSON.stringify(frame.plot)} />;
}

describe('the plots’ SVG frame, rendered', () => {
  const xSpec = axisSpec(0, 100, 'linear');
  const ySpec = axisSpec(1, 1000);

  it('draws nothing until it knows its size, then axes, grid, ticks and titles around a plot area its children place points in', async () => {
    const { container } = await render(
      <PlotFrame xSpec={xSpec} ySpec={ySpec} xTitle="Area (mm²)" yTitle="Energy (µJ, log)" xTickFormat={formatCompact} yTickFormat={formatCompact}>
        <Marker x={50} y={10} />
      </PlotFrame>,
      { width: 600, height: 300 },
    );
    const svg = container.querySelector('svg.plot-surface')!;
    expect(svg.getAttribute('width')).toBe('600');
    expect(svg.getAttribute('height')).toBe('300');
    // 16 + 72 px to the left of the plot area, 24 to the right; 16 above, 28 + 44 below.
    const plot = { x: 88, y: 16, width: 488, height: 212 };
    const marker = container.querySelector('[data-testid=marker]')!;
    expect(JSON.parse(marker.getAttribute('data-plot')!)).toEqual(plot);
    expect(Number(marker.getAttribute('cx'))).toBe(plot.x + plot.width / 2);
    // 10 is one decade of three above 1.
    expect(Number(marker.getAttribute('cy'))).toBeCloseTo(plot.y + plot.height - plot.height / 3, 6);

    expect(texts(svg, '.plot-x-axis .plot-tick-value')).toEqual(xSpec.ticks.map(formatCompact));
    expect(texts(svg, '.plot-y-axis .plot-tick-value')).toEqual(ySpec.ticks.map(formatCompact));
    expect(texts(svg, '.axis-title')).toEqual(['Area (mm²)', 'Energy (µJ, log)']);
    expect(svg.querySelector('.plot-y-axis .axis-title')!.getAttribute('transform')).toMatch(/^rotate\(-90, /);
    // One grid line per tick, one tick mark per tick, one axis line per axis.
    expect(svg.querySelectorAll('.plot-grid line')).toHaveLength(xSpec.ticks.length + ySpec.ticks.length);
    expect(svg.querySelectorAll('.plot-x-axis .plot-tick-line')).toHaveLength(xSpec.ticks.length);
    expect(svg.querySelectorAll('.plot-axis-line')).toHaveLength(2);
    const first = svg.querySelector('.plot-x-axis .plot-tick-value')!;
    expect(Number(first.getAttribute('x'))).toBe(plot.x);
  });

  it('drops x labels that would overlap on a narrow plot, keeping the last', async () => {
    const { container } = await render(
      <PlotFrame xSpec={axisSpec(0, 1e6, 'linear')} ySpec={ySpec} xTitle="x" yTitle="y" xTickFormat={(v) => v.toFixed(0)} yTickFormat={formatCompact}>
        {null}
      </PlotFrame>,
      { width: 240, height: 300 },
    );
    const labels = texts(container, '.plot-x-axis .plot-tick-value');
    const ticks = container.querySelectorAll('.plot-x-axis .plot-tick-line');
    expect(labels.length).toBeLessThan(ticks.length);
    expect(labels[labels.length - 1]).toBe('1000000');
  });
});
