/**
 * Searches in the costing worker (src/workers/search-host.ts) in this
 * process: the real costing engine, real training-free scores from a Node
 * training engine standing where the worker's pool of training workers
 * stands. A search of the page's inputs takes the candidates the engine
 * costed for the page (no sampling, no costing again), sends the page only
 * the rows it lacks, scores as Node's own pipeline does, drops candidates a
 * budget move rules out, and batches its updates.
 */
import { describe, expect, it } from 'vitest';
import { parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE } from '../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { DEFAULT_HARDWARE } from '../src/core/cost/hardware.ts';
import { METRICS } from '../src/core/metrics.ts';
import { runSearch, SearchCancelled, type SearchEvent, type SearchSettings, type TrainReading } from '../src/core/search/pipeline.ts';
import { noBudgets } from '../src/core/settings.ts';
import { createNodeEngine, engineEndpoint } from '../src/cli/engine-node.ts';
import { trainingEvaluators, type TrainingEndpoint } from '../src/worker-host/training-evaluators.ts';
import { openThreadPool } from '../src/cli/thread-pool.ts';
import { CostingEngine } from '../src/workers/costing-engine.ts';
import { SearchHost, UpdateBatcher, type SearchPool } from '../src/workers/search-host.ts';
import { SEARCH_BATCH_MS, type SearchBatch, type SearchRequest, type SearchUpdate } from '../src/protocol/search.ts';

const SPACE = { ...DEFAULT_SEARCH_SPACE, channels: { min: 8, max: 16, step: 8 }, hidden: [64], timesteps: { min: 2, max: 3, step: 1 } };
const SETTINGS: SearchSettings = { strategy: 'neuronas', rankBy: 'snasnet', samples: 24, seed: 11, space: SPACE, hardware: { ...DEFAULT_HARDWARE }, budgets: { ...noBudgets(), maxAreaMm2: 2.5 }, topK: 0, epochs: 1, dataset: 'mnist' };
const EVALUATOR_OPTIONS = { dataset: 'mnist' as const, seed: SETTINGS.seed, scoreBatch: 8, trainSamples: 100 };

/** A Node training engine where the browser has its pool of training workers. */
function nodePool(): SearchPool {
  const engine = createNodeEngine();
  const endpoint = engineEndpoint(engine);
  return {
    scorers: [endpoint],
    trainer: endpoint,
    ready: engine.init({ backend: 'wasm' }).then((r) => ({ backend: r.backend, reason: r.reason, softwareGpu: r.softwareGpu })),
    async provideDataset(upload) {
      engine.provideDataset(upload);
    },
    onCrash: null,
    dispose() {},
  };
}

const hooks = { pause: () => new Promise<void>((r) => setImmediate(r)), now: () => performance.now() };

/** Runs a search and keeps every batch with the time it was sent. */
async function search(host: SearchHost, request: Omit<SearchRequest, 'searchId'>, during?: (u: SearchUpdate, host: SearchHost) => void) {
  const batches: { at: number; batch: SearchBatch }[] = [];
  const summary = await host.search({ searchId: 1, ...request }, (batch) => {
    batches.push({ at: performance.now(), batch });
    for (const u of batch.updates) during?.(u, host);
  });
  const updates = batches.flatMap((b) => b.batch.updates);
  const rows = updates.filter((u): u is Extract<SearchUpdate, { type: 'candidates' }> => u.type === 'candidates');
  const scores = new Map(updates.flatMap((u) => (u.type === 'scored' ? [[u.index, u.score] as const] : [])));
  return { summary, batches, updates, rows, scores };
}

async function costForThePage(engine: CostingEngine, settings: SearchSettings): Promise<void> {
  const r = await engine.run({ jobId: 1, space: settings.space, samples: settings.samples, seed: settings.seed, hardware: settings.hardware }, { ...hooks, emit: () => {} });
  expect(r.completed).toBe(true);
}

