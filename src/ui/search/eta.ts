/**
 * The whole run's time left, from the rates the running search has
 * measured: costing (candidates per second), scoring (candidates per second
 * over the pool) and training (seconds per candidate). The stages run one
 * after another, so their times left add up.
 *
 * Training's rate is the best one measured so far: the mean time of the
 * candidates trained already; before any finished, the one in training
 * extrapolated from the fraction it has done; before any training started,
 * a prior from scoring's measured time per candidate (both are a network's
 * passes over images: scoring runs `scoreBatch` images forward once,
 * training runs epochs × trainSamples images forward and backward, plus the
 * evaluation). The page shows it as "about": the prior is rough, and the top
 * candidates are not the average candidate.
 *
 * Pure: the model and the clock come in, seconds (or null: not enough is
 * measured yet) go out.
 */
import type { SearchModel } from './model.ts';

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
  /** the ranking is the SNASNet score, computed by the scorers (a cost-model proxy costs next to nothing) */
  workerScore: boolean;
}

/**
 * Seconds of training per image trained (forward and backward, the test evaluations included), over one worker's
 * seconds of scoring per image scored (forward, kernel, log-determinant): the prior before any candidate trains,
 * which measured training time replaces as soon as one does. Measured on the 2-core machine, wasm, the default
 * genome c16-h128-t4-w8-301203: scored in 205 ms at batch 64 (3.2 ms an image), trained at 105 images/s, so 2 epochs
 * of 4,000 images and three evaluations of the 2,000 test images take about 95 s (11.9 ms an image trained): 3.7.
 */
export const TRAIN_PER_SCORE_IMAGE = 3.7;

/** Below this fraction done, the candidate in training is too new to extrapolate from (model build, first batches). */
const MIN_FRACTION = 0.1;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Seconds the whole run has left at the rates measured by `now` (performance.now()); null before they are known. */
export function runEtaS(m: SearchModel, now: number, plan: RunPlan): number | null {
  if (m.stopped) return null;
  const { cost, score, train } = m.stages;
  if (!Number.isFinite(cost.start)) return null;
  let left = 0;

  if (!Number.isFinite(cost.end)) {
    const elapsed = (now - cost.start) / 1000;
    if (m.counts.costed === 0) return null;
    left += (Math.max(0, plan.samples - m.counts.costed) * elapsed) / m.counts.costed;
  }

  // One worker's seconds per candidate scored (the pool scores `scorers` at once).
  let scoreS: number | null = null;
  if (plan.workerScore && m.strategy !== 'random') {
    if (!Number.isFinite(score.start)) return null;
    const elapsed = ((Number.isFinite(score.end) ? score.end : now) - score.start) / 1000;
    if (m.counts.scored > 0) scoreS = (elapsed * plan.scorers) / m.counts.scored;
    if (!Number.isFinite(score.end)) {
      if (scoreS === null) return null;
      left += (Math.max(0, score.expected - m.counts.scored) * scoreS) / plan.scorers;
    }
  }

  const finished = m.counts.trained + m.counts.failed;
  const toTrain = train.expected - finished;
  if (toTrain <= 0) return left;
  const inTraining = m.trainingIndex >= 0;
  const elapsed = inTraining && Number.isFinite(m.trainClock) ? (now - m.trainClock) / 1000 : 0;
  // The fraction of the current candidate's epochs done (m.trainingFraction is of all its epochs).
  const fraction = inTraining ? m.trainingFraction : 0;
  const extrapolated = fraction >= MIN_FRACTION ? elapsed / fraction : null;
  const prior = scoreS !== null ? ((scoreS * plan.epochs * plan.trainSamples) / plan.scoreBatch) * TRAIN_PER_SCORE_IMAGE : null;
  const perCandidate = m.trainSeconds.length ? mean(m.trainSeconds) : (extrapolated ?? prior);
  if (perCandidate === null) return null;
  const current = inTraining ? (extrapolated !== null ? extrapolated * (1 - fraction) : Math.max(0, perCandidate - elapsed)) : 0;
  return left + current + (toTrain - (inTraining ? 1 : 0)) * perCandidate;
}

/** "about 40 s left", "about 3 min left" (rounded up: an estimate that runs out early reads worse than one that does not). */
export function formatEta(s: number): string {
  if (s < 60) return `about ${Math.max(1, Math.ceil(s / 5) * 5)} s left`;
  if (s < 3600) return `about ${Math.ceil(s / 60)} min left`;
  const h = Math.floor(s / 3600);
  return `about ${h} h ${Math.ceil((s - h * 3600) / 60)} min left`;
}
