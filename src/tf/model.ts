/**
 * Architecture → trainable tfjs spiking network.
 *
 * Every weight variable is created from an entry of `layerList(arch)` (the
 * same function the cost estimator reads), by the entry's `name` and shape
 * (conv: [k, k, cin, cout]; fc: [cin, cout]), and the forward pass looks
 * each one up by that name. So the network and the cost model cannot
 * disagree: an edge with weights that the layer list does not name has no
 * weight to run with, and the tests compare the two lists.
 *
 * Multi-step form: time is folded into the batch, [T·B, H, W, C] with index
 * t·B + b, so each conv runs once over all T timesteps and each LIF runs its
 * recurrence over the T axis in one (fused) op. The whole unroll is one graph
 * (backpropagation through time).
 *
 *   direct encoding: stem conv3×3 + BN on the static image once, tiled over T
 *   rate encoding:   Bernoulli(pixel) input spikes per t (seeded), stem conv + BN
 *   cell:            node j = Σ of its active incoming edges i→j
 *                      conv1x1 / conv3x3: LIF(node i) → conv → BN
 *                      (node i's LIF is computed once and shared by all its edges)
 *                      skip: node i;  avgpool3x3: avg-pool 3×3, stride 1, pad 1
 *   backward cell:   SNASNet's temporal cell (snn-search.md): node i reads
 *                    v_i = x_i + s_i, where the state s_i is the sum of the
 *                    backward edges j→i applied to v_j at t − 1 (s_3 = 0,
 *                    every s = 0 at t = 0). A live node without a live forward
 *                    input (live on the combined graph, through a backward
 *                    edge) has x_i = 0, so v_i = s_i. The cell output at t depends on its
 *                    output at t − 1, so it runs one timestep at a time: each
 *                    node's LIF is a stepper (lifStepper) whose membrane and
 *                    gradient carry across t, and each batch norm sees one
 *                    timestep's B samples (its running statistics move T
 *                    times a batch), as in SNASNet, where every layer runs per
 *                    timestep. In eval mode (running statistics) a backward
 *                    cell without backward edges computes what the multi-step
 *                    cell does.
 *   down:            BN → LIF → conv3×3 (C → 2C) → BN → avg-pool 2
 *   head:            BN → LIF → avg-pool 2 → flatten → FC(hidden) → LIF → FC(classes)
 *   logits:          mean over T of the last FC's output (computed as the FC of
 *                    the time-mean of fc1's spikes: the same number, T× cheaper)
 *
 * Spike rates: the model reports, for each weight layer of the layer list in
 * order, the rate of the spikes that layer READS (its input), which is what
 * the cost model's activity-aware energy takes as `input_rates`:
 *   stem   rate encoding: the encoded input's mean; direct encoding: 1
 *          (the stem reads the analog image, every input is "active")
 *   cellK.eij  the rate of node i's LIF in cell K
 *   down   its own LIF (after the BN)
 *   fc1    the mean of the pooled head spikes it reads
 *   fc2    fc1's LIF
 */
import * as tf from '@tensorflow/tfjs-core';
import { EDGES, EDGE_FROM, EDGE_TO, backwardEdgeActive, forwardEdgeActive, isTemporalCell, liveNodes, opHasWeights, type Cell } from '../core/arch/cell.ts';
import { layerList, stageSizes, type Architecture } from '../core/arch/architecture.ts';
import type { Layer } from '../core/layers.ts';
import { DEFAULT_LIF, type LifConfig } from '../core/snn/lif.ts';
import { lifMultiStep, lifMultiStepPacked, lifStepper } from './lif.ts';
import { conv2d, packedSpikeConv, type ConvInput } from './conv.ts';
import { packedSpikeCount, unpackSpikes, type PackedSpikes } from './spike-kernels.ts';
import { avgPool2, dense, meanAll, repeatTime, timeMean } from './ops.ts';
import { batchNorm, makeBatchNorm, type BatchNormParams } from './batchnorm.ts';

