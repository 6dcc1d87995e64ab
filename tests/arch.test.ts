import { describe, expect, it } from 'vitest';
import { EDGES, OPS, cellProblem, enumerateValidCells, liveNodes, NO_BACKWARD } from '../src/core/arch/cell.ts';
import { layerList, stageSizes, type Architecture } from '../src/core/arch/architecture.ts';
import { DEFAULT_ARCHITECTURE, DEFAULT_GENOME, GenomeError, formatGenome, parseGenome, parseGenomeAt, parseMatrixCell } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, SearchSpaceError, compileSpace, sampleArchitectures, spaceSize, type SearchSpace } from '../src/core/arch/sampler.ts';
import { layerWeights } from '../src/core/layers.ts';

describe('cell validity and pruning', () => {
  it('has 5^6 cells in the full space and counts the valid ones', () => {
    const all = enumerateValidCells([0, 1, 2, 3, 4], { requireDirectEdge: false });
    // Brute force independently: node 3 reachable from 0 in the DAG.
    let expected = 0;
    for (let n = 0; n < 5 ** 6; n++) {
      const e = Array.from({ length: 6 }, (_, i) => Math.floor(n / 5 ** (5 - i)) % 5);
      const [e01, e02, e03, e12, e13, e23] = e.map((x) => x !== 0);
      const r1 = e01;
      const r2 = e02 || (r1 && e12);
      const r3 = e03 || (r1 && e13) || (r2 && e23);
      if (r3) expected++;
    }
    expect(all.length).toBe(expected);
    // With the direct edge required, exactly 4/5 of all cells remain (edge 0→3 non-zero makes node 3 reachable).
    expect(enumerateValidCells([0, 1, 2, 3, 4], { requireDirectEdge: true }).length).toBe(4 * 5 ** 5);
  });

  it('prunes nodes that are not on a path from 0 to 3', () => {
    // 0→1 conv3x3, 1 has no way out; 0→3 skip: node 1 is dead.
    expect(liveNodes({ forward: [3, 0, 1, 0, 0, 0], backward: NO_BACKWARD })).toBe(0b1001);
    // 0→2 zero but 1→2 and 2→3: all live.
    expect(liveNodes({ forward: [3, 0, 1, 2, 0, 3], backward: NO_BACKWARD })).toBe(0b1111);
    // node 3 unreachable
    expect(liveNodes({ forward: [3, 3, 0, 3, 0, 0], backward: NO_BACKWARD })).toBe(0);
  });

  it('explains why a cell is rejected', () => {
    expect(cellProblem({ forward: [3, 3, 0, 3, 0, 0], backward: NO_BACKWARD }, { requireDirectEdge: false })).toMatch(/not reachable/);
    expect(cellProblem({ forward: [3, 0, 0, 0, 3, 0], backward: NO_BACKWARD }, { requireDirectEdge: true })).toMatch(/direct edge 0→3/);
    expect(cellProblem({ forward: [3, 0, 0, 0, 3, 0], backward: NO_BACKWARD }, { requireDirectEdge: false })).toBeNull();
  });
});

