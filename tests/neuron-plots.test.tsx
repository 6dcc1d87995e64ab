// @vitest-environment happy-dom
/** The neuron view's pure components: the time plots, the spike train, the spike maps, the raster, and the panel on the store. */
import { afterEach, describe, expect, it } from 'vitest';
import { TimeSeriesPlot, seriesPath, valueRange, type TimeSeries } from '../src/ui/neuron/TimeSeriesPlot.tsx';
import { SpikeTrainPlot, spikeTimes } from '../src/ui/neuron/SpikeTrainPlot.tsx';
import { InputImage, REST_COLOR, SPIKE_COLORS, SpikeMap } from '../src/ui/neuron/SpikeMap.tsx';
import { neuronPixel, spikeMapLayout } from '../src/ui/neuron/spike-map.ts';
import { RasterView, compareSteps } from '../src/ui/neuron/RasterPanel.tsx';
import { NeuronPanel, neuronEquations } from '../src/ui/neuron/NeuronPanel.tsx';
import { packTimeMajor, pairKernel } from '../src/core/snn/raster.ts';
import { defaultParams } from '../src/core/params.ts';
import { runNeuron } from '../src/core/snn/neuron-setup.ts';
import { DEFAULT_LIF, REFERENCE_NET_LIF } from '../src/core/snn/lif.ts';
import { studioStore } from '../src/ui/state/store.ts';
import type { SpikeRasterResult } from '../src/protocol/training.ts';
import { canvasPixel, cleanup, render, texts } from './dom/render.tsx';

afterEach(cleanup);

const scale = { x: (v: number) => 10 * v, y: (v: number) => 100 - 50 * v };

describe('the time series plot', () => {
  it('draws lines through each step, stairs held over it, stems only where the value is not 0', () => {
    expect(seriesPath({ values: [0, 1, 0.5], kind: 'line', className: 'a', label: 'a' }, scale)).toBe('M0,100L10,50L20,75');
    expect(seriesPath({ values: [0, 1, 0.5], kind: 'stairs', className: 'a', label: 'a' }, scale)).toBe('M0,100H10L10,50H20L20,75H30');
    expect(seriesPath({ values: [0, 1, 0, 0.5], kind: 'stems', className: 'a', label: 'a' }, scale)).toBe('M10,100V50M30,100V75');
  });

  it('spans every value, every reference line and 0', () => {
    const s: TimeSeries[] = [{ values: [0.2, 0.7, Number.NaN], kind: 'line', className: 'a', label: 'a' }];
    expect(valueRange(s)).toEqual([0, 0.7]);
    expect(valueRange(s, [{ value: 1.5, label: 'θ', className: 't' }])).toEqual([0, 1.5]);
    expect(valueRange([{ values: [-0.4, 0.3], kind: 'line', className: 'a', label: 'a' }])).toEqual([-0.4, 0.3]);
  });

  it('renders its series, the threshold line where the frame puts it, the legend and the axis titles', async () => {
    const membrane = [0, 0.5, 1.2, 0.3];
    const { container } = await render(
      <TimeSeriesPlot
        title="Membrane potential"
        series={[{ values: membrane, kind: 'line', className: 'series-membrane', label: 'Membrane U[t]' }]}
        lines={[{ value: 1, label: 'Threshold θ = 1', className: 'threshold' }]}
        steps={4}
        xTitle="Time t (steps)"
        yTitle="Potential"
        testId="plot"
        height={240}
      />,
      { width: 500, height: 200 },
    );
    const fig = container.querySelector('[data-testid=plot]')!;
    expect(fig.querySelector('.neuron-plot-title')!.textContent).toBe('Membrane potential');
    expect(texts(fig, '.neuron-legend-item')).toEqual(['Membrane U[t]', 'Threshold θ = 1']);
    expect(texts(fig, '.axis-title')).toEqual(['Time t (steps)', 'Potential']);
    const path = fig.querySelector('path.series-membrane')!;
    const points = path
      .getAttribute('d')!
      .split(/[ML]/)
      .filter(Boolean)
      .map((p) => p.split(',').map(Number));
    expect(points).toHaveLength(4);
    // x: one step apart; y: 0.5 halfway between 0 and 1, the threshold line at the height of 1.
    const [x0, y0] = points[0];
    const [x1, y1] = points[1];
    const [x2] = points[2];
    expect(x2 - x1).toBeCloseTo(x1 - x0, 1);
    const line = fig.querySelector('g.reference-line line')!;
    const yTheta = Number(line.getAttribute('y1'));
    expect(y1).toBeCloseTo((y0 + yTheta) / 2, 1);
    expect(fig.querySelector('g.reference-line')!.getAttribute('data-value')).toBe('1');
    expect(fig.querySelector('g.reference-line text')!.textContent).toBe('Threshold θ = 1');
  });
});

