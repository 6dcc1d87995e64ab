/** The detail view's pure geometry: the cell graph and the crossbar map (aggregation, fills that add up to the report). */
import { describe, expect, it } from 'vitest';
import { describeCell } from '../src/core/arch/describe.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { resolveHardware } from '../src/core/cost/hardware.ts';
import { buildArchitectureReport } from '../src/core/cost/report.ts';
import { cellGraphLayout } from '../src/ui/detail/cell-graph.ts';
import { MAX_CROSSBAR_SQUARES, MAX_GROUP_SQUARES, MAX_PE_SQUARES, crossbarMapLayout, describeSquare, mappingOf, squareAt } from '../src/ui/detail/crossbar-map.ts';

const report = (genome: string, hw: Record<string, unknown> = {}) => buildArchitectureReport(parseGenome(genome), resolveHardware(hw));

describe('cell graph layout', () => {
  it('places four nodes on a line and draws every edge with an operation, pruned ones marked', () => {
    const cell = describeCell(parseGenome('c16-h128-t4-w8-331000').cells[0]);
    const g = cellGraphLayout(cell, 420);
    expect(g.nodes.map((n) => n.live)).toEqual([true, false, false, true]);
    expect(new Set(g.nodes.map((n) => n.y)).size).toBe(1);
    expect(g.nodes.map((n) => n.x)).toEqual([...g.nodes.map((n) => n.x)].sort((a, b) => a - b));
    expect(g.edges.map((e) => [e.edge.from, e.edge.to, e.edge.op, e.edge.active])).toEqual([
      [0, 1, 'conv3x3', false],
      [0, 2, 'conv3x3', false],
      [0, 3, 'skip', true],
    ]);
    // 0→1 is straight; 0→2 and 0→3 arc above the line, the longer one higher.
    expect(g.edges[0].path).toMatch(/^M [\d.]+ [\d.]+ L /);
    const rise = (i: number) => g.edges[i].labelY;
    expect(rise(2)).toBeLessThan(rise(1));
    expect(rise(1)).toBeLessThan(g.nodes[0].y);
    for (const e of g.edges) {
      expect(e.labelX).toBeGreaterThan(0);
      expect(e.labelX).toBeLessThan(g.width);
      expect(e.labelY).toBeGreaterThan(0);
      expect(e.labelY).toBeLessThan(g.height);
    }
  });

  it('draws backward edges below the line', () => {
    const cell = describeCell(parseGenome('c16-h128-t4-w8-301203000300').cells[0]);
    const g = cellGraphLayout(cell);
    const back = g.edges.filter((e) => e.edge.direction === 'backward');
    expect(back).toHaveLength(1);
    expect(back[0].edge).toMatchObject({ from: 2, to: 1, op: 'conv3x3' });
    expect(back[0].labelY).toBeGreaterThan(g.nodes[0].y);
    expect(back[0].labelY).toBeLessThan(g.height);
  });
});

describe('crossbar map', () => {
  it('fills crossbars so that they add up to the cells holding a weight, in both modes', () => {
    for (const [genome, hw] of [
      ['c16-h128-t4-w8-301203', {}],
      ['c24-h256-t4-w4-322303-302203', { xbar: 32, cell_bits: 1 }],
      ['c40-h512-t5-w8-333333', { mode: 'spikesim' }],
    ] as const) {
      const r = report(genome, hw);
      const m = mappingOf(r);
      expect(m.totalPes).toBe(r.pes);
      expect(m.totalCrossbars).toBe(r.crossbars);
      for (const [i, l] of m.layers.entries()) {
        let cells = 0;
        for (let pe = 0; pe < l.pes; pe++) for (let s = 0; s < m.perPe; s++) cells += l.fill(pe, s) * m.xbar * m.xbar;
        expect(Math.round(cells), `${genome} ${l.name}`).toBe(r.layers[i].cells_used);
      }
    }
  });

  it('draws every crossbar of a small network inside its tile', () => {
    const r = report('c16-h128-t4-w8-301203');
    const m = mappingOf(r);
    const layout = crossbarMapLayout(m, 600);
    expect(m.totalCrossbars).toBeLessThanOrEqual(MAX_CROSSBAR_SQUARES);
    expect(layout.level).toBe('crossbar');
    expect(layout.count).toBe(r.crossbars);
    expect(layout.tileRects).toHaveLength(r.tiles);
    expect(layout.peRects).toHaveLength(r.pes);
    for (let i = 0; i < layout.count; i++) {
      expect(layout.x[i] + layout.size).toBeLessThanOrEqual(600);
      expect(layout.y[i] + layout.size).toBeLessThanOrEqual(layout.height);
    }
    const i = squareAt(layout, layout.x[5] + 1, layout.y[5] + 1);
    expect(i).toBe(5);
    expect(describeSquare(m, layout, i)).toMatch(/^stem · tile 1, PE 1 of \d+, crossbar 6 of 9 · \d+ % full$/);
    expect(squareAt(layout, -5, -5)).toBe(-1);
  });

  it('aggregates CIFAR-scale networks and says so, staying fast', () => {
    const big = report('c256-h1024-t8-w8-i32x3-333333');
    expect(big.crossbars).toBeGreaterThan(MAX_CROSSBAR_SQUARES * 10);
    const t0 = performance.now();
    const m = mappingOf(big);
    const layout = crossbarMapLayout(m, 900);
    expect(performance.now() - t0).toBeLessThan(250);
    expect(layout.level).toBe(big.pes <= MAX_PE_SQUARES ? 'pe' : 'group');
    expect(layout.count).toBeLessThanOrEqual(Math.max(MAX_PE_SQUARES, MAX_GROUP_SQUARES));
    expect(layout.caption).toMatch(/too many to draw one by one/);
    // Mean fills weighted by the PEs they stand for give the overall utilisation.
    let sum = 0;
    for (let i = 0; i < layout.count; i++) sum += layout.fill[i] * Math.min(layout.pesPerSquare, m.totalPes - layout.pe[i]);
    expect(sum / m.totalPes).toBeCloseTo(big.utilisation, 6);

    const mid = report('c64-h256-t4-w8-333333', { xbar: 32 });
    const midLayout = crossbarMapLayout(mappingOf(mid), 900);
    expect(mid.crossbars).toBeGreaterThan(MAX_CROSSBAR_SQUARES);
    expect(mid.pes).toBeLessThanOrEqual(MAX_PE_SQUARES);
    expect(midLayout.level).toBe('pe');
    expect(midLayout.count).toBe(mid.pes);
    expect(midLayout.tileRects).toHaveLength(mid.tiles);
  });
});
