/**
 * How long a search would take on the page, before it starts: what a link
 * that starts a search (run=1) is judged by, so a large one asks first.
 *
 * The work of one image through a candidate is its multiply-accumulates and
 * its neuron updates over T timesteps (layerList, the same layers the model
 * is built from): T · Σ_layers (k²·Cin·Cout·Hout² + NEURON_MACS·Cout·Hout²).
 * The search's own first candidates (the same seeded stream, costed on the
 * same hardware under the same budgets) give the share that is scored and
 * the mean work of a scored and of a trained candidate; then
 *
 *   scoring   scored · (SCORE_FIXED_MS + batch · SCORE_NS · work) / scorers
 *   training  trained · (TRAIN_FIXED_MS + epochs · images · TRAIN_NS · work
 *                        + (epochs + 1) · test images · EVAL_NS · work)
 *
 * (the test split is evaluated after every epoch and once more quantized).
 * Costing itself is left out: thousands of candidates cost well under a
 * second (`npm run bench -- --only estimator`).
 *
 * The constants were fitted to timings measured on this project's machine
 * (2 cores, headless Chromium, the wasm backend in the page's workers, one
 * scoring worker), from the built studio with seeded searches:
 * - scoring, 11 candidates each after the first, score batch 64 unless said:
 *   C=8 T=2: 222 ms a candidate; C=8 T=8: 490; C=32 T=4: 1 688;
 *   C=64 T=8: 7 514; C=32 T=4 batch 256: 5 397; C=8 T=2 batch 256: 498.
 *   Least squares gave 124 ms fixed, 0.0728 ns a MAC, 19.8 ns a neuron
 *   update (so a neuron update weighs as 272 MACs); the fit is within 20 %
 *   of every point.
 * - training one candidate for one epoch on MNIST (2 000 test images):
 *   C=8 T=2, 500 images: 3.3 s; 2 000 images: 7.7 s; C=16 T=4, 500: 16.4 s;
 *   C=32 T=4, 500: 49.6 s; C=32 T=2, 1 500: 30.5 s. With 1 s fixed, least
 *   squares gave 0.120 ns a work unit for a training image and 0.092 for an
 *   evaluated one: within 10 % for the larger candidates, up to 80 % over
 *   for the smallest (which are quick either way).
 * - the other network-running ranking proxies, from the per-candidate
 *   times of docs/calibration/{mnist,fashion-mnist}.json (`proxy_ms`, wasm in
 *   Node on this machine, 15 candidates each after the first, 30 to 209
 *   million work units): the gradient pass of snip / grad_norm on 64 images
 *   took 225–3 467 ms, fitted as 260 ms fixed + 0.171 ns a work unit an
 *   image; early_loss / early_accuracy (20 steps of 32, then 300 held-out
 *   images) took 2.5–43.7 s, fitted as 780 ms fixed + 1.15 × the training
 *   fit above (its training and evaluation constants, for steps · batch
 *   images trained and the held-out images evaluated). Both fits are within
 *   a factor 2.6 of every point (the small candidates' times vary most); the
 *   early-training proxy costs about 20 times a SNASNet score.
 * A faster computer finishes sooner than estimated, so the estimate errs on
 * the side of asking.
 */
import type { Architecture } from '../arch/architecture.ts';
import { layerList } from '../arch/architecture.ts';
import { CandidateStream, spaceSize } from '../arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../cost/estimator.ts';
import { EMBEDDED_DATASETS, UPLOADED_TEST_MAX, isEmbeddedDatasetName } from '../data/datasets.ts';
import type { StudioInputs } from '../inputs.ts';
import { normalizeParams } from '../params.ts';
import { budgetViolation } from '../feasibility.ts';
import { searchSettingsFromParams } from '../settings.ts';
import type { SearchSettings } from './pipeline.ts';
import { PROXIES, type ProxyName } from '../calibration/proxies.ts';
import { proxyKnobsFromParams, type ProxyKnobs } from '../calibration/plan.ts';

