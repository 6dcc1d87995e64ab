/**
 * Backward (temporal) cells in the search space: the cell-type knob, SNASNet's
 * sampling (a coin per node pair picks the forward or the backward edge), the
 * count of distinct cells, the cost model's layers for backward edges, and
 * the knob in links and run files (old files without it read as forward).
 */
import { describe, expect, it } from 'vitest';
import { layerList } from '../src/core/arch/architecture.ts';
import { EDGES, EDGE_FROM, EDGE_TO, OP_CODE, enumerateValidCells } from '../src/core/arch/cell.ts';
import { formatGenome, parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, compileSpace, sampleArchitectures, spaceSize } from '../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { costingSettings, parseRunJson, runJson, type RunData } from '../src/core/files/run.ts';
import { defaultInputs } from '../src/core/inputs.ts';
import { defaultParams } from '../src/core/params.ts';
import { searchSpaceFromParams } from '../src/core/settings.ts';
import { decodeInputs, encodeInputs } from '../src/core/url.ts';

const BACKWARD = { ...DEFAULT_SEARCH_SPACE, cellType: 'backward' as const };

describe('backward cells', () => {
  it('count every forward cell with each of its empty pairs free to carry a backward op or nothing', () => {
    // Independent of the sampler's enumeration. With the direct edge 0→3, a valid backward cell is a valid forward
    // cell plus, on each pair the forward cell leaves empty, nothing or one of the non-zero ops backward.
    const codes = DEFAULT_SEARCH_SPACE.ops.map((op) => OP_CODE[op]);
    const nonZero = codes.filter((c) => c !== 0).length;
    const withDirectEdge = enumerateValidCells(codes, { requireDirectEdge: true }).reduce((sum, f) => sum + (1 + nonZero) ** f.filter((c) => c === 0).length, 0);
    // Without it, node 3 may be reached from node 0 only through a backward edge (SNASNet prunes on the combined
    // graph): count the pair patterns (none, forward, backward) whose edges lead from 0 to 3, times the op choices.
    let withoutDirectEdge = 0;
    for (let n = 0; n < 3 ** EDGES; n++) {
      const kinds = Array.from({ length: EDGES }, (_, e) => Math.floor(n / 3 ** e) % 3);
      const next = (node: number) => kinds.flatMap((k, e) => (k === 1 && EDGE_FROM[e] === node ? [EDGE_TO[e]] : k === 2 && EDGE_TO[e] === node ? [EDGE_FROM[e]] : []));
      const seen = new Set([0]);
      const todo = [0];
      while (todo.length) {
        for (const m of next(todo.pop()!)) {
          if (!seen.has(m)) {
            seen.add(m);
            todo.push(m);
          }
        }
      }
      if (seen.has(3)) withoutDirectEdge += nonZero ** kinds.filter((k) => k !== 0).length;
    }
    for (const [requireDirectEdge, expected] of [[true, withDirectEdge], [false, withoutDirectEdge]] as const) {
      const c = compileSpace({ ...BACKWARD, requireDirectEdge });
      expect(c.cellCount).toBe(expected);
      expect(spaceSize(c)).toBe(expected * c.channels.length * c.hidden.length * c.timesteps.length * c.weightBits.length);
    }
    // Counted on forward edges alone (before backward cells were pruned as SNASNet prunes) it was 74 577.
    expect(withoutDirectEdge).toBe(76_305);
    // NeuroNAS's ops with the direct edge: 50 421 backward cells, against 3 072 forward ones.
    expect(compileSpace(BACKWARD).cellCount).toBe(50_421);
    expect(compileSpace(DEFAULT_SEARCH_SPACE).cellCount).toBe(compileSpace(DEFAULT_SEARCH_SPACE).cells.length);
  });

  it('are drawn as SNASNet draws them: each pair forward or backward, never both, every cell valid, the same for a seed', () => {
    const archs = sampleArchitectures(BACKWARD, 2000, 7);
    expect(archs).toHaveLength(2000);
    let backwardEdges = 0;
    let forwardEdges = 0;
    for (const a of archs) {
      const cell = a.cells[0];
      expect(a.cells[1]).toBe(cell);
      for (let e = 0; e < EDGES; e++) {
        expect(cell.forward[e] !== 0 && cell.backward[e] !== 0).toBe(false);
        if (cell.backward[e] !== 0) backwardEdges++;
        if (cell.forward[e] !== 0) forwardEdges++;
      }
      // The direct edge 0→3 is forward and carries an op.
      expect(cell.forward[2]).not.toBe(0);
      // The genome writes the backward digits, and reads back to the same cell.
      const g = formatGenome(a);
      expect(parseGenome(g)).toEqual(a);
    }
    // About half of the pairs besides the direct edge go backward (a fair coin, then 3 of 4 ops are non-zero).
    const pairs = 2000 * (EDGES - 1);
    expect(backwardEdges / pairs).toBeGreaterThan(0.3);
    expect(backwardEdges / pairs).toBeLessThan(0.45);
    expect(forwardEdges).toBeGreaterThan(2000);
    expect(sampleArchitectures(BACKWARD, 50, 7).map(formatGenome)).toEqual(archs.slice(0, 50).map(formatGenome));
  });

  it('leave the forward space as it was: the same seed gives the same forward candidates', () => {
    const forward = sampleArchitectures(DEFAULT_SEARCH_SPACE, 20, 1).map(formatGenome);
    expect(forward[0]).toMatch(/^c\d+-h\d+-t\d+-w8-\d{6}$/);
    expect(forward.every((g) => /-\d{6}$/.test(g))).toBe(true);
    expect(sampleArchitectures(searchSpaceFromParams(defaultParams()), 20, 1).map(formatGenome)).toEqual(forward);
  });

  it('cost their backward edges as convolutions of the cell’s width', () => {
    // SNASNet's CIFAR-10 cell: backward edges 2→0 (conv1×1) and 3→1 (conv1×1).
    const a = parseGenome('c16-h128-t4-w8-303302020020');
    const names = layerList(a).map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['cell1.b20', 'cell1.b31', 'cell2.b20', 'cell2.b31']));
    const forwardOnly = parseGenome('c16-h128-t4-w8-303302');
    const extra = 2 * (16 * 16) + 2 * (32 * 32);
    const hw = compileHardware(costingSettings(defaultInputs()).hardware);
    expect(estimateArchitecture(a, hw, createTotals()).params - estimateArchitecture(forwardOnly, hw, createTotals()).params).toBe(extra);
  });

  it('travel in the link (ct=backward) and in run files; a file without cell_type reads as forward', () => {
    const inputs = defaultInputs();
    inputs.params.cellType = 'backward';
    const link = encodeInputs(inputs);
    expect(link).toContain('ct=backward');
    expect(decodeInputs(link).inputs.params.cellType).toBe('backward');
    expect(encodeInputs(defaultInputs())).not.toContain('ct=');

    const run: RunData = { source: 'costing', inputs, settings: costingSettings(inputs), candidates: [], trained: [], front: [], timings: null, counts: null, stopped: false };
    const text = runJson(run, new Date(0));
    expect(JSON.parse(text).settings.space.cell_type).toBe('backward');
    const back = parseRunJson(text);
    expect(back.ok && back.run.settings.space.cellType).toBe('backward');
    const old = JSON.parse(text);
    delete old.settings.space.cell_type;
    old.inputs.params = Object.fromEntries(Object.entries(old.inputs.params).filter(([k]) => k !== 'cellType'));
    const oldBack = parseRunJson(JSON.stringify(old));
    expect(oldBack.ok && oldBack.run.settings.space.cellType).toBe('forward');
    // The knob came after such files: its absence is what they meant, not a gap to warn about.
    expect(oldBack.ok && oldBack.warnings).toEqual([]);
    const bad = JSON.parse(text);
    bad.settings.space.cell_type = 'sideways';
    const refused = parseRunJson(JSON.stringify(bad));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problems.join('\n')).toContain('settings.space.cell_type: "sideways" is not a cell type (forward, backward)');
  });
});
