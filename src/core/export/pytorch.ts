/**
 * Export as PyTorch: a self-contained Python package (model.py, train.py,
 * README.md) that builds exactly the studio's network for an architecture,
 * with only `torch`.
 *
 * Generated from the same layer list (`layerList`) the cost model and the
 * tfjs builder (src/tf/model.ts) read, walking the cells in the same order,
 * so the three cannot disagree; tests/export-pytorch.test.ts runs the
 * exported model next to the tfjs one and compares logits and every LIF
 * layer's spikes.
 *
 * The emitted Python mirrors src/tf/model.ts operation by operation where the
 * order of float32 operations decides a spike (the LIF recurrences are
 * written in the reference simulator's order, src/core/snn/lif.ts).
 *
 * Cells: forward cells are emitted as a multi-step module (all T timesteps
 * at once, time folded into the batch). Backward cells (SNASNet's edges from
 * timestep t−1) as a per-timestep loop with the state maps their backward
 * edges feed, stepping each LIF one timestep at a time (`LIF.step`), as the
 * tfjs model runs them.
 */
import { EDGES, EDGE_FROM, EDGE_TO, OPS, backwardEdgeActive, forwardEdgeActive, liveNodes, opHasWeights, opKernel, type Cell } from '../arch/cell.ts';
import { layerList, stageSizes, type Architecture } from '../arch/architecture.ts';
import { formatCell, formatGenome } from '../arch/genome.ts';
import { layerWeights } from '../layers.ts';
import { DEFAULT_LIF, validateLifConfig, type LifConfig, type Surrogate } from '../snn/lif.ts';
import { torchWeightKey, type Encoding } from './pytorch-weights.ts';

export class ExportError extends Error {
  override name = 'ExportError';
}

export interface PytorchExportOptions {
  lif?: LifConfig;
  encoding?: Encoding;
  /** the studio's version, named in the files' headers */
  studioVersion?: string;
  /** file name of the weights shipped alongside (model.py loads it when present), e.g. "weights.safetensors" */
  weightsFile?: string | null;
  /** one line on where the weights come from, for the README */
  weightsNote?: string;
}

export interface PytorchPackage {
  /** file name → UTF-8 text */
  files: Map<string, string>;
}

/** A float as Python source: 1 → "1.0", 4/3 → "1.3333333333333333" (reads back as the same double). */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) throw new ExportError(`cannot write ${x} as a Python number`);
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function pyStr(s: string): string {
  return JSON.stringify(s);
}

function surrogateDoc(s: Surrogate): string {
  return s.kind === 'atan'
    ? `ATan (alpha = ${s.alpha}): dS/dx = (alpha/2) / (1 + (pi/2 * alpha * x)^2), as spikingjelly.activation_based.surrogate.ATan and snntorch.surrogate.atan`
    : `fast sigmoid (k = ${s.k}): dS/dx = 1 / (1 + k*|x|)^2, as snntorch.surrogate.fast_sigmoid(slope=${s.k})`;
}

/** The spike function: a step forward (strict for snnTorch, non-strict for SpikingJelly), the surrogate backward. */
function spikeFunctionSource(lif: LifConfig): string[] {
  const s = lif.surrogate;
  const cmp = lif.model === 'snntorch' ? 'x > 0' : 'x >= 0';
  const grad =
    s.kind === 'atan'
      ? [`        return grad_output * (SURROGATE_ALPHA / 2) / (1 + (math.pi / 2 * SURROGATE_ALPHA * x) ** 2)`]
      : [`        return grad_output / (1 + SURROGATE_K * x.abs()) ** 2`];
  return [
    s.kind === 'atan' ? `SURROGATE_ALPHA = ${pyFloat(s.alpha)}` : `SURROGATE_K = ${pyFloat(s.k)}`,
    '',
    '',
    'class Spike(torch.autograd.Function):',
    `    """S = [x ${lif.model === 'snntorch' ? '>' : '>='} 0] with x = potential - threshold. Backward: the surrogate gradient,`,
    `    ${surrogateDoc(s)}."""`,
    '',
    '    @staticmethod',
    '    def forward(ctx, x):',
    '        ctx.save_for_backward(x)',
    `        return (${cmp}).to(x.dtype)`,
    '',
    '    @staticmethod',
    '    def backward(ctx, grad_output):',
    '        (x,) = ctx.saved_tensors',
    ...grad,
    '',
    '',
    'spike = Spike.apply',
  ];
}

