/**
 * The macro-architecture (SNASNet): stem conv3×3 + BN → cell(C) → down-conv
 * (BN → LIF → conv3×3 C→2C → BN) + avg-pool 2 → cell(2C) → BN → LIF →
 * avg-pool 2 → FC(→ hidden) → LIF → FC(→ classes).
 *
 * `layerList` is the one place that turns an architecture into weight
 * layers; the cost estimator and the tfjs model builder both read it.
 */
import {
  EDGES,
  EDGE_FROM,
  EDGE_TO,
  backwardEdgeActive,
  forwardEdgeActive,
  liveNodes,
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

/** `cell1.e01` names forward edge 0→1; `cell1.b20` the backward edge from node 2 (t−1) to node 0. */
function edgeName(prefix: string, kind: 'e' | 'b', from: number, to: number): string {
  return `${prefix}.${kind}${from}${to}`;
}

function pushCellLayers(out: Layer[], prefix: string, cell: Cell, width: number, size: number): void {
  const live = liveNodes(cell.forward);
  // Execution order: node by node; a node's forward inputs, then its backward (t−1) inputs.
  // Node 0 (the cell input) has no forward inputs but may take backward ones.
  for (let node = 0; node < 4; node++) {
    for (let e = 0; e < EDGES; e++) {
      if (EDGE_TO[e] !== node || !forwardEdgeActive(cell, e, live)) continue;
      const code = cell.forward[e];
      if (!opHasWeights(code)) continue;
      out.push({ kind: 'conv', cin: width, cout: width, k: opKernel(code), hin: size, hout: size, name: edgeName(prefix, 'e', EDGE_FROM[e], node) });
    }
    for (let e = 0; e < EDGES; e++) {
      if (EDGE_FROM[e] !== node || !backwardEdgeActive(cell, e, live)) continue;
      const code = cell.backward[e];
      if (!opHasWeights(code)) continue;
      out.push({ kind: 'conv', cin: width, cout: width, k: opKernel(code), hin: size, hout: size, name: edgeName(prefix, 'b', EDGE_TO[e], node) });
    }
  }
}

export function layerList(a: Architecture): Layer[] {
  const [h1, h2, h3] = stageSizes(a.input);
  const c = a.channels;
  const out: Layer[] = [];
  out.push({ kind: 'conv', cin: a.input.channels, cout: c, k: 3, hin: h1, hout: h1, name: 'stem' });
  pushCellLayers(out, 'cell1', a.cells[0], c, h1);
  out.push({ kind: 'conv', cin: c, cout: 2 * c, k: 3, hin: h1, hout: h2, name: 'down' });
  pushCellLayers(out, 'cell2', a.cells[1], 2 * c, h2);
  out.push({ kind: 'fc', cin: 2 * c * h3 * h3, cout: a.hidden, k: 1, hin: 1, hout: 1, name: 'fc1' });
  out.push({ kind: 'fc', cin: a.hidden, cout: a.classes, k: 1, hin: 1, hout: 1, name: 'fc2' });
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