describe('search host', () => {
  it('takes the candidates costed for the page, sends only the rows it lacks, and scores as Node does', async () => {
    const engine = new CostingEngine();
    await costForThePage(engine, SETTINGS);
    const costed = engine.costedSet(SETTINGS)!;
    expect(costed.count).toBe(24);
    const host = new SearchHost(engine, nodePool, hooks);
    const r = await search(host, { settings: SETTINGS, trainSamples: 100, scoreBatch: 8, have: 10 });
    expect(r.summary.completed).toBe(true);
    // The page held 10 rows: it gets the other 14, exactly as costed for it.
    expect(r.rows.map((u) => [u.start, u.count, u.sampled])).toEqual([[10, 14, 24]]);
    for (const m of METRICS) expect([...r.rows[0].columns[m]]).toEqual([...costed.columns[m].subarray(10, 24)]);
    expect(r.rows[0].genomes).toEqual(costed.genomes.slice(10, 24));
    // No sampling and no costing again: the set it searched is the very one the engine holds.
    expect(engine.costedSet(SETTINGS)?.columns).toBe(costed.columns);

    // Node's own pipeline on a stream of the same settings: the same candidates examined, the same scores to the last bit.
    const node = createNodeEngine();
    await node.init({ backend: 'wasm' });
    const endpoint = engineEndpoint(node);
    const reference = await runSearch(SETTINGS, trainingEvaluators([endpoint], [endpoint], EVALUATOR_OPTIONS));
    expect(reference.candidates.map((c) => c.genome)).toEqual(costed.genomes.slice(0, 24));
    const rejected = reference.candidates.filter((c) => !c.feasible).length;
    expect(rejected).toBeGreaterThan(0);
    expect(r.updates.filter((u) => u.type === 'costed')).toEqual([{ type: 'costed', count: 24, rejected }]);
    expect(r.scores.size).toBe(24 - rejected);
    for (const c of reference.candidates) expect(r.scores.get(c.index), c.genome).toBe(c.score ?? undefined);

    // Batched: one message at most every SEARCH_BATCH_MS (besides the rows', sent at once), however many updates.
    const gaps = r.batches.slice(2, -1).map((b, i) => b.at - r.batches[i + 1].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(SEARCH_BATCH_MS - 2);
    expect(r.updates.length).toBeGreaterThan(r.batches.length);
  });

  it('samples and costs the set itself when it does not hold it, and sends every row', async () => {
    const engine = new CostingEngine();
    const host = new SearchHost(engine, nodePool, hooks);
    const r = await search(host, { settings: { ...SETTINGS, strategy: 'random', topK: 0 }, trainSamples: 100, scoreBatch: 8, have: 0 });
    expect(r.summary.completed).toBe(true);
    expect(r.rows.map((u) => [u.start, u.count])).toEqual([[0, 24]]);
    const hw = compileHardware(SETTINGS.hardware);
    const t = createTotals();
    r.rows[0].genomes.forEach((g, i) => {
      estimateArchitecture(parseGenome(g), hw, t);
      for (const m of METRICS) expect(r.rows[0].columns[m][i]).toBe(t[m]);
    });
    expect(engine.costedSet(SETTINGS)?.count).toBe(24);
  });

  it('drops a queued candidate once a budget move rules it out, before it is scored', async () => {
    const engine = new CostingEngine();
    const settings = { ...SETTINGS, samples: 40, budgets: noBudgets() };
    await costForThePage(engine, settings);
    const costed = engine.costedSet(settings)!;
    const limit = 1.6;
    const r = await search(host(engine), { settings, trainSamples: 100, scoreBatch: 8, have: 40 }, (u, h) => {
      // After the fourth score the area budget tightens, as a slider moved on the page.
      if (u.type === 'scored' && u.index === 3) h.setBudgets({ ...noBudgets(), maxAreaMm2: limit });
    });
    const dropped = r.updates.flatMap((u) => (u.type === 'dropped' ? [u.index] : []));
    expect(dropped.length).toBeGreaterThan(0);
    for (const i of dropped) expect(costed.columns.areaMm2[i]).toBeGreaterThan(limit);
    for (const i of r.scores.keys()) if (i > 8) expect(costed.columns.areaMm2[i]).toBeLessThanOrEqual(limit);
    expect(r.scores.size + dropped.length).toBe(40);
  });

  it('sends the candidates evolution adds as rows after the sampled set, costed in full', async () => {
    const engine = new CostingEngine();
    const settings: SearchSettings = { ...SETTINGS, strategy: 'evolution', samples: 40, budgets: noBudgets() };
    await costForThePage(engine, settings);
    const r = await search(host(engine), { settings, trainSamples: 100, scoreBatch: 8, have: 40 });
    const added = r.rows.filter((u) => u.start >= 40);
    expect(added.length).toBeGreaterThan(0);
    let next = 40;
    const hw = compileHardware(settings.hardware);
    const t = createTotals();
    for (const u of added) {
      expect(u.start).toBe(next);
      expect(u.sampled).toBe(40);
      next += u.count;
      u.genomes.forEach((g, k) => {
        estimateArchitecture(parseGenome(g), hw, t);
        for (const m of METRICS) expect(u.columns[m][k]).toBe(t[m]);
      });
    }
    // Every examined candidate counted once, those added included; scores only for candidates the page holds.
    const examined = r.updates.reduce((n, u) => n + (u.type === 'costed' ? u.count : 0), 0);
    expect(examined).toBeLessThanOrEqual(40);
    for (const i of r.scores.keys()) expect(i).toBeLessThan(next);
  });

  it('stops at once when cancelled, and says it did not complete', async () => {
    const engine = new CostingEngine();
    await costForThePage(engine, SETTINGS);
    const h = host(engine);
    const r = await search(h, { settings: { ...SETTINGS, budgets: noBudgets() }, trainSamples: 100, scoreBatch: 8, have: 24 }, (u, self) => {
      if (u.type === 'scored') self.cancel(1);
    });
    expect(r.summary.completed).toBe(false);
    expect(r.scores.size).toBeLessThan(24);
    expect(r.summary.batches).toBe(r.batches.length);
  });
});

describe('live training progress', () => {
  it('the batcher keeps every point of a training curve, and of the rest only the latest progress', () => {
    const sent: SearchBatch[] = [];
    const b = new UpdateBatcher(1, (batch) => sent.push(batch), 60_000);
    const t = (batch: number, at?: number): SearchUpdate => ({ type: 'training', index: 3, progress: { epoch: 0, epochs: 1, batch, batches: 10, loss: 1, ...(at !== undefined ? { reading: { at, loss: 1, accuracy: 0.5 } } : {}) } });
    for (const u of [t(0), t(1, 0.2), t(2), t(3), t(4, 0.5), t(5)]) b.push(u);
    b.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0].updates.map((u) => (u.type === 'training' ? u.progress.batch : -1))).toEqual([1, 4, 5]);
  });

  it('a search streams its candidate’s training curve to the page while it trains, before it is trained', async () => {
    const engine = new CostingEngine();
    await costForThePage(engine, SETTINGS);
    const r = await search(host(engine), { settings: { ...SETTINGS, topK: 1, epochs: 2 }, trainSamples: 640, scoreBatch: 8, have: 24 });
    expect(r.summary.completed).toBe(true);
    const trainedAt = r.updates.findIndex((u) => u.type === 'trained');
    expect(trainedAt).toBeGreaterThan(0);
    const readings = r.updates.slice(0, trainedAt).flatMap((u) => (u.type === 'training' && u.progress.reading ? [u.progress.reading] : []));
    // 20 batches of 32 over 2 epochs, a reading at most every 100 ms: several points, in order, each a loss and an accuracy.
    expect(readings.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < readings.length; i++) expect(readings[i].at).toBeGreaterThan(readings[i - 1].at);
    for (const p of readings) {
      expect(p.at).toBeGreaterThan(0);
      expect(p.at).toBeLessThanOrEqual(2);
      expect(p.loss).toBeGreaterThan(0);
      expect(p.accuracy).toBeGreaterThanOrEqual(0);
      expect(p.accuracy).toBeLessThanOrEqual(1);
    }
  }, 120_000);
});

