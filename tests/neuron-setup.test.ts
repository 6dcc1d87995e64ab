/** The neuron view's experiment read off the parameter table: input currents, the neuron, the run. */
import { describe, expect, it } from 'vitest';
import { PARAMS, defaultParams, panelParams, type ParamValues } from '../src/core/params.ts';
import { inputCurrent, neuronFromParams, neuronKnobApplies, neuronKnobUse, runNeuron, type InputSpec } from '../src/core/snn/neuron-setup.ts';
import { DEFAULT_LIF, REFERENCE_NET_LIF, simulate } from '../src/core/snn/lif.ts';
import { runNeuron as runNeuronCli } from '../src/cli/neuron.ts';
import { fakeIO } from './cli-io.ts';

const spec = (over: Partial<InputSpec>): InputSpec => ({ kind: 'constant', amplitude: 0.5, onset: 0, duration: 1, noise: 0, rate: 0, seed: 1, ...over });
const params = (over: Partial<ParamValues>): ParamValues => ({ ...defaultParams(), ...over });

describe('input currents', () => {
  it('constant and step inputs', () => {
    expect(inputCurrent(spec({ kind: 'constant', amplitude: 0.7 }), 4)).toEqual([0.7, 0.7, 0.7, 0.7]);
    expect(inputCurrent(spec({ kind: 'step', amplitude: 2, onset: 2, duration: 3 }), 7)).toEqual([0, 0, 2, 2, 2, 0, 0]);
    // A step past the end of the run never switches on.
    expect(inputCurrent(spec({ kind: 'step', amplitude: 2, onset: 9, duration: 3 }), 5)).toEqual([0, 0, 0, 0, 0]);
    expect(inputCurrent(spec({}), 0)).toEqual([]);
    expect(() => inputCurrent(spec({}), -1)).toThrow(RangeError);
  });

  it('noisy input: the amplitude plus seeded Gaussian noise of the given σ', () => {
    const a = inputCurrent(spec({ kind: 'noisy', amplitude: 0.5, noise: 0.2, seed: 7 }), 20000);
    expect(inputCurrent(spec({ kind: 'noisy', amplitude: 0.5, noise: 0.2, seed: 7 }), 20000)).toEqual(a);
    expect(inputCurrent(spec({ kind: 'noisy', amplitude: 0.5, noise: 0.2, seed: 8 }), 5)).not.toEqual(a.slice(0, 5));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    // 20 000 draws: the standard error of the mean is 0.2/√20000 ≈ 0.0014.
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sd).toBeGreaterThan(0.19);
    expect(sd).toBeLessThan(0.21);
    expect(inputCurrent(spec({ kind: 'noisy', amplitude: 0.5, noise: 0 }), 3)).toEqual([0.5, 0.5, 0.5]);
  });

  it('Poisson input: the amplitude at a seeded rate of steps, 0 elsewhere', () => {
    const a = inputCurrent(spec({ kind: 'poisson', amplitude: 1.5, rate: 0.3, seed: 3 }), 20000);
    expect(new Set(a)).toEqual(new Set([0, 1.5]));
    const rate = a.filter((v) => v > 0).length / a.length;
    // Binomial standard error √(0.3·0.7/20000) ≈ 0.0032.
    expect(rate).toBeGreaterThan(0.29);
    expect(rate).toBeLessThan(0.31);
    expect(inputCurrent(spec({ kind: 'poisson', amplitude: 1, rate: 0 }), 50).every((v) => v === 0)).toBe(true);
    expect(inputCurrent(spec({ kind: 'poisson', amplitude: 1, rate: 1 }), 50).every((v) => v === 1)).toBe(true);
  });
});