/** The LIF module for the chosen convention, its recurrence in the studio's float32 operation order. */
function lifSource(lif: LifConfig): string[] {
  const head = [
    'class LIF(nn.Module):',
  ];
  const common = [
    '    def __init__(self, name, timesteps):',
    '        super().__init__()',
    '        self.studio_name = name  # this LIF in the studio (its spike rates and tests use the name)',
    '        self.timesteps = timesteps',
    '        self.record = False',
    '        self.spike_counts = None  # spikes per timestep, set while self.record is on',
    '        self.reset_state()',
    '',
    '    def forward(self, x):',
    '        # x: input currents of all timesteps, time-major [T*B, ...]; returns 0/1 spikes of the same shape.',
    '        xs = x.reshape(self.timesteps, -1)',
    '        self.reset_state()',
    '        spikes = torch.stack([self.step(xs[t]) for t in range(self.timesteps)])',
    '        self.finish()',
    '        return spikes.reshape(x.shape)',
    '',
    '    def reset_state(self):',
    '        """Forget the membrane: the next step is timestep 0."""',
    '        self.state = None',
    '        self.recorded = []',
    '',
    '    def finish(self):',
    '        """After the last timestep: the recorded spike counts per timestep."""',
    '        if self.record:',
    '            self.spike_counts = torch.stack([s.sum() for s in self.recorded])',
    '            self.spike_slots = sum(s.numel() for s in self.recorded)',
    '        self.reset_state()',
    '',
    '    def step(self, x):',
    '        """One timestep: input current x -> 0/1 spikes; the membrane carries over to the next call',
    '        (a backward cell steps its LIFs one timestep at a time, the other layers through forward)."""',
  ];
  const tail = [
    '        if self.record:',
    '            self.recorded.append(s.detach())',
    '        return s',
  ];
  if (lif.model === 'snntorch') {
    const doc = [
      '    """Multi-step LIF neuron, snnTorch `Leaky` convention (snntorch.Leaky, reset_delay=True):',
      `        R_t = [U_{t-1} > threshold]                 (snnTorch's mem_reset, detached: no gradient through the reset)`,
      lif.reset === 'subtract' ? '        U_t = beta * U_{t-1} + I_t - R_t * threshold   (subtract reset)' : '        U_t = beta * (1 - R_t) * U_{t-1} + I_t          (zero reset)',
      '        S_t = [U_t > threshold]                     (strict)',
      `    with beta = ${pyFloat(Math.min(1, Math.max(0, lif.beta)))}, threshold = ${pyFloat(lif.threshold)}, U_{-1} = 0.`,
      '    The operations are written in the order the studio evaluates them in float32, so spikes match bit for bit."""',
      '',
    ];
    const body = [
      '        u = torch.zeros_like(x) if self.state is None else self.state',
      '        reset = (u - THRESHOLD > 0).to(u.dtype)',
      lif.reset === 'subtract' ? '        u = u * BETA + x - reset * THRESHOLD' : '        u = (1 - reset) * u * BETA + x',
      '        s = spike(u - THRESHOLD)',
      '        self.state = u',
    ];
    return [`BETA = ${pyFloat(Math.min(1, Math.max(0, lif.beta)))}`, `THRESHOLD = ${pyFloat(lif.threshold)}`, '', '', ...head, ...doc, ...common, ...body, ...tail];
  }
  const hard = lif.reset === 'hard';
  const vReset = hard ? lif.vReset : 0;
  const rel = vReset === 0 ? 'v' : '(v - V_RESET)';
  const charge = lif.decayInput ? `h = v + (x - ${rel}) / TAU` : vReset === 0 ? 'h = v * (1 - 1 / TAU) + x' : `h = v - ${rel} / TAU + x`;
  const doc = [
    '    """Multi-step LIF neuron, SpikingJelly `LIFNode` convention (spikingjelly.activation_based.neuron.LIFNode):',
    lif.decayInput ? '        charge  H_t = V_{t-1} + (X_t - (V_{t-1} - V_reset)) / tau      (decay_input=True)' : '        charge  H_t = V_{t-1} - (V_{t-1} - V_reset) / tau + X_t      (decay_input=False)',
    '        fire    S_t = [H_t >= threshold]                                (non-strict)',
    hard ? '        reset   V_t = (1 - S_t) * H_t + S_t * V_reset                   (hard reset)' : '        reset   V_t = H_t - S_t * threshold                             (soft reset, v_reset=None)',
    `    with tau = ${pyFloat(lif.tau)}, threshold = ${pyFloat(lif.threshold)}${hard ? `, V_reset = ${pyFloat(vReset)}` : ''}, V_{-1} = ${hard ? 'V_reset' : '0'}, detach_reset=${lif.detachReset ? 'True' : 'False'}.`,
    '    The operations are written in the order the studio evaluates them in float32, so spikes match bit for bit."""',
    '',
  ];
  const reset = hard ? (vReset === 0 ? ['        v = (1 - r) * h'] : ['        v = (1 - r) * h + r * V_RESET']) : ['        v = h - r * THRESHOLD'];
  const body = [
    `        v = ${hard && vReset !== 0 ? 'torch.full_like(x, V_RESET)' : 'torch.zeros_like(x)'} if self.state is None else self.state`,
    `        ${charge}`,
    '        s = spike(h - THRESHOLD)',
    lif.detachReset ? '        r = s.detach()  # detach_reset=True: no gradient through the reset' : '        r = s  # detach_reset=False: the reset carries the surrogate gradient too',
    ...reset,
    '        self.state = v',
  ];
  const consts = [`TAU = ${pyFloat(lif.tau)}`, `THRESHOLD = ${pyFloat(lif.threshold)}`];
  if (hard && vReset !== 0) consts.push(`V_RESET = ${pyFloat(vReset)}`);
  return [...consts, '', '', ...head, ...doc, ...common, ...body, ...tail];
}

function neuronSummary(lif: LifConfig): string {
  if (lif.model === 'snntorch') {
    return `snnTorch Leaky convention: beta = ${Math.min(1, Math.max(0, lif.beta))}, threshold = ${lif.threshold}, ${lif.reset} reset, ${lif.surrogate.kind === 'atan' ? `ATan(alpha = ${lif.surrogate.alpha})` : `fast sigmoid(k = ${lif.surrogate.k})`} surrogate`;
  }
  return `SpikingJelly LIFNode convention: tau = ${lif.tau}, threshold = ${lif.threshold}, ${lif.reset} reset${lif.reset === 'hard' ? ` to ${lif.vReset}` : ''}, decay_input=${lif.decayInput ? 'True' : 'False'}, detach_reset=${lif.detachReset ? 'True' : 'False'}, ${lif.surrogate.kind === 'atan' ? `ATan(alpha = ${lif.surrogate.alpha})` : `fast sigmoid(k = ${lif.surrogate.k})`} surrogate`;
}

interface ActiveEdge {
  from: number;
  to: number;
  code: number;
}

/** The cell's computing forward edges, node by node in the layer list's order (as src/tf/model.ts walks them). */
function forwardEdges(cell: Cell): ActiveEdge[] {
  const live = liveNodes(cell);
  const out: ActiveEdge[] = [];
  for (let node = 1; node < 4; node++) {
    for (let e = 0; e < EDGES; e++) if (EDGE_TO[e] === node && forwardEdgeActive(cell, e, live)) out.push({ from: EDGE_FROM[e], to: node, code: cell.forward[e] });
  }
  return out;
}

/**
 * The cell's computing backward edges (from node `from` at t − 1 into node `to`), in edge order, as src/tf/model.ts
 * walks them; named like their layer-list entries, `bIJ` from I into J.
 */
function backwardEdges(cell: Cell): ActiveEdge[] {
  const live = liveNodes(cell);
  const out: ActiveEdge[] = [];
  for (let e = 0; e < EDGES; e++) if (backwardEdgeActive(cell, e, live)) out.push({ from: EDGE_TO[e], to: EDGE_FROM[e], code: cell.backward[e] });
  return out;
}

export function cellClassName(cell: Cell): string {
  return `Cell${formatCell(cell)}`;
}

function edgeDoc(cell: Cell): string {
  const parts: string[] = [];
  for (let e = 0; e < EDGES; e++) parts.push(`${EDGE_FROM[e]}->${EDGE_TO[e]} ${OPS[cell.forward[e]]}`);
  return parts.join(', ');
}

function backwardEdgeDoc(cell: Cell): string {
  return backwardEdges(cell)
    .map((ed) => `${ed.from}(t-1)->${ed.to} ${OPS[ed.code]}`)
    .join(', ');
}

/** One edge's term in Python: `x` (or what holds node i's value) through the edge's op; conv edges read `s<i>`. */
function edgeTerm(ed: ActiveEdge, value: string, module: string): string {
  if (ed.code === 1) return value;
  if (ed.code === 4) return `avg_pool3x3(${value})`;
  return `self.${module}(s${ed.from})`;
}