describe('genome codec', () => {
  it('formats the default architecture compactly and parses it back', () => {
    expect(DEFAULT_GENOME).toBe('c16-h128-t4-w8-301203');
    expect(parseGenome(DEFAULT_GENOME)).toEqual(DEFAULT_ARCHITECTURE);
  });

  it('round-trips sampled architectures, including independent cells and other inputs', () => {
    const space: SearchSpace = { ...DEFAULT_SEARCH_SPACE, ops: [...OPS], sharedCell: false, requireDirectEdge: false, input: { size: 32, channels: 3 }, classes: 100 };
    for (const a of sampleArchitectures(space, 300, 7)) {
      const g = formatGenome(a);
      expect(g).toMatch(/^c\d+-h\d+-t\d+-w\d+-i32x3-n100-\d{6}(-\d{6})?$/);
      const back = parseGenome(g);
      expect(back).toEqual({ ...a, cells: [{ ...a.cells[0] }, { ...a.cells[1] }] });
      expect(formatGenome(back)).toBe(g);
    }
  });

  it("parses SNASNet's connection-matrix notation, backward edges included", () => {
    const cell = parseMatrixCell('0303 0030 2002 0200');
    // forward: 0→1 conv3x3, 0→3 conv3x3, 1→2 conv3x3, 2→3 conv1x1
    expect(cell.forward).toEqual([3, 0, 3, 3, 0, 2]);
    // backward: 2→0 conv1x1 and 3→1 conv1x1 (previous timestep)
    expect(cell.backward).toEqual([0, 2, 0, 0, 2, 0]);
    const a = parseGenome('0303 0030 2002 0200');
    expect(a.channels).toBe(DEFAULT_ARCHITECTURE.channels);
    expect(formatGenome(a)).toBe('c16-h128-t4-w8-303302020020');
    expect(parseGenome(formatGenome(a))).toEqual(a);
  });

  it.each([
    ['', /empty/],
    ['hello', /genome field 'hello': hidden width must be a whole number/],
    ['zzz-301203', /unknown field 'z'/],
    ['c16-h128-t4-w8', /no cell/],
    ['c16-h128-t4-301203', /lacks w/],
    ['c16-h128-t4-w8-3012', /6 digits/],
    ['c16-h128-t4-w8-301253', /'5' is not an operation code/],
    ['c16-h128-t4-w8-330000', /not reachable/],
    ['c16-c16-h128-t4-w8-301203', /repeated/],
    ['c0-h128-t4-w8-301203', /between 1 and/],
    ['c1.5-h128-t4-w8-301203', /whole number/],
    ['c16-h128-t4-w8-301203-301203-301203', /at most two cells/],
    ['c16-h128-t4-w8-ix3-301203', /i<size>x<channels>/],
    ['1303 0030 2002 0200', /diagonal/],
    ['c16-h128-t4-w8-i2x1-301203', /input size must be at least 4/],
    ['x'.repeat(300), /at most 256/],
  ])('rejects %j with a clear message', (text, message) => {
    expect(() => parseGenome(text)).toThrow(GenomeError);
    expect(() => parseGenome(text)).toThrow(message);
  });
});

describe('genome read in place', () => {
  /** parseGenome's result, or its error's message. */
  const outcome = (parse: () => Architecture): unknown => {
    try {
      return parse();
    } catch (e) {
      return e instanceof GenomeError ? `GenomeError: ${e.message}` : e;
    }
  };
  const space: SearchSpace = { ...DEFAULT_SEARCH_SPACE, ops: [...OPS], sharedCell: false, requireDirectEdge: false, input: { size: 32, channels: 3 }, classes: 100 };
  const genomes = [
    ...sampleArchitectures(DEFAULT_SEARCH_SPACE, 100, 3).map(formatGenome),
    ...sampleArchitectures(space, 100, 4).map(formatGenome),
    ...sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, cellType: 'backward' }, 100, 5).map(formatGenome),
    '', ' c16-h128-t4-w8-301203 ', '0303 0030 2002 0200', '0303,0030,2002,0200', '1303 0030 2002 0200', 'c16-h128-t4-w8-n1-301203',
    'c16--h128-t4-w8-301203', 'c16-h128-t4-w8-301203-', '-', 'c16-h128-t4-w8-301253', 'c16-h128-t4-w8-330000', 'c16-h128-t4-w8-000000000000',
    'c16-h128-t4-w8-301203000009', 'c16-h128-t4-w8-i32x3-i32x3-301203', 'c16-h128-t4-w8-3012030', 'c16-h128-t4-w8-301203-301203-301203',
    'w8-t4-h128-c16-301203', 'c16-h128-t4-301203', 'zzz-301203', 'x'.repeat(300), '\u00a0c16-h128-t4-w8-301203',
  ];

  it('parseGenomeAt(text, from, to) is parseGenome(text.slice(from, to)): the same architecture or the same message', () => {
    for (const g of genomes) {
      const alone = outcome(() => parseGenome(g));
      for (const [before, after] of [['', ''], ['{"architecture":"', '"}'], ['c8-h1-t1-w1-', '-123456'], ['0303 ', ' 0200']]) {
        const text = before + g + after;
        expect(outcome(() => parseGenomeAt(text, before.length, before.length + g.length)), JSON.stringify(text)).toEqual(alone);
      }
    }
  });

  it('gives the same frozen cell for the same digits, read alone or in place', () => {
    const a = parseGenome('c16-h128-t4-w8-301203');
    const b = parseGenomeAt('[c8-h64-t2-w4-301203]', 1, 20);
    expect(b.cells[0]).toBe(a.cells[0]);
    expect(Object.isFrozen(b.cells[0])).toBe(true);
    expect(b).toEqual({ ...a, channels: 8, hidden: 64, timesteps: 2, weightBits: 4 });
  });
});