export type Encoding = 'direct' | 'rate';

export class ModelError extends Error {
  override name = 'ModelError';
}

export interface BuildOptions {
  /** neuron of every LIF (default: the studio's DEFAULT_LIF, SNASNet's SpikingJelly LIFNode) */
  lif?: LifConfig;
  /** input encoding (default direct) */
  encoding?: Encoding;
  /** seed of the weight initialisation (default 0) */
  seed?: number;
  /** batch-norm running-statistics momentum (default 0.1) */
  bnMomentum?: number;
}

export interface ForwardOptions {
  /** batch statistics in the batch norms (and update the running ones); else the running statistics */
  training: boolean;
  /** with training: leave the running statistics alone (default false) */
  freezeStats?: boolean;
  /** seed of the Poisson draw (rate encoding); default 0 */
  encodingSeed?: number;
  /** maps each layer-list weight before use (quantization-aware training); gets the layer name */
  weightTransform?: (w: tf.Tensor, name: string) => tf.Tensor;
  /**
   * Return every LIF's binary output spikes (time-major [T·B, ...]) in
   * `ForwardResult.spikes`, in `lifNames` order: the training-free score
   * (src/tf/score.ts) builds its kernel from them. Default false.
   */
  collectSpikes?: boolean;
  /** sees fc1's pre-activation (without bias) as 'fc1.pre'; for calibration and inspection */
  onTensor?: (name: string, t: tf.Tensor) => void;
  /**
   * The score's form (no gradient): each LIF writes its spikes bit-packed
   * (lifMultiStepPacked) where the backend can, the convolutions that read
   * them run event-driven or dense by the layer's spike rate
   * (packedSpikeConv), and collected spikes come back packed. The values
   * (spikes, rates, logits) are those of the ordinary forward, bit for bit.
   * Default false.
   */
  packedSpikes?: boolean;
  /**
   * No gradient will be taken of this pass (the score): each stage (stem,
   * cells, down) runs in its own tf.tidy, so its temporaries are freed as it
   * ends, not when the whole pass does. Same values, bit for bit; a lower
   * peak. Default false (a gradient's tape may hold on to a stage's tensors).
   */
  noGradient?: boolean;
}

/** One LIF's collected spikes: 0/1 floats, or bit-packed (ForwardOptions.packedSpikes). */
export interface CollectedSpikes {
  name: string;
  spikes?: tf.Tensor;
  packed?: PackedSpikes;
}

export interface ForwardResult {
  /** [B, classes]: the mean over T of the last FC's output */
  logits: tf.Tensor2D;
  /** [layers.length]: each weight layer's input spike rate, layer-list order */
  inputRates: tf.Tensor1D;
  /** [lifNames.length]: each LIF's output spike rate */
  lifRates: tf.Tensor1D;
  /** with `collectSpikes`: each LIF's spikes, [T·B, ...] time-major, in `lifNames` order */
  spikes?: CollectedSpikes[];
}

export interface SpikingModel {
  readonly arch: Architecture;
  readonly encoding: Encoding;
  readonly lif: LifConfig;
  /** layerList(arch): the weight layers, in execution order */
  readonly layers: readonly Layer[];
  /** the weight of each layer-list entry, by its name */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** the batch norms by name: one per conv (the conv's layer name) plus 'down.bn_in' and 'head.bn' */
  readonly batchNorms: ReadonlyMap<string, BatchNormParams>;
  /** every trainable variable: weights, FC biases, BN γ and β */
  readonly trainable: readonly tf.Variable[];
  /** names of the model's LIFs, in the order of `lifRates` */
  readonly lifNames: readonly string[];
  forward(x: tf.Tensor4D, opts: ForwardOptions): ForwardResult;
  /**
   * Data-dependent init of fc1 (LSUV-style): scales fc1's weights so its
   * pre-activation over batch `x` has standard deviation `targetStd`
   * (default 1). fc1 feeds a LIF with no batch norm in between; without this
   * the hidden layer of a narrow net can start silent (θ = 1), leaving fc2
   * without gradient. Returns the scale applied. Uses batch statistics, as
   * training does, without touching the running statistics.
   */
  calibrate(x: tf.Tensor4D, targetStd?: number): number;
  /** total number of parameters (trainable) */
  parameterCount(): number;
  dispose(): void;
}

let modelCounter = 0;

/** PyTorch's default init for conv and linear weights: uniform(±1/√fan_in) (kaiming_uniform with a = √5). */
function initWeight(shape: number[], fanIn: number, seed: number): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.randomUniform(shape, -bound, bound, 'float32', seed);
}

