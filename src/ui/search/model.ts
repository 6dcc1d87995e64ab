/**
 * The page's live model of one search run: candidates in typed-array columns
 * (so 20k rows cost no objects per frame), their row state, scores, the
 * trained results and the per-stage counts. `applyEvent` is the reducer: it
 * mutates the model in place as pipeline events arrive (cheap, O(event));
 * the controller bumps a version at most once per animation frame so React
 * renders at frame rate however fast events come. No React, no DOM.
 */
import { allocateColumns, type Columns } from '../../core/metrics.ts';
import type { CandidateRecord, SearchEvent, Stage, Strategy, TrainedRecord, TrainFailure } from '../../core/search/pipeline.ts';

export const ROW_STATES = ['costed', 'scored', 'queued', 'training', 'done', 'failed'] as const;
export type RowState = (typeof ROW_STATES)[number];
export const ROW = { costed: 0, scored: 1, queued: 2, training: 3, done: 4, failed: 5 } as const;

export interface StageClock {
  /** performance.now() when the stage started; NaN before */
  start: number;
  /** performance.now() when it ended; NaN while running */
  end: number;
  /** work the stage expects (candidates to cost, score or train) */
  expected: number;
}

export interface SearchModel {
  strategy: Strategy;
  capacity: number;
  count: number;
  columns: Columns;
  genomes: string[];
  /** training-free score; NaN where never scored */
  scores: Float64Array;
  /** 1 when within the run's budgets at costing time */
  feasibleAtCost: Uint8Array;
  state: Uint8Array;
  /** training progress of the candidate in training: epoch (1-based) and fraction of all epochs done */
  trainingEpoch: number;
  trainingEpochs: number;
  trainingFraction: number;
  trainingIndex: number;
  trained: Map<number, TrainedRecord>;
  failures: TrainFailure[];
  counts: { costed: number; rejected: number; scored: number; trained: number; failed: number };
  stages: Record<Stage, StageClock>;
  /** the run was stopped (or failed): a stage it cut off will not finish */
  stopped: boolean;
}

export function createModel(strategy: Strategy, capacity: number): SearchModel {
  const clock = (): StageClock => ({ start: NaN, end: NaN, expected: 0 });
  return {
    strategy,
    capacity,
    count: 0,
    columns: allocateColumns(capacity),
    genomes: [],
    scores: new Float64Array(capacity).fill(NaN),
    feasibleAtCost: new Uint8Array(capacity),
    state: new Uint8Array(capacity),
    trainingEpoch: 0,
    trainingEpochs: 0,
    trainingFraction: 0,
    trainingIndex: -1,
    trained: new Map(),
    failures: [],
    counts: { costed: 0, rejected: 0, scored: 0, trained: 0, failed: 0 },
    stages: { cost: clock(), score: clock(), train: clock() },
    stopped: false,
  };
}

function grow(m: SearchModel, need: number): void {
  if (need <= m.capacity) return;
  const cap = Math.max(need, m.capacity * 2);
  const cols = allocateColumns(cap);
  for (const k of Object.keys(cols) as (keyof Columns)[]) cols[k].set(m.columns[k].subarray(0, m.count));
  const scores = new Float64Array(cap).fill(NaN);
  scores.set(m.scores.subarray(0, m.count));
  const feas = new Uint8Array(cap);
  feas.set(m.feasibleAtCost.subarray(0, m.count));
  const state = new Uint8Array(cap);
  state.set(m.state.subarray(0, m.count));
  Object.assign(m, { capacity: cap, columns: cols, scores, feasibleAtCost: feas, state });
}

function addRecords(m: SearchModel, records: readonly CandidateRecord[]): void {
  grow(m, m.count + records.length);
  const c = m.columns;
  for (const r of records) {
    const i = r.index;
    c.params[i] = r.costs.params;
    c.memoryBits[i] = r.costs.memoryBits;
    c.areaMm2[i] = r.costs.areaMm2;
    c.latencyMs[i] = r.costs.latencyMs;
    c.energyUJ[i] = r.costs.energyUJ;
    c.tiles[i] = r.costs.tiles;
    c.crossbars[i] = r.costs.crossbars;
    c.pes[i] = NaN;
    m.genomes[i] = r.genome;
    m.feasibleAtCost[i] = r.feasible ? 1 : 0;
    m.state[i] = ROW.costed;
    if (!r.feasible && m.strategy !== 'snasnet' && m.strategy !== 'random') m.counts.rejected++;
    if (i + 1 > m.count) m.count = i + 1;
  }
  m.counts.costed = m.count;
}

