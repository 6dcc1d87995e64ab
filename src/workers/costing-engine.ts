/**
 * The costing worker's logic, free of worker globals so tests run it in Node.
 *
 * One job at a time: starting a job supersedes the one before it, which stops
 * at its next chunk boundary. Sampled architectures are kept (as packed layer
 * arrays, not objects) under the key (space, samples, seed), so a job that
 * only changes the hardware re-costs them without sampling again, and a job
 * interrupted while sampling resumes where it stopped. Their costs on the
 * last hardware are kept too (columns), so a search of the page's inputs
 * (src/workers/search-host.ts) takes the very candidates the page shows,
 * costed, with no sampling and no costing again.
 */
import { CandidateStream } from '../core/arch/sampler.ts';
import {
  compileHardware,
  createTotals,
  estimateTotalsWith,
  prepareArchitectureInto,
  type CostTotals,
  type PreparedLayers,
} from '../core/cost/estimator.ts';
import { METRICS, allocateColumns, type Columns } from '../core/metrics.ts';
import { DEFAULT_CHUNK_SIZE, type CostingChunk, type CostingRequest, type CostingResult } from '../protocol/costing.ts';

export interface EngineHooks {
  /** hands a chunk to the page (awaited if it returns a promise) */
  emit(chunk: CostingChunk): void | Promise<void>;
  /** yields to the event loop so a cancel or newer job can arrive */
  pause(): Promise<void>;
  now(): number;
}

const FIELDS = ['cin', 'cout', 'k2', 'hout2', 'cinHin2', 'coutHout2', 'weights'] as const;
type Field = (typeof FIELDS)[number];

/** The layers of many architectures in one set of growable typed arrays. */
export class PackedLayers {
  count = 0;
  private layers = 0;
  private offsets: Int32Array;
  private data: Record<Field, Float64Array>;
  timesteps: Int32Array;
  weightBits: Int32Array;

  constructor(capacity: number) {
    const archs = Math.max(1, capacity);
    this.offsets = new Int32Array(archs + 1);
    this.timesteps = new Int32Array(archs);
    this.weightBits = new Int32Array(archs);
    this.data = {} as Record<Field, Float64Array>;
    for (const f of FIELDS) this.data[f] = new Float64Array(archs * 12);
  }

  append(p: PreparedLayers, timesteps: number, weightBits: number): void {
    const n = p.n;
    if (this.count + 1 >= this.offsets.length) {
      this.offsets = grow(this.offsets, this.offsets.length * 2);
      this.timesteps = grow(this.timesteps, this.offsets.length);
      this.weightBits = grow(this.weightBits, this.offsets.length);
    }
    if (this.layers + n > this.data.cin.length) {
      for (const f of FIELDS) this.data[f] = grow(this.data[f], Math.max(this.layers + n, this.data[f].length * 2));
    }
    const at = this.layers;
    for (const f of FIELDS) {
      const src = p[f];
      const dst = this.data[f];
      for (let i = 0; i < n; i++) dst[at + i] = src[i];
    }
    this.timesteps[this.count] = timesteps;
    this.weightBits[this.count] = weightBits;
    this.layers += n;
    this.count++;
    this.offsets[this.count] = this.layers;
  }

  /** Copies architecture i's layers into `scratch` (reused when large enough); returns the one written. */
  load(i: number, scratch: PreparedLayers | null): PreparedLayers {
    const from = this.offsets[i];
    const n = this.offsets[i + 1] - from;
    const p = scratch !== null && scratch.cin.length >= n ? scratch : emptyPrepared(Math.max(n, 16));
    for (const f of FIELDS) {
      const src = this.data[f];
      const dst = p[f];
      for (let j = 0; j < n; j++) dst[j] = src[from + j];
    }
    p.n = n;
    return p;
  }
}

function grow<T extends Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as { new (n: number): T })(size);
  b.set(a);
  return b;
}

function emptyPrepared(capacity: number): PreparedLayers {
  const p = { n: 0 } as PreparedLayers;
  for (const f of FIELDS) p[f] = new Float64Array(capacity);
  return p;
}

function writeTotals(cols: Columns, i: number, t: CostTotals): void {
  for (const m of METRICS) cols[m][i] = t[m];
}

function sliceColumns(cols: Columns, from: number, n: number): Columns {
  const out = {} as Columns;
  for (const m of METRICS) out[m] = cols[m].slice(from, from + n);
  return out;
}

interface SampleCache {
  key: string;
  stream: CandidateStream;
  packed: PackedLayers;
  genomes: string[];
  /** costs of architectures [0, costed) on the hardware `costedOn` (JSON) */
  columns: Columns;
  costed: number;
  costedOn: string;
}

/** The sampled set of (space, samples, seed), costed on one hardware: what a search of the same inputs starts from. */
export interface CostedSet {
  columns: Columns;
  genomes: readonly string[];
  count: number;
}

type SetKey = Pick<CostingRequest, 'space' | 'samples' | 'seed' | 'hardware'>;
const sampleKey = (r: SetKey): string => JSON.stringify([r.space, r.samples, r.seed]);