/** The module of one cell: a multi-step module for a forward cell, a per-timestep loop for a backward one. */
function cellClass(cell: Cell): string[] {
  return backwardEdges(cell).length ? temporalCellClass(cell) : forwardCellClass(cell);
}

/** The LIFs (of the nodes some conv edge reads) and the ConvBN of every conv edge, forward then backward. */
function cellModules(cell: Cell): string[] {
  const fwd = forwardEdges(cell);
  const bwd = backwardEdges(cell);
  const init: string[] = [];
  const lifNodes = new Set<number>();
  for (const ed of [...fwd, ...bwd]) if (opHasWeights(ed.code)) lifNodes.add(ed.from);
  for (const n of [...lifNodes].sort()) init.push(`        self.lif${n} = LIF(f"{name}.lif${n}", timesteps)  # node ${n}'s spikes, read by its conv edges`);
  for (const ed of fwd) {
    if (opHasWeights(ed.code)) init.push(`        self.e${ed.from}${ed.to} = ConvBN(channels, channels, ${opKernel(ed.code)})  # edge ${ed.from}->${ed.to}: LIF -> ${OPS[ed.code]} -> BN`);
  }
  for (const ed of bwd) {
    if (opHasWeights(ed.code)) init.push(`        self.b${ed.from}${ed.to} = ConvBN(channels, channels, ${opKernel(ed.code)})  # backward edge ${ed.from}->${ed.to}: node ${ed.from} at t-1 -> LIF -> ${OPS[ed.code]} -> BN`);
  }
  return init.length ? init : ['        pass'];
}

function prunedDoc(cell: Cell): string | null {
  const live = liveNodes(cell);
  const pruned = [1, 2].filter((n) => !(live & (1 << n)));
  const graph = cell.backward.some((c) => c !== 0) ? ' (backward edges included)' : '';
  return pruned.length ? `Node${pruned.length > 1 ? 's' : ''} ${pruned.join(', ')} ${pruned.length > 1 ? 'are' : 'is'} not on a path from node 0 to node 3${graph}: pruned, as in SNASNet.` : null;
}

function forwardCellClass(cell: Cell): string[] {
  const edges = forwardEdges(cell);
  const body: string[] = [];
  const lifDone = new Set<number>();
  for (let node = 1; node < 4; node++) {
    const terms: string[] = [];
    for (const ed of edges) {
      if (ed.to !== node) continue;
      if (opHasWeights(ed.code) && !lifDone.has(ed.from)) {
        body.push(`        s${ed.from} = self.lif${ed.from}(x${ed.from})`);
        lifDone.add(ed.from);
      }
      terms.push(edgeTerm(ed, `x${ed.from}`, `e${ed.from}${ed.to}`));
    }
    if (terms.length) body.push(`        x${node} = ${terms.join(' + ')}`);
  }
  const pruned = prunedDoc(cell);
  return [
    `class ${cellClassName(cell)}(nn.Module):`,
    `    """Forward cell ${formatCell(cell)}: edges ${edgeDoc(cell)}.`,
    '    Node j sums its incoming edges; a conv edge is LIF(node i) -> conv -> BN, node i\'s LIF shared by its edges.',
    pruned ? `    ${pruned}"""` : '    """',
    '',
    '    def __init__(self, name, channels, timesteps):',
    '        super().__init__()',
    ...cellModules(cell),
    '',
    '    def forward(self, x0):',
    ...body,
    '        return x3',
  ];
}

/**
 * A backward cell (SNASNet's temporal cell), written as src/tf/model.ts runs it: one timestep at a time, node n
 * reads v_n = x_n + s_n, s_n the sum of the backward edges into n applied to v at t − 1 (none at t = 0); each node's
 * LIF steps once per timestep, on first use; each batch norm sees one timestep's batch.
 */
function temporalCellClass(cell: Cell): string[] {
  const fwd = forwardEdges(cell);
  const bwd = backwardEdges(cell);
  const live = liveNodes(cell);
  const withState = new Set(bwd.map((ed) => ed.to));
  const lifs = [...new Set([...fwd, ...bwd].filter((ed) => opHasWeights(ed.code)).map((ed) => ed.from))].sort();
  const body: string[] = [];
  const stepped = new Set<number>();
  const spikesOf = (n: number, indent: string) => {
    if (stepped.has(n)) return;
    body.push(`${indent}s${n} = self.lif${n}.step(v${n})`);
    stepped.add(n);
  };
  const nodeValue = (n: number, x: string, indent: string) => {
    body.push(withState.has(n) ? `${indent}v${n} = ${x} if state${n} is None else ${x} + state${n}` : `${indent}v${n} = ${x}`);
  };
  const ind = '            ';
  body.push(`        for m in (${lifs.map((n) => `self.lif${n}`).join(', ')}${lifs.length === 1 ? ',' : ''}):`, '            m.reset_state()');
  if (withState.size) body.push(`        ${[...withState].sort().map((n) => `state${n}`).join(' = ')} = None  # what the backward edges add at the next timestep`);
  body.push('        out = []', '        for x_t in x0.chunk(self.timesteps):');
  nodeValue(0, 'x_t', ind);
  for (let node = 1; node < 4; node++) {
    const terms: string[] = [];
    for (const ed of fwd) {
      if (ed.to !== node) continue;
      if (opHasWeights(ed.code)) spikesOf(ed.from, ind);
      terms.push(edgeTerm(ed, `v${ed.from}`, `e${ed.from}${ed.to}`));
    }
    if (!terms.length) {
      // A live node fed only by backward edges (live on the combined graph, as SNASNet prunes): x_n is the zero
      // op's output, so it reads v_n = 0 + s_n, zeros before the first state.
      if (live & (1 << node)) body.push(`${ind}v${node} = torch.zeros_like(x_t) if state${node} is None else state${node}`);
      continue;
    }
    if (withState.has(node)) {
      body.push(`${ind}x${node} = ${terms.join(' + ')}`);
      nodeValue(node, `x${node}`, ind);
    } else body.push(`${ind}v${node} = ${terms.join(' + ')}`);
  }
  body.push(`${ind}out.append(v3)`);
  for (const n of [...withState].sort()) {
    const terms: string[] = [];
    for (const ed of bwd) {
      if (ed.to !== n) continue;
      if (opHasWeights(ed.code)) spikesOf(ed.from, ind);
      terms.push(edgeTerm(ed, `v${ed.from}`, `b${ed.from}${ed.to}`));
    }
    body.push(`${ind}state${n} = ${terms.join(' + ')}`);
  }
  body.push(`        for m in (${lifs.map((n) => `self.lif${n}`).join(', ')}${lifs.length === 1 ? ',' : ''}):`, '            m.finish()', '        return torch.cat(out)');
  const pruned = prunedDoc(cell);
  return [
    `class ${cellClassName(cell)}(nn.Module):`,
    `    """Backward (temporal) cell ${formatCell(cell)}: forward edges ${edgeDoc(cell)};`,
    `    backward edges ${backwardEdgeDoc(cell)}.`,
    "    SNASNet's temporal cell: at timestep t node n reads v_n = x_n + s_n, where x_n sums its forward edges and",
    '    s_n the backward edges into n applied to v at t-1 (nothing at t = 0). So the cell runs one timestep at a',
    "    time: each LIF carries its membrane across timesteps (LIF.step) and each batch norm sees one timestep's",
    `    batch, as in SNASNet.${pruned ? ` ${pruned}` : ''}"""`,
    '',
    '    def __init__(self, name, channels, timesteps):',
    '        super().__init__()',
    '        self.timesteps = timesteps',
    ...cellModules(cell),
    '',
    '    def forward(self, x0):',
    '        # x0: [T*B, C, H, W], time-major; returns the cell output of every timestep in the same layout.',
    ...body,
  ];
}

