/**
 * The neuron view's experiment, read off the parameter table's `neuron`
 * knobs (src/core/params.ts): which LIF neuron (src/core/snn/lif.ts, the
 * simulator training is tested against), which input current, how many
 * steps, and the run itself. Pure: the page and the tests (Node) compute the
 * same trace from the same knob values.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { makeRng } from '../arch/sampler.ts';
import type { ParamKey, ParamValues } from '../params.ts';
import { DEFAULT_LIF, REFERENCE_NET_LIF, simulate, validateLifConfig, type LifConfig, type NeuronTrace } from './lif.ts';

export type InputKind = ParamValues['inputKind'];

export interface InputSpec {
  kind: InputKind;
  /** current per step (Poisson: per input spike) */
  amplitude: number;
  /** step input: first step on, and how many steps it stays on */
  onset: number;
  duration: number;
  /** noisy input: standard deviation of the Gaussian noise */
  noise: number;
  /** Poisson input: chance of an input spike per step */
  rate: number;
  /** seed of the noise and the input spikes */
  seed: number;
}

/**
 * The input current at each of `steps` timesteps. Noise and input spikes
 * come from the project's seeded generator (pure-rand xoroshiro128+), so one
 * seed gives one input everywhere. Poisson is the discrete-time kind: one
 * Bernoulli(rate) draw per step, as snnTorch's `spikegen.rate` draws it.
 */
export function inputCurrent(spec: InputSpec, steps: number): number[] {
  if (!(Number.isInteger(steps) && steps >= 0)) throw new RangeError(`steps must be a whole number ≥ 0 (got ${steps})`);
  const out = new Array<number>(steps);
  const rng = makeRng(spec.seed);
  for (let t = 0; t < steps; t++) {
    switch (spec.kind) {
      case 'constant':
        out[t] = spec.amplitude;
        break;
      case 'step':
        out[t] = t >= spec.onset && t < spec.onset + spec.duration ? spec.amplitude : 0;
        break;
      case 'noisy': {
        // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
        const u = uniformFloat64(rng);
        const v = uniformFloat64(rng);
        out[t] = spec.amplitude + spec.noise * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        break;
      }
      case 'poisson':
        out[t] = uniformFloat64(rng) < spec.rate ? spec.amplitude : 0;
        break;
    }
  }
  return out;
}

/** The neuron the knobs describe, in the exact form the simulator (and the tfjs layer) takes. */
export function neuronFromParams(p: ParamValues): LifConfig {
  const cfg: LifConfig =
    p.neuronModel === 'snntorch'
      ? { model: 'snntorch', beta: p.neuronBeta, threshold: p.neuronThreshold, reset: p.neuronReset === 'soft' ? 'subtract' : 'zero', surrogate: REFERENCE_NET_LIF.surrogate }
      : {
          ...DEFAULT_LIF,
          tau: p.neuronTau,
          threshold: p.neuronThreshold,
          reset: p.neuronReset,
          // SpikingJelly's soft reset has no reset potential (v_reset=None).
          vReset: p.neuronReset === 'hard' ? p.neuronVReset : 0,
          decayInput: p.neuronDecayInput,
        };
  validateLifConfig(cfg);
  return cfg;
}

export function inputFromParams(p: ParamValues): InputSpec {
  return { kind: p.inputKind, amplitude: p.inputAmplitude, onset: p.inputOnset, duration: p.inputDuration, noise: p.inputNoise, rate: p.inputRate, seed: p.inputSeed };
}

export interface NeuronRun {
  neuron: LifConfig;
  input: number[];
  trace: NeuronTrace;
  /** output spikes in the run */
  spikeCount: number;
}

/**
 * The neuron view's run: the knobs' input through the knobs' neuron, in
 * float32 as both libraries (and `neuronas neuron`) compute it.
 */
export function runNeuron(p: ParamValues): NeuronRun {
  const neuron = neuronFromParams(p);
  const input = inputCurrent(inputFromParams(p), p.neuronSteps);
  const trace = simulate(neuron, input, { float32: true });
  let spikeCount = 0;
  for (const s of trace.spikes) spikeCount += s;
  return { neuron, input, trace, spikeCount };
}

/**
 * Whether a neuron-view knob changes the current run: β only for snnTorch,
 * τ and decay_input only for SpikingJelly, the reset potential only for a
 * SpikingJelly hard reset, each input knob only for its kind of input.
 * The page dims the others and says what they are for.
 */
export function neuronKnobApplies(key: ParamKey, p: ParamValues): boolean {
  const sj = p.neuronModel === 'spikingjelly';
  switch (key) {
    case 'neuronBeta':
      return !sj;
    case 'neuronTau':
    case 'neuronDecayInput':
      return sj;
    case 'neuronVReset':
      return sj && p.neuronReset === 'hard';
    case 'inputOnset':
    case 'inputDuration':
      return p.inputKind === 'step';
    case 'inputNoise':
      return p.inputKind === 'noisy';
    case 'inputRate':
      return p.inputKind === 'poisson';
    case 'inputSeed':
      return p.inputKind === 'noisy' || p.inputKind === 'poisson';
    default:
      return true;
  }
}

/** What a dimmed knob is for, in a few words. */
export function neuronKnobUse(key: ParamKey): string | null {
  switch (key) {
    case 'neuronBeta':
      return 'snnTorch only';
    case 'neuronTau':
    case 'neuronDecayInput':
      return 'SpikingJelly only';
    case 'neuronVReset':
      return 'SpikingJelly hard reset only';
    case 'inputOnset':
    case 'inputDuration':
      return 'step input only';
    case 'inputNoise':
      return 'noisy input only';
    case 'inputRate':
      return 'Poisson input only';
    case 'inputSeed':
      return 'noisy and Poisson inputs only';
    default:
      return null;
  }
}
