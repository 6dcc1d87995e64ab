/**
 * Seeded sampling of architectures from a user-chosen search space.
 * The same space and seed give the same architectures in Node, workers and
 * tests: pure-rand's xoroshiro128+ is plain JS integer arithmetic.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { EDGES, NO_BACKWARD, OPS, OP_CODE, cellProblem, enumerateValidCells, type Cell, type CellRules, type Op } from './cell.ts';
import { MNIST_INPUT, type Architecture, type InputShape } from './architecture.ts';
import { formatGenome } from './genome.ts';

export interface IntRange {
  min: number;
  max: number;
  step: number;
}

/** Forward cells compute within a timestep; backward cells (SNASNet's) also feed nodes the previous timestep's values. */
export const CELL_TYPES = ['forward', 'backward'] as const;
export type CellType = (typeof CELL_TYPES)[number];

export interface SearchSpace {
  /** operations a sampled edge may carry ('zero' must be allowed for cells with fewer than six edges) */
  ops: readonly Op[];
  cellType: CellType;
  /** NeuroNAS step 3: every cell keeps the direct edge 0→3 */
  requireDirectEdge: boolean;
  /** base width C */
  channels: IntRange;
  hidden: readonly number[];
  timesteps: IntRange;
  weightBits: readonly number[];
  /** SNASNet repeats one cell; false samples the two cells independently */
  sharedCell: boolean;
  input: InputShape;
  classes: number;
}

/** NeuroNAS's operation set: SNASNet's minus avgpool3x3 (the studio's reading of the paper's pruning step). */
export const NEURONAS_OPS: readonly Op[] = Object.freeze(['zero', 'skip', 'conv1x1', 'conv3x3']);

export const DEFAULT_SEARCH_SPACE: SearchSpace = Object.freeze({
  ops: NEURONAS_OPS,
  cellType: 'forward',
  requireDirectEdge: true,
  channels: Object.freeze({ min: 8, max: 64, step: 8 }),
  hidden: Object.freeze([64, 128, 256]),
  timesteps: Object.freeze({ min: 2, max: 8, step: 1 }),
  weightBits: Object.freeze([8]),
  sharedCell: true,
  input: MNIST_INPUT,
  classes: 10,
});

export class SearchSpaceError extends Error {
  override name = 'SearchSpaceError';
}

function rangeValues(name: string, r: IntRange): number[] {
  if (!(Number.isInteger(r.min) && Number.isInteger(r.max) && Number.isInteger(r.step) && r.step >= 1 && r.min >= 1 && r.max >= r.min)) {
    throw new SearchSpaceError(`${name}: a range needs whole numbers with 1 ≤ min ≤ max and step ≥ 1 (got ${r.min}..${r.max} step ${r.step})`);
  }
  const out: number[] = [];
  for (let v = r.min; v <= r.max; v += r.step) out.push(v);
  return out;
}

function nonEmpty(name: string, values: readonly number[]): number[] {
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) throw new SearchSpaceError(`${name}: choose at least one whole number ≥ 1`);
  return [...new Set(values)].sort((a, b) => a - b);
}

/** The space with every choice listed out, ready for fast sampling. */
export interface CompiledSpace {
  space: SearchSpace;
  /** the valid forward cells (forward cell type: the sampler draws from these) */
  cells: number[][];
  /** the op codes an edge may carry, ascending */
  codes: number[];
  /** distinct valid cells of the cell type (for backward cells, counted once and cached) */
  cellCount: number;
  channels: number[];
  hidden: number[];
  timesteps: number[];
  weightBits: number[];
}

export function compileSpace(space: SearchSpace): CompiledSpace {
  for (const op of space.ops) if (!(OPS as readonly string[]).includes(op)) throw new SearchSpaceError(`unknown operation '${op}'`);
  const cells = enumerateValidCells(space.ops.map((op) => OP_CODE[op]), { requireDirectEdge: space.requireDirectEdge });
  if (cells.length === 0) {
    throw new SearchSpaceError(
      `no valid cell can be built from {${space.ops.join(', ')}}: node 3 must be reachable from node 0${space.requireDirectEdge ? ' and the edge 0→3 must carry an operation' : ''}`,
    );
  }
  const codes = [...new Set(space.ops.map((op) => OP_CODE[op]))].sort((a, b) => a - b);
  const rules = { requireDirectEdge: space.requireDirectEdge };
  return {
    space,
    cells,
    codes,
    cellCount: space.cellType === 'backward' ? backwardCellCount(codes, rules) : cells.length,
    channels: rangeValues('base width C', space.channels),
    hidden: nonEmpty('hidden width', space.hidden),
    timesteps: rangeValues('timesteps', space.timesteps),
    weightBits: nonEmpty('weight bits', space.weightBits),
  };
}

/** Number of distinct architectures the space holds. */
export function spaceSize(c: CompiledSpace): number {
  const cellChoices = c.space.sharedCell ? c.cellCount : c.cellCount * c.cellCount;
  return cellChoices * c.channels.length * c.hidden.length * c.timesteps.length * c.weightBits.length;
}

function pick<T>(rng: RandomGenerator, values: readonly T[]): T {
  return values[uniformInt(rng, 0, values.length - 1)];
}

export function makeRng(seed: number): RandomGenerator {
  return xoroshiro128plus(seed | 0);
}