describe('the neuron of the knobs', () => {
  it('snnTorch: β, θ, and soft = subtract, hard = zero', () => {
    expect(neuronFromParams(params({ neuronModel: 'snntorch', neuronBeta: 0.8, neuronThreshold: 1.5, neuronReset: 'soft' }))).toEqual({
      model: 'snntorch',
      beta: 0.8,
      threshold: 1.5,
      reset: 'subtract',
      surrogate: REFERENCE_NET_LIF.surrogate,
    });
    expect(neuronFromParams(params({ neuronModel: 'snntorch', neuronReset: 'hard' }))).toMatchObject({ reset: 'zero' });
  });

  it('SpikingJelly: τ, θ, V_reset for a hard reset only, decay_input', () => {
    expect(neuronFromParams(params({ neuronModel: 'spikingjelly', neuronTau: 3, neuronReset: 'hard', neuronVReset: -0.5, neuronDecayInput: false }))).toEqual({
      ...DEFAULT_LIF,
      tau: 3,
      threshold: 1,
      reset: 'hard',
      vReset: -0.5,
      decayInput: false,
    });
    // A soft reset has no reset potential (v_reset=None): the knob is not used, not an error.
    expect(neuronFromParams(params({ neuronModel: 'spikingjelly', neuronReset: 'soft', neuronVReset: -0.5 }))).toMatchObject({ reset: 'soft', vReset: 0 });
  });

  it('the table defaults are a neuron that fires during the step and not outside it', () => {
    const r = runNeuron(defaultParams());
    expect(r.input).toHaveLength(PARAMS.neuronSteps.default);
    expect(r.spikeCount).toBeGreaterThan(5);
    const on = PARAMS.inputOnset.default;
    const off = on + PARAMS.inputDuration.default;
    expect(r.trace.spikes.slice(0, on).every((s) => s === 0)).toBe(true);
    // The membrane leaks after the step; by the end it is quiet.
    expect(r.trace.spikes.slice(off + 2).every((s) => s === 0)).toBe(true);
  });

  it('runs the simulator in float32, exactly as `neuronas neuron` does', async () => {
    for (const over of [
      { neuronModel: 'snntorch', inputKind: 'noisy', inputAmplitude: 0.35, inputNoise: 0.4, neuronSteps: 60 },
      { neuronModel: 'spikingjelly', neuronReset: 'hard', neuronVReset: -0.2, inputKind: 'poisson', inputAmplitude: 1.7, inputRate: 0.5, neuronSteps: 60 },
    ] as Partial<ParamValues>[]) {
      const p = params(over);
      const r = runNeuron(p);
      expect(r.trace).toEqual(simulate(neuronFromParams(p), r.input, { float32: true }));
      const args = ['--model', p.neuronModel, '--input', r.input.join(','), '--threshold', String(p.neuronThreshold)];
      if (p.neuronModel === 'snntorch') args.push('--beta', String(p.neuronBeta), '--reset', p.neuronReset === 'soft' ? 'subtract' : 'zero');
      else args.push('--tau', String(p.neuronTau), '--reset', p.neuronReset, ...(p.neuronReset === 'hard' ? ['--v-reset', String(p.neuronVReset)] : []));
      const io = fakeIO();
      expect(await runNeuronCli(args, io)).toBe(0);
      expect(JSON.parse(io.stdout[0]).spikes).toEqual(r.trace.spikes);
      expect(r.spikeCount).toBe(r.trace.spikes.filter((s) => s === 1).length);
    }
  });

  it('a higher threshold never adds spikes to the same input', () => {
    let last = Infinity;
    for (const th of [0.5, 1, 1.5, 2, 3, 3.5]) {
      const n = runNeuron(params({ inputKind: 'constant', inputAmplitude: 0.3, neuronThreshold: th })).spikeCount;
      expect(n).toBeLessThanOrEqual(last);
      last = n;
    }
    // U settles at 0.3 / (1 − 0.9) = 3: a threshold above it is never reached.
    expect(last).toBe(0);
  });
});

describe('which knobs apply', () => {
  it('dims the other convention’s and the other inputs’ knobs, and says what each is for', () => {
    const sn = params({ neuronModel: 'snntorch', inputKind: 'step' });
    expect(neuronKnobApplies('neuronBeta', sn)).toBe(true);
    expect(neuronKnobApplies('neuronTau', sn)).toBe(false);
    expect(neuronKnobApplies('neuronVReset', sn)).toBe(false);
    expect(neuronKnobApplies('inputOnset', sn)).toBe(true);
    expect(neuronKnobApplies('inputNoise', sn)).toBe(false);
    expect(neuronKnobApplies('inputSeed', sn)).toBe(false);
    const sj = params({ neuronModel: 'spikingjelly', neuronReset: 'hard', inputKind: 'poisson' });
    expect(neuronKnobApplies('neuronBeta', sj)).toBe(false);
    expect(neuronKnobApplies('neuronTau', sj)).toBe(true);
    expect(neuronKnobApplies('neuronVReset', sj)).toBe(true);
    expect(neuronKnobApplies('neuronVReset', { ...sj, neuronReset: 'soft' })).toBe(false);
    expect(neuronKnobApplies('inputRate', sj)).toBe(true);
    expect(neuronKnobApplies('inputSeed', sj)).toBe(true);
    expect(neuronKnobApplies('inputDuration', sj)).toBe(false);
    // Every knob that can be dimmed says what it is for; the always-used ones have nothing to say.
    for (const key of [...panelParams('neuron'), ...panelParams('neuron-input')]) {
      const dimmable = [sn, sj, { ...sj, neuronReset: 'soft' as const }, { ...sn, inputKind: 'constant' as const }].some((p) => !neuronKnobApplies(key, p));
      expect(neuronKnobUse(key) !== null, key).toBe(dimmable);
    }
  });
});
