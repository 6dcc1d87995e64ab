/**
 * The NeuroNAS search and its baselines, as one event-streaming pipeline.
 *
 *   neuronas   sample → cost → reject at once if any budget breaks → score the
 *              feasible → keep the best k → train, quantize → re-cost with the
 *              measured spike rates → Pareto front.
 *   snasnet    SNASNet's method: score every sample, check the budgets only at
 *              the end (walking down the score ranking), train the best k.
 *   random     train k feasible samples chosen at random.
 *   evolution  NSGA-II with Deb's constrained domination over (score, area,
 *              energy): a feasible candidate beats any infeasible one, the less
 *              infeasible of two infeasible ones wins; infeasible children are
 *              never scored.
 *
 * Pure compute: scoring and training are injected (`Evaluators`), so the same
 * code runs with tfjs in Node, behind a worker pool in the browser, and in
 * tests. Every stage streams events as it goes; the same settings and seed
 * give the same candidates, costs and (given a deterministic scorer) scores.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { Architecture } from '../arch/architecture.ts';
import { formatGenome } from '../arch/genome.ts';
import { CandidateStream, compileSpace, makeRng, type CompiledSpace, type SearchSpace } from '../arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture, type CompiledHardware, type CostTotals } from '../cost/estimator.ts';
import type { HardwareConfig } from '../cost/hardware.ts';
import { budgetViolation } from '../feasibility.ts';
import type { Budgets } from '../settings.ts';
import { crowdingDistance, nonDominated, nonDominatedSort, type Direction } from './pareto.ts';
import { mutate } from './mutate.ts';

export const STRATEGIES = ['neuronas', 'snasnet', 'random', 'evolution'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface SearchSettings {
  strategy: Strategy;
  /** candidates to sample and cost */
  samples: number;
  seed: number;
  space: SearchSpace;
  hardware: HardwareConfig;
  budgets: Budgets;
  /** candidates to train; 0 stops after scoring */
  topK: number;
  epochs: number;
  dataset: string;
}

export interface CostFigures {
  params: number;
  memoryBits: number;
  areaMm2: number;
  latencyMs: number;
  energyUJ: number;
  tiles: number;
  crossbars: number;
}

export interface CandidateRecord {
  /** position in sampling order */
  index: number;
  genome: string;
  costs: CostFigures;
  feasible: boolean;
  /** Σ over broken budgets of (value / budget − 1); 0 when feasible */
  violation: number;
  /** training-free score; null where it was never scored */
  score: number | null;
}

