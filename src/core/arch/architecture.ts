/**
 * The macro-architecture (SNASNet): stem conv3×3 + BN → cell(C) → down-conv
 * (BN → LIF → conv3×3 C→2C → BN) + avg-pool 2 → cell(2C) → BN → LIF →
 * avg-pool 2 → FC(→ hidden) → LIF → FC(→ classes).
 *
 * `walkLayers` is the one place that turns an architecture into weight
 * layers; `layerList` (the tfjs model builder, reports, exports) and the cost
 * estimator's allocation-free packing both read it.
 */
import {
  EDGES,
  EDGE_FROM,
  EDGE_TO,
  backwardEdgeActive,
  forwardEdgeActive,
  liveNodes,
  NO_BACKWARD,
  opKernel,
  opHasWeights,
  type Cell,
} from './cell.ts';
import type { Layer } from '../layers.ts';

export interface InputShape {
  /** height = width of the square input image */
  size: number;
  channels: number;
}

export interface Architecture {
  cells: readonly [Cell, Cell];
  /** base width C: cell 1 runs at C channels, cell 2 at 2C */
  channels: number;
  /** width of the hidden fully-connected layer */
  hidden: number;
  timesteps: number;
  weightBits: number;
  input: InputShape;
  classes: number;
}

export const MNIST_INPUT: InputShape = Object.freeze({ size: 28, channels: 1 });

/** Map sizes at the three stages: stem and cell 1, cell 2 (after the down-conv's pool), and before the classifier. */
export function stageSizes(input: InputShape): [number, number, number] {
  const h1 = input.size;
  const h2 = Math.floor(h1 / 2);
  const h3 = Math.floor(h2 / 2);
  return [h1, h2, h3];
}

/**
 * Receives an architecture's weight layers in execution order (`walkLayers`).
 * Where the layer sits comes as numbers (`site`, and for a cell edge the
 * nodes its name reads): a walk that needs no names, the cost estimator's,
 * then builds no strings and no objects.
 */
export type LayerSink = (kind: 'conv' | 'fc', cin: number, cout: number, k: number, hin: number, hout: number, site: number, from: number, to: number) => void;

/** `site` values; a cell's backward edges are its forward site + 1. */
const SITE_STEM = 0;
const SITE_CELL1 = 1;
const SITE_DOWN = 3;
const SITE_CELL2 = 4;
const SITE_FC1 = 6;
const SITE_FC2 = 7;

/**
 * A layer's name: `stem`, `down`, `fc1`, `fc2`; `cell1.e01` the forward edge
 * 0→1 of cell 1; `cell1.b20` the backward edge from node 2 (t−1) to node 0.
 */
export function layerName(site: number, from: number, to: number): string {
  switch (site) {
    case SITE_STEM: return 'stem';
    case SITE_DOWN: return 'down';
    case SITE_FC1: return 'fc1';
    case SITE_FC2: return 'fc2';
    default: {
      const cell = site < SITE_DOWN ? 'cell1' : 'cell2';
      const backward = site === SITE_CELL1 + 1 || site === SITE_CELL2 + 1;
      return `${cell}.${backward ? 'b' : 'e'}${from}${to}`;
    }
  }
}

/** Forward edges in execution order: by target node, then by index. */
const FORWARD_ORDER: readonly number[] = Array.from({ length: EDGES }, (_, e) => e).sort((a, b) => EDGE_TO[a] - EDGE_TO[b] || a - b);

/**
 * For each forward-only cell (its op codes read in base 5: 5⁶ cells), the bit
 * mask of its forward edges that compute and carry weights; −1 until the cell
 * is first walked. The walk of such a cell is then a look-up, not a pruning.
 */
const forwardWeightEdges = new Int8Array(5 ** EDGES).fill(-1);

/** The cell's op codes read in base 5 when it has no backward edge and only codes 0–4, else −1. */
function forwardCellIndex(cell: Cell): number {
  const b = cell.backward;
  if (b !== NO_BACKWARD) for (let e = 0; e < EDGES; e++) if (b[e] !== 0) return -1;
  const f = cell.forward;
  let index = 0;
  for (let e = 0; e < EDGES; e++) {
    const code = f[e];
    if (!(code === 0 || code === 1 || code === 2 || code === 3 || code === 4)) return -1;
    index = 5 * index + code;
  }
  return index;
}

function weightEdgeMask(cell: Cell): number {
  const live = liveNodes(cell);
  let mask = 0;
  for (let e = 0; e < EDGES; e++) if (forwardEdgeActive(cell, e, live) && opHasWeights(cell.forward[e])) mask |= 1 << e;
  return mask;
}

