/**
 * The page's live state of one search, beside the studio's results (the
 * search's candidates ARE the results: their costs and genomes live there,
 * in the store, once): per candidate its row state and score in typed arrays
 * (so 20k rows cost no objects per frame), the trained results, failures,
 * the per-stage counts and clocks. `applyUpdate` is the reducer: it mutates
 * the model in place as the worker's updates arrive (cheap, O(update)); the
 * controller bumps a version at most once per animation frame so React
 * renders at frame rate however fast updates come. No React, no DOM.
 */
import type { RunData } from '../../core/files/run.ts';
import { rankValue, type Evaluation, type RankProxy, type SearchSettings, type SearchTimings, type Stage, type Strategy, type TrainedRecord, type TrainFailure, type TrainReading } from '../../core/search/pipeline.ts';
import type { SearchUpdate } from '../../protocol/search.ts';

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

/** A candidate in training: how far it is, and since when. */
export interface TrainingNow {
  /** the epoch it is in, 1-based, of `epochs` */
  epoch: number;
  epochs: number;
  /** the fraction of all its epochs done */
  fraction: number;
  /** performance.now() when its training began: the train stage's start, or the end of the training it followed */
  start: number;
  /** when its first progress report arrived, and the fraction it said: a rate measured from there leaves out the model's build */
  firstReport: { at: number; fraction: number };
}

export interface SearchModel {
  strategy: Strategy;
  /** rows the arrays hold room for */
  capacity: number;
  /** rows of the results the search knows (the sampled set, then any it added) */
  count: number;
  /** training-free score; NaN where never scored */
  scores: Float64Array;
  state: Uint8Array;
  /** the candidates in training now (several train at once, one per training worker), by index */
  inTraining: Map<number, TrainingNow>;
  /** each candidate's live training curve (points as the trainer read them), kept once it is trained */
  curves: Map<number, TrainReading[]>;
  /** performance.now() when the train stage started or a training last ended: where a candidate starting now began (its worker was free from then) */
  trainClock: number;
  /** seconds each finished training took (trained or failed), in the order they ended: the measured rate of the ETA */
  trainSeconds: number[];
  trained: Map<number, TrainedRecord>;
  failures: TrainFailure[];
  counts: { costed: number; rejected: number; scored: number; trained: number; failed: number };
  stages: Record<Stage, StageClock>;
  /** the run was stopped (or failed): a stage it cut off will not finish */
  stopped: boolean;
  /** candidates scored and trained, in the order they arrived, with the worker's time of each (the search over time) */
  evaluations: Evaluation[];
}

/** `plannedTrain`: the candidates the search means to train (its top-k), known before scoring ranks them. */
export function createModel(strategy: Strategy, capacity: number, plannedTrain = 0): SearchModel {
  const clock = (): StageClock => ({ start: NaN, end: NaN, expected: 0 });
  const train = clock();
  train.expected = plannedTrain;
  return {
    strategy,
    capacity,
    count: 0,
    scores: new Float64Array(capacity).fill(NaN),
    state: new Uint8Array(capacity),
    inTraining: new Map(),
    curves: new Map(),
    trainClock: NaN,
    trainSeconds: [],
    trained: new Map(),
    failures: [],
    counts: { costed: 0, rejected: 0, scored: 0, trained: 0, failed: 0 },
    stages: { cost: clock(), score: clock(), train },
    stopped: false,
    evaluations: [],
  };
}

/** Makes room for rows [0, n) and counts them (the results grew to n rows). */
export function setRows(m: SearchModel, n: number): void {
  if (n > m.capacity) {
    const cap = Math.max(n, m.capacity * 2);
    const scores = new Float64Array(cap).fill(NaN);
    scores.set(m.scores.subarray(0, m.count));
    const state = new Uint8Array(cap);
    state.set(m.state.subarray(0, m.count));
    Object.assign(m, { capacity: cap, scores, state });
  }
  m.count = Math.max(m.count, n);
}