function checkArchitecture(arch: Architecture): void {
  if (arch.input.size < 4) throw new ModelError(`input size ${arch.input.size} is too small: two 2× poolings need at least 4×4`);
}

interface CellEdge {
  e: number;
  from: number;
  to: number;
  code: number;
  /** its layer-list name (weighted ops) or what it would be called */
  name: string;
}

/** Walks one cell's forward edges in the layer list's execution order. */
function cellEdges(cell: Cell, prefix: string): CellEdge[] {
  const live = liveNodes(cell);
  const out: CellEdge[] = [];
  for (let node = 1; node < 4; node++) {
    for (let e = 0; e < EDGES; e++) {
      if (EDGE_TO[e] !== node || !forwardEdgeActive(cell, e, live)) continue;
      out.push({ e, from: EDGE_FROM[e], to: node, code: cell.forward[e], name: `${prefix}.e${EDGE_FROM[e]}${node}` });
    }
  }
  return out;
}

/** One cell's active backward edges: from node `from` at t − 1 (its EDGE_TO end) into node `to`. */
function backwardCellEdges(cell: Cell, prefix: string): CellEdge[] {
  const live = liveNodes(cell);
  const out: CellEdge[] = [];
  for (let e = 0; e < EDGES; e++) {
    if (!backwardEdgeActive(cell, e, live)) continue;
    out.push({ e, from: EDGE_TO[e], to: EDGE_FROM[e], code: cell.backward[e], name: `${prefix}.b${EDGE_TO[e]}${EDGE_FROM[e]}` });
  }
  return out;
}

/** The nodes whose LIF some weighted edge reads, ascending. */
function lifNodes(cell: Cell): number[] {
  const nodes = new Set<number>();
  for (const ed of [...cellEdges(cell, ''), ...backwardCellEdges(cell, '')]) if (opHasWeights(ed.code)) nodes.add(ed.from);
  return [...nodes].sort((a, b) => a - b);
}

