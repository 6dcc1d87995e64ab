/**
 * The whole run's time left, from the rates the running search has
 * measured: costing (candidates per second), scoring (candidates per second
 * over the pool) and training (seconds per candidate, `trainers` at once).
 * The stages run one after another, so their times left add up.
 *
 * Training's rate is the best one measured so far: the mean time of the
 * candidates trained already; before any finished, those in training
 * extrapolated from the fractions they have done (at the rate since their
 * first progress report once a few seconds and a few per cent lie between,
 * so the model's build does not stretch it; else from the start, once a
 * tenth is done); before any training started,
 * a prior from scoring's measured time per candidate (both are a network's
 * passes over images: scoring runs `scoreBatch` images forward once,
 * training runs epochs × trainSamples images forward and backward, plus the
 * evaluation). The trainings left are laid out on the training workers as
 * the search hands them out: each queued candidate goes to the worker free
 * first. The page shows it as "about": the prior is rough, and the top
 * candidates are not the average candidate.
 *
 * Pure: the model and the clock come in, seconds (or null: not enough is
 * measured yet) go out.
 */
import type { SearchModel } from './model.ts';
import { PAIR_TRAINING_SPEEDUP } from '../../core/search/estimate.ts';

export interface RunPlan {
  /** candidates the search costs */
  samples: number;
  epochs: number;
  /** training images per candidate */
  trainSamples: number;
  /** images in the score's batch */
  scoreBatch: number;
  /** workers scoring at once */
  scorers: number;
  /** trainings at once (core/search/pipeline.ts trainingSlots: two workers to a candidate, once scoring is over) */
  trainers: number;
  /** the ranking is computed by the scorers (a network-running proxy; a cost-model one costs next to nothing) */
  workerScore: boolean;
  /**
   * the scorers run one forward pass over `scoreBatch` images a candidate (SNASNet's score), so their time gives the
   * prior for training; a gradient or early-training proxy's time does not scale so, and gives none
   */
  forwardScore: boolean;
}

/**
 * Seconds of training per image trained (forward and backward, the test evaluations included), over one worker's
 * seconds of scoring per image scored (forward, kernel, log-determinant): the prior before any candidate trains,
 * which measured training time replaces as soon as one does. Measured on the 2-core machine, wasm, the default
 * genome c16-h128-t4-w8-301203: scored in 205 ms at batch 64 (3.2 ms an image), trained at 105 images/s, so 2 epochs
 * of 4,000 images and three evaluations of the 2,000 test images take about 95 s (11.9 ms an image trained): 3.7.
 */
export const TRAIN_PER_SCORE_IMAGE = 3.7;

/** Below this fraction done, the candidate in training is too new to extrapolate from its start (model build, first batches). */
const MIN_FRACTION = 0.1;
/** Its rate since its first progress report counts once this many seconds and this fraction of its training lie between. */
const MIN_RATE_S = 3;
const MIN_RATE_FRACTION = 0.02;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Seconds the whole run has left at the rates measured by `now` (performance.now()); null before they are known. */
export function runEtaS(m: SearchModel, now: number, plan: RunPlan): number | null {
  if (m.stopped) return null;
  const { cost, score } = m.stages;
  if (!Number.isFinite(cost.start)) return null;
  let left = 0;

  if (!Number.isFinite(cost.end)) {
    const elapsed = (now - cost.start) / 1000;
    if (m.counts.costed === 0) return null;
    left += (Math.max(0, plan.samples - m.counts.costed) * elapsed) / m.counts.costed;
  }

  if (plan.workerScore && m.strategy !== 'random') {
    if (!Number.isFinite(score.start)) return null;
    if (!Number.isFinite(score.end)) {
      const scoreS = scoreSecondsPerCandidate(m, now, plan);
      if (scoreS === null) return null;
      left += (Math.max(0, score.expected - m.counts.scored) * scoreS) / plan.scorers;
    }
  }

  const training = trainingLeftS(m, now, plan);
  return training === null ? null : left + training;
}

/** One worker's seconds per candidate scored so far (the pool scores `scorers` at once); null before one is scored. */
function scoreSecondsPerCandidate(m: SearchModel, now: number, plan: RunPlan): number | null {
  const { score } = m.stages;
  if (!plan.workerScore || m.strategy === 'random' || !Number.isFinite(score.start) || m.counts.scored === 0) return null;
  const elapsed = ((Number.isFinite(score.end) ? score.end : now) - score.start) / 1000;
  return (elapsed * plan.scorers) / m.counts.scored;
}

/**
 * Seconds the trainings left take from `now` (0 when none is left; null before a rate is known): the training part of
 * the whole run's time left, and what the Trained bar says, so the two never disagree.
 */
export function trainingLeftS(m: SearchModel, now: number, plan: RunPlan): number | null {
  const finished = m.counts.trained + m.counts.failed;
  const toTrain = m.stages.train.expected - finished;
  if (toTrain <= 0) return 0;
  // Each training's seconds so far, its fraction done, and its extrapolated length once it is far enough along.
  const running = [...m.inTraining.values()].map((t) => {
    const elapsed = Math.max(0, (now - t.start) / 1000);
    const since = (now - t.firstReport.at) / 1000;
    const done = t.fraction - t.firstReport.fraction;
    if (since >= MIN_RATE_S && done >= MIN_RATE_FRACTION) {
      const left = ((1 - t.fraction) * since) / done;
      return { elapsed, total: elapsed + left, left };
    }
    const total = t.fraction >= MIN_FRACTION ? elapsed / t.fraction : null;
    return { elapsed, total, left: total === null ? null : total * (1 - t.fraction) };
  });
  const extrapolated = running.flatMap((r) => (r.total !== null ? [r.total] : []));
  const scoreS = scoreSecondsPerCandidate(m, now, plan);
  // Measured on one worker; where fewer train at once than there are workers, a candidate trains on two.
  const prior = scoreS !== null && plan.forwardScore ? (((scoreS * plan.epochs * plan.trainSamples) / plan.scoreBatch) * TRAIN_PER_SCORE_IMAGE) / (plan.trainers < plan.scorers ? PAIR_TRAINING_SPEEDUP : 1) : null;
  const perCandidate = m.trainSeconds.length ? mean(m.trainSeconds) : extrapolated.length ? mean(extrapolated) : prior;
  if (perCandidate === null) return null;
  // When each training worker is free: those training, once their candidate ends; the rest, now.
  const freeAt = running.map((r) => r.left ?? Math.max(0, perCandidate - r.elapsed));
  while (freeAt.length < Math.max(1, plan.trainers)) freeAt.push(0);
  for (let queued = toTrain - running.length; queued > 0; queued--) {
    let first = 0;
    for (let w = 1; w < freeAt.length; w++) if (freeAt[w] < freeAt[first]) first = w;
    freeAt[first] += perCandidate;
  }
  return Math.max(...freeAt);
}

/** "about 40 s left", "about 3 min left" (rounded up: an estimate that runs out early reads worse than one that does not). */
export function formatEta(s: number): string {
  if (s < 60) return `about ${Math.max(1, Math.ceil(s / 5) * 5)} s left`;
  if (s < 3600) return `about ${Math.ceil(s / 60)} min left`;
  const h = Math.floor(s / 3600);
  return `about ${h} h ${Math.ceil((s - h * 3600) / 60)} min left`;
}