export interface TrainEpoch {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

export interface TrainResult {
  accuracyFloat: number;
  accuracyQuantized: number;
  /** input spike rate of each weight layer, in layer-list order */
  spikeRates: number[];
  epochs: TrainEpoch[];
  backend: string;
  samplesPerSecond: number;
}

export interface TrainedRecord {
  index: number;
  genome: string;
  result: TrainResult;
  /** costs re-estimated with the measured spike rates */
  measuredCosts: CostFigures;
  feasible: boolean;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface Evaluators {
  /**
   * Scores the genomes; calls onScore once per genome (any order) and
   * resolves when all are scored. Must stop promptly when `signal` aborts.
   */
  score(genomes: readonly string[], signal: AbortSignal, onScore: (i: number, score: number) => void): Promise<void>;
  train(genome: string, epochs: number, signal: AbortSignal, onProgress: (p: TrainProgress) => void): Promise<TrainResult>;
  /**
   * Called between chunks of costing; a page resolves it on the next
   * macrotask so costing thousands of candidates never blocks its thread.
   * With it, chunks are sized to take about COST_SLICE_MS each (without
   * it, 1000 candidates at a time).
   */
  pause?(): Promise<void>;
  /**
   * Awaited before candidates go to the scorer. A page resolves it once its
   * thread is idle, so that the scoring workers do not start their heavy
   * work while it still lays out and paints what was just costed (on two
   * cores they take the page's core: its frames were long tasks then).
   */
  settle?(): Promise<void>;
  /**
   * Asked just before a candidate is handed to the scorer: false drops it
   * (a budget moved since it was costed). Default: every candidate is scored.
   */
  stillWanted?(index: number): boolean;
}

export type Stage = 'cost' | 'score' | 'train';

export type SearchEvent =
  | { type: 'costed'; records: CandidateRecord[] }
  | { type: 'scored'; index: number; score: number }
  | { type: 'stage'; stage: Stage; state: 'start' | 'end'; ms: number; count: number }
  | { type: 'selected'; indices: number[] }
  | { type: 'training'; index: number; progress: TrainProgress }
  | { type: 'trained'; record: TrainedRecord }
  | ({ type: 'train-failed' } & TrainFailure);

export interface TrainFailure {
  index: number;
  genome: string;
  message: string;
}

export interface SearchTimings {
  cost_ms: number;
  score_ms: number;
  train_ms: number;
  total_ms: number;
}

export interface SearchCounts {
  sampled: number;
  feasible: number;
  /** candidates rejected by a budget before anyone spent a forward pass on them */
  rejected_before_scoring: number;
  scored: number;
  trained: number;
}

export interface SearchRun {
  settings: SearchSettings;
  candidates: CandidateRecord[];
  trained: TrainedRecord[];
  /** indices (into candidates) of the final front: trained and feasible, quantized accuracy against every cost */
  front: number[];
  /** candidates selected for training that could not be trained */
  failures: TrainFailure[];
  timings: SearchTimings;
  counts: SearchCounts;
  /** true when the search was stopped before its end: the run holds what had finished */
  stopped: boolean;
}

export class SearchCancelled extends Error {
  override name = 'SearchCancelled';
  /** what had finished when the search stopped (set by runSearch) */
  partial: SearchRun | null = null;
  constructor() {
    super('the search was cancelled');
  }
}

function figures(t: CostTotals): CostFigures {
  return { params: t.params, memoryBits: t.memoryBits, areaMm2: t.areaMm2, latencyMs: t.latencyMs, energyUJ: t.energyUJ, tiles: t.tiles, crossbars: t.crossbars };
}

const now = (): number => performance.now();

/** Candidates costed per chunk where nothing waits on the thread (Node, a worker). */
const COST_CHUNK = 1000;
/**
 * Where the run pauses between chunks (a page's main thread): the time one
 * chunk aims to take, and the first chunk's size. Measured on a 2-core
 * machine, a chunk of 1000 took 20–45 ms of the page's thread (the first,
 * on cold code, the most): too long a task next to the page's rendering.
 */
const COST_SLICE_MS = 8;
const FIRST_SLICE = 50;

/** Objectives of the final front: quantized accuracy up, every cost down. */
export const FRONT_DIRECTIONS: readonly Direction[] = ['max', 'min', 'min', 'min', 'min'];
export function frontPoint(accuracy: number, c: CostFigures): number[] {
  return [accuracy, c.params, c.areaMm2, c.latencyMs, c.energyUJ];
}

class Run {
  readonly space: CompiledSpace;
  readonly hw: CompiledHardware;
  readonly candidates: CandidateRecord[] = [];
  readonly archs: Architecture[] = [];
  readonly trained: TrainedRecord[] = [];
  readonly failures: TrainFailure[] = [];
  readonly timings: SearchTimings = { cost_ms: 0, score_ms: 0, train_ms: 0, total_ms: 0 };
  private readonly seen = new Set<string>();
  private readonly totals = createTotals();

  constructor(
    readonly settings: SearchSettings,
    readonly evaluators: Evaluators,
    readonly emit: (e: SearchEvent) => void,
    readonly signal: AbortSignal,
  ) {
    this.space = compileSpace(settings.space);
    this.hw = compileHardware(settings.hardware);
  }

  check(): void {
    if (this.signal.aborted) throw new SearchCancelled();
  }