function stageDoc(arch: Architecture): string[] {
  const [h1, h2, h3] = stageSizes(arch.input);
  const c = arch.channels;
  const cellLines = (k: number, cell: Cell, width: number, size: number): string[] => {
    const lines = [`  cell${k}  cell ${formatCell(cell)} at ${width} channels, ${size}x${size}:`];
    for (let node = 1; node < 4; node++) {
      const terms = forwardEdges(cell)
        .filter((e) => e.to === node)
        .map((e) => (e.code === 1 ? `x${e.from}` : e.code === 4 ? `avgpool3x3(x${e.from})` : `${OPS[e.code]}(LIF(x${e.from}))`));
      if (terms.length) lines.push(`           x${node} = ${terms.join(' + ')}`);
      else if (liveNodes(cell) & (1 << node)) lines.push(`           x${node} = 0 (no forward input: node ${node} reads only its backward edges' state)`);
    }
    if (backwardEdges(cell).length) lines.push(`           backward edges (added to the target node at the next timestep): ${backwardEdgeDoc(cell)}`);
    return lines;
  };
  return [
    arch.input.channels === 1 && arch.input.size === 28 ? '' : '',
    `  stem   conv3x3 (${arch.input.channels} -> ${c}) + BN on the ${arch.input.size}x${arch.input.size}x${arch.input.channels} input`,
    ...cellLines(1, arch.cells[0], c, h1),
    `  down   BN -> LIF -> conv3x3 (${c} -> ${2 * c}) -> BN -> avg-pool 2 (${h1}x${h1} -> ${h2}x${h2})`,
    ...cellLines(2, arch.cells[1], 2 * c, h2),
    `  head   BN -> LIF -> avg-pool 2 (-> ${h3}x${h3}) -> flatten (${2 * c * h3 * h3}) -> fc1 (-> ${arch.hidden}) -> LIF -> fc2 (-> ${arch.classes})`,
    `  logits fc2 of the mean over the T = ${arch.timesteps} timesteps of fc1's spikes (= the mean of fc2's outputs)`,
  ].filter((l) => l !== '');
}

/**
 * Where the input spike rate of a layer comes from, as src/tf/model.ts defines it: a cell edge
 * i→j reads node i's LIF, down its own LIF, fc2 fc1's LIF; the stem and fc1 are recorded by forward.
 */
function inputRateSource(name: string): string {
  // A forward edge eIJ or a backward edge bIJ reads node I's LIF.
  const edge = /^(cell[12])\.[eb](\d)\d$/.exec(name);
  if (edge) return `lif["${edge[1]}.lif${edge[2]}"]`;
  if (name === 'down') return 'lif["down.lif"]';
  if (name === 'fc2') return 'lif["fc1.lif"]';
  if (name === 'stem' || name === 'fc1') return `rates["${name}"]`;
  throw new ExportError(`no input spike rate is defined for layer ${name}`);
}

