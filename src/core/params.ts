/**
 * The parameter table: the single source of truth for every knob of the
 * studio. Sliders, URL decoding and the command line all read it, so a knob's
 * default, range, clamping, URL key and help text are written once, here.
 * (Modelled on TensorFlow Playground's state table.) No imports from the UI.
 */
import { OPS, type Op } from './arch/cell.ts';
import type { Metric } from './metrics.ts';
import type { HardwareKey } from './cost/hardware.ts';
import { PROXIES, PROXY_NAMES, type ProxyName } from './calibration/proxies.ts';

/** Where the page shows a knob's control: a panel, or the Search space panel's Sampling part. */
export type ParamPanel = 'search' | 'sampling' | 'space' | 'hardware' | 'budget' | 'neuron' | 'neuron-input' | 'view';

interface ParamBase {
  label: string;
  unit?: string;
  help: string;
  /**
   * 'neuron': the neuron view's knobs, which only the page's neuron view reads; 'view': how the page is laid out
   * (a classroom link's hidden panels). Neither reaches a search, the costing or the command line.
   */
  group: 'search' | 'space' | 'hardware' | 'budget' | 'neuron' | 'view';
  /** short key in the share URL */
  url: string;
  /**
   * long option of the command line, without the leading dashes; none for the
   * neuron view's knobs (`neuronas neuron` takes a neuron and its input as
   * flags of its own, src/cli/neuron.ts)
   */
  cli?: string;
  /** the hardware config field this knob sets (core/settings.ts `hardwareFromParams`) */
  hardware?: HardwareKey;
  /** the panel whose controls include this knob's (every knob has one: src/ui/controls/ParamControl.tsx draws it) */
  panel: ParamPanel;
  /**
   * The knob came after run files were first written, and its default is what
   * such a file meant: a file without it reads with no warning.
   */
  optionalInFiles?: true;
}

export interface NumberParam extends ParamBase {
  type: 'number';
  default: number;
  min: number;
  max: number;
  /** values snap to multiples of step (whole numbers when integer) */
  step: number;
  integer: boolean;
  scale: 'linear' | 'log';
  /** the top of the range means "no limit" (budgets) */
  unboundedAtMax?: boolean;
  /** a budget: the cost it limits (core/settings.ts derives every budget rule from this) */
  budget?: BudgetSpec;
  /**
   * Its control: a slider, a slider with a text box for exact values, or a
   * text box alone (a range far too wide for a slider, like the seed's).
   */
  control: 'slider' | 'slider+box' | 'box';
}

/** What a budget knob limits and how it is named outside the page. */
export interface BudgetSpec {
  /** the cost column (and CostFigures field) the budget limits */
  metric: Exclude<Metric, 'pes'>;
  /** its key in run files (snake_case, like the cost report's) */
  file: string;
  /** its name in messages and legends ("over the area budget") */
  name: string;
}

export interface ChoiceParam<T extends string | number = string | number> extends ParamBase {
  type: 'choice';
  options: readonly T[];
  default: T;
  /** what the page shows for an option, where its value is not readable enough */
  optionLabels?: Readonly<Partial<Record<T, string>>>;
}

export interface SetParam<T extends string | number = string | number> extends ParamBase {
  type: 'set';
  options: readonly T[];
  default: readonly T[];
  /** none selected is a value (otherwise at least one must stay selected) */
  mayBeEmpty?: true;
  optionLabels?: Readonly<Partial<Record<T, string>>>;
}

export interface FlagParam extends ParamBase {
  type: 'flag';
  default: boolean;
}

export type ParamDef = NumberParam | ChoiceParam | SetParam | FlagParam;