  /** Costs one architecture unless its genome was seen; returns its record or null. */
  add(a: Architecture, genome = formatGenome(a)): CandidateRecord | null {
    if (this.seen.has(genome)) return null;
    this.seen.add(genome);
    const costs = figures(estimateArchitecture(a, this.hw, this.totals));
    const violation = budgetViolation(costs, this.settings.budgets);
    const record: CandidateRecord = { index: this.candidates.length, genome, costs, feasible: violation === 0, violation, score: null };
    this.candidates.push(record);
    this.archs.push(a);
    return record;
  }

  /** Draws up to `count` further candidates from the stream and costs them, emitting them in chunks. */
  async sampleAndCost(stream: CandidateStream, count: number): Promise<CandidateRecord[]> {
    const out: CandidateRecord[] = [];
    const sliced = this.evaluators.pause !== undefined;
    // The stream yields the same candidates in the same order whatever the chunk sizes.
    let size = sliced ? FIRST_SLICE : COST_CHUNK;
    while (out.length < count && !stream.done) {
      if (this.evaluators.pause) await this.evaluators.pause();
      this.check();
      const t0 = now();
      const { archs, genomes } = stream.next(Math.min(size, count - out.length));
      const chunk: CandidateRecord[] = [];
      for (let i = 0; i < archs.length; i++) {
        const r = this.add(archs[i], genomes[i]);
        if (r) chunk.push(r);
      }
      out.push(...chunk);
      this.timings.cost_ms += now() - t0;
      if (chunk.length) this.emit({ type: 'costed', records: chunk });
      // Next chunk sized from this one's rate (its event included), within [FIRST_SLICE, COST_CHUNK].
      if (sliced) size = Math.max(FIRST_SLICE, Math.min(COST_CHUNK, Math.round((size * COST_SLICE_MS) / Math.max(now() - t0, 0.5))));
    }
    return out;
  }

  costList(archs: Architecture[]): CandidateRecord[] {
    const t0 = now();
    const out: CandidateRecord[] = [];
    for (const a of archs) {
      const r = this.add(a);
      if (r) out.push(r);
    }
    if (out.length) this.emit({ type: 'costed', records: out });
    this.timings.cost_ms += now() - t0;
    return out;
  }

  async score(candidates: CandidateRecord[]): Promise<void> {
    if (candidates.length > 0 && this.evaluators.settle) {
      await this.evaluators.settle();
      this.check();
    }
    const wanted = this.evaluators.stillWanted;
    const records = wanted ? candidates.filter((r) => wanted(r.index)) : candidates;
    if (records.length === 0) return;
    this.check();
    const t0 = now();
    try {
      await this.evaluators.score(
        records.map((r) => r.genome),
        this.signal,
        (i, score) => {
          records[i].score = score;
          this.emit({ type: 'scored', index: records[i].index, score });
        },
      );
    } catch (e) {
      this.check();
      throw e;
    } finally {
      this.timings.score_ms += now() - t0;
    }
    this.check();
  }

  async train(indices: number[]): Promise<void> {
    this.emit({ type: 'selected', indices });
    if (indices.length === 0 || this.settings.topK === 0) return;
    const t0 = now();
    this.emit({ type: 'stage', stage: 'train', state: 'start', ms: 0, count: indices.length });
    for (const index of indices) {
      this.check();
      const c = this.candidates[index];
      let result: TrainResult;
      try {
        result = await this.evaluators.train(c.genome, this.settings.epochs, this.signal, (progress) => this.emit({ type: 'training', index, progress }));
      } catch (e) {
        this.check();
        // One candidate that cannot be trained (a crashed worker twice, a model error) does not end the search.
        const failure = { index, genome: c.genome, message: e instanceof Error ? e.message : String(e) };
        this.failures.push(failure);
        this.emit({ type: 'train-failed', ...failure });
        continue;
      }
      const rates = Float64Array.from(result.spikeRates);
      const measuredCosts = figures(estimateArchitecture(this.archs[index], this.hw, createTotals(), rates.length ? rates : undefined));
      const record: TrainedRecord = { index, genome: c.genome, result, measuredCosts, feasible: budgetViolation(measuredCosts, this.settings.budgets) === 0 };
      this.trained.push(record);
      this.emit({ type: 'trained', record });
    }
    this.timings.train_ms += now() - t0;
    this.emit({ type: 'stage', stage: 'train', state: 'end', ms: this.timings.train_ms, count: indices.length });
  }

