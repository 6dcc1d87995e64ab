/**
 * The leaky integrate-and-fire (LIF) neuron, as a plain TypeScript reference
 * simulator: one neuron, one input current per timestep, no tensors. It is
 * the teaching view's model and the oracle the tfjs layer (src/tf/lif.ts)
 * and its fused kernels are tested against.
 *
 * Two conventions (snn-search.md), each written the way its library computes
 * it, because the two differ in more than notation:
 *
 * snnTorch `Leaky` (snntorch/_neurons/leaky.py, neurons.py). Each call
 * first derives a reset flag from the membrane it stored on the previous
 * call, R_t = [U_{t−1} > θ] (`mem_reset`: the spike function of U − θ,
 * `.clone().detach()`), then integrates:
 *   subtract (default): U_t = β·U_{t−1} + I_t − R_t·θ
 *   zero:               U_t = β·((1 − R_t)·U_{t−1}) + I_t
 * and fires S_t = [U_t − θ > 0] (strictly). With U_{−1} = 0 and θ > 0, R_t is
 * the previous step's spike S_{t−1}: the reset is applied one step late
 * (`reset_delay=True`, the default). The call returns (S_t, U_t): the
 * membrane it returns is the integrated value *before* any reset, which may
 * sit above θ. β is clamped to [0, 1] (`beta.clamp(0, 1)`). The reset flag is
 * always detached: no gradient flows through the reset in snnTorch.
 *
 * SpikingJelly `LIFNode` (spikingjelly/activation_based/neuron.py). Charge,
 * fire, reset in the same step:
 *   decay_input=True:  H_t = V_{t−1} + (X_t − (V_{t−1} − V_reset)) / τ
 *   decay_input=False: H_t = V_{t−1} − (V_{t−1} − V_reset) / τ + X_t
 *   fire:              S_t = [H_t − θ ≥ 0] (non-strict)
 *   hard reset:        V_t = (1 − S_t)·H_t + S_t·V_reset
 *   soft reset (v_reset=None): V_t = H_t − S_t·θ, and the charge uses 0 in
 *                      place of V_reset (`neuronal_charge_*_reset0`).
 * V_{−1} = V_reset (hard) or 0 (soft). The node returns S_t; its stored
 * membrane `v` (and `v_seq` with store_v_seq) is V_t, after the reset; H_t is
 * the "charge" before it. `detach_reset` (default False) only changes the
 * gradient: with it the reset term's spike is treated as a constant.
 * SpikingJelly evaluates the no-decay charge as V·(1 − 1/τ) + X when
 * V_reset is 0 or None and as V − (V − V_reset)/τ + X otherwise; the two
 * agree in exact arithmetic but not in float32, so both forms are kept.
 *
 * Surrogate gradients (backward pass only; the forward spike is a step),
 * x = membrane − θ:
 *   ATan(α):          dS/dx = (α/2) / (1 + (π/2·α·x)²)   (both libraries' `ATan`)
 *   fast sigmoid(k):  dS/dx = 1 / (1 + k·|x|)²          (snnTorch `fast_sigmoid(slope=k)`)
 *
 * Precision. Both libraries compute in float32. `float32: true` rounds every
 * intermediate result to float32 (Math.fround) in the same order as the
 * libraries' (and the tfjs layer's) elementwise operations, so the simulator
 * reproduces them bit for bit; the default computes in float64, the exact
 * arithmetic of the equations above.
 */

/** Surrogate gradient of the spike step function. */
export type Surrogate = { kind: 'atan'; alpha: number } | { kind: 'fastSigmoid'; k: number };

/** snnTorch `Leaky` (see the file comment). */
export interface SnnTorchLif {
  model: 'snntorch';
  /** membrane decay per step; clamped to [0, 1] like snnTorch */
  beta: number;
  threshold: number;
  reset: 'subtract' | 'zero';
  surrogate: Surrogate;
}

