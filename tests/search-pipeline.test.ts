import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH_SPACE } from '../src/core/arch/sampler.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_HARDWARE } from '../src/core/cost/hardware.ts';
import { runSearch, SearchCancelled, type Evaluators, type SearchEvent, type SearchSettings } from '../src/core/search/pipeline.ts';
import { budgetViolation } from '../src/core/feasibility.ts';
import { ColumnSource, StreamSource } from '../src/core/search/sources.ts';
import { compileHardware } from '../src/core/cost/estimator.ts';
import { METRICS, allocateColumns, type Columns } from '../src/core/metrics.ts';

/** The sampled and costed set as the studio's worker holds it: columns and genomes, from a stream costed in one go. */
function costedColumns(settings: SearchSettings): { columns: Columns; genomes: string[]; count: number } {
  const drawn = new StreamSource(settings.space, settings.samples, settings.seed, compileHardware(settings.hardware)).next(settings.samples);
  const columns = allocateColumns(drawn.length);
  drawn.forEach((c, i) => {
    for (const m of METRICS) if (m !== 'pes') columns[m][i] = c.costs[m];
  });
  return { columns, genomes: drawn.map((c) => c.genome), count: drawn.length };
}

// Orchestration tests: the scorer and trainer here are deterministic functions
// of the genome (the real tfjs ones are exercised by the CLI tests), so the
// assertions are about which candidates each strategy scores, selects and trains.
function fakeScore(genome: string): number {
  let h = 2166136261;
  for (let i = 0; i < genome.length; i++) h = Math.imul(h ^ genome.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

function evaluators(log: { scored: string[]; trained: string[] }): Evaluators {
  return {
    async score(genomes, signal, onScore) {
      for (let i = 0; i < genomes.length; i++) {
        if (signal.aborted) return;
        log.scored.push(genomes[i]);
        onScore(i, fakeScore(genomes[i]));
      }
    },
    async train(genome, epochs, _signal, onProgress) {
      log.trained.push(genome);
      onProgress({ epoch: 1, epochs, batch: 1, batches: 1, loss: 1 });
      const n = layerList(parseGenome(genome)).length;
      return { accuracyFloat: 0.9 + fakeScore(genome) / 20, accuracyQuantized: 0.9 + fakeScore(genome) / 21, spikeRates: new Array(n).fill(0.25), epochs: [], backend: 'test', samplesPerSecond: 1 };
    },
  };
}

const base: SearchSettings = {
  strategy: 'neuronas',
  // The evaluators' score (the scorer stands in for SNASNet's); cost-model ranking is tested on its own below.
  rankBy: 'snasnet',
  samples: 600,
  seed: 9,
  space: DEFAULT_SEARCH_SPACE,
  hardware: DEFAULT_HARDWARE,
  budgets: { maxParams: 300_000, maxAreaMm2: Infinity, maxLatencyMs: Infinity, maxEnergyUJ: 30 },
  topK: 3,
  epochs: 1,
  dataset: 'mnist',
};

describe('search pipeline', () => {
  it('NeuroNAS scores only feasible candidates and reaches the same top-k as SNASNet', async () => {
    const logN = { scored: [] as string[], trained: [] as string[] };
    const logS = { scored: [] as string[], trained: [] as string[] };
    const n = await runSearch(base, evaluators(logN));
    const s = await runSearch({ ...base, strategy: 'snasnet' }, evaluators(logS));
    expect(n.candidates.map((c) => c.genome)).toEqual(s.candidates.map((c) => c.genome));
    const feasible = n.candidates.filter((c) => c.feasible);
    // a fair share of the space is infeasible under these budgets
    expect(feasible.length).toBeGreaterThan(50);
    expect(feasible.length).toBeLessThan(550);
    expect(logN.scored).toEqual(feasible.map((c) => c.genome));
    expect(logS.scored.length).toBe(600);
    expect(n.counts.rejectedBeforeScoring).toBe(600 - feasible.length);
    expect(s.counts.rejectedBeforeScoring).toBe(0);
    expect(logN.trained).toEqual(logS.trained);
    expect(logN.trained.length).toBe(3);
    for (const t of n.trained) expect(n.candidates[t.index].feasible).toBe(true);
    // the trained ones are the best-scored feasible candidates
    const best = [...feasible].sort((a, b) => (b.score ?? 0) - (a.score ?? 0)).slice(0, 3).map((c) => c.genome);
    expect(logN.trained).toEqual(best);
  });

  it('ranks by a lower-is-better proxy (early_loss) lowest first: every strategy trains the lowest-scored, and the run keeps the raw values', async () => {
    for (const strategy of ['neuronas', 'snasnet', 'evolution'] as const) {
      const log = { scored: [] as string[], trained: [] as string[] };
      const r = await runSearch({ ...base, strategy, rankBy: 'early_loss', samples: 300 }, evaluators(log));
      const scored = r.candidates.filter((c) => c.feasible && c.score !== null);
      const byScore = [...scored].sort((a, b) => (a.score as number) - (b.score as number));
      const lowest = byScore.slice(0, 3).map((c) => c.genome);
      const highest = byScore.slice(-3).reverse().map((c) => c.genome);
      expect(log.trained, strategy).toEqual(lowest);
      expect(log.trained, strategy).not.toEqual(highest);
      // The score is the proxy's own value (the scorer's), not turned round.
      for (const c of scored) expect(c.score).toBe(fakeScore(c.genome));
    }
    // Ranked by the same values the other way round (higher is better), NeuroNAS trains the highest instead.
    const up = { scored: [] as string[], trained: [] as string[] };
    const r = await runSearch({ ...base, rankBy: 'early_accuracy', samples: 300 }, evaluators(up));
    const feasible = r.candidates.filter((c) => c.feasible);
    expect(up.trained).toEqual([...feasible].sort((a, b) => (b.score as number) - (a.score as number)).slice(0, 3).map((c) => c.genome));
  });

  it('records every candidate scored and trained in the order they finished, with when, in the run and its events', async () => {
    const log = { scored: [] as string[], trained: [] as string[] };
    const events: SearchEvent[] = [];
    const r = await runSearch(base, evaluators(log), (e) => events.push(e));
    const evaluations = r.evaluations!;
    // NeuroNAS: every feasible candidate scored, then the top 3 trained, in that order.
    expect(evaluations.map((e) => `${e.stage} ${r.candidates[e.index].genome}`)).toEqual([...log.scored.map((g) => `score ${g}`), ...log.trained.map((g) => `train ${g}`)]);
    for (let k = 1; k < evaluations.length; k++) expect(evaluations[k].atMs).toBeGreaterThanOrEqual(evaluations[k - 1].atMs);
    expect(evaluations[0].atMs).toBeGreaterThanOrEqual(0);
    expect(evaluations[evaluations.length - 1].atMs).toBeLessThanOrEqual(r.timings.totalMs);
    // The events carry the same times.
    const timed = events.flatMap((e) => (e.type === 'scored' ? [{ index: e.index, stage: 'score', atMs: e.atMs }] : e.type === 'trained' ? [{ index: e.record.index, stage: 'train', atMs: e.atMs }] : []));
    expect(timed).toEqual(evaluations);
  });

  it('re-costs trained candidates with their measured spike rates', async () => {
    const log = { scored: [] as string[], trained: [] as string[] };
    const r = await runSearch(base, evaluators(log));
    for (const t of r.trained) {
      const c = r.candidates[t.index];
      expect(t.measuredCosts.params).toBe(c.costs.params);
      expect(t.measuredCosts.areaMm2).toBe(c.costs.areaMm2);
      // rate 0.25 scales crossbar and ADC energy only: less, but not a quarter
      expect(t.measuredCosts.energyUJ).toBeLessThan(c.costs.energyUJ);
      expect(t.measuredCosts.energyUJ).toBeGreaterThan(c.costs.energyUJ / 4);
    }
    expect(r.front.length).toBeGreaterThan(0);
    for (const i of r.front) expect(r.trained.some((t) => t.index === i)).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const a = await runSearch({ ...base, topK: 0 }, evaluators({ scored: [], trained: [] }));
    const b = await runSearch({ ...base, topK: 0 }, evaluators({ scored: [], trained: [] }));
    expect(b.candidates).toEqual(a.candidates);
    const c = await runSearch({ ...base, topK: 0, seed: 10 }, evaluators({ scored: [], trained: [] }));
    expect(c.candidates.map((x) => x.genome)).not.toEqual(a.candidates.map((x) => x.genome));
  });

  it('random search trains k distinct feasible candidates without scoring', async () => {
    const log = { scored: [] as string[], trained: [] as string[] };
    const r = await runSearch({ ...base, strategy: 'random', topK: 5 }, evaluators(log));
    expect(log.scored).toEqual([]);
    expect(new Set(log.trained).size).toBe(5);
    for (const t of r.trained) expect(r.candidates[t.index].feasible).toBe(true);
  });

  it('evolution stays within the sample budget, never scores infeasible children, and enriches feasibility', async () => {
    const log = { scored: [] as string[], trained: [] as string[] };
    const tight = { ...base.budgets, maxParams: 120_000, maxEnergyUJ: 12 };
    const rnd = await runSearch({ ...base, strategy: 'neuronas', budgets: tight, topK: 0 }, evaluators({ scored: [], trained: [] }));
    const evo = await runSearch({ ...base, strategy: 'evolution', budgets: tight, topK: 2 }, evaluators(log));
    expect(evo.candidates.length).toBeLessThanOrEqual(600);
    expect(evo.candidates.length).toBeGreaterThan(500);
    expect(new Set(evo.candidates.map((c) => c.genome)).size).toBe(evo.candidates.length);
    const scoredSet = new Set(log.scored);
    for (const c of evo.candidates) expect(scoredSet.has(c.genome)).toBe(c.feasible);
    const share = (r: typeof evo) => r.candidates.filter((c) => c.feasible).length / r.candidates.length;
    expect(share(evo)).toBeGreaterThan(share(rnd) * 1.5);
    expect(log.trained.length).toBe(2);
  });

  it('streams events and stops with SearchCancelled, keeping what arrived', async () => {
    const events: SearchEvent[] = [];
    const ac = new AbortController();
    const ev = evaluators({ scored: [], trained: [] });
    const slow: Evaluators = {
      ...ev,
      async score(genomes, signal, onScore) {
        for (let i = 0; i < genomes.length; i++) {
          if (signal.aborted) return;
          onScore(i, fakeScore(genomes[i]));
          if (i === 9) ac.abort();
        }
      },
    };
    const stopped = await runSearch(base, slow, (e) => events.push(e), ac.signal).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(SearchCancelled);
    expect(events.filter((e) => e.type === 'costed').flatMap((e) => (e.type === 'costed' ? e.records : [])).length).toBe(600);
    expect(events.filter((e) => e.type === 'scored').length).toBe(10);
    expect(events.some((e) => e.type === 'trained')).toBe(false);
    // The error carries the run of what had finished: every costed candidate, the ten scores, nothing trained.
    const partial = (stopped as SearchCancelled).partial!;
    expect(partial.stopped).toBe(true);
    expect(partial.candidates).toHaveLength(600);
    expect(partial.counts.scored).toBe(10);
    const scoredEvents = new Map(events.flatMap((e) => (e.type === 'scored' ? [[e.index, e.score] as const] : [])));
    for (const c of partial.candidates) expect(c.score).toBe(scoredEvents.get(c.index) ?? null);
    expect(partial.trained).toEqual([]);
    expect(partial.front).toEqual([]);
    expect(partial.timings.totalMs).toBeGreaterThan(0);
  });

  it('trains up to `trainers` candidates at once and keeps the selection order in the run whatever order they end in', async () => {
    const ev = evaluators({ scored: [], trained: [] });
    let running = 0;
    let most = 0;
    const ended: string[] = [];
    // The first selected trains longest, so the later ones end before it.
    const concurrent: Evaluators = {
      ...ev,
      trainers: 2,
      async train(genome, epochs, signal, onProgress) {
        const order = ended.length === 0 && running === 0 ? 30 : 1;
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, order));
        running--;
        ended.push(genome);
        return ev.train(genome, epochs, signal, onProgress);
      },
    };
    const events: SearchEvent[] = [];
    const run = await runSearch(base, concurrent, (e) => events.push(e));
    const one = await runSearch(base, evaluators({ scored: [], trained: [] }));
    expect(most).toBe(2);
    const selected = events.find((e) => e.type === 'selected');
    expect(selected?.type === 'selected' && selected.indices).toEqual(one.trained.map((t) => t.index));
    expect(events.filter((e) => e.type === 'trained').map((e) => (e.type === 'trained' ? e.record.index : -1))).not.toEqual(one.trained.map((t) => t.index));
    expect(run.trained).toEqual(one.trained);
  });

  it('keeps searching when one candidate cannot be trained, and says which', async () => {
    const log = { scored: [] as string[], trained: [] as string[] };
    const ev = evaluators(log);
    let calls = 0;
    const flaky: Evaluators = {
      ...ev,
      async train(genome, epochs, signal, onProgress) {
        if (calls++ === 1) throw new Error('worker crashed twice');
        return ev.train(genome, epochs, signal, onProgress);
      },
    };
    const events: SearchEvent[] = [];
    const r = await runSearch(base, flaky, (e) => events.push(e));
    expect(r.trained.length).toBe(2);
    expect(r.failures).toEqual([{ index: expect.any(Number), genome: expect.any(String), message: 'worker crashed twice' }]);
    expect(events.filter((e) => e.type === 'train-failed').length).toBe(1);
    expect(r.trained.map((t) => t.index)).not.toContain(r.failures[0].index);
  });

  it('measures budget violation as the relative excess over broken budgets', () => {
    const c = { params: 200, memoryBits: 0, areaMm2: 1, latencyMs: 3, energyUJ: 4, tiles: 1, crossbars: 1 };
    expect(budgetViolation(c, { maxParams: 100, maxAreaMm2: 2, maxLatencyMs: 2, maxEnergyUJ: Infinity })).toBeCloseTo(1 + 0.5, 12);
    expect(budgetViolation(c, { maxParams: 200, maxAreaMm2: 1, maxLatencyMs: 3, maxEnergyUJ: 4 })).toBe(0);
  });

  it('takes precomputed candidates from a column source: the same candidates, costs, scores and training as a stream', async () => {
    // A small space (one width, one hidden size, two timestep counts), so that evolution's children meet the set.
    const space = { ...DEFAULT_SEARCH_SPACE, channels: { min: 8, max: 16, step: 8 }, hidden: [64], timesteps: { min: 2, max: 3, step: 1 } };
    for (const strategy of ['neuronas', 'snasnet', 'random', 'evolution'] as const) {
      const settings = { ...base, strategy, samples: 300, space };
      const logStream = { scored: [] as string[], trained: [] as string[] };
      const logColumns = { scored: [] as string[], trained: [] as string[] };
      const streamed = await runSearch(settings, evaluators(logStream));
      const set = costedColumns(settings);
      const events: SearchEvent[] = [];
      const sourced = await runSearch(settings, evaluators(logColumns), (e) => events.push(e), undefined, { source: new ColumnSource(set.columns, set.genomes, set.count) });
      expect(logColumns, strategy).toEqual(logStream);
      expect(sourced.trained.map((t) => t.genome), strategy).toEqual(streamed.trained.map((t) => t.genome));
      expect(sourced.trained.map((t) => t.measuredCosts), strategy).toEqual(streamed.trained.map((t) => t.measuredCosts));
      const strip = (c: (typeof streamed.candidates)[number]) => ({ genome: c.genome, costs: c.costs, feasible: c.feasible, violation: c.violation, score: c.score });
      if (strategy !== 'evolution') {
        expect(sourced.candidates.map(strip), strategy).toEqual(streamed.candidates.map(strip));
        expect(sourced.candidates.map((c) => c.index)).toEqual(streamed.candidates.map((c) => c.index));
        continue;
      }
      // Evolution examines the first population of the set and makes children: a child that is one of the set's
      // candidates keeps that candidate's index, any other is numbered after the whole set (appended to it).
      const byGenome = new Map(streamed.candidates.map((c) => [c.genome, strip(c)]));
      expect(sourced.candidates.map(strip)).toEqual(sourced.candidates.map((c) => byGenome.get(c.genome)));
      const popSize = Math.max(4, Math.min(64, Math.floor(settings.samples / 8)));
      let appended = set.count;
      for (const c of sourced.candidates) {
        const at = set.genomes.indexOf(c.genome);
        if (at >= 0) expect(c.index).toBe(at);
        else expect(c.index).toBe(appended++);
      }
      expect(sourced.candidates.filter((c) => c.index < popSize)).toHaveLength(popSize);
      // In this small space many children are candidates of the set that evolution had not drawn.
      expect(sourced.candidates.filter((c) => c.index >= popSize && c.index < set.count).length).toBeGreaterThan(5);
      expect(appended).toBeGreaterThan(set.count);
      // The children's events carry their records: the page appends them to its candidates.
      const costed = events.flatMap((e) => (e.type === 'costed' ? e.records : []));
      expect(costed.map((r) => r.index).sort((a, b) => a - b)).toEqual(sourced.candidates.map((c) => c.index));
    }
  });

  it('drops a queued candidate that a budget moved since its costing rules out, just before it would be scored', async () => {
    const budgets = { ...base.budgets };
    const log = { scored: [] as string[], trained: [] as string[] };
    const ev = evaluators(log);
    const events: SearchEvent[] = [];
    let tightened = false;
    // The scorer takes candidates one at a time, asking `wanted` as each one's turn comes; after 20 scores the area
    // budget tightens to a value half the remaining feasible candidates break.
    const r = await runSearch(
      { ...base, topK: 2 },
      {
        ...ev,
        async score(genomes, _signal, onScore, wanted) {
          for (let i = 0; i < genomes.length; i++) {
            if (wanted && !wanted(i)) continue;
            log.scored.push(genomes[i]);
            onScore(i, fakeScore(genomes[i]));
            if (log.scored.length === 20 && !tightened) {
              tightened = true;
              budgets.maxAreaMm2 = 3;
            }
          }
        },
      },
      (e) => events.push(e),
      undefined,
      { budgets: () => budgets },
    );
    const feasible = r.candidates.filter((c) => c.feasible);
    const dropped = events.flatMap((e) => (e.type === 'dropped' ? [e.index] : []));
    expect(dropped.length).toBeGreaterThan(10);
    for (const i of dropped) {
      const c = r.candidates[i];
      expect(c.feasible).toBe(true);
      expect(c.costs.areaMm2).toBeGreaterThan(3);
      expect(c.score).toBeNull();
    }
    // Every feasible candidate was either scored or dropped; the first 20 were scored whatever their area.
    expect(log.scored.length + dropped.length).toBe(feasible.length);
    expect(log.scored.slice(20).every((g) => r.candidates.find((c) => c.genome === g)!.costs.areaMm2 <= 3)).toBe(true);
    expect(r.counts.rejectedBeforeScoring).toBe(r.candidates.length - feasible.length + dropped.length);
    // Training picks among the scored only.
    for (const t of r.trained) expect(dropped).not.toContain(t.index);
    // SNASNet's method checks budgets only at the end: it drops nothing.
    budgets.maxAreaMm2 = 3;
    const events2: SearchEvent[] = [];
    await runSearch({ ...base, strategy: 'snasnet', topK: 0 }, evaluators({ scored: [], trained: [] }), (e) => events2.push(e), undefined, { budgets: () => budgets });
    expect(events2.some((e) => e.type === 'dropped')).toBe(false);
  });
});

