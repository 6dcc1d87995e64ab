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
 * Pure compute, with no notion of whose thread it runs on: the candidates
 * come from a source (sources.ts: a costed stream in Node, or the set the
 * studio's worker already costed), scoring and training are injected
 * (`Evaluators`), so the same code runs with tfjs in Node, in the studio's
 * worker behind a pool of training workers, and in tests. Every stage
 * streams events as it goes; the same settings and seed give the same
 * candidates, costs and (given a deterministic scorer) scores.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { Architecture } from '../arch/architecture.ts';
import { formatGenome, parseGenome } from '../arch/genome.ts';
import { compileSpace, makeRng, type CompiledSpace, type SearchSpace } from '../arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture, type CompiledHardware } from '../cost/estimator.ts';
import type { HardwareConfig } from '../cost/hardware.ts';
import { budgetViolation } from '../feasibility.ts';
import type { Budgets } from '../settings.ts';
import { PARAMS, type ParamValues } from '../params.ts';
import { PROXIES, costProxies, oriented } from '../calibration/proxies.ts';
import { crowdingDistance, nonDominated, nonDominatedSort, type Direction } from './pareto.ts';
import { mutate } from './mutate.ts';
import { costFigures, StreamSource, type CandidateSource, type CostFigures, type SourcedCandidate } from './sources.ts';

export type { CostFigures };

export const STRATEGIES = ['neuronas', 'snasnet', 'random', 'evolution'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What a search ranks its feasible candidates by (the parameter table's rankBy knob). */
export type RankProxy = ParamValues['rankBy'];
export const RANK_PROXIES: readonly RankProxy[] = PARAMS.rankBy.options;

/** Does the search compute this proxy from the cost model itself (free), or do its scoring workers run the network? */
export function rankedByScorers(rankBy: RankProxy): boolean {
  return PROXIES[rankBy].needs !== 'cost';
}

/**
 * A score turned so that larger is always better (the proxy's direction: early_loss is better lower). A run's
 * `score` keeps the proxy's raw value; whatever picks, sorts or draws "best" compares this.
 */
export function rankValue(rankBy: RankProxy, score: number): number {
  return oriented(PROXIES[rankBy], score);
}

export interface SearchSettings {
  strategy: Strategy;
  /** the proxy the candidates are ranked by (their `score`, its raw value): a cost-model one is computed here, the others by the evaluators */
  rankBy: RankProxy;
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
  /** the trained network as a `neuronas-weights` file, when the evaluators keep weights (the page's); run files leave it out */
  weights?: Uint8Array;
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
  /** 0-based, as the trainer counts */
  epoch: number;
  epochs: number;
  /** the batch just done, 0-based within the epoch */
  batch: number;
  batches: number;
  loss: number;
  /** a point of the live training curve, when this batch took a reading (throttled by the trainer) */
  reading?: TrainReading;
}

/** One point of a live training curve: the means over the batches since the previous point. */
export interface TrainReading {
  /** epochs trained at this point (fractional: 1.5 is half-way through the second epoch) */
  at: number;
  loss: number;
  /** training accuracy, 0–1 */
  accuracy: number;
}

export interface Evaluators {
  /**
   * Scores the genomes; calls onScore once per genome it scores (any order)
   * and resolves when all are done. Must stop promptly when `signal` aborts.
   * `wanted(i)`, when given, is asked just before genome i goes to a scorer:
   * false skips it (no onScore for it).
   */
  score(genomes: readonly string[], signal: AbortSignal, onScore: (i: number, score: number) => void, wanted?: (i: number) => boolean): Promise<void>;
  train(genome: string, epochs: number, signal: AbortSignal, onProgress: (p: TrainProgress) => void): Promise<TrainResult>;
  /**
   * How many `train` calls may run at once (default 1): one per training endpoint, or per pair of them where a
   * candidate trains on two. A training is seeded by its candidate alone, so its result does not depend on which
   * endpoints ran it, nor on what ran beside it.
   */
  trainers?: number;
}

/**
 * How many candidates `workers` training workers train at once: a candidate trains on two workers where two are free
 * (each computes half of every step: src/tf/train.ts STEP_SHARDS), so one per pair, and one more on its own when the
 * count is odd.
 */
export function trainingSlots(workers: number): number {
  return Math.max(1, Math.ceil(workers / 2));
}

export interface SearchOptions {
  /** the candidates (default: a StreamSource of the settings' space, samples, seed and hardware) */
  source?: CandidateSource;
  /**
   * The budgets in force now (default: the settings'). Strategies that reject
   * before scoring (neuronas, evolution) drop a queued candidate these rule
   * out just before it would be scored: a budget moved since it was costed.
   */
  budgets?: () => Budgets;
  /**
   * Results a previous run of the same settings already has (a search resumed after a reload): a candidate whose
   * genome has a known score is not scored again, one with a known training result is not trained again; their
   * events are emitted as if just computed, so the run (and what it emits) is the one an uninterrupted search gives.
   */
  known?: KnownResults;
}

/** Results by genome (a candidate's index may differ between runs that add candidates; its genome does not). */
export interface KnownResults {
  scores: ReadonlyMap<string, number>;
  trained: ReadonlyMap<string, TrainResult>;
}

export type Stage = 'cost' | 'score' | 'train';

export type SearchEvent =
  | { type: 'costed'; records: CandidateRecord[] }
  /** a feasible candidate not scored after all: the budgets in force when its turn came rule it out */
  | { type: 'dropped'; index: number }
  /** atMs: when it was scored, in ms since the search started (absent from producers that do not time it) */
  | { type: 'scored'; index: number; score: number; atMs?: number }
  | { type: 'stage'; stage: Stage; state: 'start' | 'end'; ms: number; count: number }
  | { type: 'selected'; indices: number[] }
  | { type: 'training'; index: number; progress: TrainProgress }
  /** atMs: when its training ended, in ms since the search started */
  | { type: 'trained'; record: TrainedRecord; atMs?: number }
  | ({ type: 'train-failed' } & TrainFailure);

export interface TrainFailure {
  index: number;
  genome: string;
  message: string;
}

export interface SearchTimings {
  costMs: number;
  scoreMs: number;
  trainMs: number;
  totalMs: number;
}

export interface SearchCounts {
  sampled: number;
  feasible: number;
  /** candidates rejected by a budget before anyone spent a forward pass on them */
  rejectedBeforeScoring: number;
  scored: number;
  trained: number;
}

/**
 * One evaluation a search spent compute on: a candidate scored, or trained. A search's evaluations in the order
 * they finished are what its history over time (core/compare/hypervolume-history.ts) is drawn from.
 */
export interface Evaluation {
  index: number;
  stage: 'score' | 'train';
  /** when it finished, in ms since the search started; NaN when the run did not record it */
  atMs: number;
}

export interface SearchRun {
  settings: SearchSettings;
  /** the candidates the search examined, by index (dense from 0 when drawn from a stream) */
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
  /** every candidate scored or trained, in the order they finished, with when */
  evaluations?: Evaluation[];
}

export class SearchCancelled extends Error {
  override name = 'SearchCancelled';
  /** what had finished when the search stopped (set by runSearch) */
  partial: SearchRun | null = null;
  constructor() {
    super('the search was cancelled');
  }
}

const now = (): number => performance.now();

/** Candidates drawn per 'costed' event. */
const COST_CHUNK = 1000;

/** Objectives of the final front: quantized accuracy up, every cost down. */
export const FRONT_DIRECTIONS: readonly Direction[] = ['max', 'min', 'min', 'min', 'min'];
export function frontPoint(accuracy: number, c: CostFigures): number[] {
  return [accuracy, c.params, c.areaMm2, c.latencyMs, c.energyUJ];
}

class Run {
  readonly space: CompiledSpace;
  readonly hw: CompiledHardware;
  /** the candidates examined, in the order they were */
  readonly candidates: CandidateRecord[] = [];
  readonly trained: TrainedRecord[] = [];
  readonly failures: TrainFailure[] = [];
  readonly timings: SearchTimings = { costMs: 0, scoreMs: 0, trainMs: 0, totalMs: 0 };
  readonly dropped = new Set<number>();
  readonly evaluations: Evaluation[] = [];
  /** the search's clock starts with the run */
  private readonly startedAt = now();
  private readonly byIndex = new Map<number, CandidateRecord>();
  private readonly archs = new Map<number, Architecture>();
  private readonly genomes = new Set<string>();
  /** candidates drawn from the source so far: the next one drawn has this index */
  private drawn = 0;
  /** the next index of a candidate the search makes itself (the source draws all it will before any is made) */
  private nextOwn = 0;

  constructor(
    readonly settings: SearchSettings,
    readonly evaluators: Evaluators,
    readonly emit: (e: SearchEvent) => void,
    readonly signal: AbortSignal,
    readonly source: CandidateSource,
    readonly budgets: () => Budgets,
    readonly known: KnownResults | null = null,
  ) {
    this.space = compileSpace(settings.space);
    this.hw = compileHardware(settings.hardware);
  }

  check(): void {
    if (this.signal.aborted) throw new SearchCancelled();
  }

  /** Records that a candidate finished a stage; returns when, in ms since the search started. */
  private evaluated(index: number, stage: Evaluation['stage']): number {
    const atMs = now() - this.startedAt;
    this.evaluations.push({ index, stage, atMs });
    return atMs;
  }

  /** A candidate's place in the order candidates were examined (for ties: it does not depend on the source). */
  readonly examinedOrder: TieOrder = (r) => this.examined.get(r.index) ?? Infinity;
  private readonly examined = new Map<number, number>();

  record(index: number): CandidateRecord {
    const r = this.byIndex.get(index);
    if (!r) throw new RangeError(`candidate ${index} was never examined`);
    return r;
  }

  /** The architecture of an examined candidate (parsed from its genome when the source gave none). */
  arch(index: number): Architecture {
    let a = this.archs.get(index);
    if (!a) {
      a = parseGenome(this.record(index).genome);
      this.archs.set(index, a);
    }
    return a;
  }

  /** Examines a costed candidate at `index`: judges it against the run's budgets and records it. */
  private add(index: number, c: SourcedCandidate): CandidateRecord {
    const violation = budgetViolation(c.costs, this.settings.budgets);
    const record: CandidateRecord = { index, genome: c.genome, costs: c.costs, feasible: violation === 0, violation, score: null };
    this.candidates.push(record);
    this.byIndex.set(index, record);
    this.examined.set(index, this.examined.size);
    this.genomes.add(c.genome);
    if (c.arch) this.archs.set(index, c.arch);
    this.nextOwn = Math.max(this.nextOwn, index + 1, this.source.size);
    return record;
  }

  /** Draws up to `count` further candidates from the source, emitting them in chunks. */
  draw(count: number): CandidateRecord[] {
    const out: CandidateRecord[] = [];
    while (out.length < count && !this.source.done) {
      this.check();
      const t0 = now();
      const chunk = this.source.next(Math.min(COST_CHUNK, count - out.length)).map((c) => this.add(this.drawn++, c));
      out.push(...chunk);
      this.timings.costMs += now() - t0;
      if (chunk.length) this.emit({ type: 'costed', records: chunk });
    }
    return out;
  }

  /**
   * Examines architectures the search made (evolution's children): one seen
   * before is skipped; one that is a candidate of the source is that
   * candidate; any other is costed here and numbered after the source's.
   */
  costList(archs: Architecture[]): CandidateRecord[] {
    const t0 = now();
    const out: CandidateRecord[] = [];
    const totals = createTotals();
    for (const a of archs) {
      const genome = formatGenome(a);
      if (this.genomes.has(genome)) continue;
      const at = this.source.indexOf(genome);
      const r = at >= 0 ? this.add(at, this.source.at(at)) : this.add(this.nextOwn, { genome, arch: a, costs: costFigures(estimateArchitecture(a, this.hw, totals)) });
      out.push(r);
    }
    if (out.length) this.emit({ type: 'costed', records: out });
    this.timings.costMs += now() - t0;
    return out;
  }

  /** Strategies that reject before scoring drop, when its turn comes, a candidate the budgets in force rule out. */
  private get dropsOnBudgets(): boolean {
    return this.settings.strategy === 'neuronas' || this.settings.strategy === 'evolution';
  }

  async score(examined: CandidateRecord[]): Promise<void> {
    if (examined.length === 0) return;
    this.check();
    // Known scores (a resumed search) are taken as they are; only the rest go to the scorers.
    const candidates = this.known ? examined.filter((r) => !this.takeKnownScore(r)) : examined;
    if (candidates.length === 0) return;
    const wanted = this.dropsOnBudgets
      ? (i: number): boolean => {
          const r = candidates[i];
          if (budgetViolation(r.costs, this.budgets()) === 0) return true;
          this.dropped.add(r.index);
          this.emit({ type: 'dropped', index: r.index });
          return false;
        }
      : undefined;
    const t0 = now();
    const rankBy = this.settings.rankBy;
    if (!rankedByScorers(rankBy)) {
      // A cost-model proxy: a few µs a candidate, here, with no scorer involved.
      for (let i = 0; i < candidates.length; i++) {
        if (wanted && !wanted(i)) continue;
        const r = candidates[i];
        r.score = rankBy === 'params' ? r.costs.params : costProxies(parseGenome(r.genome)).synops;
        this.emit({ type: 'scored', index: r.index, score: r.score, atMs: this.evaluated(r.index, 'score') });
      }
      this.timings.scoreMs += now() - t0;
      this.check();
      return;
    }
    try {
      await this.evaluators.score(
        candidates.map((r) => r.genome),
        this.signal,
        (i, score) => {
          candidates[i].score = score;
          this.emit({ type: 'scored', index: candidates[i].index, score, atMs: this.evaluated(candidates[i].index, 'score') });
        },
        wanted,
      );
    } catch (e) {
      this.check();
      throw e;
    } finally {
      this.timings.scoreMs += now() - t0;
    }
    this.check();
  }

  /** Gives `r` its known score, if any (emitting it as scored); true when it had one. */
  private takeKnownScore(r: CandidateRecord): boolean {
    const score = this.known?.scores.get(r.genome);
    if (score === undefined) return false;
    r.score = score;
    this.emit({ type: 'scored', index: r.index, score });
    return true;
  }

  /**
   * Trains the selected candidates, up to `evaluators.trainers` at once: each endpoint takes the next candidate in
   * selection order when it is free. Events come as trainings end (any order); the run's trained list and failures
   * keep the selection order, so a run does not depend on how many trained at once. On abort every running
   * training stops (they share the signal), and SearchCancelled is thrown once all have settled, so the events of
   * whatever finished are emitted first.
   */
  async train(indices: number[]): Promise<void> {
    this.emit({ type: 'selected', indices });
    if (indices.length === 0 || this.settings.topK === 0) return;
    const t0 = now();
    this.emit({ type: 'stage', stage: 'train', state: 'start', ms: 0, count: indices.length });
    const trained: (TrainedRecord | undefined)[] = new Array(indices.length);
    const failed: (TrainFailure | undefined)[] = new Array(indices.length);
    let next = 0;
    const trainNext = async (): Promise<void> => {
      while (next < indices.length) {
        this.check();
        const at = next++;
        const index = indices[at];
        const c = this.record(index);
        const known = this.known?.trained.get(c.genome);
        let result: TrainResult;
        try {
          // A known result (a resumed search) is not trained again.
          result = known ?? (await this.evaluators.train(c.genome, this.settings.epochs, this.signal, (progress) => this.emit({ type: 'training', index, progress })));
        } catch (e) {
          this.check();
          // One candidate that cannot be trained (a crashed worker twice, a model error) does not end the search.
          const failure = { index, genome: c.genome, message: e instanceof Error ? e.message : String(e) };
          failed[at] = failure;
          this.emit({ type: 'train-failed', ...failure });
          continue;
        }
        const record = trainedRecord(index, c.genome, this.arch(index), result, this.hw, this.budgets());
        trained[at] = record;
        this.emit({ type: 'trained', record, atMs: this.evaluated(index, 'train') });
      }
    };
    const slots = Math.max(1, Math.min(indices.length, Math.floor(this.evaluators.trainers ?? 1)));
    const settled = await Promise.allSettled(Array.from({ length: slots }, trainNext));
    for (const r of trained) if (r) this.trained.push(r);
    for (const f of failed) if (f) this.failures.push(f);
    this.timings.trainMs += now() - t0;
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (errors.length) throw errors.find((e) => e instanceof SearchCancelled) ?? errors[0];
    this.emit({ type: 'stage', stage: 'train', state: 'end', ms: this.timings.trainMs, count: indices.length });
  }

  stage(stage: Stage, state: 'start' | 'end', count: number): void {
    this.emit({ type: 'stage', stage, state, ms: stage === 'cost' ? this.timings.costMs : this.timings.scoreMs, count });
  }
}

/** A trained candidate's record: its costs re-estimated with the measured spike rates, judged against `budgets`. */
export function trainedRecord(index: number, genome: string, arch: Architecture, result: TrainResult, hw: CompiledHardware, budgets: Budgets): TrainedRecord {
  const rates = Float64Array.from(result.spikeRates);
  const measuredCosts = costFigures(estimateArchitecture(arch, hw, createTotals(), rates.length ? rates : undefined));
  return { index, genome, result, measuredCosts, feasible: budgetViolation(measuredCosts, budgets) === 0 };
}

/**
 * The candidates a strategy trains, in training order, once every candidate
 * it draws is costed and scored (`candidates` in sampling order): the
 * one-pass strategies' choice, which a sharded search makes again after
 * merging its shards. Evolution chooses as it goes and has none.
 */
export function selectForTraining(settings: Pick<SearchSettings, 'strategy' | 'seed' | 'topK' | 'rankBy'>, candidates: readonly CandidateRecord[]): number[] {
  const feasible = candidates.filter((r) => r.feasible);
  switch (settings.strategy) {
    case 'neuronas':
      return topByScore(feasible, settings.topK, settings.rankBy).map((r) => r.index);
    case 'snasnet':
      // SNASNet's method walks down the score ranking of every candidate and checks the budgets only then.
      return topByScore(candidates, candidates.length, settings.rankBy)
        .filter((r) => r.feasible)
        .slice(0, settings.topK)
        .map((r) => r.index);
    case 'random': {
      // A second generator for the choice, so the candidates are those of every other strategy.
      const rng = makeRng(settings.seed ^ CHOICE_SEED);
      const pool = feasible.map((r) => r.index);
      const chosen: number[] = [];
      // A seeded partial Fisher–Yates shuffle: k distinct feasible candidates.
      for (let i = 0; i < Math.min(settings.topK, pool.length); i++) {
        const j = uniformInt(rng, i, pool.length - 1);
        [pool[i], pool[j]] = [pool[j], pool[i]];
        chosen.push(pool[i]);
      }
      return chosen;
    }
    case 'evolution':
      throw new RangeError('evolution chooses what to train as it searches; it has no selection after the fact');
  }
}

/** The final front: the trained candidates within `budgets` (by their measured costs), not dominated in quantized accuracy against every cost. */
export function trainedFront(trained: readonly TrainedRecord[], budgets: Budgets): number[] {
  const ok = trained.filter((t) => budgetViolation(t.measuredCosts, budgets) === 0);
  const points = ok.map((t) => frontPoint(t.result.accuracyQuantized, t.measuredCosts));
  return nonDominated(points, FRONT_DIRECTIONS).map((i) => ok[i].index);
}

/** Which of two candidates comes first on a tie: by default the earlier index. */
export type TieOrder = (r: CandidateRecord) => number;
const byIndex: TieOrder = (r) => r.index;

/** The best k by score in the direction of `rankBy` (highest first, or lowest for a lower-is-better proxy), earlier (by `order`) on ties. */
export function topByScore(records: readonly CandidateRecord[], k: number, rankBy: RankProxy, order: TieOrder = byIndex): CandidateRecord[] {
  return records
    .filter((r) => r.score !== null && !Number.isNaN(r.score))
    .sort((a, b) => rankValue(rankBy, b.score as number) - rankValue(rankBy, a.score as number) || order(a) - order(b))
    .slice(0, k);
}

async function runNeuronas(run: Run): Promise<void> {
  const s = run.settings;
  run.stage('cost', 'start', 0);
  const all = run.draw(s.samples);
  run.stage('cost', 'end', all.length);
  const feasible = all.filter((r) => r.feasible);
  run.stage('score', 'start', feasible.length);
  await run.score(feasible);
  run.stage('score', 'end', feasible.length);
  await run.train(selectForTraining(s, all));
}

async function runSnasnet(run: Run): Promise<void> {
  const s = run.settings;
  run.stage('cost', 'start', 0);
  // Costs are computed here only so the run can report them; SNASNet's method
  // does not look at them until every candidate is scored.
  const all = run.draw(s.samples);
  run.stage('cost', 'end', all.length);
  run.stage('score', 'start', all.length);
  await run.score(all);
  run.stage('score', 'end', all.length);
  await run.train(selectForTraining(s, all));
}

async function runRandom(run: Run): Promise<void> {
  const s = run.settings;
  run.stage('cost', 'start', 0);
  const all = run.draw(s.samples);
  run.stage('cost', 'end', all.length);
  await run.train(selectForTraining(s, all));
}

/** Seeds the generator of choices (random picks, tournaments, mutations) apart from the sampler's. */
const CHOICE_SEED = 0x5bd1e995;

const EVOLUTION_DIRECTIONS: readonly Direction[] = ['max', 'min', 'min'];

/**
 * Survivor order under Deb's constrained domination: feasible candidates by
 * non-dominated rank then crowding (larger first), then infeasible ones by
 * violation (smaller first).
 */
function survivors(pop: CandidateRecord[], size: number, rankBy: RankProxy, order: TieOrder): CandidateRecord[] {
  const feasible = pop.filter((r) => r.feasible && r.score !== null);
  const infeasible = pop.filter((r) => !(r.feasible && r.score !== null)).sort((a, b) => a.violation - b.violation || order(a) - order(b));
  // The score objective is maximised in the ranking's direction.
  const points = feasible.map((r) => [rankValue(rankBy, r.score as number), r.costs.areaMm2, r.costs.energyUJ]);
  const out: CandidateRecord[] = [];
  for (const front of nonDominatedSort(points, EVOLUTION_DIRECTIONS)) {
    if (out.length >= size) break;
    const crowd = crowdingDistance(points, front, EVOLUTION_DIRECTIONS);
    const ranked = front.map((_, i) => i).sort((a, b) => crowd[b] - crowd[a] || order(feasible[front[a]]) - order(feasible[front[b]]));
    for (const i of ranked) out.push(feasible[front[i]]);
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
  let pop = run.draw(Math.min(popSize, s.samples));
  run.stage('score', 'start', 0);
  await run.score(pop.filter((r) => r.feasible));
  // Ties go by the order candidates were examined, not by index: a child that is a candidate of a precomputed set
  // takes that candidate's index, and the search must not depend on where its source numbers it.
  const order = run.examinedOrder;
  pop = survivors(pop, popSize, s.rankBy, order);
  let stalls = 0;
  while (run.candidates.length < s.samples && stalls < 20) {
    run.check();
    const want = Math.min(popSize, s.samples - run.candidates.length);
    const children: Architecture[] = [];
    for (let i = 0; i < want * 4 && children.length < want; i++) {
      const parent = tournament(rng, pop);
      children.push(mutate(rng, run.space, run.arch(parent.index)));
    }
    const costed = run.costList(children);
    stalls = costed.length === 0 ? stalls + 1 : 0;
    await run.score(costed.filter((r) => r.feasible));
    pop = survivors([...pop, ...costed], popSize, s.rankBy, order);
  }
  run.stage('cost', 'end', run.candidates.length);
  run.stage('score', 'end', run.candidates.filter((r) => r.score !== null).length);
  await run.train(topByScore(run.candidates.filter((r) => r.feasible), s.topK, s.rankBy, order).map((r) => r.index));
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
export async function runSearch(
  settings: SearchSettings,
  evaluators: Evaluators,
  emit: (e: SearchEvent) => void = () => {},
  signal: AbortSignal = new AbortController().signal,
  options: SearchOptions = {},
): Promise<SearchRun> {
  const t0 = now();
  const source = options.source ?? new StreamSource(settings.space, settings.samples, settings.seed, compileHardware(settings.hardware));
  const run = new Run(settings, evaluators, emit, signal, source, options.budgets ?? (() => settings.budgets), options.known ?? null);
  try {
    await RUNNERS[settings.strategy](run);
  } catch (e) {
    if (e instanceof SearchCancelled) {
      run.timings.totalMs = now() - t0;
      e.partial = summarize(run, true);
    }
    throw e;
  }
  run.timings.totalMs = now() - t0;
  return summarize(run, false);
}

function summarize(run: Run, stopped: boolean): SearchRun {
  const candidates = [...run.candidates].sort((a, b) => a.index - b.index);
  const scored = candidates.filter((r) => r.score !== null).length;
  const feasible = candidates.filter((r) => r.feasible).length;
  return {
    settings: run.settings,
    candidates,
    trained: run.trained,
    front: trainedFront(run.trained, run.budgets()),
    failures: run.failures,
    timings: run.timings,
    counts: {
      sampled: candidates.length,
      feasible,
      rejectedBeforeScoring: candidates.filter((r) => (!r.feasible || run.dropped.has(r.index)) && r.score === null).length,
      scored,
      trained: run.trained.length,
    },
    stopped,
    evaluations: [...run.evaluations],
  };
}