/** SpikingJelly `LIFNode` (see the file comment). */
export interface SpikingJellyLif {
  model: 'spikingjelly';
  /** membrane time constant; SpikingJelly requires τ > 1 */
  tau: number;
  threshold: number;
  /** 'hard': V ← vReset on a spike; 'soft': V ← V − θ (SpikingJelly's v_reset=None) */
  reset: 'hard' | 'soft';
  /** reset target of a hard reset, also the rest potential of the charge; must be 0 for a soft reset */
  vReset: number;
  /** true: the input is divided by τ as well (SpikingJelly's default) */
  decayInput: boolean;
  /** gradient only: treat the spike in the reset term as a constant */
  detachReset: boolean;
  surrogate: Surrogate;
}

export type LifConfig = SnnTorchLif | SpikingJellyLif;

/**
 * The studio's default neuron, SNASNet's: SpikingJelly LIFNode with τ = 4/3,
 * θ = 1, hard reset to 0, decay_input, ATan(α = 2), detach_reset=True
 * (SNASNet builds every LIFNode with `detach_reset=True`; SpikingJelly's own
 * default is False).
 */
export const DEFAULT_LIF: SpikingJellyLif = {
  model: 'spikingjelly',
  tau: 4 / 3,
  threshold: 1,
  reset: 'hard',
  vReset: 0,
  decayInput: true,
  detachReset: true,
  surrogate: { kind: 'atan', alpha: 2 },
};

/**
 * The neuron of the training-speed reference network (src/tf/reference-net.ts),
 * specified as "u = 0.9·u + x, soft reset, fast-sigmoid surrogate
 * 1/(1+5|u−1|)²" and read as snnTorch `Leaky(beta=0.9,
 * threshold=1, reset_mechanism='subtract', spike_grad=fast_sigmoid(slope=5))`:
 *   u_t = 0.9·u_{t−1} + x_t − s_{t−1},   s_t = [u_t > 1],
 * i.e. the threshold is subtracted at the next step, after the decay (not
 * "u −= s right after firing", which would decay the subtracted 1 to 0.9).
 * The surrogate is evaluated at the integrated, not yet reset, u_t.
 */
export const REFERENCE_NET_LIF: SnnTorchLif = {
  model: 'snntorch',
  beta: 0.9,
  threshold: 1,
  reset: 'subtract',
  surrogate: { kind: 'fastSigmoid', k: 5 },
};

export class LifConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LifConfigError';
  }
}

/** Throws LifConfigError with one clear sentence when a config is not usable. */
export function validateLifConfig(cfg: LifConfig): void {
  const finite = (name: string, v: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new LifConfigError(`${name} must be a finite number (got ${v})`);
  };
  finite('threshold', cfg.threshold);
  if (cfg.model === 'snntorch') {
    finite('beta', cfg.beta);
    if (cfg.reset !== 'subtract' && cfg.reset !== 'zero') throw new LifConfigError(`snnTorch reset must be 'subtract' or 'zero' (got '${String(cfg.reset)}')`);
  } else if (cfg.model === 'spikingjelly') {
    finite('tau', cfg.tau);
    finite('vReset', cfg.vReset);
    // SpikingJelly asserts tau > 1: with τ ≤ 1 the "leak" would overshoot or invert the membrane.
    if (!(cfg.tau > 1)) throw new LifConfigError(`SpikingJelly tau must be greater than 1 (got ${cfg.tau})`);
    if (cfg.reset !== 'hard' && cfg.reset !== 'soft') throw new LifConfigError(`SpikingJelly reset must be 'hard' or 'soft' (got '${String(cfg.reset)}')`);
    if (cfg.reset === 'soft' && cfg.vReset !== 0) {
      throw new LifConfigError('a soft reset has no reset potential (SpikingJelly v_reset=None); vReset must be 0');
    }
  } else {
    throw new LifConfigError(`unknown neuron model '${String((cfg as { model: unknown }).model)}'`);
  }
  const s = cfg.surrogate;
  if (s?.kind === 'atan') finite('surrogate alpha', s.alpha);
  else if (s?.kind === 'fastSigmoid') finite('surrogate k', s.k);
  else throw new LifConfigError(`unknown surrogate '${String((s as { kind?: unknown } | undefined)?.kind)}'`);
}

