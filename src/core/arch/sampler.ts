/**
 * Seeded sampling of architectures from a user-chosen search space.
 * The same space and seed give the same architectures in Node, workers and
 * tests: pure-rand's xoroshiro128+ is plain JS integer arithmetic.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { NO_BACKWARD, OPS, OP_CODE, enumerateValidCells, type Cell, type Op } from './cell.ts';
import { MNIST_INPUT, type Architecture, type InputShape } from './architecture.ts';
import { formatGenome } from './genome.ts';

export interface IntRange {
  min: number;
  max: number;
  step: number;
}

export interface SearchSpace {
  /** operations a sampled edge may carry ('zero' must be allowed for cells with fewer than six edges) */
  ops: readonly Op[];
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
  cells: number[][];
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
  return {
    space,
    cells,
    channels: rangeValues('base width C', space.channels),
    hidden: nonEmpty('hidden width', space.hidden),
    timesteps: rangeValues('timesteps', space.timesteps),
    weightBits: nonEmpty('weight bits', space.weightBits),
  };
}

/** Number of distinct architectures the space holds. */
export function spaceSize(c: CompiledSpace): number {
  const cellChoices = c.space.sharedCell ? c.cells.length : c.cells.length * c.cells.length;
  return cellChoices * c.channels.length * c.hidden.length * c.timesteps.length * c.weightBits.length;
}

function pick<T>(rng: RandomGenerator, values: readonly T[]): T {
  return values[uniformInt(rng, 0, values.length - 1)];
}

export function makeRng(seed: number): RandomGenerator {
  return xoroshiro128plus(seed | 0);
}

export function sampleArchitecture(rng: RandomGenerator, c: CompiledSpace): Architecture {
  const cell1: Cell = { forward: pick(rng, c.cells), backward: NO_BACKWARD };
  const cell2: Cell = c.space.sharedCell ? cell1 : { forward: pick(rng, c.cells), backward: NO_BACKWARD };
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