// The group stays a literal in each entry's type, so that types can be read off the table (settings.ts `BudgetKey`).
function num<G extends ParamBase['group']>(p: Omit<NumberParam, 'type'> & { group: G }): NumberParam & { group: G } {
  return { type: 'number', ...p };
}
function choice<T extends string | number>(p: Omit<ChoiceParam<T>, 'type'>): ChoiceParam<T> {
  return { type: 'choice', ...p };
}
function set<T extends string | number>(p: Omit<SetParam<T>, 'type'>): SetParam<T> {
  return { type: 'set', ...p };
}
/** A whole-number knob of a network-running ranking proxy (search panel, optional in files: they came later). */
function proxyKnob(p: Pick<NumberParam, 'url' | 'label' | 'help' | 'default' | 'min' | 'max'> & { cli: string; unit?: string }): NumberParam & { group: 'search' } {
  return num({ group: 'search', panel: 'search', optionalInFiles: true, step: 1, integer: true, scale: 'linear', control: 'slider+box', ...p });
}
function flag(p: Omit<FlagParam, 'type'>): FlagParam {
  return { type: 'flag', ...p };
}

// Default budgets: on the default space and hardware, about 40 % of the
// candidates meet all four, so the constraint-first pipeline has real work to
// reject (measured: 1 635 of 4 000 at seed 1).
export const PARAMS = {
  samples: num({
    group: 'search', panel: 'sampling', url: 'n', cli: 'samples', label: 'Samples', unit: 'architectures',
    help: 'How many distinct architectures the search samples and costs.',
    default: 4000, min: 10, max: 20000, step: 10, integer: true, scale: 'linear', control: 'slider+box',
  }),
  seed: num({
    group: 'search', panel: 'sampling', url: 's', cli: 'seed', label: 'Seed',
    help: 'Seed of the sampler: the same seed and settings give the same candidates.',
    default: 1, min: 0, max: 2147483647, step: 1, integer: true, scale: 'linear', control: 'box',
  }),
  strategy: choice<'neuronas' | 'snasnet' | 'random' | 'evolution'>({
    group: 'search', panel: 'search', url: 'st', cli: 'strategy', label: 'Strategy',
    help: 'neuronas: reject over-budget candidates before scoring. snasnet: score all, check budgets at the end. random: train a random feasible sample. evolution: NSGA-II under the budgets.',
    options: ['neuronas', 'snasnet', 'random', 'evolution'], default: 'neuronas',
    optionLabels: { neuronas: 'NeuroNAS', snasnet: 'SNASNet', random: 'Random', evolution: 'Evolution (NSGA-II)' },
  }),
  // Every proxy of core/calibration/proxies.ts, named as there. The default follows the measured calibration
  // (docs/calibration/): it is the parameter count because no proxy ranked trained accuracy clearly better on both
  // embedded data sets, and it costs nothing. params: τ 0.55 on MNIST, 0.56 on Fashion-MNIST (the 20-candidate run),
  // 0.75 on MNIST's backward cells (re-measured after backward cells were pruned as SNASNet prunes them), every
  // interval above 0; early_loss (0.73 / 0.58 / 0.77), snip (0.50 / 0.57 / 0.80) and early_accuracy (0.58 / 0.48 /
  // 0.82) are not clearly better (paired intervals include 0) and cost 20 training steps or a gradient pass a
  // candidate; SNASNet's score ranked at chance (τ 0.01 / 0.13 / 0.07, intervals across 0) on all three.
  rankBy: choice<ProxyName>({
    group: 'search', panel: 'search', url: 'rk', cli: 'rank-by', label: 'Rank by',
    help: 'What orders the feasible candidates before the best are trained. Parameters and synaptic operations come from the cost model (free); the others run each candidate’s network: the SNASNet score a forward pass, SNIP and the gradient norm a gradient pass, the early-training loss and accuracy a few training steps (lower loss is better; higher is better for the rest). The note below says how well the choice predicted trained accuracy (measured in docs/calibration).',
    options: PROXY_NAMES, default: 'params', optionalInFiles: true,
    optionLabels: Object.fromEntries(PROXY_NAMES.map((n) => [n, PROXIES[n].label])) as Record<ProxyName, string>,
  }),
  dataset: choice<'mnist' | 'fashion-mnist' | 'cifar10'>({
    group: 'search', panel: 'search', url: 'ds', cli: 'dataset', label: 'Dataset',
    help: 'What the candidates are scored and trained on. CIFAR-10 comes from a data_batch_N.bin file on your disk.',
    options: ['mnist', 'fashion-mnist', 'cifar10'], default: 'mnist',
    optionLabels: { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST', cifar10: 'CIFAR-10 (your files)' },
  }),
  topK: num({
    group: 'search', panel: 'search', url: 'k', cli: 'top-k', label: 'Train the best', unit: 'candidates',
    help: 'How many of the best-scored feasible candidates are trained for real; 0 stops after scoring.',
    default: 3, min: 0, max: 16, step: 1, integer: true, scale: 'linear', control: 'slider+box',
  }),
  epochs: num({
    group: 'search', panel: 'search', url: 'ep', cli: 'epochs', label: 'Epochs',
    help: 'Training epochs per trained candidate (surrogate gradients through time).',
    default: 2, min: 1, max: 20, step: 1, integer: true, scale: 'linear', control: 'slider+box',
  }),
  trainSamples: num({
    group: 'search', panel: 'search', url: 'tr', cli: 'train-samples', label: 'Training images',
    help: 'Images each trained candidate learns from (the test split is fixed per dataset).',
    default: 4000, min: 500, max: 60000, step: 500, integer: true, scale: 'linear', control: 'slider+box',
  }),
  scoreBatch: num({
    group: 'search', panel: 'search', url: 'sb', cli: 'score-batch', label: 'Score batch', unit: 'images',
    help: 'Images in the training-free score: the kernel is batch × batch (SNASNet uses 256; 64 is much faster).',
    default: 64, min: 8, max: 256, step: 8, integer: true, scale: 'linear', control: 'slider+box',
  }),
  // The network-running proxies' own knobs (core/calibration/plan.ts `ProxyImageOptions`), shared by the search's
  // ranking and `neuronas calibrate`, so a candidate's proxy value is the same in both. Each reads only the data set's
  // training part. They came after run files were first written: optional in files.
  gradientBatch: proxyKnob({
    url: 'gb', cli: 'gradient-batch', label: 'Gradient batch', unit: 'images', default: 64, min: 2, max: 512,
    help: 'Training images of the one gradient pass at initialisation that snip and grad_norm are computed from.',
  }),
  earlySteps: proxyKnob({
    url: 'es', cli: 'early-steps', label: 'Early-training steps', default: 20, min: 1, max: 1000,
    help: 'Seeded training steps each candidate takes before early_loss and early_accuracy are measured.',
  }),
  earlyBatch: proxyKnob({
    url: 'eb', cli: 'early-batch', label: 'Early-training batch', unit: 'images', default: 32, min: 1, max: 512,
    help: 'Images in each of those steps.',
  }),
  earlyHeldOut: proxyKnob({
    url: 'eh', cli: 'early-held-out', label: 'Early-training held-out', unit: 'images', default: 500, min: 10, max: 10000,
    help: 'Training images, none of them trained on, that early_loss and early_accuracy are measured on after the steps.',
  }),
  ops: set<Op>({
    group: 'space', panel: 'space', url: 'ops', cli: 'ops', label: 'Operations',
    help: 'Operations a cell edge may carry. NeuroNAS drops avgpool3x3, which hurts spiking cells.',
    options: OPS, default: ['zero', 'skip', 'conv1x1', 'conv3x3'],
  }),
  cellType: choice<'forward' | 'backward'>({
    group: 'space', panel: 'space', url: 'ct', cli: 'cell-type', label: 'Cells',
    help: 'forward: edges within a timestep. backward (SNASNet): each node pair carries either a forward edge or a backward one, which feeds a node the previous timestep’s value of a later node.',
    options: ['forward', 'backward'], default: 'forward', optionalInFiles: true,
    optionLabels: { forward: 'Forward', backward: 'Backward (SNASNet)' },
  }),
  requireDirectEdge: flag({
    group: 'space', panel: 'space', url: 'de', cli: 'direct-edge', label: 'Direct edge 0→3',
    help: 'Keep only cells whose input feeds their output directly (SNASNet and NeuroNAS require it; it helps cells learn).',
    default: true,
  }),
  sharedCell: flag({
    group: 'space', panel: 'space', url: 'sc', cli: 'shared-cell', label: 'Same cell twice',
    help: 'Use one cell at both stages (SNASNet). Off: the two cells are searched independently.',
    default: true,
  }),
  channelsMin: num({
    group: 'space', panel: 'space', url: 'cmin', cli: 'channels-min', label: 'Base width C, from', unit: 'channels',
    help: 'Smallest base width. Cell 1 runs at C channels, cell 2 at 2C.',
    default: 8, min: 4, max: 256, step: 4, integer: true, scale: 'linear', control: 'slider',
  }),
  channelsMax: num({
    group: 'space', panel: 'space', url: 'cmax', cli: 'channels-max', label: 'Base width C, to', unit: 'channels',
    help: 'Largest base width (SNASNet uses 128 to 256 on CIFAR; 8 to 64 trains well in a browser).',
    default: 64, min: 4, max: 256, step: 4, integer: true, scale: 'linear', control: 'slider',
  }),
  channelsStep: num({
    group: 'space', panel: 'space', url: 'cst', cli: 'channels-step', label: 'Base width step', unit: 'channels',
    help: 'Spacing of the base widths between the two ends.',
    default: 8, min: 4, max: 64, step: 4, integer: true, scale: 'linear', control: 'slider',
  }),
  hidden: set<number>({
    group: 'space', panel: 'space', url: 'hid', cli: 'hidden', label: 'Hidden width',
    help: 'Widths the hidden fully-connected layer may take.',
    options: [32, 64, 128, 256, 512, 1024], default: [64, 128, 256],
  }),
  timestepsMin: num({
    group: 'space', panel: 'space', url: 'tmin', cli: 'timesteps-min', label: 'Timesteps T, from',
    help: 'Fewest timesteps. Energy and latency grow linearly with T.',
    default: 2, min: 1, max: 16, step: 1, integer: true, scale: 'linear', control: 'slider',
  }),
  timestepsMax: num({
    group: 'space', panel: 'space', url: 'tmax', cli: 'timesteps-max', label: 'Timesteps T, to',
    help: 'Most timesteps.',
    default: 8, min: 1, max: 16, step: 1, integer: true, scale: 'linear', control: 'slider',
  }),
  weightBits: set<number>({
    group: 'space', panel: 'space', url: 'wb', cli: 'weight-bits', label: 'Weight bits',
    help: 'Weight precisions to search. NeuroNAS quantizes to 8 bits; each weight takes ceil(bits / bits per cell) crossbar columns.',
    options: [4, 8, 16], default: [8],
  }),
  preset: choice<string>({
    group: 'hardware', panel: 'hardware', hardware: 'preset', url: 'hw', cli: 'preset', label: 'Hardware preset',
    help: 'The accelerator whose constants the cost model uses.',
    options: ['spikesim-65nm-rram'], default: 'spikesim-65nm-rram',
  }),
  costMode: choice<'neuronas' | 'spikesim'>({
    group: 'hardware', panel: 'hardware', hardware: 'mode', url: 'cm', cli: 'cost-mode', label: 'Cost model',
    help: 'neuronas: bit slicing, every neuron counted, activity-aware energy. spikesim: SpikeSim ELA numbers exactly.',
    options: ['neuronas', 'spikesim'], default: 'neuronas',
  }),
  xbar: choice<number>({
    group: 'hardware', panel: 'hardware', hardware: 'xbar', url: 'x', cli: 'xbar', label: 'Crossbar size', unit: 'rows = columns',
    help: 'Rows and columns of one RRAM crossbar.',
    options: [32, 64, 128, 256], default: 64,
  }),
  cellBits: choice<number>({
    group: 'hardware', panel: 'hardware', hardware: 'cellBits', url: 'cb', cli: 'cell-bits', label: 'Bits per cell',
    help: 'Bits one RRAM cell stores; an 8-bit weight on 2-bit cells takes 4 columns.',
    options: [1, 2, 4, 8], default: 2,
  }),
  // NeuroNAS calls this its memory budget, but it counts weights (parameters), not bits: named for what it counts.
  maxParams: num({
    group: 'budget', panel: 'budget', url: 'bp', cli: 'max-params', label: 'Parameters', unit: 'weights',
    help: 'Most weights the chip may store: the memory budget of NeuroNAS, which counts parameters (4·10⁶ on CIFAR).',
    default: 600000, min: 10000, max: 50000000, step: 1, integer: true, scale: 'log', control: 'slider+box', unboundedAtMax: true,
    budget: { metric: 'params', file: 'max_params', name: 'parameters' },
  }),
  maxAreaMm2: num({
    group: 'budget', panel: 'budget', url: 'ba', cli: 'max-area-mm2', label: 'Area', unit: 'mm²',
    help: 'Largest chip area: tiles plus input and membrane buffers (NeuroNAS: 100 mm²).',
    default: 15, min: 0.5, max: 1000, step: 0.01, integer: false, scale: 'log', control: 'slider+box', unboundedAtMax: true,
    budget: { metric: 'areaMm2', file: 'max_area_mm2', name: 'area' },
  }),
  maxLatencyMs: num({
    group: 'budget', panel: 'budget', url: 'bl', cli: 'max-latency-ms', label: 'Latency', unit: 'ms',
    help: 'Longest time for one inference over all timesteps (NeuroNAS: 400 ms).',
    default: 50, min: 0.1, max: 2000, step: 0.01, integer: false, scale: 'log', control: 'slider+box', unboundedAtMax: true,
    budget: { metric: 'latencyMs', file: 'max_latency_ms', name: 'latency' },
  }),
  maxEnergyUJ: num({
    group: 'budget', panel: 'budget', url: 'be', cli: 'max-energy-uj', label: 'Energy', unit: 'µJ',
    help: 'Most energy for one inference (NeuroNAS: 120 µJ).',
    default: 50, min: 0.1, max: 5000, step: 0.01, integer: false, scale: 'log', control: 'slider+box', unboundedAtMax: true,
    budget: { metric: 'energyUJ', file: 'max_energy_uJ', name: 'energy' },
  }),
  // A classroom link (TensorFlow Playground's hide flags): the panels it hides, so a teacher can hand out a page
  // that shows only what the lesson is about. In the table, so the link carries it like every other knob.
  hidePanels: set<'budgets' | 'search' | 'hardware' | 'space' | 'costs' | 'neuron'>({
    group: 'view', panel: 'view', url: 'hide', optionalInFiles: true, label: 'Hide in this link',
    help: 'Panels this page leaves out, and so does a link made with Copy link. Whoever opens it can show them again.',
    options: ['budgets', 'search', 'hardware', 'space', 'costs', 'neuron'], default: [], mayBeEmpty: true,
    optionLabels: { budgets: 'Budgets', search: 'Search', hardware: 'Hardware', space: 'Search space', costs: 'Cost view and summary', neuron: 'Neuron view' },
  }),
  // The neuron view (src/ui/neuron/): one LIF neuron of either convention the studio trains (src/core/snn/lif.ts),
  // driven by an input current. In the table, so a link carries a neuron setup as it carries every other knob.
  // They came after run files were first written and change no run: optional in files.
  neuronModel: choice<'snntorch' | 'spikingjelly'>({
    group: 'neuron', panel: 'neuron', url: 'nm', optionalInFiles: true, label: 'Convention',
    help: "Which library's LIF neuron: snnTorch's Leaky (decay β) or SpikingJelly's LIFNode (time constant τ; the one the search trains, with τ = 4/3 and a hard reset).",
    options: ['snntorch', 'spikingjelly'], default: 'snntorch',
    optionLabels: { snntorch: 'snnTorch', spikingjelly: 'SpikingJelly' },
  }),
  neuronThreshold: num({
    group: 'neuron', panel: 'neuron', url: 'nth', optionalInFiles: true, label: 'Threshold θ',
    help: 'The membrane potential at which the neuron fires a spike (the dashed line).',
    default: 1, min: 0.05, max: 4, step: 0.05, integer: false, scale: 'linear', control: 'slider',
  }),
  neuronReset: choice<'soft' | 'hard'>({
    group: 'neuron', panel: 'neuron', url: 'nr', optionalInFiles: true, label: 'Reset',
    help: "What a spike does to the membrane. Soft: θ is subtracted, so what was above θ carries over (snnTorch 'subtract', SpikingJelly v_reset=None). Hard: the membrane is set to the reset potential (snnTorch 'zero': to 0).",
    options: ['soft', 'hard'], default: 'soft',
    optionLabels: { soft: 'Soft (subtract θ)', hard: 'Hard (set to V_reset)' },
  }),
  neuronBeta: num({
    group: 'neuron', panel: 'neuron', url: 'nb', optionalInFiles: true, label: 'Decay β (snnTorch)',
    help: 'The fraction of the membrane potential kept from one step to the next: 1 never leaks, 0 forgets everything at once.',
    default: 0.9, min: 0, max: 1, step: 0.01, integer: false, scale: 'linear', control: 'slider',
  }),
  neuronTau: num({
    group: 'neuron', panel: 'neuron', url: 'ntau', optionalInFiles: true, label: 'Time constant τ (SpikingJelly)', unit: 'steps',
    help: 'How slowly the membrane relaxes: each step it moves 1/τ of the way towards the input (must be above 1). 2 is SpikingJelly\'s default; the search trains τ = 4/3.',
    default: 2, min: 1.01, max: 20, step: 0.01, integer: false, scale: 'log', control: 'slider',
  }),
  neuronVReset: num({
    group: 'neuron', panel: 'neuron', url: 'nvr', optionalInFiles: true, label: 'Reset potential V_reset (SpikingJelly)',
    help: 'Where a hard reset puts the membrane, and the potential it rests at without input.',
    default: 0, min: -1, max: 1, step: 0.05, integer: false, scale: 'linear', control: 'slider',
  }),
  neuronDecayInput: flag({
    group: 'neuron', panel: 'neuron', url: 'ndi', optionalInFiles: true, label: 'Input divided by τ (SpikingJelly decay_input)',
    help: "On (SpikingJelly's default): H ← V + (I − (V − V_reset))/τ. Off: the input is added whole, H ← V − (V − V_reset)/τ + I.",
    default: true,
  }),
  inputKind: choice<'constant' | 'step' | 'noisy' | 'poisson'>({
    group: 'neuron', panel: 'neuron-input', url: 'ik', optionalInFiles: true, label: 'Kind',
    help: 'Constant: the amplitude at every step. Step: the amplitude for a while, 0 before and after. Noisy: the amplitude plus Gaussian noise. Poisson: input spikes at random, each bringing the amplitude.',
    options: ['constant', 'step', 'noisy', 'poisson'], default: 'step',
    optionLabels: { constant: 'Constant', step: 'Step', noisy: 'Noisy', poisson: 'Poisson spikes' },
  }),
  inputAmplitude: num({
    group: 'neuron', panel: 'neuron-input', url: 'ia', optionalInFiles: true, label: 'Amplitude',
    help: 'The input current I at each step (Poisson: the current one input spike brings). Same units as the membrane potential and θ.',
    default: 0.3, min: -1, max: 4, step: 0.01, integer: false, scale: 'linear', control: 'slider',
  }),
  inputOnset: num({
    group: 'neuron', panel: 'neuron-input', url: 'ion', optionalInFiles: true, label: 'Step onset', unit: 'steps',
    help: 'The timestep at which the step input switches on.',
    default: 10, min: 0, max: 500, step: 1, integer: true, scale: 'linear', control: 'slider',
  }),
  inputDuration: num({
    group: 'neuron', panel: 'neuron-input', url: 'idur', optionalInFiles: true, label: 'Step duration', unit: 'steps',
    help: 'How many timesteps the step input stays on.',
    default: 60, min: 1, max: 500, step: 1, integer: true, scale: 'linear', control: 'slider',
  }),
  inputNoise: num({
    group: 'neuron', panel: 'neuron-input', url: 'isd', optionalInFiles: true, label: 'Noise σ',
    help: 'Standard deviation of the Gaussian noise added to the amplitude at every step.',
    default: 0.3, min: 0, max: 2, step: 0.01, integer: false, scale: 'linear', control: 'slider',
  }),
  inputRate: num({
    group: 'neuron', panel: 'neuron-input', url: 'ir', optionalInFiles: true, label: 'Input spike rate', unit: 'per step',
    help: 'The chance of an input spike at each timestep (a Bernoulli draw per step: a Poisson spike train in discrete time).',
    default: 0.2, min: 0, max: 1, step: 0.01, integer: false, scale: 'linear', control: 'slider',
  }),
  inputSeed: num({
    group: 'neuron', panel: 'neuron-input', url: 'iseed', optionalInFiles: true, label: 'Input seed',
    help: 'Seed of the noise and of the input spikes: the same seed draws the same input.',
    default: 1, min: 0, max: 2147483647, step: 1, integer: true, scale: 'linear', control: 'box',
  }),
  neuronSteps: num({
    group: 'neuron', panel: 'neuron-input', url: 'nt', optionalInFiles: true, label: 'Timesteps', unit: 'steps',
    help: 'How many timesteps are simulated.',
    default: 100, min: 10, max: 500, step: 1, integer: true, scale: 'linear', control: 'slider',
  }),
} as const;

export type ParamKey = keyof typeof PARAMS;
type ValueOf<D> = D extends SetParam<infer T> ? T[] : D extends ChoiceParam<infer T> ? T : D extends FlagParam ? boolean : number;
export type ParamValues = { -readonly [K in ParamKey]: ValueOf<(typeof PARAMS)[K]> };

export const PARAM_KEYS = Object.keys(PARAMS) as ParamKey[];

/** The knobs a panel shows, in table order. */
export function panelParams(panel: ParamPanel): ParamKey[] {
  return PARAM_KEYS.filter((k) => (PARAMS[k] as ParamDef).panel === panel);
}

export function defaultParams(): ParamValues {
  const out = {} as Record<string, unknown>;
  for (const key of PARAM_KEYS) {
    const d = PARAMS[key] as ParamDef;
    out[key] = d.type === 'set' ? [...d.default] : d.default;
  }
  return out as ParamValues;
}

/** Snaps a number into the param's range and grid; NaN and non-numbers give the default. */
export function clampNumber(d: NumberParam, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) return d.default;
  let x = Math.min(d.max, Math.max(d.min, v));
  if (d.integer) x = Math.round(x);
  else x = Math.round(x / d.step) * d.step;
  // Rounding to the grid can step just outside the range.
  x = Math.min(d.max, Math.max(d.min, x));
  return d.integer ? x : Number(x.toPrecision(12));
}