// ---------------------------------------------------------------------------
// Surrogate gradients

/** ATan surrogate: (α/2) / (1 + (π/2·α·x)²); its integral is atan(π/2·α·x)/π + 1/2. */
export function atanSurrogate(x: number, alpha: number): number {
  const z = (Math.PI / 2) * alpha * x;
  return alpha / 2 / (1 + z * z);
}

/** Fast sigmoid (SuperSpike) surrogate: 1 / (1 + k·|x|)²; 1 at the threshold. */
export function fastSigmoidSurrogate(x: number, k: number): number {
  const d = 1 + k * Math.abs(x);
  return 1 / (d * d);
}

/** dS/dx of the chosen surrogate at x = membrane − θ. */
export function surrogateGrad(s: Surrogate, x: number): number {
  return s.kind === 'atan' ? atanSurrogate(x, s.alpha) : fastSigmoidSurrogate(x, s.k);
}

// ---------------------------------------------------------------------------
// Forward simulation

export interface SimOptions {
  /** round every operation to float32 as the libraries do (default: exact float64) */
  float32?: boolean;
}

export interface NeuronTrace {
  /** 0/1 per step */
  spikes: number[];
  /** per step, the membrane the library returns: snnTorch U_t (before its delayed reset), SpikingJelly V_t (after the reset) */
  membrane: number[];
  /** SpikingJelly only: H_t, the charged potential before fire and reset */
  charge?: number[];
}

const identity = (v: number) => v;

/** snnTorch `Leaky` over a sequence of input currents, starting from U = 0. */
export function simulateLeaky(cfg: Omit<SnnTorchLif, 'surrogate'>, input: readonly number[], opts: SimOptions = {}): NeuronTrace {
  const r = opts.float32 ? Math.fround : identity;
  const beta = r(Math.min(1, Math.max(0, cfg.beta)));
  const theta = r(cfg.threshold);
  const spikes: number[] = [];
  const membrane: number[] = [];
  let u = 0; // snnTorch's mem starts at zeros
  for (const current of input) {
    const i = r(current);
    // mem_reset: Heaviside(U_{t-1} − θ), evaluated on the stored, unreset membrane.
    const reset = r(u - theta) > 0 ? 1 : 0;
    if (cfg.reset === 'subtract') {
      u = r(r(r(beta * u) + i) - reset * theta);
    } else {
      u = r(r(beta * ((1 - reset) * u)) + i);
    }
    spikes.push(r(u - theta) > 0 ? 1 : 0);
    membrane.push(u);
  }
  return { spikes, membrane };
}

/** SpikingJelly `LIFNode` over a sequence of inputs, from V = v_reset (hard) or 0 (soft). */
export function simulateLifNode(cfg: Omit<SpikingJellyLif, 'surrogate' | 'detachReset'>, input: readonly number[], opts: SimOptions = {}): NeuronTrace {
  const r = opts.float32 ? Math.fround : identity;
  const theta = r(cfg.threshold);
  const tau = r(cfg.tau);
  const hard = cfg.reset === 'hard';
  // Soft reset is v_reset=None: the charge then relaxes towards 0.
  const vReset = hard ? r(cfg.vReset) : 0;
  // Python evaluates 1 - 1/tau in double precision before torch casts it to float32.
  const keep = r(1 - 1 / cfg.tau);
  const spikes: number[] = [];
  const membrane: number[] = [];
  const charge: number[] = [];
  let v = vReset;
  for (const current of input) {
    const x = r(current);
    let h: number;
    if (cfg.decayInput) {
      h = r(v + r(r(x - r(v - vReset)) / tau));
    } else if (vReset === 0) {
      h = r(r(v * keep) + x);
    } else {
      h = r(r(v - r(r(v - vReset) / tau)) + x);
    }
    const s = r(h - theta) >= 0 ? 1 : 0;
    if (hard) v = s ? vReset : h;
    else v = s ? r(h - theta) : h;
    spikes.push(s);
    membrane.push(v);
    charge.push(h);
  }
  return { spikes, membrane, charge };
}