export function buildModel(arch: Architecture, opts: BuildOptions = {}): SpikingModel {
  checkArchitecture(arch);
  const lif = opts.lif ?? DEFAULT_LIF;
  const encoding = opts.encoding ?? 'direct';
  const seed = opts.seed ?? 0;
  const momentum = opts.bnMomentum ?? 0.1;
  const layers = layerList(arch);
  const id = `m${++modelCounter}`;
  const T = arch.timesteps;
  const [, , h3] = stageSizes(arch.input);

  const weights = new Map<string, tf.Variable>();
  const biases = new Map<string, tf.Variable>();
  const bns = new Map<string, BatchNormParams>();
  const layerIndex = new Map<string, number>();

  tf.tidy(() => {
    layers.forEach((l, i) => {
      const name = l.name ?? `layer${i}`;
      layerIndex.set(name, i);
      if (l.kind === 'conv') {
        weights.set(name, tf.variable(initWeight([l.k, l.k, l.cin, l.cout], l.k * l.k * l.cin, seed * 1009 + i), true, `${id}/${name}`));
        bns.set(name, makeBatchNorm(l.cout, `${id}/${name}.bn`));
      } else {
        weights.set(name, tf.variable(initWeight([l.cin, l.cout], l.cin, seed * 1009 + i), true, `${id}/${name}`));
        biases.set(name, tf.variable(initWeight([l.cout], l.cin, seed * 1009 + 500 + i), true, `${id}/${name}.bias`));
      }
    });
    // The batch norms in front of a LIF (not after a conv): the down block's input and the head's.
    bns.set('down.bn_in', makeBatchNorm(arch.channels, `${id}/down.bn_in`));
    bns.set('head.bn', makeBatchNorm(2 * arch.channels, `${id}/head.bn`));
  });
  for (const name of ['stem', 'down', 'fc1', 'fc2']) {
    if (!weights.has(name)) throw new ModelError(`the layer list has no '${name}' layer`);
  }

  // The LIFs, in forward order (the order of lifRates).
  const lifNames: string[] = [];
  for (const [ci, cell] of arch.cells.entries()) {
    const sorted = lifNodes(cell);
    if (ci === 0) {
      for (const n of sorted) lifNames.push(`cell1.lif${n}`);
      lifNames.push('down.lif');
    } else {
      for (const n of sorted) lifNames.push(`cell2.lif${n}`);
    }
  }
  lifNames.push('head.lif', 'fc1.lif');

  const trainable: tf.Variable[] = [...weights.values(), ...biases.values()];
  for (const bn of bns.values()) trainable.push(bn.gamma, bn.beta);

  function forward(x: tf.Tensor4D, fo: ForwardOptions): ForwardResult {
    const { training } = fo;
    if (x.rank !== 4 || x.shape[1] !== arch.input.size || x.shape[2] !== arch.input.size || x.shape[3] !== arch.input.channels) {
      throw new ModelError(`input must be [B, ${arch.input.size}, ${arch.input.size}, ${arch.input.channels}], got [${x.shape.join(', ')}]`);
    }
    const B = x.shape[0];
    // (tf.tidy keeps every tensor the result holds, nested ones included: the packed spikes' bits too.)
    return tf.tidy((): tf.TensorContainer => {
      const lifRate = new Map<string, tf.Scalar>();
      const lifSpikes = new Map<string, CollectedSpikes>();
      const inRate: tf.Scalar[] = new Array(layers.length);
      const w = (name: string): tf.Tensor => {
        const v = weights.get(name);
        if (!v) throw new ModelError(`no weight named '${name}' in the layer list`);
        return fo.weightTransform ? fo.weightTransform(v, name) : v;
      };
      const bn = <R extends tf.Tensor>(t: R, name: string): R => batchNorm(t, bns.get(name)!, training, { momentum, updateRunning: !fo.freezeStats });
      // A LIF's output: 0/1 floats, or in the score's form bit-packed where the backend allows.
      type Spikes = tf.Tensor | PackedSpikes;
      const isPacked = (s: Spikes): s is PackedSpikes => !(s instanceof tf.Tensor);
      const spike = (t: tf.Tensor, name: string): Spikes => {
        const p = fo.packedSpikes ? lifMultiStepPacked(t, T, lif) : null;
        if (p) {
          lifRate.set(name, tf.scalar(packedSpikeCount(p) / t.size));
          if (fo.collectSpikes) lifSpikes.set(name, { name, packed: p });
          return p;
        }
        const s = lifMultiStep(t, T, lif);
        lifRate.set(name, meanAll(s));
        if (fo.collectSpikes) lifSpikes.set(name, { name, spikes: s });
        return s;
      };
      /**
       * One stage of the pass. With noGradient it runs in its own tf.tidy that keeps
       * its output and what it recorded (rates, collected spikes): the peak is then
       * about the largest stage's live tensors, not all stages' at once. On wasm the
       * heap grows to that peak and never shrinks, and each engine (each worker thread
       * of a pool, each page scorer) first-touches every page of it: the default
       * space's largest candidates took 0.6–0.8 GB, some 150,000 page faults and 2–3 s
       * of CPU per engine before this.
       */
      const stage = (run: () => tf.Tensor4D): tf.Tensor4D => {
        if (!fo.noGradient) return run();
        const kept = tf.tidy(() => [run(), [...lifRate.values()], [...lifSpikes.values()], inRate.filter(Boolean)] as unknown as tf.TensorContainer);
        return (kept as unknown as [tf.Tensor4D])[0];
      };
      /** A computation that records nothing (no rate, no spikes): with noGradient, its temporaries go as it ends. */
      const lean = (run: () => tf.Tensor4D): tf.Tensor4D => (fo.noGradient ? tf.tidy(run) : run());
      /** 0/1 floats of a LIF's output */
      const floats = (s: Spikes): tf.Tensor => (isPacked(s) ? unpackSpikes(s) : s);
      const conv = (t: Spikes, name: string, inputGrad = true, input: ConvInput = 'spikes'): tf.Tensor4D =>
        isPacked(t) ? packedSpikeConv(t, w(name) as tf.Tensor4D, 'same') : conv2d(t as tf.Tensor4D, w(name) as tf.Tensor4D, 'same', inputGrad, undefined, input);

      // Stem.
      let h = stage(() => {
        if (encoding === 'direct') {
          const stem = bn(conv(x, 'stem', false, 'dense'), 'stem');
          inRate[layerIndex.get('stem')!] = tf.scalar(1);
          return repeatTime(stem, T) as tf.Tensor4D;
        }
        const u = tf.randomUniform([T * B, x.shape[1], x.shape[2], x.shape[3]], 0, 1, 'float32', fo.encodingSeed ?? 0);
        const xs = T === 1 ? x : tf.concat(new Array<tf.Tensor>(T).fill(x), 0);
        const input = tf.cast(tf.less(u, xs), 'float32') as tf.Tensor4D;
        inRate[layerIndex.get('stem')!] = meanAll(input);
        return lean(() => bn(conv(input, 'stem', false, 'spikes'), 'stem'));
      });

      const runCell = (ci: number, input: tf.Tensor4D): tf.Tensor4D => {
        const prefix = `cell${ci + 1}`;
        const cell = arch.cells[ci];
        const nodes: (tf.Tensor4D | null)[] = [input, null, null, null];
        const lifs = new Map<number, Spikes>();
        const nodeSpikes = (n: number): Spikes => {
          let s = lifs.get(n);
          if (!s) {
            s = spike(nodes[n]!, `${prefix}.lif${n}`);
            lifs.set(n, s);
          }
          return s;
        };
        const edges = cellEdges(cell, prefix);
        for (let node = 1; node < 4; node++) {
          const into = edges.filter((ed) => ed.to === node);
          for (const ed of into) {
            if (!nodes[ed.from]) throw new ModelError(`${prefix}: node ${ed.from} is used before it is computed`);
            if (ed.code < 1 || ed.code > 4) throw new ModelError(`${prefix}: edge ${ed.from}→${ed.to} has unknown op code ${ed.code}`);
            // The spikes an edge reads, before the node's own tidy: they and their rates outlive the node.
            if (ed.code === 2 || ed.code === 3) {
              nodeSpikes(ed.from);
              inRate[layerIndex.get(ed.name)!] = lifRate.get(`${prefix}.lif${ed.from}`)!;
            }
          }
          if (into.length === 0) continue;
          // The node's sum; without a gradient, in its own tidy so its edges' conv and BN temporaries go as it ends.
          const sum = (): tf.Tensor4D => {
            const parts = into.map((ed) => (ed.code === 1 ? nodes[ed.from]! : ed.code === 4 ? tf.avgPool(nodes[ed.from]!, 3, 1, 'same') : bn(conv(lifs.get(ed.from)!, ed.name), ed.name)));
            return parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D);
          };
          nodes[node] = fo.noGradient ? tf.tidy(sum) : sum();
        }
        if (!nodes[3]) throw new ModelError(`${prefix}: the output node is not reachable`);
        return nodes[3];
      };

      /** A backward cell, one timestep at a time (see the file comment). */
      const runTemporalCell = (ci: number, input: tf.Tensor4D): tf.Tensor4D => {
        const prefix = `cell${ci + 1}`;
        const cell = arch.cells[ci];
        const forwardEdges = cellEdges(cell, prefix);
        const backwardEdges = backwardCellEdges(cell, prefix);
        const live = liveNodes(cell);
        const [, H, W, C] = input.shape;
        const steppers = new Map(lifNodes(cell).map((n) => [n, lifStepper(lif, [B, H, W, C])]));
        const nodeSpikes = new Map<number, tf.Tensor[]>([...steppers.keys()].map((n) => [n, []]));
        const inputs = T === 1 ? [input] : (tf.split(input, T, 0) as tf.Tensor4D[]);
        let state: (tf.Tensor4D | null)[] = [null, null, null];
        const outputs: tf.Tensor4D[] = [];
        for (let t = 0; t < T; t++) {
          // v[n] = x_n + s_n: what node n's outgoing edges (forward now, backward at t + 1) read.
          const v: (tf.Tensor4D | null)[] = [null, null, null, null];
          const spikesNow = new Map<number, tf.Tensor4D>();
          const apply = (ed: CellEdge): tf.Tensor4D => {
            const src = v[ed.from];
            if (!src) throw new ModelError(`${prefix}: node ${ed.from} is used before it is computed`);
            switch (ed.code) {
              case 1:
                return src;
              case 2:
              case 3: {
                let s = spikesNow.get(ed.from);
                if (!s) {
                  s = steppers.get(ed.from)!(src).spikes as tf.Tensor4D;
                  spikesNow.set(ed.from, s);
                  nodeSpikes.get(ed.from)!.push(s);
                }
                return bn(conv(s, ed.name), ed.name);
              }
              case 4:
                return tf.avgPool(src, 3, 1, 'same');
              default:
                throw new ModelError(`${prefix}: edge ${ed.from}→${ed.to} has unknown op code ${ed.code}`);
            }
          };
          const withState = (x: tf.Tensor4D, n: number): tf.Tensor4D => (n < 3 && state[n] ? tf.add(x, state[n]!) : x);
          v[0] = withState(inputs[t], 0);
          for (let node = 1; node < 4; node++) {
            const parts = forwardEdges.filter((ed) => ed.to === node).map(apply);
            if (parts.length > 0) v[node] = withState(parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D), node);
            // A live node fed only by backward edges: its x_n is the zero op's output, as in SNASNet, so it reads
            // v_n = 0 + s_n (zeros at t = 0, before any state).
            else if (live & (1 << node)) v[node] = state[node] ?? (tf.zerosLike(inputs[t]) as tf.Tensor4D);
          }
          if (!v[3]) throw new ModelError(`${prefix}: the output node is not reachable`);
          outputs.push(v[3]);
          const next: tf.Tensor4D[][] = [[], [], []];
          for (const ed of backwardEdges) next[ed.to].push(apply(ed));
          state = next.map((parts) => (parts.length === 0 ? null : parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D)));
        }
        for (const [n, perStep] of nodeSpikes) {
          const name = `${prefix}.lif${n}`;
          const all = T === 1 ? perStep[0] : tf.concat(perStep, 0);
          lifRate.set(name, meanAll(all));
          if (fo.collectSpikes) lifSpikes.set(name, { name, spikes: all });
        }
        for (const ed of [...forwardEdges, ...backwardEdges]) if (opHasWeights(ed.code)) inRate[layerIndex.get(ed.name)!] = lifRate.get(`${prefix}.lif${ed.from}`)!;
        return T === 1 ? outputs[0] : (tf.concat(outputs, 0) as tf.Tensor4D);
      };
      const cellAt = (ci: number, input: tf.Tensor4D) => (isTemporalCell(arch.cells[ci]) ? runTemporalCell(ci, input) : runCell(ci, input));

      const cell1 = h;
      h = stage(() => cellAt(0, cell1));
      // Down: BN → LIF → conv3×3 → BN → avg-pool 2.
      const down = h;
      h = stage(() => {
        const normed = bn(down, 'down.bn_in');
        const s = spike(normed, 'down.lif');
        // Without a gradient nothing reads the LIF's input again (the stage's own tidy would free it only at its end).
        if (fo.noGradient) normed.dispose();
        inRate[layerIndex.get('down')!] = lifRate.get('down.lif')!;
        return lean(() => avgPool2(bn(conv(s, 'down'), 'down')));
      });
      const cell2 = h;
      h = stage(() => cellAt(1, cell2));
      // Head: BN → LIF → avg-pool 2 → flatten → fc1 → LIF → fc2, mean over T.
      const s = spike(bn(h, 'head.bn'), 'head.lif');
      const pooled = avgPool2(floats(s) as tf.Tensor4D);
      inRate[layerIndex.get('fc1')!] = meanAll(pooled);
      const flat = tf.reshape(pooled, [T * B, h3 * h3 * 2 * arch.channels]) as tf.Tensor2D;
      let z1: tf.Tensor2D;
      if (fo.onTensor) {
        const pre1 = dense(flat, w('fc1') as tf.Tensor2D, undefined, 'pooledSpikes');
        fo.onTensor('fc1.pre', pre1);
        z1 = tf.add(pre1, biases.get('fc1')!);
      } else z1 = dense(flat, w('fc1') as tf.Tensor2D, biases.get('fc1')! as unknown as tf.Tensor1D, 'pooledSpikes');
      const s1 = spike(z1, 'fc1.lif');
      inRate[layerIndex.get('fc2')!] = lifRate.get('fc1.lif')!;
      const meanS1 = timeMean(floats(s1), T);
      // (fc1's spikes averaged over T: a pooled spike map too)
      const logits = dense(meanS1 as tf.Tensor2D, w('fc2') as tf.Tensor2D, biases.get('fc2')! as unknown as tf.Tensor1D, 'pooledSpikes');

      for (let i = 0; i < inRate.length; i++) if (!inRate[i]) throw new ModelError(`layer ${layers[i].name} was not used by the forward pass`);
      const result: ForwardResult = {
        logits,
        inputRates: tf.stack(inRate) as tf.Tensor1D,
        lifRates: tf.stack(lifNames.map((n) => lifRate.get(n)!)) as tf.Tensor1D,
        ...(fo.collectSpikes ? { spikes: lifNames.map((name) => lifSpikes.get(name)!) } : {}),
      };
      return result as unknown as tf.TensorContainer;
    }) as unknown as ForwardResult;
  }

  function calibrate(x: tf.Tensor4D, targetStd = 1): number {
    let std = 0;
    tf.tidy(() => {
      forward(x, {
        training: true,
        freezeStats: true,
        onTensor: (name, t) => {
          if (name === 'fc1.pre') std = Math.sqrt(tf.moments(t).variance.dataSync()[0]);
        },
      });
    });
    if (!(std > 1e-6)) return 1;
    const scale = targetStd / std;
    const w1 = weights.get('fc1')!;
    tf.tidy(() => w1.assign(tf.mul(w1, scale)));
    return scale;
  }

  return {
    arch,
    encoding,
    lif,
    layers,
    weights,
    batchNorms: bns,
    trainable,
    lifNames,
    forward,
    calibrate,
    parameterCount: () => trainable.reduce((a, v) => a + v.size, 0),
    dispose() {
      for (const v of weights.values()) v.dispose();
      for (const v of biases.values()) v.dispose();
      for (const b of bns.values()) tf.dispose([b.gamma, b.beta, b.runningMean, b.runningVar]);
    },
  };
}