describe('sampler', () => {
  it('samples only valid cells from the chosen operations', () => {
    const space: SearchSpace = { ...DEFAULT_SEARCH_SPACE, ops: ['zero', 'skip', 'conv3x3'], sharedCell: false };
    const archs = sampleArchitectures(space, 2000, 3);
    expect(archs.length).toBe(2000);
    for (const a of archs) {
      for (const cell of a.cells) {
        expect(cellProblem(cell, { requireDirectEdge: true })).toBeNull();
        expect(cell.forward.every((c) => c === 0 || c === 1 || c === 3)).toBe(true);
      }
      expect(a.channels % 8).toBe(0);
      expect(a.channels).toBeGreaterThanOrEqual(8);
      expect(a.channels).toBeLessThanOrEqual(64);
      expect([64, 128, 256]).toContain(a.hidden);
      expect(a.timesteps).toBeGreaterThanOrEqual(2);
      expect(a.timesteps).toBeLessThanOrEqual(8);
    }
    // Every allowed op shows up somewhere: the sampler is not stuck on a corner of the space.
    const used = new Set(archs.flatMap((a) => a.cells[0].forward));
    expect([...used].sort()).toEqual([0, 1, 3]);
  });

  it('gives the same architectures for the same seed, different ones for another', () => {
    const a = sampleArchitectures(DEFAULT_SEARCH_SPACE, 500, 42).map(formatGenome);
    const b = sampleArchitectures(DEFAULT_SEARCH_SPACE, 500, 42).map(formatGenome);
    const c = sampleArchitectures(DEFAULT_SEARCH_SPACE, 500, 43).map(formatGenome);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(new Set(a).size).toBe(500);
    // A prefix of a longer run is the shorter run.
    expect(sampleArchitectures(DEFAULT_SEARCH_SPACE, 100, 42).map(formatGenome)).toEqual(a.slice(0, 100));
  });

  it('stops at the size of a small space and reports impossible spaces', () => {
    const tiny: SearchSpace = { ...DEFAULT_SEARCH_SPACE, ops: ['zero', 'skip'], channels: { min: 8, max: 8, step: 8 }, hidden: [64], timesteps: { min: 4, max: 4, step: 1 } };
    const c = compileSpace(tiny);
    // cells over {zero, skip} with 0→3 = skip: the other 5 edges free: 2^5 = 32
    expect(c.cells.length).toBe(32);
    expect(spaceSize(c)).toBe(32);
    expect(sampleArchitectures(c, 1000, 1).length).toBe(32);
    expect(() => compileSpace({ ...tiny, ops: ['zero'] })).toThrow(SearchSpaceError);
    expect(() => compileSpace({ ...tiny, channels: { min: 8, max: 4, step: 4 } })).toThrow(/min ≤ max/);
  });
});

