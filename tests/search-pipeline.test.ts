import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH_SPACE } from '../src/core/arch/sampler.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_HARDWARE } from '../src/core/cost/hardware.ts';
import { runSearch, SearchCancelled, type Evaluators, type SearchEvent, type SearchSettings } from '../src/core/search/pipeline.ts';
import { budgetViolation } from '../src/core/feasibility.ts';

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
    expect(n.counts.rejected_before_scoring).toBe(600 - feasible.length);
    expect(s.counts.rejected_before_scoring).toBe(0);
    expect(logN.trained).toEqual(logS.trained);
    expect(logN.trained.length).toBe(3);
    for (const t of n.trained) expect(n.candidates[t.index].feasible).toBe(true);
    // the trained ones are the best-scored feasible candidates
    const best = [...feasible].sort((a, b) => (b.score ?? 0) - (a.score ?? 0)).slice(0, 3).map((c) => c.genome);
    expect(logN.trained).toEqual(best);
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
    expect(partial.timings.total_ms).toBeGreaterThan(0);
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

  it('awaits the caller’s settle before candidates go to the scorer, and costs the same candidates in time slices when it pauses', async () => {
    const open = { maxParams: Infinity, maxAreaMm2: Infinity, maxLatencyMs: Infinity, maxEnergyUJ: Infinity };
    const ev = evaluators({ scored: [], trained: [] });
    const order: string[] = [];
    let release!: () => void;
    const settled = new Promise<void>((r) => (release = r));
    const chunks: number[] = [];
    const running = runSearch(
      { ...base, samples: 300, topK: 0, budgets: open },
      {
        ...ev,
        pause: () => new Promise((r) => setTimeout(r, 0)),
        settle: async () => {
          order.push('settle');
          await settled;
          order.push('settled');
        },
        score: (g, signal, onScore) => {
          order.push('score');
          return ev.score(g, signal, onScore);
        },
      },
      (e) => {
        if (e.type === 'costed') chunks.push(e.records.length);
      },
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(['settle']);
    release();
    const paused = await running;
    expect(order).toEqual(['settle', 'settled', 'score']);
    // Sliced (a first small chunk, then sized by time), but the same candidates as one go without pauses.
    expect(chunks[0]).toBe(50);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(300);
    const whole = await runSearch({ ...base, samples: 300, topK: 0, budgets: open }, evaluators({ scored: [], trained: [] }));
    expect(paused.candidates.map((c) => c.genome)).toEqual(whole.candidates.map((c) => c.genome));
  });

  it('measures budget violation as the relative excess over broken budgets', () => {
    const c = { params: 200, memoryBits: 0, areaMm2: 1, latencyMs: 3, energyUJ: 4, tiles: 1, crossbars: 1 };
    expect(budgetViolation(c, { maxParams: 100, maxAreaMm2: 2, maxLatencyMs: 2, maxEnergyUJ: Infinity })).toBeCloseTo(1 + 0.5, 12);
    expect(budgetViolation(c, { maxParams: 200, maxAreaMm2: 1, maxLatencyMs: 3, maxEnergyUJ: 4 })).toBe(0);
  });
});