/** Applies one of the worker's updates to the model (in place). `now` is performance.now(). */
export function applyUpdate(m: SearchModel, e: SearchUpdate, now: number): void {
  switch (e.type) {
    case 'candidates':
      setRows(m, e.start + e.count);
      break;
    case 'costed':
      m.counts.costed += e.count;
      m.counts.rejected += e.rejected;
      break;
    case 'dropped':
      m.counts.rejected++;
      break;
    case 'scored':
      m.scores[e.index] = e.score;
      if (m.state[e.index] === ROW.costed) m.state[e.index] = ROW.scored;
      m.counts.scored++;
      m.evaluations.push({ index: e.index, stage: 'score', atMs: e.atMs ?? NaN });
      break;
    case 'stage': {
      const s = m.stages[e.stage];
      if (e.state === 'start') {
        s.start = now;
        s.end = NaN;
        s.expected = e.count;
        if (e.stage === 'train') m.trainClock = now;
        // Scoring's start knows how many are feasible: the planned top-k shrinks to them, never below what was selected.
        if (e.stage === 'score' && e.count > 0 && m.strategy !== 'evolution') m.stages.train.expected = Math.min(m.stages.train.expected, e.count);
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
    case 'training': {
      if (e.progress.reading) {
        let curve = m.curves.get(e.index);
        if (!curve) m.curves.set(e.index, (curve = []));
        curve.push(e.progress.reading);
      }
      m.state[e.index] = ROW.training;
      // The trainer counts epochs and batches from 0; batch b done means b + 1 of the epoch's batches are.
      const fraction = (e.progress.epoch + (e.progress.batches ? (e.progress.batch + 1) / e.progress.batches : 0)) / Math.max(1, e.progress.epochs);
      const before = m.inTraining.get(e.index);
      const start = before?.start ?? (Number.isFinite(m.trainClock) ? m.trainClock : now);
      const firstReport = before?.firstReport ?? { at: now, fraction };
      m.inTraining.set(e.index, { epoch: e.progress.epoch + 1, epochs: e.progress.epochs, fraction, start, firstReport });
      break;
    }
    case 'trained':
      finishTraining(m, e.record.index, now);
      m.trained.set(e.record.index, e.record);
      m.state[e.record.index] = ROW.done;
      m.counts.trained++;
      m.evaluations.push({ index: e.record.index, stage: 'train', atMs: e.atMs ?? NaN });
      break;
    case 'train-failed':
      finishTraining(m, e.index, now);
      m.failures.push({ index: e.index, genome: e.genome, message: e.message });
      m.state[e.index] = ROW.failed;
      m.counts.failed++;
      break;
  }
}

/**
 * Candidate `index`'s training ended (trained or failed): its time is a measured rate, and a candidate that starts
 * next (on the worker it freed) starts now. One that ends with no progress seen (a known result, a failure at once)
 * took from the last start or end.
 */
function finishTraining(m: SearchModel, index: number, now: number): void {
  const start = m.inTraining.get(index)?.start ?? m.trainClock;
  if (Number.isFinite(start)) m.trainSeconds.push((now - start) / 1000);
  m.inTraining.delete(index);
  m.trainClock = now;
}

/** Trainings done: the finished ones, and the fractions of those in training. */
export function trainingDone(m: SearchModel): number {
  let done = m.counts.trained + m.counts.failed;
  for (const t of m.inTraining.values()) done += t.fraction;
  return done;
}

export interface StageProgress {
  done: number;
  expected: number;
  /** seconds left at the measured rate; null when unknown (always for training: see trainingLeftS) */
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
    done = trainingDone(m);
    expected = s.expected;
  }
  let etaS: number | null = null;
  // Training's time left is eta.ts's trainingLeftS (the whole run's training part): a plain rate since the stage began
  // would count the model builds and the trainings' overlap, and disagree with the whole run's.
  if (stage === 'train') etaS = null;
  else if (running && done > 0 && expected > done) {
    const rate = done / ((now - s.start) / 1000);
    etaS = rate > 0 ? (expected - done) / rate : null;
  } else if (Number.isFinite(s.end)) etaS = 0;
  return { done, expected, etaS, running };
}

/** Best candidate under the given mask (0 = within every current budget): highest quantized accuracy among trained feasible, else the best score (in the ranking's direction) among feasible. -1 when none. */
export function bestIndex(m: SearchModel, mask: Uint8Array, rankBy: RankProxy): number {
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
  // Before any is trained, the best score in the ranking's direction.
  let bestScore = -Infinity;
  for (let i = 0; i < m.count; i++) {
    const s = rankValue(rankBy, m.scores[i]);
    if (mask[i] === 0 && s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best;
}

/**
 * After a stop (or a failure): every candidate whose training was cut off goes back to queued (its partial epochs are
 * not a result), and the stages it cut off stop running, so none shows an ETA that would only grow.
 */
export function settleAfterStop(m: SearchModel): void {
  m.stopped = true;
  for (const i of m.inTraining.keys()) if (m.state[i] === ROW.training) m.state[i] = ROW.queued;
  m.inTraining.clear();
}

/** A search run loaded from a document (an imported file, a stored run): what a finished or stopped search leaves on the page. */
export interface LoadedRun {
  model: SearchModel;
  /** the search's settings (a run's dataset is always named once it is a search's) */
  settings: SearchSettings;
  timings: SearchTimings | null;
  /** the run ended before its end: what had arrived is all there is */
  stopped: boolean;
}

/**
 * The search state a run document gives: the model a finished (or, when `run.stopped`, a stopped) search of the
 * same run would hold, so the Pareto view, the table, the detail and the training curves show it exactly as they
 * show a search that ran here. The one loader for every run not run on this page (an imported file, a run kept in
 * the browser, a pinned run to compare): a candidate's row is its index (run files list them in sampling order).
 * Null for a run with no search in it (a costed set: nothing scored or trained).
 */
export function loadRun(run: RunData): LoadedRun | null {
  if (run.source !== 'search' || run.settings.strategy === null) return null;
  const n = run.candidates.length;
  const model = createModel(run.settings.strategy, n);
  setRows(model, n);
  let scored = 0;
  for (const c of run.candidates) {
    if (c.score === null) continue;
    model.scores[c.index] = c.score;
    model.state[c.index] = ROW.scored;
    scored++;
  }
  for (const t of run.trained) {
    model.trained.set(t.index, t);
    model.state[t.index] = ROW.done;
  }
  const failures = run.failures ?? [];
  for (const f of failures) {
    model.failures.push({ ...f });
    model.state[f.index] = ROW.failed;
  }
  const counts = run.counts;
  model.counts = {
    costed: counts?.sampled ?? n,
    rejected: counts?.rejectedBeforeScoring ?? 0,
    scored,
    trained: run.trained.length,
    failed: failures.length,
  };
  // Each stage ran for its recorded time (clocks from 0: only their lengths mean anything once loaded).
  const t = run.timings;
  const ended = (ms: number | undefined, expected: number) => ({ start: 0, end: ms ?? 0, expected });
  model.stages = {
    cost: ended(t?.costMs, model.counts.costed),
    score: ended(t?.scoreMs, scored),
    // A stopped run had chosen its best k (or as many as were scored) to train: the bar shows how far it got.
    train: ended(t?.trainMs, Math.max(run.trained.length + failures.length, run.stopped ? Math.min(run.settings.topK, scored) : 0)),
  };
  // The order and times candidates finished in (the search-over-time plot), when the file kept them.
  if (run.evaluations) model.evaluations = run.evaluations.map((e) => ({ ...e }));
  if (run.stopped) settleAfterStop(model);
  return {
    model,
    settings: { ...run.settings, strategy: run.settings.strategy, dataset: run.settings.dataset ?? '' },
    timings: t ? { ...t } : null,
    stopped: run.stopped,
  };
}