describe('layer list', () => {
  it('lists the default MNIST architecture layer by layer', () => {
    const layers = layerList(DEFAULT_ARCHITECTURE);
    expect(stageSizes(DEFAULT_ARCHITECTURE.input)).toEqual([28, 14, 7]);
    expect(layers.map((l) => l.name)).toEqual(['stem', 'cell1.e01', 'cell1.e12', 'cell1.e23', 'down', 'cell2.e01', 'cell2.e12', 'cell2.e23', 'fc1', 'fc2']);
    expect(layers[0]).toMatchObject({ kind: 'conv', cin: 1, cout: 16, k: 3, hin: 28, hout: 28 });
    expect(layers[2]).toMatchObject({ kind: 'conv', cin: 16, cout: 16, k: 1, hin: 28, hout: 28 });
    expect(layers[4]).toMatchObject({ kind: 'conv', cin: 16, cout: 32, k: 3, hin: 28, hout: 14 });
    expect(layers[5]).toMatchObject({ kind: 'conv', cin: 32, cout: 32, k: 3, hin: 14, hout: 14 });
    expect(layers[8]).toMatchObject({ kind: 'fc', cin: 32 * 7 * 7, cout: 128, k: 1, hin: 1, hout: 1 });
    expect(layers[9]).toMatchObject({ kind: 'fc', cin: 128, cout: 10, k: 1, hin: 1, hout: 1 });
    // weights: stem 144 + cell1 (2304 + 256 + 2304) + down 4608 + cell2 (9216 + 1024 + 9216) + fc1 200704 + fc2 1280
    expect(layers.reduce((s, l) => s + layerWeights(l), 0)).toBe(144 + 4864 + 4608 + 19456 + 200704 + 1280);
  });

  it('leaves out pruned edges and weight-free operations', () => {
    // 0→1 conv3x3 (dead end), 0→2 avgpool, 0→3 conv1x1, 2→3 skip
    const a: Architecture = { ...DEFAULT_ARCHITECTURE, cells: [{ forward: [3, 4, 2, 0, 0, 1], backward: NO_BACKWARD }, { forward: [0, 0, 3, 0, 0, 0], backward: NO_BACKWARD }] };
    expect(layerList(a).map((l) => `${l.name}:${l.k}`)).toEqual(['stem:3', 'cell1.e03:1', 'down:3', 'cell2.e03:3', 'fc1:1', 'fc2:1']);
  });

  it('walks every forward-only cell as the node-by-node walk of cells with backward edges does, first time and after', () => {
    // A backward skip edge 3→0 adds no layer and no live node (node 0 already reaches 3 and 3 is reached from 0),
    // but makes the cell one with backward edges: the walk without the forward cells' table.
    const cells = enumerateValidCells([0, 1, 2, 3, 4], { requireDirectEdge: false });
    expect(cells.length).toBeGreaterThan(5000);
    const list = (forward: number[], backward: readonly number[]) =>
      layerList({ ...DEFAULT_ARCHITECTURE, cells: [{ forward, backward }, { forward, backward }] })
        .map((l) => `${l.name} ${l.kind} ${l.cin}>${l.cout} k${l.k} ${l.hin}>${l.hout}`)
        .join(', ');
    for (let pass = 0; pass < 2; pass++) {
      for (const forward of cells) {
        const expected = list(forward, [0, 0, 1, 0, 0, 0]);
        expect(list(forward, NO_BACKWARD), forward.join('')).toEqual(expected);
        expect(list(forward, [0, 0, 0, 0, 0, 0]), forward.join('')).toEqual(expected);
      }
    }
  });

  it('includes backward edges after the forward inputs of their target node', () => {
    const a = parseGenome('0303 0030 2002 0200');
    const names = layerList(a).filter((l) => l.name!.startsWith('cell1')).map((l) => l.name);
    expect(names).toEqual(['cell1.b20', 'cell1.e01', 'cell1.b31', 'cell1.e12', 'cell1.e03', 'cell1.e23']);
  });

  it('expresses CIFAR-scale SNASNet nets (about 20 M weights)', () => {
    const a = parseGenome('c128-h1024-t5-w8-i32x3-303302020020');
    const w = layerList(a).reduce((s, l) => s + layerWeights(l), 0);
    expect(w).toBeGreaterThan(18e6);
    expect(w).toBeLessThan(22e6);
    expect(EDGES).toBe(6);
  });
});