/**
 * Backward cells in distinct form: each node pair carries nothing, a forward
 * op or a backward op, so (2·n − 1)⁶ cells for n codes with zero among them
 * (117 649 for NeuroNAS's four ops); counted once per op set and rule.
 */
const backwardCounts = new Map<string, number>();
function backwardCellCount(codes: readonly number[], rules: CellRules): number {
  const key = `${codes.join(',')}|${rules.requireDirectEdge}`;
  const known = backwardCounts.get(key);
  if (known !== undefined) return known;
  const nonZero = codes.filter((c) => c !== 0);
  // Per pair: 0 = no edge (when zero is allowed), then each non-zero op forward, then each backward.
  const choices = (codes.includes(0) ? 1 : 0) + 2 * nonZero.length;
  const idx = new Array<number>(EDGES).fill(0);
  const forward = new Array<number>(EDGES).fill(0);
  const backward = new Array<number>(EDGES).fill(0);
  const zeroFirst = codes.includes(0) ? 1 : 0;
  let count = 0;
  for (;;) {
    for (let e = 0; e < EDGES; e++) {
      const k = idx[e] - zeroFirst;
      forward[e] = k >= 0 && k < nonZero.length ? nonZero[k] : 0;
      backward[e] = k >= nonZero.length ? nonZero[k - nonZero.length] : 0;
    }
    if (cellProblem({ forward, backward }, rules) === null) count++;
    let e = EDGES - 1;
    while (e >= 0 && ++idx[e] === choices) idx[e--] = 0;
    if (e < 0) break;
  }
  backwardCounts.set(key, count);
  return count;
}

/**
 * One backward cell the way SNASNet draws it (searchcells/search_cell_snn.py):
 * for each node pair a fair coin picks the forward edge i→j or the backward
 * edge j→i, which then draws an op; a cell that breaks the rules is drawn
 * again. About a third of draws pass with NeuroNAS's ops and the direct-edge
 * rule, so this ends quickly.
 */
function sampleBackwardCell(rng: RandomGenerator, c: CompiledSpace): Cell {
  const rules = { requireDirectEdge: c.space.requireDirectEdge };
  for (;;) {
    const forward = new Array<number>(EDGES).fill(0);
    const backward = new Array<number>(EDGES).fill(0);
    for (let e = 0; e < EDGES; e++) {
      const isBackward = uniformInt(rng, 0, 1) === 1;
      (isBackward ? backward : forward)[e] = pick(rng, c.codes);
    }
    const cell = { forward, backward };
    if (cellProblem(cell, rules) === null) return cell;
  }
}

function sampleCell(rng: RandomGenerator, c: CompiledSpace): Cell {
  return c.space.cellType === 'backward' ? sampleBackwardCell(rng, c) : { forward: pick(rng, c.cells), backward: NO_BACKWARD };
}

export function sampleArchitecture(rng: RandomGenerator, c: CompiledSpace): Architecture {
  const cell1 = sampleCell(rng, c);
  const cell2 = c.space.sharedCell ? cell1 : sampleCell(rng, c);
  return {
    cells: [cell1, cell2],
    channels: pick(rng, c.channels),
    hidden: pick(rng, c.hidden),
    timesteps: pick(rng, c.timesteps),
    weightBits: pick(rng, c.weightBits),
    input: c.space.input,
    classes: c.space.classes,
  };
}

/**
 * Draws distinct architectures from a space, a chunk at a time, so a worker
 * can stream them (and stop between chunks when the request is superseded).
 * Duplicates are skipped; the attempt bound only matters for tiny spaces near
 * exhaustion. The order depends only on the space and seed, not on the chunk
 * sizes: the first k of a run with count n are the run with count k.
 */
export class CandidateStream {
  readonly compiled: CompiledSpace;
  /** how many the stream aims for: the request, or the whole space when it is smaller */
  readonly target: number;
  private readonly rng: RandomGenerator;
  private readonly seen = new Set<string>();
  private readonly maxAttempts: number;
  private attempts = 0;
  private produced = 0;

  constructor(space: SearchSpace | CompiledSpace, count: number, seed: number) {
    this.compiled = 'cells' in space ? space : compileSpace(space);
    this.target = Math.max(0, Math.min(count, spaceSize(this.compiled)));
    this.rng = makeRng(seed);
    this.maxAttempts = this.target * 50 + 1000;
  }

  get count(): number {
    return this.produced;
  }

  get done(): boolean {
    return this.produced >= this.target || this.attempts >= this.maxAttempts;
  }

  /** Up to `max` further distinct architectures with their genomes; empty when done. */
  next(max: number): { archs: Architecture[]; genomes: string[] } {
    const archs: Architecture[] = [];
    const genomes: string[] = [];
    while (archs.length < max && !this.done) {
      this.attempts++;
      const a = sampleArchitecture(this.rng, this.compiled);
      const g = formatGenome(a);
      if (this.seen.has(g)) continue;
      this.seen.add(g);
      archs.push(a);
      genomes.push(g);
      this.produced++;
    }
    return { archs, genomes };
  }
}

/** `count` distinct architectures (fewer only when the space is smaller), in sampling order. */
export function sampleArchitectures(space: SearchSpace | CompiledSpace, count: number, seed: number): Architecture[] {
  return new CandidateStream(space, count, seed).next(count).archs;
}