/** A budget at the top of its range is no limit at all. */
export function budgetLimit(d: NumberParam, v: number): number {
  return d.unboundedAtMax && v >= d.max ? Infinity : v;
}

export interface ParsedParam<T> {
  value: T;
  /** set when the text was unusable or out of range and the value was replaced or clamped */
  problem?: string;
}

function optionFromText<T extends string | number>(options: readonly T[], text: string): T | undefined {
  return options.find((o) => String(o) === text);
}

/** Reads one param from text (a URL value or a command-line argument), validating and clamping it. */
export function parseParamText(key: ParamKey, text: string): ParsedParam<ParamValues[ParamKey]> {
  const d = PARAMS[key] as ParamDef;
  const t = text.trim();
  switch (d.type) {
    case 'number': {
      const v = t === 'inf' || t === 'none' ? d.max : t === '' ? NaN : Number(t);
      if (!Number.isFinite(v)) return { value: d.default, problem: `${d.label}: '${text}' is not a number; using ${d.default}` };
      const c = clampNumber(d, v);
      return c === v || (!d.integer && Math.abs(c - v) < d.step) ? { value: c } : { value: c, problem: `${d.label}: ${v} is outside ${d.min}–${d.max}${d.integer ? ' or not whole' : ''}; using ${c}` };
    }
    case 'choice': {
      const o = optionFromText(d.options, t);
      return o === undefined ? { value: d.default, problem: `${d.label}: '${text}' is not one of ${d.options.join(', ')}; using ${d.default}` } : { value: o };
    }
    case 'set': {
      const parts = t === '' ? [] : t.split(',');
      const values: (string | number)[] = [];
      const bad: string[] = [];
      for (const p of parts) {
        const o = optionFromText(d.options, p.trim());
        if (o === undefined) bad.push(p);
        else if (!values.includes(o)) values.push(o);
      }
      if (values.length === 0 && !(d.mayBeEmpty && bad.length === 0)) return { value: [...d.default] as never, problem: `${d.label}: '${text}' names none of ${d.options.join(', ')}; using the default` };
      const ordered = d.options.filter((o) => values.includes(o));
      return bad.length ? { value: ordered as never, problem: `${d.label}: ignored ${bad.join(', ')}` } : { value: ordered as never };
    }
    case 'flag': {
      if (t === '1' || t === 'true') return { value: true };
      if (t === '0' || t === 'false') return { value: false };
      return { value: d.default, problem: `${d.label}: '${text}' is not true/false (1/0); using ${d.default}` };
    }
  }
}

