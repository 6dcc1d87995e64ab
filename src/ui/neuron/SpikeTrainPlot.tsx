/**
 * A spike train as snnTorch's tutorials draw one: a short vertical tick at
 * every timestep the neuron fires, on the same time axis as the current and
 * the membrane above it. Pure: the 0/1 spikes come in through props.
 */
import { memo, useMemo } from 'react';
import { axisSpec, formatCompactAt, type AxisSpec } from '../../core/metrics.ts';
import { PlotFrame, useFrame } from '../plot/PlotFrame.tsx';

export interface SpikeTrainPlotProps {
  title: string;
  /** 0 or 1 per timestep */
  spikes: readonly number[];
  xTitle: string;
  testId: string;
  height: number;
}

/** The steps at which the train has a spike. */
export function spikeTimes(spikes: readonly number[]): number[] {
  const out: number[] = [];
  for (let t = 0; t < spikes.length; t++) if (spikes[t] > 0) out.push(t);
  return out;
}

/** No value axis: a spike has no height. */
const Y_SPEC: AxisSpec = { scale: 'linear', domain: [0, 1], ticks: [] };

function Ticks({ times }: { times: readonly number[] }) {
  const frame = useFrame();
  if (!frame) return null;
  const top = frame.y(0.85);
  const bottom = frame.y(0.15);
  return (
    <path
      className="spike-ticks"
      d={times.map((t) => `M${Math.round(frame.x(t) * 100) / 100},${bottom}V${top}`).join('')}
      fill="none"
      data-count={times.length}
    />
  );
}

export const SpikeTrainPlot = memo(function SpikeTrainPlot({ title, spikes, xTitle, testId, height }: SpikeTrainPlotProps) {
  const times = useMemo(() => spikeTimes(spikes), [spikes]);
  const xSpec = useMemo(() => axisSpec(0, Math.max(1, spikes.length), 'linear'), [spikes.length]);
  return (
    <figure className="neuron-plot" data-testid={testId} style={{ height }}>
      <figcaption className="neuron-plot-caption">
        <span className="neuron-plot-title">{title}</span>
        <span className="neuron-legend-item" data-testid={`${testId}-count`} data-count={times.length}>
          {times.length === 1 ? '1 spike' : `${times.length} spikes`} in {spikes.length} steps
          {times.length ? ` (first at t = ${times[0]})` : ''}
        </span>
      </figcaption>
      <div className="neuron-plot-area">
        <PlotFrame xSpec={xSpec} ySpec={Y_SPEC} xTitle={xTitle} yTitle="" xTickFormat={formatCompactAt} yTickFormat={formatCompactAt}>
          <Ticks times={times} />
        </PlotFrame>
      </div>
    </figure>
  );
});
