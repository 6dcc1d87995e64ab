/**
 * Live nodes pruned as SNASNet prunes them (model_snn.py `find_best_neuroncell`): on the combined connection
 * matrix, where a forward edge i→j and a backward edge j→i (node j at t−1 into node i) are both edges. A node is
 * kept iff it reaches node 3 and is reached from node 0 in that graph. Forward-only cells keep their old pruning.
 */
import { describe, expect, it } from 'vitest';
import { EDGES, EDGE_FROM, EDGE_TO, NO_BACKWARD, cellProblem, liveNodes, type Cell } from '../src/core/arch/cell.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { describeCell } from '../src/core/arch/describe.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../src/core/arch/sampler.ts';
import { forwardOnlyLive } from './forward-only-live.ts';

/**
 * SNASNet's pruning, written as its code does it: connection_graph = M + M² + M³ + M⁴ on the original matrix
 * (M[i][j] the op of the forward edge i→j for i < j, of the backward edge i→j for i > j); nodes 0–2 that do not
 * reach node 3, then nodes 1–3 not reached from node 0, are removed. Returns the kept nodes as a bit mask, or 0
 * when node 3 is not reachable from node 0 at all.
 */
function snasnetLive(cell: Cell): number {
  const m = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  for (let e = 0; e < EDGES; e++) {
    m[EDGE_FROM[e]][EDGE_TO[e]] = cell.forward[e];
    m[EDGE_TO[e]][EDGE_FROM[e]] = cell.backward[e];
  }
  const mul = (a: number[][], b: number[][]) => a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
  const m2 = mul(m, m);
  const m3 = mul(m2, m);
  const m4 = mul(m3, m);
  const graph = m.map((row, i) => row.map((x, j) => x + m2[i][j] + m3[i][j] + m4[i][j]));
  if (graph[0][3] === 0) return 0;
  let kept = 0b1111;
  for (let node = 0; node < 3; node++) if (graph[node][3] === 0) kept &= ~(1 << node);
  for (let node = 0; node < 3; node++) if (graph[0][node + 1] === 0) kept &= ~(1 << (node + 1));
  return kept;
}

function allForwardCells(): number[][] {
  return Array.from({ length: 5 ** EDGES }, (_, n) => Array.from({ length: EDGES }, (_, i) => Math.floor(n / 5 ** (EDGES - 1 - i)) % 5));
}

// SNASNet's example: node 2 is reached from 0 only through 3 (b32, node 3 at t−1) and feeds node 0's state (b20).
const EXAMPLE = 'c8-h64-t5-w8-202000020023';

describe('live nodes on the combined connection graph', () => {
  it('keep every forward-only cell as before (all 5^6 cells)', () => {
    for (const forward of allForwardCells()) {
      expect(liveNodes({ forward, backward: NO_BACKWARD }), forward.join('')).toBe(forwardOnlyLive(forward));
    }
  });

  it("equal SNASNet's reachability on every pattern of forward and backward edges, and on sampled backward cells", () => {
    // Each pair: no edge, forward, backward, or both (the genome can write both): 4^6 patterns, ops varied.
    for (let n = 0; n < 4 ** EDGES; n++) {
      const forward = new Array<number>(EDGES).fill(0);
      const backward = new Array<number>(EDGES).fill(0);
      for (let e = 0; e < EDGES; e++) {
        const kind = Math.floor(n / 4 ** e) % 4;
        if (kind & 1) forward[e] = 1 + ((n + e) % 4);
        if (kind & 2) backward[e] = 1 + ((n + 2 * e) % 4);
      }
      const cell = { forward, backward };
      expect(liveNodes(cell), `${forward.join('')}${backward.join('')}`).toBe(snasnetLive(cell));
    }
    let differs = 0;
    let cells = 0;
    for (const requireDirectEdge of [true, false]) {
      for (const a of sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, cellType: 'backward', requireDirectEdge }, 1500, 11)) {
        const cell = a.cells[0];
        expect(cellProblem(cell, { requireDirectEdge })).toBeNull();
        expect(liveNodes(cell)).toBe(snasnetLive(cell));
        cells++;
        if (liveNodes(cell) !== forwardOnlyLive(cell.forward)) differs++;
      }
    }
    // The old forward-only pruning disagreed on a large share of them (41 % in the default backward space).
    expect(differs / cells).toBeGreaterThan(0.3);
  });

  it('accept a cell whose output is reached only through a backward edge, as SNASNet does', () => {
    // 0→2, 2 (t−1) → 1, 1→3: node 3 hears node 0 one timestep later. Forward edges alone never reach node 3.
    const cell = { forward: [0, 3, 0, 0, 3, 0], backward: [0, 0, 0, 3, 0, 0] };
    expect(forwardOnlyLive(cell.forward)).toBe(0);
    expect(liveNodes(cell)).toBe(0b1111);
    expect(cellProblem(cell, { requireDirectEdge: false })).toBeNull();
    expect(cellProblem(cell, { requireDirectEdge: true })).toMatch(/direct edge 0→3/);
    expect(layerList(parseGenome('c4-h16-t3-w8-030030000300')).map((l) => l.name)).toEqual([
      'stem', 'cell1.b21', 'cell1.e02', 'cell1.e13', 'down', 'cell2.b21', 'cell2.e02', 'cell2.e13', 'fc1', 'fc2',
    ]);
    // Without the backward edge node 3 stays unreachable.
    expect(cellProblem({ forward: cell.forward, backward: NO_BACKWARD }, { requireDirectEdge: false })).toMatch(/not reachable/);
  });

  it("cost the example's recurrence through node 2 (b20, b32) and draw its edges live", () => {
    const a = parseGenome(EXAMPLE);
    expect(liveNodes(a.cells[0])).toBe(0b1101);
    expect(layerList(a).map((l) => [l.name, l.k])).toEqual([
      ['stem', 3],
      ['cell1.b20', 1],
      ['cell1.b32', 3],
      ['cell1.e03', 1],
      ['down', 3],
      ['cell2.b20', 1],
      ['cell2.b32', 3],
      ['cell2.e03', 1],
      ['fc1', 1],
      ['fc2', 1],
    ]);
    const d = describeCell(a.cells[0]);
    expect(d.liveNodes).toEqual([0, 2, 3]);
    expect(d.edges.map((e) => `${e.direction === 'backward' ? 'b' : 'e'}${e.from}${e.to}:${e.active}`)).toEqual([
      'e01:false', 'e03:true', 'b20:true', 'b31:false', 'b32:true',
    ]);
  });

  it('give every forward cell the layer list of its forward-only pruning', () => {
    const base = parseGenome('c8-h32-t2-w8-301203');
    for (const forward of allForwardCells()) {
      const live = forwardOnlyLive(forward);
      if (live === 0) continue;
      const cell = { forward, backward: NO_BACKWARD };
      const expected: string[] = [];
      for (let node = 1; node < 4; node++) {
        for (let e = 0; e < EDGES; e++) {
          if (EDGE_TO[e] !== node || (forward[e] !== 2 && forward[e] !== 3) || !(live & (1 << EDGE_FROM[e])) || !(live & (1 << node))) continue;
          expected.push(`cell1.e${EDGE_FROM[e]}${node}`);
        }
      }
      const names = layerList({ ...base, cells: [cell, base.cells[1]] }).map((l) => l.name);
      expect(names.filter((n) => n?.startsWith('cell1.')), forward.join('')).toEqual(expected);
    }
  });
});
