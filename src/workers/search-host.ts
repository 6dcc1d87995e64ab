/**
 * Searches in the costing worker, free of worker globals so tests run it in
 * Node: the search pipeline (core/search/pipeline.ts) fed by the candidates
 * this worker already sampled and costed for the page, scoring and training
 * in a pool of training workers it owns, its updates batched to the page.
 *
 * - Candidates: the sampled set of the search's (space, samples, seed,
 *   hardware) as the costing engine holds it; when it does not hold all of
 *   it (the page stopped its costing, or this worker is fresh), it samples
 *   and costs the rest itself. The page gets only the rows it lacks.
 * - Budgets: the page sends each move (`setBudgets`); a queued candidate
 *   they rule out is dropped as its turn to be scored comes, judged on its
 *   own costs here.
 * - One search at a time: a newer one supersedes the running one. The pool
 *   stays between searches (its workers have their backend and data set).
 */
import { parseGenome } from '../core/arch/genome.ts';
import type { DatasetName } from '../core/data/datasets.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../core/cost/estimator.ts';
import { METRICS, allocateColumns, type Columns } from '../core/metrics.ts';
import { runSearch, SearchCancelled, trainingSlots, type CandidateRecord, type SearchEvent, type SearchTimings } from '../core/search/pipeline.ts';
import { ColumnSource } from '../core/search/sources.ts';
import type { Budgets } from '../core/settings.ts';
import { SEARCH_BATCH_MS, type SearchBatch, type SearchPoolInfo, type SearchRequest, type SearchSummary, type SearchUpdate } from '../protocol/search.ts';
import type { DatasetUpload } from '../protocol/training.ts';
import { pairsTrainingOn, trainingEvaluators, type TrainingEndpoint } from '../worker-host/training-evaluators.ts';
import type { CostedSet, CostingEngine, EngineHooks } from './costing-engine.ts';

/** The scorers and the trainer a search drives (training workers in the browser; in-process engines in tests); all of them score, then all of them train. */
export interface SearchPool {
  scorers: readonly TrainingEndpoint[];
  trainer: TrainingEndpoint;
  /** resolves once every worker has chosen its backend (rejects when one cannot start) */
  ready: Promise<Omit<SearchPoolInfo, 'scorers' | 'trainers'>>;
  /** hands each worker a user's data set, unless it holds this one already */
  provideDataset(upload: DatasetUpload, signal: AbortSignal): Promise<void>;
  /** told when a worker crashes or ends (it is replaced, and its unfinished work retried) */
  onCrash: ((message: string) => void) | null;
  dispose(): void;
}

/** Rows of the sampled set per `candidates` update: a message of a few hundred kB at most. */
const ROWS_PER_UPDATE = 2000;

/**
 * Collects updates and sends them as one batch at most every `ms`, keeping
 * of a training's progress only the latest and those with a curve point.
 */
export class UpdateBatcher {
  private pending: SearchUpdate[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** batches sent so far */
  sent = 0;

  constructor(
    private readonly searchId: number,
    private readonly send: (batch: SearchBatch) => void,
    private readonly ms = SEARCH_BATCH_MS,
  ) {}

  push(u: SearchUpdate): void {
    const last = this.pending[this.pending.length - 1];
    // A progress that carries a point of the live curve is kept: the curve needs every point.
    if (u.type === 'training' && last?.type === 'training' && last.index === u.index && !last.progress.reading) this.pending[this.pending.length - 1] = u;
    else this.pending.push(u);
    this.timer ??= setTimeout(() => this.flush(), this.ms);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const updates = this.pending;
    this.pending = [];
    this.sent++;
    this.send({ searchId: this.searchId, updates });
  }
}

/** Rows [from, to) of a costed set as a `candidates` update (copies: their buffers are transferred). */
function rowsUpdate(set: CostedSet, from: number, to: number): SearchUpdate {
  const columns = {} as Columns;
  for (const m of METRICS) columns[m] = set.columns[m].slice(from, to);
  return { type: 'candidates', start: from, count: to - from, columns, genomes: set.genomes.slice(from, to), sampled: set.count };
}

/** Candidates the search made itself (consecutive indices after the sampled set), costed in full for the page's columns. */
function ownRowsUpdate(records: readonly CandidateRecord[], hardware: ReturnType<typeof compileHardware>, sampled: number): SearchUpdate {
  const columns = allocateColumns(records.length);
  const totals = createTotals();
  records.forEach((r, k) => {
    // The same estimator as the costing engine's columns (every metric, PEs too), on the architecture of the genome.
    estimateArchitecture(parseGenome(r.genome), hardware, totals);
    for (const m of METRICS) columns[m][k] = totals[m];
  });
  return { type: 'candidates', start: records[0].index, count: records.length, columns, genomes: records.map((r) => r.genome), sampled };
}

interface Running {
  searchId: number;
  abort: AbortController;
  budgets: Budgets;
  batcher: UpdateBatcher;
}

export class SearchHost {
  private pool: SearchPool | null = null;
  private upload: DatasetUpload | null = null;
  private running: Running | null = null;

  constructor(
    private readonly engine: CostingEngine,
    private readonly createPool: () => SearchPool,
    private readonly hooks: Omit<EngineHooks, 'emit'>,
  ) {}