export class CostingEngine {
  private active = 0;
  /** ids of the jobs the engine starts itself (costSet): negative, apart from the page's */
  private nextOwnJob = -1;
  private cache: SampleCache | null = null;
  private scratch: PreparedLayers | null = null;
  private readonly totals = createTotals();

  /** Stops job `jobId` at its next chunk boundary. */
  cancel(jobId: number): void {
    if (this.active === jobId) this.active = 0;
  }

  async run(req: CostingRequest, hooks: EngineHooks): Promise<CostingResult> {
    const jobId = req.jobId;
    this.active = jobId;
    const t0 = hooks.now();
    let sampleMs = 0;
    let costMs = 0;
    // Validation first: bad hardware or an empty space fails the job before anything streams.
    const chw = compileHardware(req.hardware);
    const key = sampleKey(req);
    let cache = this.cache;
    if (cache === null || cache.key !== key) {
      const ts = hooks.now();
      const stream = new CandidateStream(req.space, req.samples, req.seed);
      sampleMs += hooks.now() - ts;
      cache = { key, stream, packed: new PackedLayers(stream.target), genomes: [], columns: allocateColumns(stream.target), costed: 0, costedOn: '' };
      this.cache = cache;
    }
    const hardwareKey = JSON.stringify(req.hardware);
    if (cache.costedOn !== hardwareKey) {
      cache.costed = 0;
      cache.costedOn = hardwareKey;
    }
    const reusedSamples = cache.packed.count > 0;
    const target = cache.stream.target;
    const chunkSize = Math.max(1, Math.floor(req.chunkSize ?? DEFAULT_CHUNK_SIZE));
    let done = 0;
    const result = (completed: boolean): CostingResult => ({
      jobId,
      count: done,
      target,
      completed,
      timings: { sampleMs, costMs, totalMs: hooks.now() - t0, reusedSamples },
      assumedRate1: true,
    });

    while (done < target) {
      if (this.active !== jobId) return result(false);
      const packed = cache.packed;
      const all = cache.columns;
      let n: number;
      if (done < cache.costed) {
        // Costed on this hardware by an earlier job: only handed out again.
        n = Math.min(chunkSize, cache.costed - done);
      } else if (done < packed.count) {
        // Re-cost architectures sampled by an earlier job.
        n = Math.min(chunkSize, packed.count - done);
        const tc = hooks.now();
        for (let i = done; i < done + n; i++) {
          this.scratch = packed.load(i, this.scratch);
          writeTotals(all, i, estimateTotalsWith(this.scratch, chw, packed.timesteps[i], packed.weightBits[i], this.totals));
        }
        costMs += hooks.now() - tc;
      } else {
        if (cache.stream.done) break;
        const ts = hooks.now();
        const drawn = cache.stream.next(chunkSize);
        const tc = hooks.now();
        sampleMs += tc - ts;
        n = drawn.archs.length;
        if (n === 0) break;
        for (let i = 0; i < n; i++) {
          const a = drawn.archs[i];
          this.scratch = prepareArchitectureInto(a, this.scratch);
          packed.append(this.scratch, a.timesteps, a.weightBits);
          writeTotals(all, done + i, estimateTotalsWith(this.scratch, chw, a.timesteps, a.weightBits, this.totals));
        }
        for (const g of drawn.genomes) cache.genomes.push(g);
        costMs += hooks.now() - tc;
      }
      cache.costed = Math.max(cache.costed, done + n);
      // The chunk's columns are copies: their buffers go to the page (transferred), the cache keeps its own.
      await hooks.emit({ jobId, start: done, count: n, target, columns: sliceColumns(all, done, n), genomes: cache.genomes.slice(done, done + n) });
      done += n;
      if (this.active !== jobId) return result(false);
      await hooks.pause();
    }
    if (this.active === jobId) this.active = 0;
    return result(true);
  }

  /** The sampled set of these inputs when it is wholly costed on their hardware here; else null. */
  costedSet(r: SetKey): CostedSet | null {
    const cache = this.cache;
    if (cache === null || cache.key !== sampleKey(r) || cache.costedOn !== JSON.stringify(r.hardware)) return null;
    const sampled = cache.packed.count >= cache.stream.target || cache.stream.done;
    if (!sampled || cache.costed < cache.packed.count) return null;
    return { columns: cache.columns, genomes: cache.genomes, count: cache.costed };
  }

  /**
   * The sampled set of these inputs, costed: the one kept here when it is
   * complete, else sampled and costed now (resuming what an earlier job left)
   * as a job of its own, which supersedes any running job. Null when a newer
   * job superseded it in turn.
   */
  async costSet(r: SetKey, hooks: Omit<EngineHooks, 'emit'>): Promise<CostedSet | null> {
    const ready = this.costedSet(r);
    if (ready) return ready;
    const result = await this.run({ jobId: this.nextOwnJob--, space: r.space, samples: r.samples, seed: r.seed, hardware: r.hardware }, { ...hooks, emit: () => {} });
    return result.completed ? this.costedSet(r) : null;
  }
}
