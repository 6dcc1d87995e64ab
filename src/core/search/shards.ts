/**
 * A search sharded over a cluster's array job (a Slurm array, a Kubernetes
 * Indexed Job): which candidates each shard evaluates, and the two phases a
 * shard runs. Files and merging: core/files/shard-file.ts.
 *
 * Every shard samples and costs the whole seeded set itself (thousands of
 * candidates cost well under a second), so all shards agree on the
 * candidates, their feasibility and the split without talking to each other.
 *
 * The split balances expected work, not counts. A candidate's work is the
 * estimate's (estimate.ts): the scoring time of its image work for the search
 * phase (a wide, long network takes a hundred times a small one's), the
 * training time for the train phase. Candidates are dealt by longest
 * processing time first: dearest first, each to the shard with the least work
 * so far (ties: the lower shard). A shard's share is then within one
 * candidate's work of every other's, where contiguous blocks of the sampling
 * order or a plain deal by index leave it to chance. Candidates the strategy
 * does not score (over a budget under NeuroNAS; all under random) cost only
 * their line in the file and are dealt by index (index mod count).
 *
 * Evolution is not sharded: each generation breeds from the scores of the one
 * before, so its candidates are not known before it runs.
 */
import type { Architecture } from '../arch/architecture.ts';
import { parseGenome } from '../arch/genome.ts';
import { compileHardware } from '../cost/estimator.ts';
import { StreamSource, type CandidateSource, type SourcedCandidate } from './sources.ts';
import { budgetViolation } from '../feasibility.ts';
import { candidateJson, scoreJson, settingsJson, timingsJson, trainedJson, type RunData } from '../files/run.ts';
import { shardLine, type EvaluationJson, type ShardFile, type ShardHeader, type ShardRecord, type ShardSpec, SHARD_FORMAT, SHARD_FORMAT_VERSION } from '../files/shard-file.ts';
import { STUDIO_VERSION } from '../files/document.ts';
import { imageWork, networkWork, rankMs, scoreMs, trainMs, trainingImages, type SearchWork } from './estimate.ts';
import { rankedByScorers, runSearch, selectForTraining, trainedRecord, type CandidateRecord, type Evaluators, type SearchEvent, type SearchSettings, SearchCancelled } from './pipeline.ts';

export class ShardingError extends Error {
  override name = 'ShardingError';
}

