/**
 * The costing worker's logic, free of worker globals so tests run it in Node.
 *
 * One job at a time: starting a job supersedes the one before it, which stops
 * at its next chunk boundary. Sampled architectures are kept (as packed layer
 * arrays, not objects) under the key (space, samples, seed), so a job that
 * only changes the hardware re-costs them without sampling again, and a job
 * interrupted while sampling resumes where it stopped.
 */
import { layerList } from '../core/arch/architecture.ts';
import { CandidateStream } from '../core/arch/sampler.ts';
import {
  compileHardware,
  createTotals,
  estimateTotalsWith,
  prepareLayersInto,
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

function sliceColumns(cols: Columns, n: number): Columns {
  if (cols.params.length === n) return cols;
  const out = {} as Columns;
  for (const m of METRICS) out[m] = cols[m].slice(0, n);
  return out;
}

interface SampleCache {
  key: string;
  stream: CandidateStream;
  packed: PackedLayers;
  genomes: string[];
}

export class CostingEngine {
  private active = 0;
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
    const key = JSON.stringify([req.space, req.samples, req.seed]);
    let cache = this.cache;
    if (cache === null || cache.key !== key) {
      const ts = hooks.now();
      const stream = new CandidateStream(req.space, req.samples, req.seed);
      sampleMs += hooks.now() - ts;
      cache = { key, stream, packed: new PackedLayers(stream.target), genomes: [] };
      this.cache = cache;
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
      let cols: Columns;
      let genomes: string[];
      let n: number;
      if (done < packed.count) {
        // Re-cost architectures sampled by an earlier job.
        n = Math.min(chunkSize, packed.count - done);
        const tc = hooks.now();
        cols = allocateColumns(n);
        for (let i = 0; i < n; i++) {
          const a = done + i;
          this.scratch = packed.load(a, this.scratch);
          writeTotals(cols, i, estimateTotalsWith(this.scratch, chw, packed.timesteps[a], packed.weightBits[a], this.totals));
        }
        costMs += hooks.now() - tc;
        genomes = cache.genomes.slice(done, done + n);
      } else {
        if (cache.stream.done) break;
        const ts = hooks.now();
        const drawn = cache.stream.next(chunkSize);
        const tc = hooks.now();
        sampleMs += tc - ts;
        n = drawn.archs.length;
        if (n === 0) break;
        cols = allocateColumns(n);
        for (let i = 0; i < n; i++) {
          const a = drawn.archs[i];
          this.scratch = prepareLayersInto(layerList(a), this.scratch);
          packed.append(this.scratch, a.timesteps, a.weightBits);
          writeTotals(cols, i, estimateTotalsWith(this.scratch, chw, a.timesteps, a.weightBits, this.totals));
        }
        for (const g of drawn.genomes) cache.genomes.push(g);
        genomes = drawn.genomes;
        costMs += hooks.now() - tc;
      }
      await hooks.emit({ jobId, start: done, count: n, target, columns: sliceColumns(cols, n), genomes });
      done += n;
      if (this.active !== jobId) return result(false);
      await hooks.pause();
    }
    if (this.active === jobId) this.active = 0;
    return result(true);
  }
}