/** Words a person (or a link, or the command line) may write for "no limit" on a budget. */
const NO_LIMIT_WORDS = new Set(['none', 'no limit', 'inf', 'infinity', '∞', 'unlimited']);

/** A number as people write it: digits with at most one point, an optional exponent; no hex, no "Infinity". */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** Thousands grouped with commas (1,000 or 12,500.5), the only place a comma may stand. */
const GROUPED_THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;

export type NumberEntry = { value: number; problem?: undefined } | { value?: undefined; problem: string };

/**
 * Reads what a person typed into a number box of the table. Unlike
 * parseParamText (links and the command line, which clamp and report), it
 * never changes a value on its own: text that is not a number, out of the
 * range, not whole where the knob is whole, or finer than the knob's step
 * gives a problem to show at the field, and the knob keeps its last good
 * value. Spaces and underscores between digits and thousands commas are
 * read as grouping; a decimal comma is refused rather than read as grouping
 * ("2,5" is not 25). On a budget, "none" (or "no limit", "inf") is its top,
 * which means no limit.
 */
export function readNumberEntry(d: NumberParam, text: string): NumberEntry {
  const t = text.trim().toLowerCase();
  const unit = d.unit ? ` ${d.unit}` : '';
  const shown = text.trim().length > 24 ? `${text.trim().slice(0, 24)}…` : text.trim();
  if (d.unboundedAtMax && NO_LIMIT_WORDS.has(t)) return { value: d.max };
  if (t === '') return { problem: `Type a number${d.unboundedAtMax ? ', or none for no limit' : ''}.` };
  let digits = t.replace(/(?<=\d)[\s_](?=\d)/g, '');
  if (GROUPED_THOUSANDS.test(digits)) digits = digits.replace(/,/g, '');
  if (!PLAIN_NUMBER.test(digits)) {
    const comma = /^[+-]?\d*,\d+$/.test(digits) ? ` (write decimals with a point: ${digits.replace(',', '.')})` : '';
    return { problem: `'${shown}' is not a number${comma}.` };
  }
  const v = Number(digits);
  if (!Number.isFinite(v)) return { problem: `'${shown}' is too large to be a number here.` };
  if (v < d.min) return { problem: `${v} is below the least, ${d.min}${unit}.` };
  if (v > d.max) return { problem: `${v} is above the most, ${d.max}${unit}${d.unboundedAtMax ? '; for no limit, type none' : ''}.` };
  if (d.integer && !Number.isInteger(v)) return { problem: `${v} is not a whole number.` };
  // A value off the knob's grid would be rounded on the way in: say so instead of rounding it.
  if (!d.integer && Math.abs(clampNumber(d, v) - v) > 1e-9 * Math.max(1, Math.abs(v))) return { problem: `${v} is finer than the steps of ${d.step}${unit}.` };
  return { value: d.integer ? v : clampNumber(d, v) };
}

export function formatParamText(key: ParamKey, value: ParamValues[ParamKey]): string {
  const d = PARAMS[key] as ParamDef;
  if (d.type === 'set') return (value as (string | number)[]).join(',');
  if (d.type === 'flag') return value ? '1' : '0';
  return String(value);
}

/** Makes a whole value set consistent: each knob clamped, and paired ranges ordered. */
export function normalizeParams(v: ParamValues): ParamValues {
  const out = { ...v };
  if (out.channelsMin > out.channelsMax) out.channelsMax = out.channelsMin;
  if (out.timestepsMin > out.timestepsMax) out.timestepsMax = out.timestepsMin;
  return out;
}
