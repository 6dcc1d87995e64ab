/**
 * `npm run bench -- --only search`: how fast the search is, in three figures.
 *
 * - neuronas_vs_snasnet: the same samples, seed and budgets (the studio's
 *   default budgets leave about 40 % of the default space feasible), scored
 *   with the real training-free score in this process (wasm): NeuroNAS
 *   rejects over-budget candidates before scoring, SNASNet's method scores
 *   all of them and checks the budgets at the end. Both select the same
 *   best k; training them would take the same time in both, so the ratio is
 *   taken on the search up to that selection (top-k 0) and stated as such.
 * - cost_check: candidates per second through cost + budget check, one
 *   thread and a worker_threads pool of every core.
 * - time_to_first_feasible_scored_ms: default settings, from the start of a
 *   NeuroNAS search to its first scored (hence feasible) candidate.
 * - cli_workers: `neuronas search`'s scoring on 1 worker (this process) and on
 *   a pool of 2 worker threads, candidates scored per second on the same
 *   seeded search in the same run (warm, and cold with each engine's one-time
 *   warm-up), their ratio, CPU per candidate, and whether the scores agree;
 *   and the same search as fresh `neuronas search --workers 1|2` processes
 *   (fresh_process: wall time spawn to exit, thread start-up included).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { formatGenome, parseGenome } from '../../src/core/arch/genome.ts';
import { sampleArchitectures } from '../../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../../src/core/cost/estimator.ts';
import { defaultParams } from '../../src/core/params.ts';
import { budgetViolation } from '../../src/core/feasibility.ts';
import { searchSettingsFromParams } from '../../src/core/settings.ts';
import { runSearch, topByScore, type Evaluators, type SearchSettings } from '../../src/core/search/pipeline.ts';
import { createLocalEvaluators } from '../../src/cli/local-evaluators.ts';

const COMPARE_SAMPLES = Number(process.env.NEURONAS_BENCH_SEARCH_SAMPLES ?? 30);
const COST_SAMPLES = 20_000;

function round(x: number, d = 3): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** The studio's defaults, ranked by the training-free score: the scorer is what this part measures (the default ranking, the parameter count, runs none). */
function defaultSettings(): SearchSettings {
  return { ...searchSettingsFromParams(defaultParams()), strategy: 'neuronas', rankBy: 'snasnet', topK: 0 };
}

async function costCheck(settings: SearchSettings): Promise<Record<string, unknown>> {
  const genomes = sampleArchitectures(settings.space, COST_SAMPLES, 7).map(formatGenome);
  const hw = compileHardware(settings.hardware);
  const totals = createTotals();
  let feasible = 0;
  const t0 = performance.now();
  for (const g of genomes) if (budgetViolation(estimateArchitecture(parseGenome(g), hw, totals), settings.budgets) === 0) feasible++;
  const singleMs = performance.now() - t0;

  const n = cpus().length;
  const workers = Array.from({ length: n }, () => new Worker(new URL('./search-cost-worker.mjs', import.meta.url), { workerData: { hardware: settings.hardware, budgets: settings.budgets } }));
  const shard = Math.ceil(genomes.length / n);
  const runPool = () =>
    Promise.all(
      workers.map(
        (w, i) =>
          new Promise<number>((resolve) => {
            w.once('message', resolve);
            w.postMessage(genomes.slice(i * shard, (i + 1) * shard));
          }),
      ),
    );
  await runPool(); // warm-up: module load and JIT in each worker
  const t1 = performance.now();
  const poolFeasible = (await runPool()).reduce((a, b) => a + b, 0);
  const poolMs = performance.now() - t1;
  await Promise.all(workers.map((w) => w.terminate()));
  return {
    candidates: genomes.length,
    feasible,
    pool_feasible_agrees: poolFeasible === feasible,
    single_thread_per_s: Math.round(genomes.length / (singleMs / 1000)),
    pool_threads: n,
    pool_per_s: Math.round(genomes.length / (poolMs / 1000)),
    note: 'genome decoding + layer list + cost estimate + budget check per candidate; the pool includes posting the genomes to the workers',
  };
}

const POOL_SAMPLES = Number(process.env.NEURONAS_BENCH_POOL_SAMPLES ?? 60);

