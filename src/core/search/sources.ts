/**
 * Where a search's candidates come from: costed architectures in sampling
 * order. The pipeline (pipeline.ts) draws from a source and never samples or
 * costs the sampled set itself, so one pipeline serves
 *
 * - the command line and the tests: a `StreamSource` draws from a seeded
 *   CandidateStream and costs each architecture as it is drawn;
 * - the studio's worker: a `ColumnSource` hands out candidates the worker
 *   had already sampled and costed for the page (typed-array columns and
 *   genomes), with no sampling and no costing again.
 *
 * Both give the same candidates, in the same order, with the same costs for
 * the same (space, samples, seed, hardware): the page's candidates are those
 * of a CandidateStream costed by the same estimator.
 */
import type { Architecture } from '../arch/architecture.ts';
import { CandidateStream, type CompiledSpace, type SearchSpace } from '../arch/sampler.ts';
import { createTotals, estimateArchitecture, type CompiledHardware, type CostTotals } from '../cost/estimator.ts';
import type { Columns } from '../metrics.ts';

/** What a search keeps of a candidate's costs (the CostTotals the budgets and the export read). */
export interface CostFigures {
  params: number;
  memoryBits: number;
  areaMm2: number;
  latencyMs: number;
  energyUJ: number;
  tiles: number;
  crossbars: number;
}

export function costFigures(t: Readonly<CostFigures>): CostFigures {
  return { params: t.params, memoryBits: t.memoryBits, areaMm2: t.areaMm2, latencyMs: t.latencyMs, energyUJ: t.energyUJ, tiles: t.tiles, crossbars: t.crossbars };
}

/** Candidate `i`'s figures from typed-array columns. */
export function costFiguresAt(c: Columns, i: number): CostFigures {
  return { params: c.params[i], memoryBits: c.memoryBits[i], areaMm2: c.areaMm2[i], latencyMs: c.latencyMs[i], energyUJ: c.energyUJ[i], tiles: c.tiles[i], crossbars: c.crossbars[i] };
}

export interface SourcedCandidate {
  genome: string;
  costs: CostFigures;
  /** the architecture when the source holds it (a stream does); else the pipeline parses the genome when it needs it */
  arch?: Architecture;
}

export interface CandidateSource {
  /** no candidate is left to draw */
  readonly done: boolean;
  /**
   * Indices [0, size) belong to the source's candidates, drawn or not. A
   * candidate the search makes itself (an evolution child) is numbered from
   * here on, after every candidate of the source.
   */
  readonly size: number;
  /** Up to `max` further candidates, in order (fewer only at the end). */
  next(max: number): SourcedCandidate[];
  /**
   * The index of the source's candidate with this genome, drawn or not (-1
   * when it has none, or cannot know without drawing): a child that is one
   * of them is that candidate, not a new one.
   */
  indexOf(genome: string): number;
  /** The source's candidate at `index` (< size, as indexOf gave it). */
  at(index: number): SourcedCandidate;
}

/** Candidates drawn from a seeded stream and costed as they are drawn (Node, the tests). */
export class StreamSource implements CandidateSource {
  private readonly stream: CandidateStream;
  private readonly totals: CostTotals = createTotals();
  private readonly drawn: SourcedCandidate[] = [];

  constructor(
    space: SearchSpace | CompiledSpace,
    samples: number,
    seed: number,
    private readonly hw: CompiledHardware,
  ) {
    this.stream = new CandidateStream(space, samples, seed);
  }

  get done(): boolean {
    return this.stream.done;
  }

  /** A stream knows only what it has drawn: later candidates take no index until drawn. */
  get size(): number {
    return this.drawn.length;
  }

  next(max: number): SourcedCandidate[] {
    const { archs, genomes } = this.stream.next(max);
    const out = archs.map((arch, i) => ({ genome: genomes[i], arch, costs: costFigures(estimateArchitecture(arch, this.hw, this.totals)) }));
    this.drawn.push(...out);
    return out;
  }

  indexOf(): number {
    return -1;
  }

  at(index: number): SourcedCandidate {
    return this.drawn[index];
  }
}

/** Candidates already sampled and costed, as typed-array columns and genomes (the studio's worker). */
export class ColumnSource implements CandidateSource {
  private position = 0;
  private byGenome: Map<string, number> | null = null;

  constructor(
    private readonly columns: Columns,
    private readonly genomes: readonly string[],
    readonly size: number,
  ) {}

  get done(): boolean {
    return this.position >= this.size;
  }

  next(max: number): SourcedCandidate[] {
    const out: SourcedCandidate[] = [];
    for (const end = Math.min(this.size, this.position + max); this.position < end; this.position++) out.push(this.at(this.position));
    return out;
  }

  indexOf(genome: string): number {
    if (this.byGenome === null) {
      this.byGenome = new Map();
      for (let i = 0; i < this.size; i++) this.byGenome.set(this.genomes[i], i);
    }
    return this.byGenome.get(genome) ?? -1;
  }

  at(index: number): SourcedCandidate {
    return { genome: this.genomes[index], costs: costFiguresAt(this.columns, index) };
  }
}