describe('the spike train plot', () => {
  it('marks one tick per spike and says how many, and when the first came', async () => {
    expect(spikeTimes([0, 1, 0, 0, 1, 1])).toEqual([1, 4, 5]);
    const { container } = await render(<SpikeTrainPlot title="Output spikes" spikes={[0, 1, 0, 0, 1, 1, 0, 0, 0, 0]} xTitle="Time t (steps)" testId="spk" height={150} />, { width: 400, height: 120 });
    const ticks = container.querySelector('path.spike-ticks')!;
    expect(ticks.getAttribute('data-count')).toBe('3');
    expect(ticks.getAttribute('d')!.match(/M/g)).toHaveLength(3);
    expect(container.querySelector('[data-testid=spk-count]')!.textContent).toBe('3 spikes in 10 steps (first at t = 1)');
    const none = await render(<SpikeTrainPlot title="Output spikes" spikes={[0, 0]} xTitle="t" testId="none" height={150} />, { width: 400, height: 120 });
    expect(none.container.querySelector('[data-testid=none-count]')!.textContent).toBe('0 spikes in 2 steps');
  });
});

describe('spike maps', () => {
  it('tiles a convolutional layer by channel and a dense one as a near square', () => {
    const conv = spikeMapLayout([28, 28, 8]);
    expect(conv).toMatchObject({ tiles: 8, tilesAcross: 3, tileWidth: 28, tileHeight: 28, width: 3 * 28 + 2, height: 3 * 28 + 2, neurons: 6272 });
    // Neuron (h, w, c) is index (h·W + w)·C + c.
    expect(neuronPixel(conv, (2 * 28 + 5) * 8 + 0)).toEqual([5, 2]);
    expect(neuronPixel(conv, (2 * 28 + 5) * 8 + 4)).toEqual([29 + 5, 29 + 2]);
    expect(neuronPixel(conv, (27 * 28 + 27) * 8 + 7)).toEqual([29 + 27, 58 + 27]);
    const dense = spikeMapLayout([64]);
    expect(dense).toMatchObject({ tiles: 1, width: 8, height: 8 });
    expect(neuronPixel(dense, 13)).toEqual([5, 1]);
    expect(spikeMapLayout([10])).toMatchObject({ width: 4, height: 3 });
    expect(() => spikeMapLayout([0, 3, 3])).toThrow(RangeError);
  });

  it('paints a spiking neuron in its colour and a silent one grey', async () => {
    // 2×2×2 layer: neuron 0 = (0,0) of channel 0, neuron 7 = (1,1) of channel 1.
    const spikes = new Float32Array(8);
    spikes[0] = 1;
    spikes[7] = 1;
    const row = packTimeMajor(spikes, 1, 1, 8).bits;
    const { container } = await render(<SpikeMap row={row} shape={[2, 2, 2]} kind="differ" label="map" testId="m" />);
    const canvas = container.querySelector('canvas')! as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).toEqual([2 + 1 + 2, 2]);
    expect(canvasPixel(canvas, 0, 0)).toEqual([...SPIKE_COLORS.differ]);
    expect(canvasPixel(canvas, 1, 0)[3]).toBe(REST_COLOR[3]);
    expect(canvasPixel(canvas, 3 + 1, 1)).toEqual([...SPIKE_COLORS.differ]);
    // The gap between the two tiles is left transparent.
    expect(canvasPixel(canvas, 2, 0)[3]).toBe(0);
    expect(canvas.getAttribute('aria-label')).toBe('map');
  });

  it('shows the input image in grey levels', async () => {
    const pixels = Uint8Array.from([0, 128, 255, 64]);
    const { container } = await render(<InputImage pixels={pixels} shape={[2, 2, 1]} label="digit" />);
    const canvas = container.querySelector('canvas')! as HTMLCanvasElement;
    expect(canvasPixel(canvas, 1, 0)).toEqual([128, 128, 128, 255]);
    expect(canvasPixel(canvas, 0, 1)).toEqual([255, 255, 255, 255]);
  });
});

/** A synthetic raster result: 2 images, T = 2, a 4×4×2 layer. */
function syntheticResult(): SpikeRasterResult {
  const T = 2;
  const n = 32;
  const spikes = new Float32Array(T * 2 * n);
  for (let i = 0; i < spikes.length; i++) spikes[i] = (i * 7) % 5 === 0 ? 1 : 0;
  const packed = packTimeMajor(spikes, T, 2, n);
  return {
    genome: 'c4-h16-t2-w8-301203',
    dataset: 'mnist',
    seed: 1,
    layers: [
      { name: 'cell1.lif0', shape: [4, 4, 2] },
      { name: 'fc1.lif', shape: [16] },
    ],
    layer: 'cell1.lif0',
    shape: [4, 4, 2],
    neurons: n,
    timesteps: T,
    images: [
      { index: 3, datasetIndex: 40, label: 7, pixels: new Uint8Array(4) },
      { index: 9, datasetIndex: 90, label: 1, pixels: new Uint8Array(4) },
    ],
    imageShape: [2, 2, 1],
    spikes: packed.bits,
    rowBytes: packed.rowBytes,
    contextBatch: 64,
    backend: 'wasm',
    ms: 12,
  };
}