/** `I/N` (I from 0 to N−1, as Slurm array task ids and Kubernetes completion indices count). */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new ShardingError(`'${text}' is not I/N (shard I of N, I counted from 0)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new ShardingError(`'${text}': a search needs at least one shard`);
  if (index >= count) throw new ShardingError(`'${text}': shards are numbered 0 to ${count - 1}`);
  return { index, count };
}

/**
 * The shard this process is, from the scheduler's environment when not given:
 * Slurm's SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN, so an array 1-N
 * works too) of SLURM_ARRAY_TASK_COUNT, or Kubernetes' JOB_COMPLETION_INDEX
 * of `shards` (--shards N: the Job's completions, which the pod does not see).
 */
export function shardFromEnvironment(env: Record<string, string | undefined>, shards: number | null): ShardSpec | null {
  const slurmId = env.SLURM_ARRAY_TASK_ID;
  if (slurmId !== undefined && slurmId !== '') {
    const count = Number(env.SLURM_ARRAY_TASK_COUNT ?? shards);
    const index = Number(slurmId) - Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
    return parseShardSpec(`${index}/${shards ?? count}`);
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined && k8s !== '') {
    if (shards === null) throw new ShardingError('JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not --shards N (the Job\'s completions)');
    return parseShardSpec(`${k8s}/${shards}`);
  }
  return null;
}

/**
 * Deals items to `count` shards, longest processing time first: by cost,
 * dearest first (earlier item on ties), each to the shard with the least cost
 * so far (lower shard on ties). Returns each item's shard.
 */
export function dealByCost(costs: readonly number[], count: number): Int32Array {
  const order = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Float64Array(count);
  const owner = new Int32Array(costs.length);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    owner[i] = best;
    load[best] += costs[i];
  }
  return owner;
}

/** Whether a strategy's candidate is scored in the search phase. */
function scores(strategy: SearchSettings['strategy'], c: CandidateRecord): boolean {
  return strategy === 'snasnet' || (strategy === 'neuronas' && c.feasible);
}

export const EVOLUTION_NOT_SHARDED =
  'evolution cannot be sharded: each generation is bred from the scores of the one before, so no shard knows its candidates before the others have run. Shard neuronas, snasnet or random, or run evolution on one machine';

function refuseEvolution(settings: Pick<SearchSettings, 'strategy'>): void {
  if (settings.strategy === 'evolution') throw new ShardingError(EVOLUTION_NOT_SHARDED);
}

export interface SearchShardPlan {
  /** every candidate of the search, in sampling order, costed and judged against the budgets */
  candidates: CandidateRecord[];
  archs: Architecture[];
  /** each candidate's shard */
  owner: Int32Array;
  /** whether the strategy scores each candidate */
  scored: boolean[];
}

/** Samples and costs the whole search and splits it (see the file's comment). */
export function planSearchShards(work: SearchWork, count: number): SearchShardPlan {
  refuseEvolution(work);
  // The candidates of the one-machine search: the same source runSearch draws from in Node.
  const source = new StreamSource(work.space, work.samples, work.seed, compileHardware(work.hardware));
  const drawn = source.next(work.samples);
  const archs = drawn.map((c) => c.arch!);
  const candidates = drawn.map(({ genome, costs }, index): CandidateRecord => {
    const violation = budgetViolation(costs, work.budgets);
    return { index, genome, costs, feasible: violation === 0, violation, score: null };
  });
  const scored = candidates.map((c) => scores(work.strategy, c));
  const toScore = candidates.filter((_, i) => scored[i]).map((c) => c.index);
  // Dealt by each candidate's scoring time; a cost-model proxy takes none, so its candidates are dealt by the time a
  // SNASNet score would take (any even split would do, and this one keeps the plans such searches always had).
  const dealWeight = (a: Architecture) => (rankedByScorers(work.rankBy) ? rankMs(imageWork(a), work) : scoreMs(imageWork(a), work.scoreBatch));
  const dealt = dealByCost(toScore.map((i) => dealWeight(archs[i])), count);
  const owner = new Int32Array(candidates.length);
  for (let i = 0; i < owner.length; i++) owner[i] = i % count;
  toScore.forEach((i, k) => (owner[i] = dealt[k]));
  return { candidates, archs, owner, scored };
}

/** How a search splits over `count` shards: each shard's candidates, scored candidates and estimated scoring seconds (one core). */
export function shardPlanSummary(work: SearchWork, count: number): { shards: number; candidates: number; scored: number; per_shard: { shard: string; candidates: number; scored: number; estimated_score_s: number }[] } {
  const plan = planSearchShards(work, count);
  const per = Array.from({ length: count }, (_, i) => ({ shard: `${i}/${count}`, candidates: 0, scored: 0, estimated_score_s: 0 }));
  for (const c of plan.candidates) {
    const p = per[plan.owner[c.index]];
    p.candidates++;
    if (!plan.scored[c.index]) continue;
    p.scored++;
    p.estimated_score_s += rankMs(imageWork(plan.archs[c.index]), work) / 1000;
  }
  for (const p of per) p.estimated_score_s = Math.round(p.estimated_score_s * 10) / 10;
  return { shards: count, candidates: plan.candidates.length, scored: plan.scored.filter(Boolean).length, per_shard: per };
}

/** What a shard run did this time (a resumed shard counts only the new work). */
export interface ShardOutcome {
  header: ShardHeader;
  /** records written this time */
  written: number;
  /** work found already done in the file it resumed */
  resumed: number;
  /** the shard had already finished: nothing was done */
  alreadyDone: boolean;
}

export interface ShardIO {
  /** the file's state when the shard resumes one (its header already checked against this run's) */
  previous: ShardFile | null;
  /** appends one line (header or record) to the shard file; durable before it returns */
  write(line: string): void | Promise<void>;
  signal?: AbortSignal;
}

const now = (): number => performance.now();

/** A shard's outcome so far and its record writer; the header is written unless the shard resumes a file (or it had finished). */
async function startShard(head: ShardHeader, io: ShardIO, resumed: number): Promise<{ outcome: ShardOutcome; put: (r: ShardRecord) => Promise<void> }> {
  const outcome: ShardOutcome = { header: head, written: 0, resumed, alreadyDone: io.previous?.done != null };
  const put = async (r: ShardRecord) => {
    await io.write(shardLine(r));
    outcome.written++;
  };
  if (!io.previous) await io.write(shardLine(head));
  return { outcome, put };
}

function header(phase: ShardHeader['phase'], settings: RunData['settings'], evaluation: EvaluationJson, shard: ShardSpec, candidates: number, owned: number[], selected?: number[]): ShardHeader {
  return {
    format: SHARD_FORMAT,
    format_version: SHARD_FORMAT_VERSION,
    studio_version: STUDIO_VERSION,
    phase,
    shard,
    settings: settingsJson(settings),
    evaluation,
    candidates,
    owned,
    ...(selected ? { selected } : {}),
  };
}

/** The header a search shard writes (the CLI checks a file it resumes against it before running). */
export function searchShardHeader(work: SearchWork, plan: SearchShardPlan, shard: ShardSpec, backend: string): ShardHeader {
  const owned = plan.candidates.filter((c) => plan.owner[c.index] === shard.index).map((c) => c.index);
  const { scoreBatch, trainSamples, proxyKnobs: _k, ...settings } = work;
  return header('search', settings, { score_batch: scoreBatch, train_samples: trainSamples, backend }, shard, plan.candidates.length, owned);
}

/**
 * Runs search shard `shard`: writes the header, a costed record for every
 * candidate it owns, then a scored record as each of its candidates the
 * strategy scores is scored, then done. Resuming, it writes only what the
 * file lacks. A cancelled shard rejects with SearchCancelled; what it wrote stays.
 */
export async function runSearchShard(work: SearchWork, plan: SearchShardPlan, head: ShardHeader, evaluators: Evaluators, io: ShardIO): Promise<ShardOutcome> {
  const t0 = now();
  const prev = io.previous;
  const { outcome, put } = await startShard(head, io, prev ? prev.costed.size + prev.scores.size : 0);
  if (outcome.alreadyDone) return outcome;
  const c0 = now();
  for (const i of head.owned) {
    if (prev?.costed.has(i)) continue;
    const { score: _, ...c } = candidateJson({ ...plan.candidates[i], pes: null });
    await put({ type: 'costed', ...c });
  }
  const costMs = now() - c0;
  // The pipeline scores the shard's part as one machine scores every candidate (a network-running proxy through the
  // evaluators, a cost-model proxy in place), drawing from a source of just that part; nothing is trained here.
  const todo = head.owned.filter((i) => plan.scored[i] && !prev?.scores.has(i));
  const source = new ListSource(todo.map((i) => ({ genome: plan.candidates[i].genome, costs: plan.candidates[i].costs, arch: plan.archs[i] })));
  const { scoreBatch: _b, trainSamples: _t, proxyKnobs: _k, ...settings } = work;
  // Writes are chained so the lines keep the order the scores came in, and all are on disk before done.
  let writing: Promise<void> = Promise.resolve();
  const onEvent = (e: SearchEvent) => {
    if (e.type === 'scored') writing = writing.then(() => put({ type: 'scored', index: todo[e.index], score: scoreJson(e.score) }));
  };
  const run = await runSearch({ ...settings, topK: 0 }, evaluators, onEvent, io.signal, { source });
  await writing;
  await put({ type: 'done', timings: timingsJson({ costMs, scoreMs: run.timings.scoreMs, trainMs: 0, totalMs: now() - t0 }) });
  return outcome;
}

/** Candidates given as a list, in order (a shard's part of the search). */
class ListSource implements CandidateSource {
  private position = 0;
  constructor(private readonly items: readonly SourcedCandidate[]) {}
  get done(): boolean {
    return this.position >= this.items.length;
  }
  get size(): number {
    return this.items.length;
  }
  next(max: number): SourcedCandidate[] {
    const out = this.items.slice(this.position, this.position + max);
    this.position += out.length;
    return out;
  }
  indexOf(): number {
    return -1;
  }
  at(index: number): SourcedCandidate {
    return this.items[index];
  }
}

export interface TrainShardPlan {
  /** the strategy's selection from the merged scores, in training order */
  selected: number[];
  /** each selected candidate's shard */
  owner: Int32Array;
}

/** The top k of a merged, scored run and their split over `count` train shards by estimated training time. */
export function planTrainShards(run: RunData, trainSamples: number, count: number): TrainShardPlan {
  const s = run.settings;
  if (s.strategy === null) throw new ShardingError('the run is a costed set from the studio, not a search: it has nothing to train');
  refuseEvolution(s as SearchSettings);
  if (run.candidates.some((c, i) => c.index !== i)) throw new ShardingError('the run does not hold every candidate of its search');
  const selected = selectForTraining(s as SearchSettings, run.candidates);
  const images = trainingImages(s.dataset ?? '', trainSamples);
  const owner = dealByCost(selected.map((i) => trainMs(networkWork(parseGenome(run.candidates[i].genome)), s.epochs, images)), count);
  return { selected, owner };
}

export function trainShardHeader(run: RunData, plan: TrainShardPlan, shard: ShardSpec, evaluation: EvaluationJson): ShardHeader {
  const owned = plan.selected.filter((_, k) => plan.owner[k] === shard.index);
  return header('train', run.settings, evaluation, shard, run.candidates.length, owned, plan.selected);
}

/**
 * Runs train shard `shard`: trains each selected candidate it owns (one at a
 * time, as one machine would), writing a trained or failed record as each
 * ends, then done. Resuming, it skips candidates the file already holds.
 */
export async function runTrainShard(run: RunData, head: ShardHeader, evaluators: Evaluators, io: ShardIO): Promise<ShardOutcome> {
  const t0 = now();
  const prev = io.previous;
  const { outcome, put } = await startShard(head, io, prev ? prev.trained.size + prev.failed.size : 0);
  if (outcome.alreadyDone) return outcome;
  const signal = io.signal ?? new AbortController().signal;
  const hw = compileHardware(run.settings.hardware);
  for (const index of head.owned) {
    if (prev?.trained.has(index) || prev?.failed.has(index)) continue;
    if (signal.aborted) throw new SearchCancelled();
    const c = run.candidates[index];
    try {
      const result = await evaluators.train(c.genome, run.settings.epochs, signal, () => {});
      await put({ type: 'trained', ...trainedJson(trainedRecord(index, c.genome, parseGenome(c.genome), result, hw, run.settings.budgets)) });
    } catch (e) {
      if (signal.aborted) throw new SearchCancelled();
      // As on one machine: a candidate that cannot be trained is reported and the rest go on.
      await put({ type: 'failed', index, genome: c.genome, message: e instanceof Error ? e.message : String(e) });
    }
  }
  const train_ms = now() - t0;
  await put({ type: 'done', timings: timingsJson({ costMs: 0, scoreMs: 0, trainMs: train_ms, totalMs: train_ms }) });
  return outcome;
}