describe('a search resumed with the results it already had', () => {
  for (const strategy of ['neuronas', 'snasnet', 'evolution'] as const) {
    it(`${strategy}: stopped after a training, resumed: nothing scored or trained twice, the same run as one never stopped`, async () => {
      const settings: SearchSettings = { ...base, strategy, samples: strategy === 'evolution' ? 200 : 300 };
      const whole = await runSearch(settings, evaluators({ scored: [], trained: [] }));
      // The first run stops as its first training ends.
      const ac = new AbortController();
      const firstLog = { scored: [] as string[], trained: [] as string[] };
      const stopped = await runSearch(settings, evaluators(firstLog), (e) => e.type === 'trained' && ac.abort(), ac.signal).catch((e: unknown) => e);
      expect(stopped).toBeInstanceOf(SearchCancelled);
      const partial = (stopped as SearchCancelled).partial!;
      expect(partial.trained).toHaveLength(1);
      const known = {
        scores: new Map(partial.candidates.filter((c) => c.score !== null).map((c) => [c.genome, c.score!])),
        trained: new Map(partial.trained.map((t) => [t.genome, t.result])),
      };
      const log = { scored: [] as string[], trained: [] as string[] };
      const events: SearchEvent[] = [];
      const resumed = await runSearch(settings, evaluators(log), (e) => events.push(e), undefined, { known });
      // Nothing known was computed again.
      expect(log.scored.filter((g) => known.scores.has(g))).toEqual([]);
      expect(log.trained.filter((g) => known.trained.has(g))).toEqual([]);
      expect(log.trained).toHaveLength(settings.topK - 1);
      // Everything known was still emitted, as the page's model needs it.
      expect(events.filter((e) => e.type === 'scored')).toHaveLength(whole.counts.scored);
      expect(events.filter((e) => e.type === 'trained')).toHaveLength(settings.topK);
      expect(resumed.candidates).toEqual(whole.candidates);
      expect(resumed.trained).toEqual(whole.trained);
      expect(resumed.front).toEqual(whole.front);
      expect(resumed.counts).toEqual(whole.counts);
    });
  }
});