/** CPU time of this process (every thread: the pool's workers and its helpers), ms. */
function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Scored per second and CPU per scored candidate of one run of the search, with its scores. */
async function timedSearch(run: SearchSettings, evaluators: Evaluators): Promise<{ perS: number; cpuMsPerScored: number; scores: (number | null)[] }> {
  const cpu0 = processCpuMs();
  const r = await runSearch(run, evaluators);
  const cpu = processCpuMs() - cpu0;
  return { perS: r.counts.scored / (r.timings.scoreMs / 1000), cpuMsPerScored: cpu / r.counts.scored, scores: r.candidates.map((c) => c.score) };
}

/**
 * The same seeded NeuroNAS search (up to the selection) scored on 1 worker and on 2: candidates scored per second.
 *
 * Each configuration runs the search twice on the same engines. The first run (cold) includes each engine's one-time
 * warm-up: code paths compiled on first use and, the larger part, its wasm heap growing to the score's peak with every
 * page touched for the first time; a pool of 2 threads has two heaps and pays it twice. The second run (warm) is the
 * steady rate a long search has. A warm-up of a few genomes before the timed run would reach only the pool's first
 * thread (it takes the first chunk of the queue) and not the largest candidates, so it measured the second thread's
 * warm-up as if it were its speed. 1 worker is this process's backend, which the parts before have already warmed:
 * its cold run is nearly warm, so the cold ratio is lower than two fresh `neuronas search` processes would show.
 *
 * CPU per scored candidate is the process's (every thread's) CPU time: unlike the rates it does not stretch when
 * other processes share the cores, so `cpu_ratio` (2 × CPU per candidate on 1 worker / on 2) is what the rate ratio
 * would be on 2 idle cores with both threads always busy.
 */
/**
 * `neuronas search --workers N` (N = 1, 2) as a fresh process, the same seeded search as cliWorkers': wall ms from spawn
 * to exit, best of 2, and whether both print the same candidates and scores. Unlike the rates above this includes
 * everything a user waits for once: Node and the command starting, the pool's threads starting (tfjs, the wasm backend)
 * and each engine's warm-up (the first, cold, search).
 */
