/**
 * A cell as a list of its edges with their operations and whether they
 * compute: what the detail view draws and what an exported architecture
 * spells out for readers who do not know the genome's digit order.
 */
import { EDGES, EDGE_FROM, EDGE_TO, NODES, OPS, backwardEdgeActive, forwardEdgeActive, liveNodes, type Cell, type Op } from './cell.ts';

export interface CellEdge {
  /** forward: node `from` feeds node `to` in the same timestep; backward: node `from` at t−1 feeds node `to` */
  direction: 'forward' | 'backward';
  from: number;
  to: number;
  op: Op;
  /** false when one end is pruned (not on a path from node 0 to node 3, backward edges included): the edge never computes */
  active: boolean;
}

export interface CellDescription {
  /** the genome's digits of this cell */
  digits: string;
  /** nodes on a path from the cell input (0) to its output (3) through forward or backward edges (SNASNet's pruning); the others are pruned */
  liveNodes: number[];
  /** every edge that carries an operation other than zero */
  edges: CellEdge[];
}

export function describeCell(cell: Cell): CellDescription {
  const live = liveNodes(cell);
  const edges: CellEdge[] = [];
  for (let e = 0; e < EDGES; e++) {
    if (cell.forward[e] !== 0) edges.push({ direction: 'forward', from: EDGE_FROM[e], to: EDGE_TO[e], op: OPS[cell.forward[e]], active: forwardEdgeActive(cell, e, live) });
  }
  for (let e = 0; e < EDGES; e++) {
    if (cell.backward[e] !== 0) edges.push({ direction: 'backward', from: EDGE_TO[e], to: EDGE_FROM[e], op: OPS[cell.backward[e]], active: backwardEdgeActive(cell, e, live) });
  }
  const liveList: number[] = [];
  for (let n = 0; n < NODES; n++) if (live & (1 << n)) liveList.push(n);
  const digits = cell.forward.join('') + (cell.backward.some((c) => c !== 0) ? cell.backward.join('') : '');
  return { digits, liveNodes: liveList, edges };
}

export function sameCell(a: Cell, b: Cell): boolean {
  return a.forward.every((c, i) => c === b.forward[i]) && a.backward.every((c, i) => c === b.backward[i]);
}