function modelPy(arch: Architecture, lif: LifConfig, encoding: Encoding, opts: PytorchExportOptions): string {
  const genome = formatGenome(arch);
  const layers = layerList(arch);
  const [, , h3] = stageSizes(arch.input);
  const c = arch.channels;
  const cells = new Map<string, Cell>();
  for (const cell of arch.cells) cells.set(cellClassName(cell), cell);
  const weightCount = layers.reduce((a, l) => a + layerWeights(l), 0);
  const lines: string[] = [
    `"""${genome}: a spiking network found with NeuroNAS Studio${opts.studioVersion ? ` ${opts.studioVersion}` : ''}, in plain PyTorch.`,
    '',
    "Generated from the architecture's layer list, the list the studio's cost model and its",
    'in-browser (tfjs) model are built from, so the three describe one network. Needs only',
    '`torch` (no SpikingJelly or snnTorch). Edit freely.',
    '',
    'The network (SNASNet macro-architecture):',
    ...stageDoc(arch),
    '',
    `Neuron: ${neuronSummary(lif)}.`,
    encoding === 'direct'
      ? 'Encoding: direct. The stem sees the static image once; its output is the input current at every timestep.'
      : 'Encoding: rate (Poisson). Each timestep draws input spikes with probability = pixel value (in [0, 1]).',
    'Pixels: x = byte / 255 in [0, 1], no mean/std normalisation (as the studio trains).',
    '',
    'Tensors are time-major with time folded into the batch, [T*B, C, H, W] at index t*B + b (as',
    "SpikingJelly's multi-step SeqToANNContainer): every conv and batch norm runs once over all",
    'timesteps (so batch statistics cover all of them), every LIF runs its recurrence over T.',
    ...(arch.cells.some((cell) => backwardEdges(cell).length)
      ? ['A backward cell is the exception: it runs one timestep at a time (its nodes add what its backward', "edges carried from t-1), so its batch norms see one timestep's batch."]
      : []),
    '',
    `Crossbar weights (the cost model's "parameters"): ${weightCount} in ${layers.length} layers; see Network.layer_weights().`,
    '"""',
    'import json',
    'import math',
    'import struct',
    'from collections import OrderedDict',
    '',
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    `GENOME = ${pyStr(genome)}`,
    `TIMESTEPS = ${arch.timesteps}`,
    `ENCODING = ${pyStr(encoding)}`,
    `WEIGHT_BITS = ${arch.weightBits}`,
    `INPUT_SHAPE = (${arch.input.channels}, ${arch.input.size}, ${arch.input.size})  # channels, height, width`,
    `CLASSES = ${arch.classes}`,
    `WEIGHTS_FILE = ${opts.weightsFile ? pyStr(opts.weightsFile) : 'None'}  # shipped alongside when the studio trained this network`,
    `NEURON = ${pyStr(JSON.stringify(lif))}  # the studio's neuron config`,
    '',
    '',
    ...spikeFunctionSource(lif),
    '',
    '',
    ...lifSource(lif),
    '',
    '',
    'class ConvBN(nn.Module):',
    '    """conv k x k (stride 1, zero padding keeps the size, no bias) -> batch norm."""',
    '',
    '    def __init__(self, cin, cout, k):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)',
    '        self.bn = nn.BatchNorm2d(cout)',
    '',
    '    def forward(self, x):',
    '        return self.bn(self.conv(x))',
    '',
    '',
    'def avg_pool3x3(x):',
    '    """The cell\'s avgpool3x3 edge: 3x3 mean, stride 1; at the border the mean of the pixels inside (TensorFlow\'s "same")."""',
    '    return F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)',
    '',
    '',
  ];
  for (const cell of cells.values()) lines.push(...cellClass(cell), '', '');
  lines.push(
    'class Down(nn.Module):',
    '    """Between the cells: BN -> LIF -> conv3x3 (C -> 2C) -> BN -> avg-pool 2."""',
    '',
    '    def __init__(self, cin, cout, timesteps):',
    '        super().__init__()',
    '        self.bn_in = nn.BatchNorm2d(cin)',
    '        self.lif = LIF("down.lif", timesteps)',
    '        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)',
    '        self.bn = nn.BatchNorm2d(cout)',
    '',
    '    def forward(self, x):',
    '        return F.avg_pool2d(self.bn(self.conv(self.lif(self.bn_in(x)))), 2)',
    '',
    '',
    'class Head(nn.Module):',
    '    """After cell 2: BN -> LIF -> avg-pool 2."""',
    '',
    '    def __init__(self, channels, timesteps):',
    '        super().__init__()',
    '        self.bn = nn.BatchNorm2d(channels)',
    '        self.lif = LIF("head.lif", timesteps)',
    '',
    '    def forward(self, x):',
    '        return F.avg_pool2d(self.lif(self.bn(x)), 2)',
    '',
    '',
    'class Network(nn.Module):',
    `    """${genome}. forward(x) takes images [B, ${arch.input.channels}, ${arch.input.size}, ${arch.input.size}] in [0, 1] and returns logits [B, ${arch.classes}]."""`,
    '',
    '    def __init__(self, timesteps=TIMESTEPS, encoding=ENCODING):',
    '        super().__init__()',
    '        self.timesteps = timesteps',
    '        self.encoding = encoding',
    `        self.stem = ConvBN(${arch.input.channels}, ${c}, 3)`,
    `        self.cell1 = ${cellClassName(arch.cells[0])}("cell1", ${c}, timesteps)`,
    `        self.down = Down(${c}, ${2 * c}, timesteps)`,
    `        self.cell2 = ${cellClassName(arch.cells[1])}("cell2", ${2 * c}, timesteps)`,
    `        self.head = Head(${2 * c}, timesteps)`,
    `        self.fc1 = nn.Linear(${2 * c * h3 * h3}, ${arch.hidden})`,
    '        self.fc1_lif = LIF("fc1.lif", timesteps)',
    `        self.fc2 = nn.Linear(${arch.hidden}, ${arch.classes})`,
    '        self.record = False',
    '        self.recorded_rates = {}',
    '',
    '    def forward(self, x, uniform=None):',
    '        """x: [B, C, H, W] in [0, 1]. uniform (rate encoding only): the [T, B, C, H, W] draws in [0, 1) to',
    '        encode with (default: torch.rand), to replay a given encoding."""',
    '        T, B = self.timesteps, x.shape[0]',
    '        if self.encoding == "direct":',
    '            h = self.stem(x).repeat(T, 1, 1, 1)  # [T*B, C, H, W]: the same current at every timestep',
    '        else:',
    '            u = torch.rand((T,) + tuple(x.shape), device=x.device) if uniform is None else uniform',
    '            encoded = (u < x).to(x.dtype).flatten(0, 1)  # [T*B, C, H, W] input spikes',
    '            h = self.stem(encoded)',
    '        h = self.cell1(h)',
    '        h = self.down(h)',
    '        h = self.cell2(h)',
    '        s = self.head(h).flatten(1)  # [T*B, 2C*h*w], channel-major as PyTorch flattens',
    '        if self.record:',
    '            # The rates of the inputs that are not a LIF\'s output: the stem reads the analog image',
    '            # (direct encoding: every input "active", rate 1) or the encoded spikes; fc1 the pooled spikes.',
    '            self.recorded_rates = {"stem": 1.0 if self.encoding == "direct" else encoded.mean().item(), "fc1": s.mean().item()}',
    '        s1 = self.fc1_lif(self.fc1(s))',
    '        return self.fc2(s1.reshape(T, B, -1).mean(0))',
    '',
    '    def lifs(self):',
    '        """Every LIF by its studio name."""',
    '        return OrderedDict((m.studio_name, m) for m in self.modules() if isinstance(m, LIF))',
    '',
    '    def record_spikes(self, on=True):',
    '        """While on, each forward leaves every LIF\'s spikes per timestep in its .spike_counts."""',
    '        self.record = on',
    '        for m in self.lifs().values():',
    '            m.record = on',
    '            m.spike_counts = None',
    '',
    '    def spike_counts(self):',
    '        """Spikes per timestep of every LIF in the last recorded forward: name -> [T] tensor."""',
    '        return OrderedDict((name, m.spike_counts) for name, m in self.lifs().items())',
    '',
    '    def layer_weights(self):',
    '        """The weight of each layer of the studio\'s layer list, in its order: what the cost model maps',
    '        onto crossbars (its parameter count is the sum of their sizes) and what quantize_weights_ quantizes."""',
    '        return OrderedDict([',
    ...layers.map((l) => `            (${pyStr(l.name!)}, self.${torchWeightKey(l).replace(/\.weight$/, '')}.weight),`),
    '        ])',
    '',
    '    @torch.no_grad()',
    '    def measure_spike_rates(self, x, uniform=None):',
    '        """Input spike rate of each weight layer of the layer list on the batch x, in eval mode: the',
    '        fraction of the layer\'s inputs that spike, over all timesteps. The studio\'s cost model scales',
    '        crossbar and ADC energy by it (save_weights(spike_rates=...) carries it back to the studio)."""',
    '        mode = self.training',
    '        self.eval()',
    '        self.record_spikes(True)',
    '        try:',
    '            self(x, uniform)',
    '            lif = {name: m.spike_counts.sum().item() / m.spike_slots for name, m in self.lifs().items()}',
    '            rates = self.recorded_rates',
    '        finally:',
    '            self.record_spikes(False)',
    '            self.train(mode)',
    '        return OrderedDict([',
    ...layers.map((l) => `            (${pyStr(l.name!)}, ${inputRateSource(l.name!)}),`),
    '        ])',
    '',
    '    @torch.no_grad()',
    '    def calibrate(self, x, target_std=1.0):',
    '        """The studio\'s data-dependent start for fc1 (LSUV-style): scales fc1\'s weights so its',
    '        pre-activation (without bias) over the batch x has standard deviation target_std. fc1 feeds a',
    '        LIF with no batch norm in between; without this the hidden layer of a narrow net can start',
    '        silent (threshold 1) and fc2 gets no gradient. Uses batch statistics and leaves the running',
    '        ones as they were. Returns the scale applied."""',
    '        kept = {k: v.clone() for k, v in self.state_dict().items() if "running_" in k or "num_batches" in k}',
    '        seen = []',
    '        hook = self.fc1.register_forward_hook(lambda m, inp, out: seen.append(F.linear(inp[0], m.weight)))',
    '        mode = self.training',
    '        try:',
    '            self.train()',
    '            self(x)',
    '        finally:',
    '            hook.remove()',
    '            self.train(mode)',
    '            self.load_state_dict(kept, strict=False)',
    '        std = seen[0].std(unbiased=False).item()',
    '        if not std > 1e-6:',
    '            return 1.0',
    '        self.fc1.weight.mul_(target_std / std)',
    '        return target_std / std',
    '',
    '    @torch.no_grad()',
    '    def quantize_weights_(self, bits=WEIGHT_BITS, scales=None):',
    '        """The studio\'s quantization, in place: per layer, uniform and symmetric,',
    '        scale = max|w| / (2^(bits-1) - 1) (or the given scales by layer name),',
    '        w <- scale * clamp(round_half_even(w / scale), -q_max, q_max). Biases and batch norms stay float."""',
    '        q_max = 2 ** (bits - 1) - 1',
    '        used = {}',
    '        for name, w in self.layer_weights().items():',
    '            scale = torch.tensor(scales[name], dtype=w.dtype) if scales else w.abs().max() / q_max',
    '            if scale > 0:',
    '                w.copy_(torch.clamp(torch.round(w / scale), -q_max, q_max) * scale)',
    '            used[name] = float(scale)',
    '        return used',
    '',
    '    def load_weights(self, path):',
    '        """Loads a NeuroNAS weights file (safetensors: neuronas train --save-weights, or save_weights).',
    '        Returns its metadata (genome, neuron, encoding, weight_bits, quant_scales, spike_rates)."""',
    '        tensors, meta = read_safetensors(path)',
    '        if meta.get("genome") != GENOME:',
    '            raise ValueError(f"{path} holds weights of {meta.get(\'genome\')}, not of {GENOME}")',
    '        if meta.get("neuron") and json.loads(meta["neuron"]) != json.loads(NEURON):',
    '            raise ValueError(f"{path} was trained with the neuron {meta[\'neuron\']}; this model.py uses {NEURON}")',
    '        self.load_state_dict(tensors, strict=True)',
    '        return {k: (json.loads(v) if k in ("neuron", "quant_scales", "spike_rates") else v) for k, v in meta.items()}',
    '',
    '    def save_weights(self, path, spike_rates=None, source="PyTorch"):',
    '        """Saves the weights as a NeuroNAS weights file the studio can load back (safetensors)."""',
    '        q_max = 2 ** (WEIGHT_BITS - 1) - 1',
    '        meta = {',
    '            "format": "neuronas-weights",',
    '            "format_version": "1",',
    '            "genome": GENOME,',
    '            "neuron": NEURON,',
    '            "encoding": self.encoding,',
    '            "weight_bits": str(WEIGHT_BITS),',
    '            "quant_scales": json.dumps({n: float(w.detach().abs().max()) / q_max for n, w in self.layer_weights().items()}),',
    '            "source": source,',
    '        }',
    '        if spike_rates is not None:',
    '            meta["spike_rates"] = json.dumps(spike_rates)',
    '        write_safetensors(path, self.state_dict(), meta)',
    '',
    '',
    '_DTYPES = {"F32": torch.float32, "I64": torch.int64}',
    '',
    '',
    'def read_safetensors(path):',
    '    """A .safetensors file with json + struct + torch only: 8-byte little-endian header length,',
    '    JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then the raw data.',
    '    Returns (tensors by name, metadata). Never unpickles anything."""',
    '    with open(path, "rb") as f:',
    '        (n,) = struct.unpack("<Q", f.read(8))',
    '        header = json.loads(f.read(n))',
    '        data = f.read()',
    '    meta = header.pop("__metadata__", {})',
    '    tensors = {}',
    '    for name, entry in header.items():',
    '        begin, end = entry["data_offsets"]',
    '        dtype = _DTYPES[entry["dtype"]]',
    '        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)',
    '        tensors[name] = flat.reshape(entry["shape"])',
    '    return tensors, meta',
    '',
    '',
    'def write_safetensors(path, tensors, metadata):',
    '    """Writes float32 and int64 tensors and string metadata as a .safetensors file."""',
    '    names = {torch.float32: "F32", torch.int64: "I64"}',
    '    header = {"__metadata__": metadata}',
    '    blobs, offset = [], 0',
    '    for name, t in tensors.items():',
    '        t = t.detach().to("cpu").contiguous()',
    '        blob = t.numpy().tobytes()',
    '        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}',
    '        blobs.append(blob)',
    '        offset += len(blob)',
    '    text = json.dumps(header).encode()',
    '    text += b" " * ((8 - (8 + len(text)) % 8) % 8)',
    '    with open(path, "wb") as f:',
    '        f.write(struct.pack("<Q", len(text)))',
    '        f.write(text)',
    '        for blob in blobs:',
    '            f.write(blob)',
    '',
    '',
    'def build(weights=None):',
    '    """The network; with the shipped weights (or the given file) when there are any."""',
    '    import os',
    '',
    '    net = Network()',
    '    path = weights or (WEIGHTS_FILE and os.path.join(os.path.dirname(os.path.abspath(__file__)), WEIGHTS_FILE))',
    '    if path and os.path.exists(path):',
    '        net.load_weights(path)',
    '    return net',
    '',
    '',
    'if __name__ == "__main__":',
    '    net = build()',
    '    n = sum(w.numel() for w in net.layer_weights().values())',
    `    print(f"{GENOME}: {n} crossbar weights, {sum(p.numel() for p in net.parameters())} trainable parameters")`,
    '',
  );
  return lines.join('\n');
}

