/**
 * One leaky integrate-and-fire neuron to play with, after snnTorch's
 * tutorial plots but live: the input current, the membrane potential with
 * the threshold, the output spikes, recomputed on every knob move by the
 * simulator the training is tested against (src/core/snn/lif.ts, through
 * src/core/snn/neuron-setup.ts). The knobs are the parameter table's
 * `neuron` group, so the link carries them.
 */
import { useMemo } from 'react';
import { panelParams, type ParamKey, type ParamValues } from '../../core/params.ts';
import { neuronKnobApplies, neuronKnobUse, runNeuron } from '../../core/snn/neuron-setup.ts';
import type { LifConfig } from '../../core/snn/lif.ts';
import { ParamControl } from '../controls/ParamControl.tsx';
import { useStudio } from '../state/store.ts';
import { SpikeTrainPlot } from './SpikeTrainPlot.tsx';
import { TimeSeriesPlot, type ReferenceLine, type TimeSeries } from './TimeSeriesPlot.tsx';

const NEURON_KEYS = panelParams('neuron');
const INPUT_KEYS = panelParams('neuron-input');
const ALL_KEYS: readonly ParamKey[] = [...NEURON_KEYS, ...INPUT_KEYS];

const TIME_TITLE = 'Time t (steps)';

/** The neuron view's knob values only, so other knobs' moves do not recompute the run. */
function useNeuronParams(): ParamValues {
  const params = useStudio((s) => s.params);
  const key = ALL_KEYS.map((k) => String(params[k])).join('|');
  return useMemo(() => params, [key]);
}

/** The update the chosen neuron computes at each step, in the view's symbols. */
export function neuronEquations(n: LifConfig): string[] {
  if (n.model === 'snntorch') {
    return [
      n.reset === 'subtract' ? 'U[t] = β·U[t−1] + I[t] − θ·S[t−1]' : 'U[t] = β·(1 − S[t−1])·U[t−1] + I[t]',
      'S[t] = 1 if U[t] > θ, else 0',
      `β = ${n.beta}, θ = ${n.threshold}; the reset is applied one step later (snnTorch's reset_delay)`,
    ];
  }
  // A soft reset charges towards 0 (SpikingJelly's v_reset=None).
  const charge =
    n.reset === 'hard'
      ? n.decayInput
        ? 'H[t] = V[t−1] + (I[t] − (V[t−1] − V_reset))/τ'
        : 'H[t] = V[t−1] − (V[t−1] − V_reset)/τ + I[t]'
      : n.decayInput
        ? 'H[t] = V[t−1] + (I[t] − V[t−1])/τ'
        : 'H[t] = V[t−1]·(1 − 1/τ) + I[t]';
  return [
    charge,
    'S[t] = 1 if H[t] ≥ θ, else 0',
    n.reset === 'hard' ? 'V[t] = V_reset if S[t] = 1, else H[t]' : 'V[t] = H[t] − θ·S[t]',
    `τ = ${n.tau}, θ = ${n.threshold}${n.reset === 'hard' ? `, V_reset = ${n.vReset}` : ''}; fire and reset in the same step`,
  ];
}

function Knobs({ keys, params }: { keys: readonly ParamKey[]; params: ParamValues }) {
  return (
    <>
      {keys.map((key) => {
        const applies = neuronKnobApplies(key, params);
        return (
          <div key={key} className={applies ? 'neuron-knob' : 'neuron-knob neuron-knob-unused'}>
            <ParamControl paramKey={key} />
            {applies ? null : <p className="neuron-knob-use">Not used now: {neuronKnobUse(key)}.</p>}
          </div>
        );
      })}
    </>
  );
}

export function NeuronPanel() {
  const params = useNeuronParams();
  const run = useMemo(() => runNeuron(params), [params]);
  const { neuron, input, trace } = run;
  const steps = input.length;
  const inputSeries = useMemo<TimeSeries[]>(
    () => [{ values: input, kind: params.inputKind === 'poisson' ? 'stems' : 'stairs', className: 'series-input', label: 'Input current I[t]' }],
    [input, params.inputKind],
  );
  const membraneSeries = useMemo<TimeSeries[]>(
    () =>
      neuron.model === 'snntorch'
        ? [{ values: trace.membrane, kind: 'line', className: 'series-membrane', label: 'Membrane U[t] (as returned, before its reset)' }]
        : [
            { values: trace.charge!, kind: 'line', className: 'series-charge', label: 'Charge H[t] (before the reset)' },
            { values: trace.membrane, kind: 'line', className: 'series-membrane', label: 'Membrane V[t] (after the reset)' },
          ],
    [neuron.model, trace],
  );
  const threshold = useMemo<ReferenceLine[]>(() => [{ value: neuron.threshold, label: `Threshold θ = ${neuron.threshold}`, className: 'threshold' }], [neuron.threshold]);
  return (
    <section className="panel neuron-panel" aria-labelledby="neuron-panel-title" data-testid="neuron-panel" data-spikes={run.spikeCount}>
      <h3 id="neuron-panel-title">One LIF neuron</h3>
      <p className="panel-note">
        A leaky integrate-and-fire neuron charges with its input current, leaks, and fires a spike when its membrane potential crosses the threshold; then it resets. Both
        conventions the studio trains, computed by the simulator the training layer is tested against. Values have no physical unit: current, potential and θ share one scale.
      </p>
      <div className="neuron-body">
        <div className="neuron-knobs">
          <fieldset className="neuron-fieldset">
            <legend>Neuron</legend>
            <Knobs keys={NEURON_KEYS} params={params} />
          </fieldset>
          <fieldset className="neuron-fieldset">
            <legend>Input current</legend>
            <Knobs keys={INPUT_KEYS} params={params} />
          </fieldset>
        </div>
        <div className="neuron-plots">
          <div className="neuron-equations" data-testid="neuron-equations" aria-label="The neuron's update at each step">
            {neuronEquations(neuron).map((line) => (
              <code key={line}>{line}</code>
            ))}
          </div>
          <TimeSeriesPlot title="Input current" series={inputSeries} steps={steps} xTitle={TIME_TITLE} yTitle="Current I" testId="neuron-input-plot" height={200} />
          <TimeSeriesPlot title="Membrane potential" series={membraneSeries} lines={threshold} steps={steps} xTitle={TIME_TITLE} yTitle="Potential" testId="neuron-membrane-plot" height={280} />
          <SpikeTrainPlot title="Output spikes" spikes={trace.spikes} xTitle={TIME_TITLE} testId="neuron-spikes-plot" height={150} />
        </div>
      </div>
    </section>
  );
}