function walkCell(sink: LayerSink, cell: Cell, width: number, size: number, site: number): void {
  const index = forwardCellIndex(cell);
  if (index >= 0) {
    let mask = forwardWeightEdges[index];
    if (mask < 0) mask = forwardWeightEdges[index] = weightEdgeMask(cell);
    for (let j = 0; j < EDGES; j++) {
      const e = FORWARD_ORDER[j];
      if (mask & (1 << e)) sink('conv', width, width, opKernel(cell.forward[e]), size, size, site, EDGE_FROM[e], EDGE_TO[e]);
    }
    return;
  }
  const live = liveNodes(cell);
  // Execution order: node by node; a node's forward inputs, then its backward (t−1) inputs.
  // Node 0 (the cell input) has no forward inputs but may take backward ones.
  for (let node = 0; node < 4; node++) {
    for (let e = 0; e < EDGES; e++) {
      if (EDGE_TO[e] !== node || !forwardEdgeActive(cell, e, live)) continue;
      const code = cell.forward[e];
      if (opHasWeights(code)) sink('conv', width, width, opKernel(code), size, size, site, EDGE_FROM[e], node);
    }
    for (let e = 0; e < EDGES; e++) {
      if (EDGE_FROM[e] !== node || !backwardEdgeActive(cell, e, live)) continue;
      const code = cell.backward[e];
      if (opHasWeights(code)) sink('conv', width, width, opKernel(code), size, size, site + 1, EDGE_TO[e], node);
    }
  }
}

/** The one walk that turns an architecture into weight layers, in execution order. */
export function walkLayers(a: Architecture, sink: LayerSink): void {
  const [h1, h2, h3] = stageSizes(a.input);
  const c = a.channels;
  sink('conv', a.input.channels, c, 3, h1, h1, SITE_STEM, 0, 0);
  walkCell(sink, a.cells[0], c, h1, SITE_CELL1);
  sink('conv', c, 2 * c, 3, h1, h2, SITE_DOWN, 0, 0);
  walkCell(sink, a.cells[1], 2 * c, h2, SITE_CELL2);
  sink('fc', 2 * c * h3 * h3, a.hidden, 1, 1, 1, SITE_FC1, 0, 0);
  sink('fc', a.hidden, a.classes, 1, 1, 1, SITE_FC2, 0, 0);
}

/** Sums over an architecture's weight layers for one image and one timestep (whole numbers far below 2⁵³: exact in any order). */
export interface LayerSums {
  /** weights, Σ k²·Cin·Cout */
  params: number;
  /** multiply-accumulates (synaptic operations at input rate 1), Σ k²·Cin·Cout·Hout² */
  macs: number;
  /** neurons the layers feed, Σ Cout·Hout² */
  neurons: number;
}

const sums: LayerSums = { params: 0, macs: 0, neurons: 0 };
const addToSums: LayerSink = (_kind, cin, cout, k, _hin, hout) => {
  const weights = k * k * cin * cout;
  sums.params += weights;
  sums.macs += weights * hout * hout;
  sums.neurons += cout * hout * hout;
};

/** The sums of `a`'s weight layers in one walk (no layer objects): what the cost-model proxies and the time estimate read. */
export function layerSums(a: Architecture): LayerSums {
  sums.params = 0;
  sums.macs = 0;
  sums.neurons = 0;
  walkLayers(a, addToSums);
  return { ...sums };
}

export function layerList(a: Architecture): Layer[] {
  const out: Layer[] = [];
  walkLayers(a, (kind, cin, cout, k, hin, hout, site, from, to) => void out.push({ kind, cin, cout, k, hin, hout, name: layerName(site, from, to) }));
  return out;
}

/** Why the architecture's dimensions are unusable, or null. */
export function architectureProblem(a: Architecture): string | null {
  const ints: [string, number, number][] = [
    ['channels', a.channels, 1],
    ['hidden', a.hidden, 1],
    ['timesteps', a.timesteps, 1],
    ['weightBits', a.weightBits, 1],
    ['input size', a.input.size, 4],
    ['input channels', a.input.channels, 1],
    ['classes', a.classes, 2],
  ];
  for (const [name, v, min] of ints) {
    if (!Number.isInteger(v)) return `${name} must be a whole number, got ${v}`;
    if (v < min) return `${name} must be at least ${min}, got ${v}`;
  }
  return null;
}