/** One neuron update costs as much as this many multiply-accumulates (fitted, see above). */
export const NEURON_MACS = 272;
const SCORE_FIXED_MS = 124;
const SCORE_NS_PER_WORK = 0.0728;
const TRAIN_FIXED_MS = 1000;
const TRAIN_NS_PER_WORK = 0.12;
const EVAL_NS_PER_WORK = 0.092;
const GRADIENT_FIXED_MS = 260;
const GRADIENT_NS_PER_WORK = 0.171;
const EARLY_FIXED_MS = 780;
/** early training measured against the training fit's prediction for the same images (steps are not epochs: no per-epoch evaluation) */
const EARLY_SCALE = 1.15;
/** Starting the workers and their backend before anything is scored (measured 2.2–5 s). */
const START_MS = 3000;
/** Candidates of the search's own stream the estimate looks at. */
export const ESTIMATE_PROBE = 200;

/** A search longer than this (estimated, in seconds) is not started by a link without asking. */
export const LONG_SEARCH_S = 60;

/** Work units (MACs plus weighted neuron updates) of one image through the candidate, over all its timesteps. */
export function imageWork(a: Architecture): number {
  let w = 0;
  for (const l of layerList(a)) w += l.k * l.k * l.cin * l.cout * l.hout * l.hout + NEURON_MACS * l.cout * l.hout * l.hout;
  return w * a.timesteps;
}

/** Milliseconds one scoring worker takes to score a candidate of `work` units an image on `batch` images. */
export function scoreMs(work: number, batch: number): number {
  return SCORE_FIXED_MS + batch * SCORE_NS_PER_WORK * 1e-6 * work;
}

/**
 * Milliseconds one worker takes to compute proxy `name` of a candidate of `work` units an image, with the images the
 * proxy reads (`scoreBatch` for the SNASNet score, once; the gradient and early-training knobs for the others); 0 for a
 * cost-model proxy, which is computed with the costs. The search's ranking and a calibration both estimate with it.
 */
export function proxyMs(name: ProxyName, work: number, images: { scoreBatch: number } & ProxyKnobs): number {
  switch (PROXIES[name].needs) {
    case 'cost':
      return 0;
    case 'forward':
      return scoreMs(work, images.scoreBatch);
    case 'gradient':
      return GRADIENT_FIXED_MS + images.gradientBatch * GRADIENT_NS_PER_WORK * 1e-6 * work;
    case 'training':
      return EARLY_FIXED_MS + EARLY_SCALE * (images.earlySteps * images.earlyBatch * TRAIN_NS_PER_WORK + images.earlyHeldOut * EVAL_NS_PER_WORK) * 1e-6 * work;
  }
}

/** Milliseconds one scoring worker takes to compute the search's ranking proxy of a candidate of `work` units an image. */
export function rankMs(work: number, w: Pick<SearchWork, 'rankBy' | 'scoreBatch' | 'proxyKnobs'>): number {
  return proxyMs(w.rankBy, work, { scoreBatch: w.scoreBatch, ...w.proxyKnobs });
}

/** Milliseconds to train a candidate of `work` units an image for `epochs` on `images`, testing after each epoch and once quantized. */
export function trainMs(work: number, epochs: number, images: { train: number; test: number }): number {
  return TRAIN_FIXED_MS + epochs * images.train * TRAIN_NS_PER_WORK * 1e-6 * work + (epochs + 1) * images.test * EVAL_NS_PER_WORK * 1e-6 * work;
}

/** Training and test images a trained candidate sees on `dataset` with `trainSamples` asked for. */
export function trainingImages(dataset: string, trainSamples: number): { train: number; test: number } {
  if (isEmbeddedDatasetName(dataset)) {
    const s = EMBEDDED_DATASETS[dataset].split;
    const total = EMBEDDED_DATASETS[dataset].count;
    return { train: Math.min(trainSamples, total - s.test), test: s.test };
  }
  // A user's CIFAR-10 files are not known before they are chosen: their largest test split, and what was asked for.
  return { train: trainSamples, test: UPLOADED_TEST_MAX };
}

