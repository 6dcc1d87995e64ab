/**
 * The SNASNet cell: a 4-node DAG. Node 0 is the cell input, node 3 its output,
 * node j sums the outputs of its incoming edges. Every pair i < j carries one
 * operation ("forward" edges); SNASNet's backward cells add edges i > j that
 * read node i of the previous timestep.
 *
 * Edges are stored as op codes in a fixed order so a cell is six small
 * integers (twelve with backward edges) and needs no parsing in hot loops.
 */

export const OPS = ['zero', 'skip', 'conv1x1', 'conv3x3', 'avgpool3x3'] as const;
export type Op = (typeof OPS)[number];
export const OP_CODE: Readonly<Record<Op, number>> = { zero: 0, skip: 1, conv1x1: 2, conv3x3: 3, avgpool3x3: 4 };

export const NODES = 4;
export const EDGES = 6;
/** Forward edge e connects EDGE_FROM[e] → EDGE_TO[e]; backward edge e connects EDGE_TO[e] (t−1) → EDGE_FROM[e]. */
export const EDGE_FROM: readonly number[] = [0, 0, 0, 1, 1, 2];
export const EDGE_TO: readonly number[] = [1, 2, 3, 2, 3, 3];

/** Index of the forward edge i → j (i < j), or of the backward edge j → i. */
export function edgeIndex(i: number, j: number): number {
  const a = Math.min(i, j);
  const b = Math.max(i, j);
  for (let e = 0; e < EDGES; e++) if (EDGE_FROM[e] === a && EDGE_TO[e] === b) return e;
  throw new RangeError(`no edge between nodes ${i} and ${j}`);
}

export interface Cell {
  /** op code of forward edge e (EDGE_FROM[e] → EDGE_TO[e]) */
  readonly forward: readonly number[];
  /** op code of backward edge e (EDGE_TO[e] at t−1 → EDGE_FROM[e]); all zero in a forward-only cell */
  readonly backward: readonly number[];
}

export const NO_BACKWARD: readonly number[] = Object.freeze([0, 0, 0, 0, 0, 0]);

export function opHasWeights(code: number): boolean {
  return code === 2 || code === 3;
}
export function opKernel(code: number): number {
  return code === 3 ? 3 : 1;
}

/** Scratch for liveNodes: per node, the bit mask of the nodes it has an edge into / from (no allocation per call). */
const successors = new Uint8Array(NODES);
const predecessors = new Uint8Array(NODES);

/**
 * Bit mask of the live nodes (bit n set = node n is live), pruned as SNASNet
 * prunes (model_snn.py `find_best_neuroncell`): on the COMBINED connection
 * graph, where a forward edge i→j and a backward edge j→i (node j at t−1 into
 * node i) are both edges, a node is live when it is reached from node 0 and
 * reaches node 3. A backward edge lets a node reached from 0 only through a
 * later node (b32: 0→3 at t−1, then 3→2) feed that node's future: its
 * recurrence is part of the network. 0 when node 3 is not reachable from node
 * 0, which makes the cell invalid. For a forward-only cell this is the set of
 * nodes on a forward path 0→3, as before backward edges existed.
 */
export function liveNodes(cell: Cell): number {
  const f = cell.forward;
  const b = cell.backward;
  successors.fill(0);
  predecessors.fill(0);
  for (let e = 0; e < EDGES; e++) {
    const lo = EDGE_FROM[e];
    const hi = EDGE_TO[e];
    if (f[e] !== 0) {
      successors[lo] |= 1 << hi;
      predecessors[hi] |= 1 << lo;
    }
    if (b[e] !== 0) {
      successors[hi] |= 1 << lo;
      predecessors[lo] |= 1 << hi;
    }
  }
  const fromInput = closure(successors, 1); // node 0 reaches itself
  if (!(fromInput & (1 << 3))) return 0;
  return fromInput & closure(predecessors, 1 << 3);
}

/** The nodes reachable from `start` along `next` (a fixpoint: at most NODES − 1 rounds on 4 nodes). */
function closure(next: Uint8Array, start: number): number {
  let reached = start;
  for (;;) {
    let grown = reached;
    for (let n = 0; n < NODES; n++) if (reached & (1 << n)) grown |= next[n];
    if (grown === reached) return reached;
    reached = grown;
  }
}

export interface CellRules {
  /** SNASNet/NeuroNAS rule: the direct edge 0 → 3 must carry an operation. */
  requireDirectEdge: boolean;
}

/** Why a cell is not allowed, or null when it is. */
export function cellProblem(cell: Cell, rules: CellRules): string | null {
  if (cell.forward.length !== EDGES || cell.backward.length !== EDGES) return 'a cell has exactly 6 forward and 6 backward edges';
  for (const code of cell.forward) if (!(code >= 0 && code < OPS.length && Number.isInteger(code))) return `unknown operation code ${code}`;
  for (const code of cell.backward) if (!(code >= 0 && code < OPS.length && Number.isInteger(code))) return `unknown operation code ${code}`;
  // On the combined graph, as SNASNet: a path may pass through a backward edge (a timestep later).
  if (liveNodes(cell) === 0) return 'node 3 (the cell output) is not reachable from node 0 (the cell input)';
  if (rules.requireDirectEdge && cell.forward[edgeIndex(0, 3)] === 0) return 'the direct edge 0→3 is zero';
  return null;
}

/** A forward edge computes only when it carries an op and both its ends are live. */
export function forwardEdgeActive(cell: Cell, e: number, live: number): boolean {
  return cell.forward[e] !== 0 && (live & (1 << EDGE_FROM[e])) !== 0 && (live & (1 << EDGE_TO[e])) !== 0;
}
export function backwardEdgeActive(cell: Cell, e: number, live: number): boolean {
  return cell.backward[e] !== 0 && (live & (1 << EDGE_FROM[e])) !== 0 && (live & (1 << EDGE_TO[e])) !== 0;
}

/** A cell with a live backward edge: its output at t depends on its state from t − 1, so it runs one timestep at a time. */
export function isTemporalCell(cell: Cell): boolean {
  const live = liveNodes(cell);
  for (let e = 0; e < EDGES; e++) if (backwardEdgeActive(cell, e, live)) return true;
  return false;
}

/**
 * Every forward-only cell whose ops come from `allowed` and that obeys the
 * rules, as op-code tuples. At most 5⁶ = 15 625 cells, so enumerating once lets
 * the sampler draw uniformly from the valid cells without rejection.
 */
export function enumerateValidCells(allowed: readonly number[], rules: CellRules): number[][] {
  const codes = [...new Set(allowed)].sort((a, b) => a - b);
  const out: number[][] = [];
  const n = codes.length;
  if (n === 0) return out;
  const idx = new Array<number>(EDGES).fill(0);
  for (;;) {
    const forward = idx.map((i) => codes[i]);
    if (cellProblem({ forward, backward: NO_BACKWARD }, rules) === null) out.push(forward);
    let e = EDGES - 1;
    while (e >= 0 && ++idx[e] === n) idx[e--] = 0;
    if (e < 0) break;
  }
  return out;
}
