/**
 * `neuronas neuron`: one LIF neuron driven by a given input sequence, through
 * the pure reference simulator (src/core/snn/lif.ts, no tfjs: it starts in
 * milliseconds). Prints, per timestep, the spike and the membrane value the
 * chosen library returns at that step (SpikingJelly: also the charge H
 * before the reset), computed in float32 as the libraries do and printed as
 * the shortest decimal that reads back as the same float32.
 */
import type { CliIO } from './io.ts';
import { UsageError } from './params-args.ts';
import {
  DEFAULT_LIF,
  LifConfigError,
  REFERENCE_NET_LIF,
  shortestFloat32,
  simulate,
  validateLifConfig,
  type LifConfig,
} from '../core/snn/lif.ts';

export function neuronHelp(): string {
  return [
    'usage: neuronas neuron --model snntorch|spikingjelly --input X1,X2,... [options]',
    '',
    'Simulates one leaky integrate-and-fire neuron on the given input sequence',
    '(one input current per timestep) and prints JSON:',
    '  {"spikes":[...],"membrane":[...]}            (snntorch)',
    '  {"spikes":[...],"membrane":[...],"charge":[...]}   (spikingjelly)',
    'membrane is the value the library returns at each step: snnTorch Leaky\'s',
    'U_t (integrated, before the reset it applies at the next step), SpikingJelly',
    "LIFNode's V_t (after the reset); charge is SpikingJelly's H_t before the reset.",
    'Values are float32, as both libraries compute them.',
    '',
    'options:',
    `  --model M          snntorch (Leaky) or spikingjelly (LIFNode); required`,
    `  --input LIST       comma-separated input currents, one per timestep; required`,
    `  --threshold TH     firing threshold (default ${DEFAULT_LIF.threshold}); snntorch fires on U > TH, spikingjelly on H >= TH`,
    '  --reset R          snntorch: subtract (default) or zero; spikingjelly: hard (default) or soft',
    `  --beta B           snntorch decay per step (default ${REFERENCE_NET_LIF.beta}; clamped to [0, 1] as snnTorch does)`,
    '  --tau T            spikingjelly membrane time constant, > 1 (default 4/3)',
    `  --v-reset V        spikingjelly hard-reset potential (default ${DEFAULT_LIF.vReset}); not with --reset soft`,
    '  --decay-input B    spikingjelly: true (default) divides the input by tau as well, false adds it whole',
    '  -h, --help         this text',
    '',
    'exit status: 0 ok; 2 bad usage (one line on stderr)',
  ].join('\n');
}

const VALUE_FLAGS = ['--model', '--input', '--threshold', '--reset', '--beta', '--tau', '--v-reset', '--decay-input'] as const;
type Flag = (typeof VALUE_FLAGS)[number];
const SNNTORCH_ONLY: readonly Flag[] = ['--beta'];
const SPIKINGJELLY_ONLY: readonly Flag[] = ['--tau', '--v-reset', '--decay-input'];

function parseFlags(argv: string[]): Map<Flag, string> {
  const flags = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(0, eq) : arg) as Flag;
    if (!VALUE_FLAGS.includes(name)) throw new UsageError(`unknown option '${arg}' (see neuronas neuron --help)`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // A value may be negative ("--v-reset -0.5"), so only "--x" counts as a missing value.
      if (value === undefined || /^--[a-z]/.test(value)) throw new UsageError(`${name} needs a value`);
      i++;
    }
    if (flags.has(name)) throw new UsageError(`${name} is given twice`);
    flags.set(name, value);
  }
  return flags;
}

function parseNumber(flag: string, text: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new UsageError(`${flag} must be a finite number (got '${text}')`);
  return v;
}

function parseInput(text: string): number[] {
  const parts = text.split(',');
  return parts.map((p, i) => {
    const v = p.trim() === '' ? NaN : Number(p);
    if (!Number.isFinite(v)) throw new UsageError(`--input value ${i + 1} is not a finite number (got '${p}')`);
    return v;
  });
}

function parseBool(flag: string, text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new UsageError(`${flag} must be true or false (got '${text}')`);
}

/** Builds the neuron config from the flags; throws UsageError with one clear sentence. */
function neuronConfigFromFlags(flags: Map<Flag, string>): LifConfig {
  const model = flags.get('--model');
  if (model === undefined) throw new UsageError('--model is required (snntorch or spikingjelly)');
  if (model !== 'snntorch' && model !== 'spikingjelly') throw new UsageError(`--model must be snntorch or spikingjelly (got '${model}')`);
  const foreign = model === 'snntorch' ? SPIKINGJELLY_ONLY : SNNTORCH_ONLY;
  for (const f of foreign) if (flags.has(f)) throw new UsageError(`${f} does not apply to --model ${model}`);
  const threshold = flags.has('--threshold') ? parseNumber('--threshold', flags.get('--threshold')!) : DEFAULT_LIF.threshold;
  const reset = flags.get('--reset');
  let cfg: LifConfig;
  if (model === 'snntorch') {
    if (reset !== undefined && reset !== 'subtract' && reset !== 'zero') {
      throw new UsageError(`--reset for snntorch must be subtract or zero (got '${reset}')`);
    }
    cfg = {
      model,
      beta: flags.has('--beta') ? parseNumber('--beta', flags.get('--beta')!) : REFERENCE_NET_LIF.beta,
      threshold,
      reset: reset ?? 'subtract',
      surrogate: REFERENCE_NET_LIF.surrogate,
    };
  } else {
    if (reset !== undefined && reset !== 'hard' && reset !== 'soft') {
      throw new UsageError(`--reset for spikingjelly must be hard or soft (got '${reset}')`);
    }
    if (reset === 'soft' && flags.has('--v-reset')) {
      throw new UsageError('--v-reset does not apply to --reset soft (a soft reset subtracts the threshold; SpikingJelly v_reset=None)');
    }
    cfg = {
      ...DEFAULT_LIF,
      tau: flags.has('--tau') ? parseNumber('--tau', flags.get('--tau')!) : DEFAULT_LIF.tau,
      threshold,
      reset: reset ?? 'hard',
      vReset: flags.has('--v-reset') ? parseNumber('--v-reset', flags.get('--v-reset')!) : DEFAULT_LIF.vReset,
      decayInput: flags.has('--decay-input') ? parseBool('--decay-input', flags.get('--decay-input')!) : DEFAULT_LIF.decayInput,
    };
  }
  if (cfg.model === 'spikingjelly' && !(cfg.tau > 1)) throw new UsageError(`--tau must be greater than 1, as SpikingJelly requires (got ${cfg.tau})`);
  try {
    validateLifConfig(cfg);
  } catch (e) {
    // Anything left is a bug in the checks above, but still one line for the user.
    if (e instanceof LifConfigError) throw new UsageError(e.message);
    throw e;
  }
  return cfg;
}

export async function runNeuron(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out(neuronHelp());
    return 0;
  }
  let cfg: LifConfig;
  let input: number[];
  try {
    const flags = parseFlags(argv);
    cfg = neuronConfigFromFlags(flags);
    const text = flags.get('--input');
    if (text === undefined) throw new UsageError('--input is required (comma-separated input currents, e.g. --input 0.5,0.5,1.25)');
    input = parseInput(text);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`neuron: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const trace = simulate(cfg, input, { float32: true });
  const out: Record<string, number[]> = {
    spikes: trace.spikes,
    membrane: trace.membrane.map(shortestFloat32),
  };
  if (trace.charge) out.charge = trace.charge.map(shortestFloat32);
  io.out(JSON.stringify(out));
  return 0;
}