export interface SearchWork extends SearchSettings {
  /** images in the training-free score */
  scoreBatch: number;
  /** the gradient and early-training proxies' knobs */
  proxyKnobs: ProxyKnobs;
  /** training images asked for */
  trainSamples: number;
}

/** The search the page's inputs describe. Throws CostInputError when the edited hardware constants are unusable. */
export function searchWorkFromInputs(inputs: StudioInputs): SearchWork {
  const p = normalizeParams(inputs.params);
  return { ...searchSettingsFromParams(p, inputs.hwEdits), scoreBatch: p.scoreBatch, proxyKnobs: proxyKnobsFromParams(p), trainSamples: p.trainSamples };
}

export interface SearchEstimate {
  /** the whole search, seconds */
  seconds: number;
  scoreSeconds: number;
  trainSeconds: number;
  /** candidates expected to be scored */
  scored: number;
  /** candidates expected to be trained */
  trained: number;
  /** one scoring worker's estimated milliseconds for the ranking proxy of a mean scored candidate (0: a cost-model proxy) */
  rankMsPerCandidate: number;
}

/** Scoring workers a search runs on `cores` logical cores: one core stays with the page, one worker trains; at most 4. */
export function poolSize(cores: number | undefined): number {
  return Math.max(1, Math.min(4, (cores ?? 2) - 1));
}

/**
 * The estimated length of a search on a page with `scorers` scoring workers. Its top-k train as many at once as
 * the pool has workers (the training worker and, once scoring is over, the scorers): in rounds of that many.
 */
export function estimateSearch(work: SearchWork, scorers: number): SearchEstimate {
  const hw = compileHardware(work.hardware);
  const probe = new CandidateStream(work.space, Math.min(ESTIMATE_PROBE, work.samples), work.seed);
  const { archs } = probe.next(probe.target);
  const totals = createTotals();
  let feasible = 0;
  let feasibleWork = 0;
  let allWork = 0;
  for (const a of archs) {
    const w = imageWork(a);
    allWork += w;
    if (budgetViolation(estimateArchitecture(a, hw, totals), work.budgets) === 0) {
      feasible++;
      feasibleWork += w;
    }
  }
  const n = Math.max(1, archs.length);
  const feasibleShare = feasible / n;
  // A space smaller than the sample count gives all it holds.
  const samples = Math.min(work.samples, spaceSize(probe.compiled));
  const scoresAll = work.strategy === 'snasnet';
  const scored = work.strategy === 'random' ? 0 : Math.round(samples * (scoresAll ? 1 : feasibleShare));
  const scoredWork = scoresAll ? allWork / n : feasible ? feasibleWork / feasible : 0;
  const trained = Math.min(work.topK, Math.round(samples * feasibleShare));
  const trainedWork = feasible ? feasibleWork / feasible : 0;
  const images = trainingImages(work.dataset, work.trainSamples);
  // A cost-model proxy is computed with the costs: 0 ms, no scorer spends time on it.
  const perCandidate = rankMs(scoredWork, work);
  const scoring = (scored * perCandidate) / Math.max(1, scorers);
  const trainers = Math.max(1, scorers) + 1;
  const training = Math.ceil(trained / trainers) * trainMs(trainedWork, work.epochs, images);
  return { seconds: (START_MS + scoring + training) / 1000, scoreSeconds: scoring / 1000, trainSeconds: training / 1000, scored, trained, rankMsPerCandidate: perCandidate };
}

/** A duration as the question before a long search says it: "about 40 seconds", "about 27 minutes", "about 2.5 hours". */
export function describeDuration(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(10, Math.round(seconds / 10) * 10)} seconds`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} minutes`;
  return `about ${Number((seconds / 3600).toFixed(1))} hours`;
}