function trainPy(arch: Architecture): string {
  const cifarLike = arch.input.size === 32 && arch.input.channels === 3;
  const defaultData = cifarLike ? (arch.classes === 100 ? 'cifar100' : 'cifar10') : arch.input.channels === 1 && arch.input.size === 28 ? 'mnist' : 'FILE.safetensors';
  return [
    '"""Trains the exported network (model.py) with SNASNet\'s recipe as the defaults:',
    'SGD (lr 0.1, momentum 0.9, weight decay 5e-4), cosine schedule over all epochs, batch 64,',
    'CIFAR augmentation (random crop with 4 pixels of padding, horizontal flip) on 32x32 colour input.',
    'Loss: cross-entropy of the logits (fc2 of the time-averaged hidden spikes), backpropagation through',
    'time with the surrogate gradient.',
    '',
    'Data: --data mnist | fashion-mnist | cifar10 | cifar100 (torchvision, downloaded to --data-dir), or a',
    '.safetensors file with "images" [N, C, H, W] float32 in [0, 1] and "labels" [N] int64 (and optionally',
    '"test_images", "test_labels"). Pixels stay in [0, 1] (byte / 255), as the studio trains.',
    '',
    'Examples:',
    `  python3 train.py --data ${defaultData} --epochs 300`,
    '  python3 train.py --data my.safetensors --steps 50 --lr 0.05',
    '"""',
    'import argparse',
    'import math',
    'import time',
    '',
    'import torch',
    'import torch.nn.functional as F',
    '',
    'import model as exported',
    '',
    '',
    'def load_data(args):',
    '    if args.data.endswith(".safetensors"):',
    '        t, _ = exported.read_safetensors(args.data)',
    '        test = (t["test_images"], t["test_labels"]) if "test_images" in t else None',
    '        return (t["images"], t["labels"]), test',
    '    import torchvision  # only for the named data sets',
    '',
    '    sets = {"mnist": torchvision.datasets.MNIST, "fashion-mnist": torchvision.datasets.FashionMNIST,',
    '            "cifar10": torchvision.datasets.CIFAR10, "cifar100": torchvision.datasets.CIFAR100}',
    '    if args.data not in sets:',
    '        raise SystemExit(f"--data must be one of {\', \'.join(sets)} or a .safetensors file, got {args.data}")',
    '',
    '    def tensors(train):',
    '        ds = sets[args.data](args.data_dir, train=train, download=True)',
    '        x = torch.as_tensor(ds.data)',
    '        x = (x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2)).float() / 255',
    '        return x, torch.as_tensor(ds.targets, dtype=torch.int64)',
    '',
    '    return tensors(True), tensors(False)',
    '',
    '',
    'def augment(x, pad=4):',
    '    """Random crop (zero padding `pad`) and random horizontal flip, per image."""',
    '    B, _, H, W = x.shape',
    '    padded = F.pad(x, (pad, pad, pad, pad))',
    '    dy = torch.randint(0, 2 * pad + 1, (B,))',
    '    dx = torch.randint(0, 2 * pad + 1, (B,))',
    '    out = torch.stack([padded[i, :, dy[i]:dy[i] + H, dx[i]:dx[i] + W] for i in range(B)])',
    '    flip = torch.rand(B) < 0.5',
    '    out[flip] = out[flip].flip(3)',
    '    return out',
    '',
    '',
    '@torch.no_grad()',
    'def evaluate(net, data, device, batch=250):',
    '    net.eval()',
    '    x, y = data',
    '    correct = 0',
    '    for i in range(0, len(x), batch):',
    '        correct += (net(x[i:i + batch].to(device)).argmax(1).cpu() == y[i:i + batch]).sum().item()',
    '    return correct / len(x)',
    '',
    '',
    '@torch.no_grad()',
    'def measure_spike_rates(net, data, device, batch=250, limit=2000):',
    '    """Mean input spike rate of each weight layer over (up to limit of) the images, in eval mode."""',
    '    x = data[0][:limit]',
    '    total = {}',
    '    for i in range(0, len(x), batch):',
    '        part = x[i:i + batch]',
    '        for name, rate in net.measure_spike_rates(part.to(device)).items():',
    '            total[name] = total.get(name, 0.0) + rate * len(part)',
    '    return {name: v / len(x) for name, v in total.items()}',
    '',
    '',
    'def main():',
    '    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])',
    `    p.add_argument("--data", default=${JSON.stringify(defaultData)})`,
    '    p.add_argument("--data-dir", default="data")',
    '    p.add_argument("--epochs", type=int, default=300)',
    '    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: run every epoch)")',
    '    p.add_argument("--batch-size", type=int, default=64)',
    '    p.add_argument("--lr", type=float, default=0.1)',
    '    p.add_argument("--momentum", type=float, default=0.9)',
    '    p.add_argument("--weight-decay", type=float, default=5e-4)',
    `    p.add_argument("--augment", choices=["cifar", "none"], default=${JSON.stringify(cifarLike ? 'cifar' : 'none')})`,
    '    p.add_argument("--weights", help="start from these weights (default: the shipped ones, if any)")',
    '    p.add_argument("--fresh", action="store_true", help="start from a fresh initialisation, ignoring shipped weights")',
    '    p.add_argument("--save", default="trained.safetensors", help="where to write the trained weights")',
    '    p.add_argument("--seed", type=int, default=0)',
    '    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")',
    '    p.add_argument("--log-every", type=int, default=50)',
    '    args = p.parse_args()',
    '',
    '    torch.manual_seed(args.seed)',
    '    device = torch.device(args.device)',
    '    net = exported.Network() if args.fresh else exported.build(args.weights)',
    '    net.to(device)',
    '    train, test = load_data(args)',
    '    x_all, y_all = train',
    '    if tuple(x_all.shape[1:]) != exported.INPUT_SHAPE:',
    '        raise SystemExit(f"the data has images of shape {tuple(x_all.shape[1:])}; the network takes {exported.INPUT_SHAPE}")',
    '    if args.fresh or not (args.weights or exported.WEIGHTS_FILE):',
    '        # A fresh start: as the studio does, scale fc1 on a first batch so the hidden layer fires.',
    '        scale = net.calibrate(x_all[torch.randperm(len(x_all))[:args.batch_size]].to(device))',
    '        print(f"calibrated fc1 (scale {scale:.3f})", flush=True)',
    '    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)',
    '    per_epoch = math.ceil(len(x_all) / args.batch_size)',
    '    total = args.steps if args.steps > 0 else per_epoch * args.epochs',
    '    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)',
    '    step, t0 = 0, time.time()',
    '    while step < total:',
    '        net.train()',
    '        order = torch.randperm(len(x_all))',
    '        for i in range(0, len(order), args.batch_size):',
    '            idx = order[i:i + args.batch_size]',
    '            x, y = x_all[idx], y_all[idx]',
    '            if args.augment == "cifar":',
    '                x = augment(x)',
    '            loss = F.cross_entropy(net(x.to(device)), y.to(device))',
    '            opt.zero_grad()',
    '            loss.backward()',
    '            opt.step()',
    '            sched.step()',
    '            step += 1',
    '            if step % args.log_every == 0 or step == 1 or step == total:',
    '                print(f"step {step} loss {loss.item():.6f} lr {sched.get_last_lr()[0]:.6f} ({time.time() - t0:.1f} s)", flush=True)',
    '            if step >= total:',
    '                break',
    '        if test is not None and (step % per_epoch == 0 or step >= total):',
    '            print(f"step {step} test accuracy {evaluate(net, test, device):.4f}", flush=True)',
    '    # The activity the studio\'s cost model re-costs energy with (its import on the architecture detail).',
    '    spike_rates = measure_spike_rates(net, test if test is not None else train, device)',
    '    print("input spike rates " + ", ".join(f"{k} {v:.3f}" for k, v in spike_rates.items()), flush=True)',
    '    net.save_weights(args.save, spike_rates=spike_rates, source=f"train.py ({args.data}, {step} steps)")',
    '    print(f"saved {args.save}")',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  ].join('\n');
}