  stage(stage: Stage, state: 'start' | 'end', count: number): void {
    this.emit({ type: 'stage', stage, state, ms: stage === 'cost' ? this.timings.cost_ms : this.timings.score_ms, count });
  }

  front(): number[] {
    const ok = this.trained.filter((t) => t.feasible);
    const points = ok.map((t) => frontPoint(t.result.accuracyQuantized, t.measuredCosts));
    return nonDominated(points, FRONT_DIRECTIONS).map((i) => ok[i].index);
  }
}

/** The best k by score: highest score first, earlier sample on ties. */
export function topByScore(records: readonly CandidateRecord[], k: number): CandidateRecord[] {
  return records
    .filter((r) => r.score !== null && !Number.isNaN(r.score))
    .sort((a, b) => (b.score as number) - (a.score as number) || a.index - b.index)
    .slice(0, k);
}

async function runNeuronas(run: Run): Promise<void> {
  const s = run.settings;
  run.stage('cost', 'start', 0);
  const all = await run.sampleAndCost(new CandidateStream(run.space, s.samples, s.seed), s.samples);
  run.stage('cost', 'end', all.length);
  const feasible = all.filter((r) => r.feasible);
  run.stage('score', 'start', feasible.length);
  await run.score(feasible);
  run.stage('score', 'end', feasible.length);
  await run.train(topByScore(feasible, s.topK).map((r) => r.index));
}

async function runSnasnet(run: Run): Promise<void> {
  const s = run.settings;
  run.stage('cost', 'start', 0);
  // Costs are computed here only so the run can report them; SNASNet's method
  // does not look at them until every candidate is scored.
  const all = await run.sampleAndCost(new CandidateStream(run.space, s.samples, s.seed), s.samples);
  run.stage('cost', 'end', all.length);
  run.stage('score', 'start', all.length);
  await run.score(all);
  run.stage('score', 'end', all.length);
  const ranked = topByScore(all, all.length);
  await run.train(ranked.filter((r) => r.feasible).slice(0, s.topK).map((r) => r.index));
}

async function runRandom(run: Run): Promise<void> {
  const s = run.settings;
  run.stage('cost', 'start', 0);
  const all = await run.sampleAndCost(new CandidateStream(run.space, s.samples, s.seed), s.samples);
  // A second generator for the choice, so the candidates are those of every other strategy.
  const rng = makeRng(s.seed ^ CHOICE_SEED);
  run.stage('cost', 'end', all.length);
  const pool = all.filter((r) => r.feasible).map((r) => r.index);
  const chosen: number[] = [];
  // A seeded partial Fisher–Yates shuffle: k distinct feasible candidates.
  for (let i = 0; i < Math.min(s.topK, pool.length); i++) {
    const j = uniformInt(rng, i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
    chosen.push(pool[i]);
  }
  await run.train(chosen);
}

/** Seeds the generator of choices (random picks, tournaments, mutations) apart from the sampler's. */
const CHOICE_SEED = 0x5bd1e995;

const EVOLUTION_DIRECTIONS: readonly Direction[] = ['max', 'min', 'min'];

/**
 * Survivor order under Deb's constrained domination: feasible candidates by
 * non-dominated rank then crowding (larger first), then infeasible ones by
 * violation (smaller first).
 */
function survivors(pop: CandidateRecord[], size: number): CandidateRecord[] {
  const feasible = pop.filter((r) => r.feasible && r.score !== null);
  const infeasible = pop.filter((r) => !(r.feasible && r.score !== null)).sort((a, b) => a.violation - b.violation || a.index - b.index);
  const points = feasible.map((r) => [r.score as number, r.costs.areaMm2, r.costs.energyUJ]);
  const out: CandidateRecord[] = [];
  for (const front of nonDominatedSort(points, EVOLUTION_DIRECTIONS)) {
    if (out.length >= size) break;
    const crowd = crowdingDistance(points, front, EVOLUTION_DIRECTIONS);
    const order = front.map((_, i) => i).sort((a, b) => crowd[b] - crowd[a] || feasible[front[a]].index - feasible[front[b]].index);
    for (const i of order) out.push(feasible[front[i]]);
  }
  out.push(...infeasible);
  return out.slice(0, size);
}

/** Binary tournament on survivor order (earlier = better). */
function tournament(rng: ReturnType<typeof makeRng>, pop: CandidateRecord[]): CandidateRecord {
  const a = uniformInt(rng, 0, pop.length - 1);
  const b = uniformInt(rng, 0, pop.length - 1);
  return pop[Math.min(a, b)];
}

async function runEvolution(run: Run): Promise<void> {
  const s = run.settings;
  const rng = makeRng(s.seed ^ CHOICE_SEED);
  const popSize = Math.max(4, Math.min(64, Math.floor(s.samples / 8)));
  run.stage('cost', 'start', 0);
  // The initial population is the first candidates every other strategy sees.
  let pop = await run.sampleAndCost(new CandidateStream(run.space, s.samples, s.seed), Math.min(popSize, s.samples));
  run.stage('score', 'start', 0);
  await run.score(pop.filter((r) => r.feasible));
  pop = survivors(pop, popSize);
  let stalls = 0;
  while (run.candidates.length < s.samples && stalls < 20) {
    run.check();
    const want = Math.min(popSize, s.samples - run.candidates.length);
    const children: Architecture[] = [];
    for (let i = 0; i < want * 4 && children.length < want; i++) {
      const parent = tournament(rng, pop);
      children.push(mutate(rng, run.space, run.archs[parent.index]));
    }
    const costed = run.costList(children);
    stalls = costed.length === 0 ? stalls + 1 : 0;
    await run.score(costed.filter((r) => r.feasible));
    pop = survivors([...pop, ...costed], popSize);
  }
  run.stage('cost', 'end', run.candidates.length);
  run.stage('score', 'end', run.candidates.filter((r) => r.score !== null).length);
  await run.train(topByScore(run.candidates.filter((r) => r.feasible), s.topK).map((r) => r.index));
}

const RUNNERS: Record<Strategy, (run: Run) => Promise<void>> = {
  neuronas: runNeuronas,
  snasnet: runSnasnet,
  random: runRandom,
  evolution: runEvolution,
};

/**
 * Runs one search to the end (or until `signal` aborts, which rejects with
 * SearchCancelled after every event for finished work has been emitted; its
 * `partial` is the run of what had finished, marked stopped).
 */
export async function runSearch(settings: SearchSettings, evaluators: Evaluators, emit: (e: SearchEvent) => void = () => {}, signal: AbortSignal = new AbortController().signal): Promise<SearchRun> {
  const t0 = now();
  const run = new Run(settings, evaluators, emit, signal);
  try {
    await RUNNERS[settings.strategy](run);
  } catch (e) {
    if (e instanceof SearchCancelled) {
      run.timings.total_ms = now() - t0;
      e.partial = summarize(run, true);
    }
    throw e;
  }
  run.timings.total_ms = now() - t0;
  return summarize(run, false);
}

function summarize(run: Run, stopped: boolean): SearchRun {
  const scored = run.candidates.filter((r) => r.score !== null).length;
  const feasible = run.candidates.filter((r) => r.feasible).length;
  return {
    settings: run.settings,
    candidates: run.candidates,
    trained: run.trained,
    front: run.front(),
    failures: run.failures,
    timings: run.timings,
    counts: {
      sampled: run.candidates.length,
      feasible,
      rejected_before_scoring: run.candidates.filter((r) => !r.feasible && r.score === null).length,
      scored,
      trained: run.trained.length,
    },
    stopped,
  };
}