function host(engine: CostingEngine): SearchHost {
  return new SearchHost(engine, nodePool, hooks);
}

describe('training the top-k on every core at once', () => {
  const settings: SearchSettings = { ...SETTINGS, topK: 2, epochs: 1 };
  // A reading at every batch (readingMs 0), so a curve's points are the batches, not the clock's.
  const options = { ...EVALUATOR_OPTIONS, trainSamples: 160, readingMs: 0 };

  /** Each candidate's live curve, from the run's events. */
  function curves(events: readonly SearchEvent[]): Map<number, TrainReading[]> {
    const out = new Map<number, TrainReading[]>();
    for (const e of events) if (e.type === 'training' && e.progress.reading) out.set(e.index, [...(out.get(e.index) ?? []), e.progress.reading]);
    return out;
  }

  it('trains the same results in the same order on 2 worker threads as on 1, each candidate on both threads', async () => {
    const pool = await openThreadPool(2, 'wasm');
    try {
      // The shard each training call on each thread was given (undefined: the whole step), per candidate.
      const calls: (0 | 1 | undefined)[][] = [[], []];
      const watched: TrainingEndpoint[] = pool.clients.map((c, w) => ({
        score: (req, onItem, signal) => c.score(req, onItem, signal),
        train: (req, onProgress, signal) => (calls[w].push(req.peer?.shard), c.train(req, onProgress, signal)),
      }));
      const oneEvents: SearchEvent[] = [];
      const one = await runSearch(settings, trainingEvaluators(pool.clients, [watched[0]], options), (e) => oneEvents.push(e));
      const twoEvents: SearchEvent[] = [];
      const two = await runSearch(settings, trainingEvaluators(pool.clients, watched, options), (e) => twoEvents.push(e));
      // Thread 0 alone took both candidates whole; then each candidate on thread 0 as shard 0 and thread 1 as shard 1.
      const peers = [[calls[0][0], calls[0][1]], [calls[0][2], calls[1][0]], [calls[0][3], calls[1][1]]];
      expect(one.trained).toHaveLength(2);
      // The same candidates in the selection order, with the same accuracies, spike rates and epochs, to the bit.
      const selected = oneEvents.find((e) => e.type === 'selected');
      expect(one.trained.map((t) => t.index)).toEqual(selected?.type === 'selected' ? selected.indices : null);
      expect(two.trained.map((t) => t.index)).toEqual(one.trained.map((t) => t.index));
      const result = (t: (typeof one.trained)[number]) => {
        const { samplesPerSecond: _speed, weights: _weights, ...rest } = t.result;
        return { index: t.index, ...rest, measuredCosts: t.measuredCosts };
      };
      expect(two.trained.map(result)).toEqual(one.trained.map(result));
      expect(one.trained[0].result.spikeRates.length).toBeGreaterThan(0);
      // The same live curves, point for point.
      expect(curves(twoEvents)).toEqual(curves(oneEvents));
      expect(curves(oneEvents).get(one.trained[1].index)?.length).toBeGreaterThanOrEqual(4);
      // One at a time either way: on two threads each candidate's steps are split between them (shard 0 on one, shard 1
      // on the other), and the results above are the one thread's to the bit.
      const inTrainingBeforeFirstTrained = (events: readonly SearchEvent[]) => new Set(events.slice(0, events.findIndex((e) => e.type === 'trained')).flatMap((e) => (e.type === 'training' ? [e.index] : []))).size;
      expect(inTrainingBeforeFirstTrained(oneEvents)).toBe(1);
      expect(inTrainingBeforeFirstTrained(twoEvents)).toBe(1);
      expect(peers).toEqual([
        [undefined, undefined],
        [0, 1],
        [0, 1],
      ]);
    } finally {
      pool.dispose();
    }
  }, 180_000);

  it('a stop mid-training cancels the training on both its threads, and the run keeps nothing half-trained', async () => {
    const pool = await openThreadPool(2, 'wasm');
    try {
      // Each endpoint's training calls, as they end: 'completed', or the error they ended with.
      const ends: string[][] = [[], []];
      const watched: TrainingEndpoint[] = pool.clients.map((c, w) => ({
        score: (req, onItem, signal) => c.score(req, onItem, signal),
        train: (req, onProgress, signal) =>
          c.train(req, onProgress, signal).then(
            (r) => (ends[w].push(r.completed ? 'completed' : 'not completed'), r),
            (e: unknown) => {
              ends[w].push(e instanceof Error ? e.name : String(e));
              throw e;
            },
          ),
      }));
      const ac = new AbortController();
      const inTraining = new Set<number>();
      const events: SearchEvent[] = [];
      // Long trainings (2 epochs of 2,000 images), each on both threads: stopped once the first has trained a few batches.
      const stopped = await runSearch({ ...settings, epochs: 2 }, trainingEvaluators(pool.clients, watched, { ...options, trainSamples: 2000 }), (e) => {
        events.push(e);
        if (e.type === 'training' && e.progress.batch >= 2) inTraining.add(e.index);
        if (inTraining.size === 1 && !ac.signal.aborted) ac.abort();
      }, ac.signal).catch((e: unknown) => e);
      expect(stopped).toBeInstanceOf(SearchCancelled);
      expect(inTraining.size).toBe(1);
      // Both halves of the training ended, one on each thread, cancelled: neither ran on to its end.
      expect(ends).toEqual([['AbortError'], ['AbortError']]);
      expect(events.some((e) => e.type === 'trained' || e.type === 'train-failed')).toBe(false);
      const partial = (stopped as SearchCancelled).partial!;
      expect(partial.stopped).toBe(true);
      expect(partial.trained).toEqual([]);
      expect(partial.failures).toEqual([]);
    } finally {
      pool.dispose();
    }
  }, 180_000);
});