function readme(arch: Architecture, lif: LifConfig, encoding: Encoding, opts: PytorchExportOptions): string {
  const genome = formatGenome(arch);
  const layers = layerList(arch);
  const weightCount = layers.reduce((a, l) => a + layerWeights(l), 0);
  return [
    `# ${genome} in PyTorch`,
    '',
    `Exported by NeuroNAS Studio${opts.studioVersion ? ` ${opts.studioVersion}` : ''}: the spiking network of architecture \`${genome}\`, as plain PyTorch code`,
    'generated from the same layer list the studio costs and trains, so this is the network the studio measured.',
    '',
    '## Files',
    '',
    '- `model.py`: the network (`Network`), its LIF neuron and surrogate gradient, and safetensors',
    '  read/write with `json` + `struct` + `torch` only (no pickle). `python3 model.py` prints its size.',
    '- `train.py`: training with SNASNet\'s recipe as defaults (SGD 0.1, momentum 0.9, weight decay 5e-4,',
    '  cosine schedule, batch 64, CIFAR augmentation); `python3 train.py --help` lists its flags.',
    opts.weightsFile
      ? `- \`${opts.weightsFile}\`: the weights the studio trained${opts.weightsNote ? ` (${opts.weightsNote})` : ''}: float weights, batch-norm statistics, and in its metadata the ${arch.weightBits}-bit quantization scales, the neuron and the measured spike rates. \`model.build()\` loads it.`
      : '- No weights: none were given (the page\'s in-browser training keeps none; `neuronas train --save-weights FILE` then `neuronas export --weights FILE` ship them). `model.build()` starts from PyTorch\'s default initialisation, the same uniform(±1/√fan_in) the studio uses.',
    '',
    '## Use',
    '',
    '```python',
    'import torch, model',
    'net = model.build()          # with the shipped weights, if any',
    'net.eval()',
    `logits = net(torch.rand(8, ${arch.input.channels}, ${arch.input.size}, ${arch.input.size}))   # images in [0, 1]`,
    'net.quantize_weights_()      # the studio\'s ' + `${arch.weightBits}-bit per-layer quantization, in place`,
    '```',
    '',
    '```sh',
    'python3 train.py --epochs 300            # on a GPU when there is one',
    'python3 train.py --data my.safetensors --steps 100',
    '```',
    '',
    '## What it computes',
    '',
    `- Neuron: ${neuronSummary(lif)}. The spike is a step forward and the surrogate gradient backward.`,
    `- Input: ${encoding === 'direct' ? 'direct encoding (the stem\'s output of the static image is the current at every timestep)' : 'rate (Poisson) encoding (spikes with probability = pixel value at every timestep)'}; pixels in [0, 1], not normalised.`,
    `- T = ${arch.timesteps} timesteps, time folded into the batch ([T*B, C, H, W]); batch norms normalise over all timesteps${arch.cells.some((cell) => backwardEdges(cell).length) ? ", except in a backward cell, which runs one timestep at a time (its batch norms see one timestep's batch, as in SNASNet)" : ''}.`,
    '- Output: fc2 of the time-averaged spikes of the hidden layer (the mean over T of fc2\'s output).',
    `- Crossbar weights: ${weightCount} (the cost model's parameter count; \`Network.layer_weights()\`), in the layer-list order`,
    `  ${layers.map((l) => l.name).join(', ')}.`,
    '',
    '## Differences from the studio to know about',
    '',
    '- Batch-norm running statistics: PyTorch\'s fixed momentum 0.1; the studio averages the first updates',
    '  exactly (momentum max(0.1, 1/k) at the k-th update). Evaluation with given statistics is identical.',
    '- The studio\'s trainer (Adam by default, short runs) differs from `train.py` (SNASNet\'s SGD recipe).',
    '',
    '## Back to the studio',
    '',
    '`train.py` saves `trained.safetensors` (the same format, with the genome, the neuron and the input spike rate',
    'of every layer measured on the test images in its metadata; `Network.measure_spike_rates(x)` measures them',
    'on any batch). On the studio\'s architecture detail, **Import PyTorch weights…** reads the file and',
    're-costs the energy with those measured rates: activity-aware hardware cost of the GPU-trained network.',
    '',
  ].join('\n');
}

/** model.py, train.py and README.md for `arch`; throws ExportError for what cannot be written (e.g. a non-finite neuron constant). */
export function pytorchPackage(arch: Architecture, opts: PytorchExportOptions = {}): PytorchPackage {
  const lif = opts.lif ?? DEFAULT_LIF;
  validateLifConfig(lif);
  const encoding = opts.encoding ?? 'direct';
  const files = new Map<string, string>();
  files.set('model.py', modelPy(arch, lif, encoding, opts));
  files.set('train.py', trainPy(arch));
  files.set('README.md', readme(arch, lif, encoding, opts));
  return { files };
}