function freshSearch(run: SearchSettings): Record<string, unknown> {
  const bin = new URL('../../bin/neuronas.mjs', import.meta.url).pathname;
  const args = ['search', '--samples', String(run.samples), '--seed', String(run.seed), '--strategy', 'neuronas', '--rank-by', 'snasnet', '--top-k', '0', '--backend', 'wasm', '--json'];
  const ms: Record<number, number> = {};
  const picks: string[] = [];
  for (const workers of [1, 2]) {
    let best = Infinity;
    for (let r = 0; r < 2; r++) {
      const t0 = performance.now();
      const out = execFileSync(process.execPath, [bin, ...args, '--workers', String(workers)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
      best = Math.min(best, performance.now() - t0);
      picks.push(JSON.stringify((JSON.parse(out) as { candidates: { genome: string; score: number | null }[] }).candidates.map((c) => [c.genome, c.score])));
    }
    ms[workers] = best;
  }
  return {
    workers_1_ms: round(ms[1], 1),
    workers_2_ms: round(ms[2], 1),
    ratio: round(ms[1] / ms[2], 2),
    same_scores: picks.every((p) => p === picks[0]),
    note: '`node bin/neuronas.mjs search` as a new process, spawn to exit, best of 2; ratio = 1-worker time / 2-worker time (above 1: two workers are faster)',
  };
}

async function cliWorkers(settings: SearchSettings): Promise<Record<string, unknown>> {
  const run = { ...settings, samples: POOL_SAMPLES };
  const figures: Record<string, { cold: Awaited<ReturnType<typeof timedSearch>>; warm: Awaited<ReturnType<typeof timedSearch>> }> = {};
  for (const workers of [1, 2]) {
    const evaluators = await createLocalEvaluators({ dataset: 'mnist', backend: 'wasm', seed: run.seed, scoreBatch: defaultParams().scoreBatch, trainSamples: defaultParams().trainSamples, workers });
    try {
      const cold = await timedSearch(run, evaluators);
      const warm = await timedSearch(run, evaluators);
      figures[workers] = { cold, warm };
    } finally {
      evaluators.dispose();
    }
  }
  const [one, two] = [figures[1], figures[2]];
  const scores = [one.cold, one.warm, two.cold, two.warm].map((f) => JSON.stringify(f.scores));
  return {
    samples: POOL_SAMPLES,
    scored: one.warm.scores.filter((x) => x !== null).length,
    workers_1_per_s: round(one.warm.perS, 3),
    workers_2_per_s: round(two.warm.perS, 3),
    ratio: round(two.warm.perS / one.warm.perS, 2),
    cpu_ms_per_scored: { workers_1: round(one.warm.cpuMsPerScored, 1), workers_2: round(two.warm.cpuMsPerScored, 1) },
    cpu_ratio: round((2 * one.warm.cpuMsPerScored) / two.warm.cpuMsPerScored, 2),
    cold: {
      workers_1_per_s: round(one.cold.perS, 3),
      workers_2_per_s: round(two.cold.perS, 3),
      ratio: round(two.cold.perS / one.cold.perS, 2),
      cpu_ms_per_scored: { workers_1: round(one.cold.cpuMsPerScored, 1), workers_2: round(two.cold.cpuMsPerScored, 1) },
    },
    same_scores: scores.every((s) => s === scores[0]),
    fresh_process: freshSearch(run),
    cores: cpus().length,
    note: 'default space and budgets, score batch as the studio; workers 1 = one wasm engine in this process, 2 = two worker threads (src/cli/thread-pool.ts) sharing the queue of candidates. Rates: the second run of the search on the same engines (warm); cold: the first, with every engine\'s one-time warm-up (1 worker: this process\'s backend, already warmed by the parts before). cpu_ratio: the rate ratio two idle cores would give (CPU time does not stretch with other load)',
  };
}

export async function benchSearch(): Promise<Record<string, unknown>> {
  const settings = defaultSettings();
  const cost_check = await costCheck(settings);
  const evaluators = await createLocalEvaluators({ dataset: 'mnist', backend: 'wasm', seed: settings.seed, scoreBatch: defaultParams().scoreBatch, trainSamples: defaultParams().trainSamples });

  // Warm the scorer (kernel set-up, wasm code paths) so neither strategy pays it.
  await evaluators.score([formatGenome(sampleArchitectures(settings.space, 1, 99)[0])], new AbortController().signal, () => {});

  // Time to the first feasible, scored candidate on the default settings.
  const ac = new AbortController();
  const t0 = performance.now();
  let firstScoredMs = NaN;
  await runSearch(settings, evaluators, (e) => {
    if (e.type === 'scored' && Number.isNaN(firstScoredMs)) {
      firstScoredMs = performance.now() - t0;
      ac.abort();
    }
  }, ac.signal).catch(() => undefined);

  const compare = { ...settings, samples: COMPARE_SAMPLES };
  const neuronas = await runSearch({ ...compare, strategy: 'neuronas' }, evaluators);
  const snasnet = await runSearch({ ...compare, strategy: 'snasnet' }, evaluators);
  const k = 3;
  const pickN = topByScore(neuronas.candidates.filter((c) => c.feasible), k, compare.rankBy).map((c) => c.genome);
  const pickS = topByScore(snasnet.candidates.filter((c) => c.feasible), k, compare.rankBy).map((c) => c.genome);
  const scoredPerS = neuronas.counts.scored / (neuronas.timings.scoreMs / 1000);
  return {
    backend: evaluators.backend,
    backend_reason: evaluators.backendReason,
    neuronas_vs_snasnet: {
      samples: COMPARE_SAMPLES,
      seed: compare.seed,
      budgets: compare.budgets,
      feasible: neuronas.counts.feasible,
      rejected_before_scoring_share: round(neuronas.counts.rejectedBeforeScoring / neuronas.counts.sampled),
      same_best_k: JSON.stringify(pickN) === JSON.stringify(pickS),
      best_k: pickN,
      neuronas_ms: { cost: round(neuronas.timings.costMs, 1), score: round(neuronas.timings.scoreMs, 1), total: round(neuronas.timings.totalMs, 1) },
      snasnet_ms: { cost: round(snasnet.timings.costMs, 1), score: round(snasnet.timings.scoreMs, 1), total: round(snasnet.timings.totalMs, 1) },
      search_time_ratio: round(snasnet.timings.totalMs / neuronas.timings.totalMs, 2),
      paper_reports: 'up to 6.6× shorter search than the state of the art',
      note: 'search up to the selection of the best k (top-k 0): training those k costs the same in both',
    },
    cost_check,
    scoring: { candidates_per_s: round(scoredPerS, 3), batch: defaultParams().scoreBatch, threads: 1, note: 'one wasm thread in Node; the page runs one scorer per spare core' },
    time_to_first_feasible_scored_ms: round(firstScoredMs, 1),
    cli_workers: await cliWorkers(settings),
  };
}