/** Applies one pipeline event to the model (in place). `now` is performance.now(). */
export function applyEvent(m: SearchModel, e: SearchEvent, now: number): void {
  switch (e.type) {
    case 'costed':
      addRecords(m, e.records);
      break;
    case 'dropped':
      m.counts.rejected++;
      break;
    case 'scored':
      m.scores[e.index] = e.score;
      if (m.state[e.index] === ROW.costed) m.state[e.index] = ROW.scored;
      m.counts.scored++;
      break;
    case 'stage': {
      const s = m.stages[e.stage];
      if (e.state === 'start') {
        s.start = now;
        s.end = NaN;
        s.expected = e.count;
      } else {
        s.end = now;
        if (e.stage !== 'cost') s.expected = Math.max(s.expected, e.count);
      }
      break;
    }
    case 'selected':
      for (const i of e.indices) m.state[i] = ROW.queued;
      m.stages.train.expected = e.indices.length;
      break;
    case 'training':
      m.state[e.index] = ROW.training;
      m.trainingIndex = e.index;
      m.trainingEpoch = e.progress.epoch;
      m.trainingEpochs = e.progress.epochs;
      m.trainingFraction = (e.progress.epoch - 1 + (e.progress.batches ? e.progress.batch / e.progress.batches : 0)) / Math.max(1, e.progress.epochs);
      break;
    case 'trained':
      m.trained.set(e.record.index, e.record);
      m.state[e.record.index] = ROW.done;
      m.counts.trained++;
      if (m.trainingIndex === e.record.index) m.trainingIndex = -1;
      break;
    case 'train-failed':
      m.failures.push({ index: e.index, genome: e.genome, message: e.message });
      m.state[e.index] = ROW.failed;
      m.counts.failed++;
      if (m.trainingIndex === e.index) m.trainingIndex = -1;
      break;
  }
}

export interface StageProgress {
  done: number;
  expected: number;
  /** seconds left at the measured rate; null when unknown */
  etaS: number | null;
  running: boolean;
}

/** Progress of a stage with an ETA from its measured rate. */
export function stageProgress(m: SearchModel, stage: Stage, now: number, target: number): StageProgress {
  const s = m.stages[stage];
  const running = !m.stopped && Number.isFinite(s.start) && !Number.isFinite(s.end);
  let done: number;
  let expected: number;
  if (stage === 'cost') {
    done = m.counts.costed;
    expected = target;
  } else if (stage === 'score') {
    done = m.counts.scored;
    expected = Math.max(s.expected, done);
  } else {
    done = m.counts.trained + m.counts.failed + (m.trainingIndex >= 0 ? m.trainingFraction : 0);
    expected = s.expected;
  }
  let etaS: number | null = null;
  if (running && done > 0 && expected > done) {
    const rate = done / ((now - s.start) / 1000);
    etaS = rate > 0 ? (expected - done) / rate : null;
  } else if (Number.isFinite(s.end)) etaS = 0;
  return { done, expected, etaS, running };
}

/** Best candidate under the given mask (0 = within every current budget): highest quantized accuracy among trained feasible, else highest score among feasible. -1 when none. */
export function bestIndex(m: SearchModel, mask: Uint8Array): number {
  let best = -1;
  let bestAcc = -Infinity;
  for (const [i, t] of m.trained) {
    if (mask[i] !== 0) continue;
    const a = t.result.accuracyQuantized;
    if (a > bestAcc || (a === bestAcc && i < best)) {
      bestAcc = a;
      best = i;
    }
  }
  if (best >= 0) return best;
  let bestScore = -Infinity;
  for (let i = 0; i < m.count; i++) {
    const s = m.scores[i];
    if (mask[i] === 0 && s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best;
}

/**
 * After a stop (or a failure): a candidate whose training was cut off goes back to queued (its partial epochs are
 * not a result), and the stages it cut off stop running, so none shows an ETA that would only grow.
 */
export function settleAfterStop(m: SearchModel): void {
  m.stopped = true;
  if (m.trainingIndex >= 0 && m.state[m.trainingIndex] === ROW.training) m.state[m.trainingIndex] = ROW.queued;
  m.trainingIndex = -1;
}