  /** The pool (made on first use, and again after a failed start). */
  private ensurePool(): SearchPool {
    if (this.pool) return this.pool;
    const pool = this.createPool();
    pool.onCrash = (message) => this.running?.batcher.push({ type: 'worker-crashed', message });
    pool.ready.catch(() => {
      if (this.pool === pool) {
        this.pool = null;
        pool.dispose();
      }
    });
    this.pool = pool;
    return pool;
  }

  /** Keeps a user's data set for the searches that name it (parsed in each training worker). */
  provideDataset(upload: DatasetUpload): void {
    this.upload = upload;
  }

  /** The budgets on the page now: queued candidates are judged by them as their turn comes. */
  setBudgets(budgets: Budgets): void {
    if (this.running) this.running.budgets = budgets;
  }

  /** Stops search `searchId` (its promise then resolves, not completed); unknown or finished ids are ignored. */
  cancel(searchId: number): void {
    if (this.running?.searchId === searchId) this.running.abort.abort();
  }

  /** The pool's workers, for test builds' crash hooks. */
  poolForTest(): SearchPool {
    return this.ensurePool();
  }

  /** The pool, for a calibration run on the same workers (src/workers/calibration-host.ts). */
  sharedPool(): SearchPool {
    return this.ensurePool();
  }

  /** Stops whichever search runs (a calibration is starting on the same workers). */
  stopAny(): void {
    this.running?.abort.abort();
  }

  async search(req: SearchRequest, send: (batch: SearchBatch) => void): Promise<SearchSummary> {
    this.running?.abort.abort();
    const s = req.settings;
    const running: Running = { searchId: req.searchId, abort: new AbortController(), budgets: s.budgets, batcher: new UpdateBatcher(req.searchId, send) };
    this.running = running;
    const { signal } = running.abort;
    const batcher = running.batcher;
    const t0 = this.hooks.now();
    const cut = (): SearchTimings => ({ costMs: 0, scoreMs: 0, trainMs: 0, totalMs: this.hooks.now() - t0 });
    let outcome: { completed: boolean; timings: SearchTimings };
    try {
      outcome = await this.run(req, running);
    } catch (e) {
      if (e instanceof SearchCancelled) outcome = { completed: false, timings: e.partial?.timings ?? cut() };
      else if (signal.aborted) outcome = { completed: false, timings: cut() };
      else throw e;
    } finally {
      batcher.flush();
      if (this.running === running) this.running = null;
    }
    return { searchId: req.searchId, ...outcome, batches: batcher.sent };
  }

  private async run(req: SearchRequest, running: Running): Promise<{ completed: boolean; timings: SearchTimings }> {
    const s = req.settings;
    const { signal } = running.abort;
    const batcher = running.batcher;
    const set = await this.engine.costSet(s, this.hooks);
    // A newer costing job superseded this one's: the page's inputs have moved on.
    if (set === null || signal.aborted) throw new SearchCancelled();
    for (let from = Math.max(0, req.have); from < set.count; from += ROWS_PER_UPDATE) batcher.push(rowsUpdate(set, from, Math.min(set.count, from + ROWS_PER_UPDATE)));
    batcher.flush();

    const pool = this.ensurePool();
    const info = await untilAborted(pool.ready, signal);
    // Every strategy scores all it scores before it trains anything (core/search/pipeline.ts), so no worker waits: the
    // trainer scores beside the scorers (on 2 cores, twice the scoring of the one scorer alone), and once scoring is
    // over they all train: a candidate on two of them at once (worker-host/training-evaluators.ts).
    const workers = [...new Set([...pool.scorers, pool.trainer])];
    const pairs = pairsTrainingOn(info.backend);
    batcher.push({ type: 'pool', ...info, scorers: workers.length, trainers: pairs ? trainingSlots(workers.length) : workers.length });
    if (s.dataset === 'cifar10') {
      if (!this.upload) throw new Error('CIFAR-10 searches need the batch files: none were provided');
      await pool.provideDataset(this.upload, signal);
    }
    const evaluators = trainingEvaluators(workers, workers, {
      dataset: s.dataset as DatasetName,
      seed: s.seed,
      scoreBatch: req.scoreBatch,
      rankBy: s.rankBy,
      ...(req.proxyKnobs ? { proxyKnobs: req.proxyKnobs } : {}),
      trainSamples: req.trainSamples,
      keepWeights: true,
      pairs,
    });
    const hw = compileHardware(s.hardware);
    const rejects = s.strategy === 'neuronas' || s.strategy === 'evolution';
    const emit = (e: SearchEvent): void => {
      if (e.type !== 'costed') {
        batcher.push(e);
        return;
      }
      const own = e.records.filter((r) => r.index >= set.count);
      if (own.length) batcher.push(ownRowsUpdate(own, hw, set.count));
      batcher.push({ type: 'costed', count: e.records.length, rejected: rejects ? e.records.filter((r) => !r.feasible).length : 0 });
    };
    const run = await runSearch(s, evaluators, emit, signal, { source: new ColumnSource(set.columns, set.genomes, set.count), budgets: () => running.budgets, known: req.known });
    return { completed: true, timings: run.timings };
  }

  dispose(): void {
    this.running?.abort.abort();
    this.pool?.dispose();
    this.pool = null;
  }
}

/** `p`, or a rejection with SearchCancelled as soon as `signal` aborts (for waits that take no signal). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new SearchCancelled());
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
