/**
 * Where to draw a cell: its four nodes on a line (input, 1, 2, output) and
 * each edge that carries an operation as a path with a label. Forward edges
 * between neighbours are straight; longer ones arc above the line, higher
 * for longer spans; backward edges (previous timestep) arc below. Pure, so
 * the geometry is tested without a browser.
 */
import type { CellDescription, CellEdge } from '../../core/arch/describe.ts';
import type { Op } from '../../core/arch/cell.ts';

export const OP_LABEL: Readonly<Record<Op, string>> = {
  zero: 'zero',
  skip: 'skip',
  conv1x1: 'conv 1×1',
  conv3x3: 'conv 3×3',
  avgpool3x3: 'avgpool 3×3',
};

export interface GraphNode {
  id: number;
  x: number;
  y: number;
  live: boolean;
  label: string;
}

export interface GraphEdge {
  key: string;
  edge: CellEdge;
  /** SVG path from the source node's rim to the target node's rim */
  path: string;
  labelX: number;
  labelY: number;
}

export interface CellGraphLayout {
  width: number;
  height: number;
  radius: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const NODE_LABELS = ['in', '1', '2', 'out'];

/** Arc height per node spanned, as a share of the node spacing. */
const ARC_RISE = 0.42;

export function cellGraphLayout(cell: CellDescription, width = 420): CellGraphLayout {
  const radius = 15;
  const pad = radius + 28;
  const gap = (width - 2 * pad) / 3;
  const hasBackward = cell.edges.some((e) => e.direction === 'backward');
  const maxSpan = Math.max(1, ...cell.edges.filter((e) => e.direction === 'forward' && Math.abs(e.to - e.from) > 1).map((e) => Math.abs(e.to - e.from)));
  const above = maxSpan > 1 ? maxSpan * ARC_RISE * gap * 0.5 + 26 : 30;
  const below = hasBackward ? 2 * ARC_RISE * gap * 0.5 + 34 : 22;
  const y = above + radius;
  const height = Math.round(y + radius + below);
  const live = new Set(cell.liveNodes);
  const nodes: GraphNode[] = [0, 1, 2, 3].map((id) => ({ id, x: pad + id * gap, y, live: live.has(id), label: NODE_LABELS[id] }));
  const edges = cell.edges.map((edge) => edgeGeometry(edge, nodes, radius, gap));
  return { width, height, radius, nodes, edges };
}

function edgeGeometry(edge: CellEdge, nodes: GraphNode[], r: number, gap: number): GraphEdge {
  const a = nodes[edge.from];
  const b = nodes[edge.to];
  const key = `${edge.direction}-${edge.from}-${edge.to}`;
  const span = Math.abs(edge.to - edge.from);
  const dir = Math.sign(b.x - a.x);
  if (edge.direction === 'forward' && span === 1) {
    const x1 = a.x + dir * r;
    const x2 = b.x - dir * (r + 2);
    return { key, edge, path: `M ${x1} ${a.y} L ${x2} ${b.y}`, labelX: (a.x + b.x) / 2, labelY: a.y - 7 };
  }
  // Forward arcs go above the line, backward ones below; the control point sits at twice the wanted rise.
  const side = edge.direction === 'forward' ? -1 : 1;
  const rise = Math.max(1, span) * ARC_RISE * gap * 0.5 + (edge.direction === 'backward' ? 8 : 0);
  const cx = (a.x + b.x) / 2;
  const cy = a.y + side * 2 * rise;
  const start = rimPoint(a.x, a.y, cx, cy, r);
  const end = rimPoint(b.x, b.y, cx, cy, r + 2);
  const midY = (start.y + 2 * cy + end.y) / 4;
  return { key, edge, path: `M ${start.x} ${start.y} Q ${cx} ${cy} ${end.x} ${end.y}`, labelX: cx, labelY: midY + (side < 0 ? -5 : 13) };
}

/** The point on a node's rim facing (tx, ty). */
function rimPoint(x: number, y: number, tx: number, ty: number, r: number): { x: number; y: number } {
  const dx = tx - x;
  const dy = ty - y;
  const d = Math.hypot(dx, dy) || 1;
  return { x: round(x + (dx / d) * r), y: round(y + (dy / d) * r) };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