/** Either convention, by `cfg.model`. */
export function simulate(cfg: LifConfig, input: readonly number[], opts: SimOptions = {}): NeuronTrace {
  return cfg.model === 'snntorch' ? simulateLeaky(cfg, input, opts) : simulateLifNode(cfg, input, opts);
}

// ---------------------------------------------------------------------------
// Backward: backpropagation through time for one neuron

/**
 * dL/dI_t for one neuron, given dL/dS_t at every step: the surrogate-gradient
 * BPTT of the recurrence above, written out by hand (float64). This is what
 * the fused backward kernels compute; the tfjs tests check it against tfjs
 * autodiff of the unfused per-step graph.
 *
 * Let P_t be the potential the spike is read from (snnTorch U_t, SpikingJelly
 * H_t) and σ'_t = surrogate(P_t − θ). Going backwards with g_t = dL/dP_t:
 *   g_t = dL/dS_t·σ'_t + c_t·m_t,   dL/dI_t = b·g_t,   c_{t−1} = a·g_t,  c_{T−1} = 0
 * where a = ∂P_{t+1}/∂(state kept from step t), b = ∂P_t/∂I_t and m_t is how
 * that state depends on P_t:
 *   snnTorch:      a = β, b = 1; m_t = 1 (subtract: R is detached) or 1 − S_t (zero:
 *                  U_{t+1} = β(1 − S_t)U_t + …, S_t detached)
 *   SpikingJelly:  a = 1 − 1/τ, b = 1/τ (decay_input) or 1;
 *                  hard: V_t = (1 − S_t)H_t + S_t·V_r ⇒ m_t = (1 − S_t) + (V_r − H_t)·σ'_t
 *                  soft: V_t = H_t − S_t·θ          ⇒ m_t = 1 − θ·σ'_t
 *                  with detach_reset the σ' terms of m_t vanish.
 */
export function referenceInputGrad(cfg: LifConfig, input: readonly number[], gradSpikes: readonly number[], opts: SimOptions = {}): number[] {
  // opts.float32 takes the spikes and potentials from the float32 forward pass
  // (as a float32 implementation sees them); the backward arithmetic is float64.
  const trace = simulate(cfg, input, opts);
  const pre = cfg.model === 'snntorch' ? trace.membrane : trace.charge!;
  const theta = cfg.threshold;
  let a: number;
  let b: number;
  if (cfg.model === 'snntorch') {
    a = Math.min(1, Math.max(0, cfg.beta));
    b = 1;
  } else {
    a = 1 - 1 / cfg.tau;
    b = cfg.decayInput ? 1 / cfg.tau : 1;
  }
  const out = new Array<number>(input.length).fill(0);
  let carry = 0;
  for (let t = input.length - 1; t >= 0; t--) {
    const p = pre[t];
    const s = trace.spikes[t];
    const sg = surrogateGrad(cfg.surrogate, p - theta);
    let m: number;
    if (cfg.model === 'snntorch') {
      m = cfg.reset === 'subtract' ? 1 : 1 - s;
    } else if (cfg.reset === 'hard') {
      m = 1 - s + (cfg.detachReset ? 0 : (cfg.vReset - p) * sg);
    } else {
      m = 1 - (cfg.detachReset ? 0 : theta * sg);
    }
    const g = (gradSpikes[t] ?? 0) * sg + carry * m;
    out[t] = b * g;
    carry = a * g;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Printing

/**
 * The shortest decimal that reads back as the same float32: how a float32
 * value is printed (0.45 rather than 0.44999998807907104).
 */
export function shortestFloat32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return f;
}
