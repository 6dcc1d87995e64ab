/**
 * Incremental form of `sampleArchitectures`: draws the same architectures in
 * the same order, a chunk at a time, so a worker can stream them (and stop
 * between chunks when the request is superseded). `sampleArchitectures(space,
 * n, seed)` equals the concatenation of `next()` chunks of a stream with the
 * same space, n and seed.
 */
import type { Architecture } from './arch/architecture.ts';
import { formatGenome } from './arch/genome.ts';
import { compileSpace, makeRng, sampleArchitecture, spaceSize, type CompiledSpace, type SearchSpace } from './arch/sampler.ts';

export class CandidateStream {
  readonly compiled: CompiledSpace;
  /** how many the stream aims for: the request, or the whole space when it is smaller */
  readonly target: number;
  private readonly rng: ReturnType<typeof makeRng>;
  private readonly seen = new Set<string>();
  private readonly maxAttempts: number;
  private attempts = 0;
  private produced = 0;

  constructor(space: SearchSpace | CompiledSpace, count: number, seed: number) {
    this.compiled = 'cells' in space ? space : compileSpace(space);
    this.target = Math.max(0, Math.min(count, spaceSize(this.compiled)));
    this.rng = makeRng(seed);
    // The same bound as sampleArchitectures: only matters for tiny spaces near exhaustion.
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