describe('the raster view', () => {
  it('compares the two images step by step as the score does, and shows every map and the table', async () => {
    const r = syntheticResult();
    const steps = compareSteps(r);
    expect(steps).toHaveLength(2);
    for (const s of steps) {
      const a = r.spikes.subarray((0 * 2 + s.t) * 4, (0 * 2 + s.t) * 4 + 4);
      const b = r.spikes.subarray((1 * 2 + s.t) * 4, (1 * 2 + s.t) * 4 + 4);
      expect(s).toMatchObject(pairKernel(a, b, 32));
      expect(Array.from(s.differ)).toEqual(Array.from(a, (v, i) => v ^ b[i]));
    }
    const { container } = await render(<RasterView result={r} />);
    expect(container.querySelectorAll('canvas.spike-map')).toHaveLength(6);
    expect(texts(container, '.raster-image figcaption')).toEqual(['A: test image 3 (digit 7)', 'B: test image 9 (digit 1)']);
    const rows = container.querySelectorAll('[data-testid=raster-table] tbody tr');
    expect(rows).toHaveLength(2);
    const cells = (i: number) => Array.from(rows[i].children, (c) => c.textContent);
    expect(cells(0)).toEqual(['0', String(steps[0].countA), String(steps[0].countB), String(steps[0].hamming), steps[0].expected.toFixed(1), steps[0].rescaled.toFixed(4), steps[0].kernel.toFixed(3)]);
    expect(container.querySelector('[data-testid=raster-kernel-mean]')!.textContent).toBe(((steps[0].kernel + steps[1].kernel) / 2).toFixed(3));
    expect(texts(container, '.raster-cell figcaption')[4]).toBe(`t = 0: H = ${steps[0].hamming}`);
  });
});

describe('the neuron panel', () => {
  it('shows the run of the store’s knobs, and follows a threshold change', async () => {
    const { container } = await render(<NeuronPanel />);
    const count = () => Number(container.querySelector('[data-testid=neuron-spikes-plot-count]')!.getAttribute('data-count'));
    const first = runNeuron(defaultParams()).spikeCount;
    expect(count()).toBe(first);
    expect(container.querySelectorAll('[data-param]').length).toBe(15);
    // β applies to the default snnTorch neuron; τ does not, and says so.
    expect(container.querySelector('.neuron-knob-unused [data-param=neuronTau]')).not.toBeNull();
    expect(container.querySelector('.neuron-knob-unused [data-param=neuronBeta]')).toBeNull();
    const { act } = await import('react');
    await act(async () => studioStore.getState().setParam('neuronThreshold', 1.5));
    expect(count()).toBe(runNeuron({ ...defaultParams(), neuronThreshold: 1.5 }).spikeCount);
    expect(count()).toBeLessThan(first);
    await act(async () => studioStore.getState().setParam('neuronThreshold', 1));
  });

  it('writes out the update of either convention', () => {
    expect(neuronEquations(REFERENCE_NET_LIF)[0]).toBe('U[t] = β·U[t−1] + I[t] − θ·S[t−1]');
    expect(neuronEquations({ ...REFERENCE_NET_LIF, reset: 'zero' })[0]).toBe('U[t] = β·(1 − S[t−1])·U[t−1] + I[t]');
    expect(neuronEquations(DEFAULT_LIF)).toEqual([
      'H[t] = V[t−1] + (I[t] − (V[t−1] − V_reset))/τ',
      'S[t] = 1 if H[t] ≥ θ, else 0',
      'V[t] = V_reset if S[t] = 1, else H[t]',
      `τ = ${DEFAULT_LIF.tau}, θ = 1, V_reset = 0; fire and reset in the same step`,
    ]);
    expect(neuronEquations({ ...DEFAULT_LIF, decayInput: false })[0]).toBe('H[t] = V[t−1] − (V[t−1] − V_reset)/τ + I[t]');
    expect(neuronEquations({ ...DEFAULT_LIF, reset: 'soft', vReset: 0 })[0]).toBe('H[t] = V[t−1] + (I[t] − V[t−1])/τ');
    expect(neuronEquations({ ...DEFAULT_LIF, reset: 'soft', vReset: 0, decayInput: false }).slice(0, 3)).toEqual(['H[t] = V[t−1]·(1 − 1/τ) + I[t]', 'S[t] = 1 if H[t] ≥ θ, else 0', 'V[t] = H[t] − θ·S[t]']);
  });
});
