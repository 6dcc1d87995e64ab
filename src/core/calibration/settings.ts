/**
 * A calibration's settings where the command line and the page share them:
 * the defaults of what only calibration has, the page's run built from the
 * page's inputs (its space, hardware, budgets, samples, seed, data set and
 * score batch) plus the calibration's own few knobs, and the time a run
 * takes, estimated before it starts from the very candidates it will pick.
 */
import { EMBEDDED_DATASETS, isEmbeddedDatasetName, type EmbeddedDatasetName } from '../data/datasets.ts';
import type { StudioInputs } from '../inputs.ts';
import { PARAMS, normalizeParams } from '../params.ts';
import { searchSettingsFromParams } from '../settings.ts';
import { imageWork, networkWork, proxyMs, trainMs } from '../search/estimate.ts';
import { proxyKnobsFromParams, spreadPositions } from './plan.ts';
import { PROXY_NAMES, type ProxyName } from './proxies.ts';
import { pickCandidates, type CalibrationSettings } from './run.ts';

/** Defaults of the options only calibration has (the rest are the parameter table's). */
export const CALIBRATE_DEFAULTS = Object.freeze({
  candidates: 20,
  testSamples: 2000,
  seedRepeats: 3,
  bootstrap: 1000,
  scoreRepeats: 2,
  // The proxy knobs a search shares are the parameter table's.
  gradientBatch: PARAMS.gradientBatch.default,
  earlySteps: PARAMS.earlySteps.default,
  earlyBatch: PARAMS.earlyBatch.default,
  earlyHeldOut: PARAMS.earlyHeldOut.default,
});

/** The page's own calibration knobs (the rest comes from the page's inputs). */
export interface PageCalibrationKnobs {
  candidates: number;
  epochs: number;
  trainSamples: number;
  seedRepeats: number;
  proxies: ProxyName[];
}

/**
 * The page's defaults, sized to finish in a few minutes on 2 cores (the run is sequential on one training worker).
 * Measured with the default inputs on MNIST (wasm, Node, the machine shared): 8 candidates, 2 seed repeats and every
 * proxy took 436 s, 190 s of it proxies, most of that the early-training pair (20 steps of 32 images and 300
 * held-out images per candidate: more images than the candidate's own training). Without them and with one seed
 * repeat the estimate is about 3 minutes; they are one tick away, and the estimate says what they add.
 */
export const PAGE_CALIBRATION_DEFAULTS: Readonly<PageCalibrationKnobs> = Object.freeze({
  candidates: 8,
  epochs: 1,
  trainSamples: 500,
  seedRepeats: 1,
  proxies: PROXY_NAMES.filter((p) => p !== 'early_loss' && p !== 'early_accuracy'),
});

/** Limits of the page's knobs (the command line's, where it has them). */
export const PAGE_CALIBRATION_LIMITS = Object.freeze({
  candidates: { min: 6, max: 40 },
  epochs: { min: 1, max: 5 },
  trainSamples: { min: 100, max: 8000 },
  seedRepeats: { min: 0, max: 8 },
});

/** Test images of a page calibration (a prefix of the data set's fixed held-out split). */
export const PAGE_TEST_SAMPLES = 500;

export class CalibrationInputError extends Error {
  override name = 'CalibrationInputError';
}

/**
 * The calibration the page runs for `inputs` and `knobs`. Throws CalibrationInputError when it cannot run on them
 * (an uploaded data set, a knob out of range).
 */
export function pageCalibrationSettings(inputs: StudioInputs, knobs: PageCalibrationKnobs): CalibrationSettings & { dataset: EmbeddedDatasetName } {
  const p = normalizeParams(inputs.params);
  if (!isEmbeddedDatasetName(p.dataset)) throw new CalibrationInputError('calibration runs on the embedded data sets (MNIST, Fashion-MNIST): choose one of them under Search → Data set');
  const L = PAGE_CALIBRATION_LIMITS;
  for (const k of ['candidates', 'epochs', 'trainSamples', 'seedRepeats'] as const) {
    const v = knobs[k];
    if (!(Number.isInteger(v) && v >= L[k].min && v <= L[k].max)) throw new CalibrationInputError(`${k === 'trainSamples' ? 'training images' : k === 'seedRepeats' ? 'seed repeats' : k} must be a whole number from ${L[k].min} to ${L[k].max}`);
  }
  if (knobs.proxies.length === 0) throw new CalibrationInputError('choose at least one proxy');
  const s = searchSettingsFromParams(p, inputs.hwEdits);
  const d = CALIBRATE_DEFAULTS;
  const info = EMBEDDED_DATASETS[p.dataset];
  return {
    dataset: p.dataset,
    space: s.space,
    hardware: s.hardware,
    budgets: s.budgets,
    samples: s.samples,
    candidates: knobs.candidates,
    epochs: knobs.epochs,
    trainSamples: Math.min(knobs.trainSamples, info.count - PAGE_TEST_SAMPLES),
    testSamples: Math.min(PAGE_TEST_SAMPLES, info.split.test),
    seed: s.seed,
    proxies: PROXY_NAMES.filter((n) => knobs.proxies.includes(n)),
    seedRepeats: knobs.seedRepeats,
    bootstrapResamples: d.bootstrap,
    // The proxy knobs are the page's (the parameter table's, which a search ranked by them uses too).
    proxyImages: { seed: s.seed, scoreBatch: p.scoreBatch, scoreRepeats: d.scoreRepeats, ...proxyKnobsFromParams(p) },
  };
}

/** Starting the training worker and its backend before the first candidate (as the search's estimate). */
const START_MS = 3000;

export interface CalibrationEstimate {
  seconds: number;
  proxySeconds: number;
  trainSeconds: number;
}

/**
 * The run's length, estimated from the candidates it will pick (pickCandidates, milliseconds) with the search
 * estimate's fitted costs (core/search/estimate.ts): one worker does every step in turn.
 *   snasnet        score_repeats scores of a score batch
 *   snip/grad_norm one gradient pass (proxyMs, fitted to the calibration documents' per-candidate times)
 *   early_*        one early training of early_steps · early_batch images and its held-out evaluation (proxyMs)
 *   training       each candidate, and the seed repeats again, as the search's trainMs
 * Throws the CalibrationError of pickCandidates when too few candidates meet the budgets. Picking samples and costs
 * the whole pool (≈ 0.2 s for 4 000 samples): a caller that estimates often passes the picks it keeps.
 */
export function estimateCalibration(s: CalibrationSettings, picked: ReturnType<typeof pickCandidates>['picked'] = pickCandidates(s).picked): CalibrationEstimate {
  const o = s.proxyImages;
  const has = (n: ProxyName) => s.proxies.includes(n);
  const images = { train: s.trainSamples, test: s.testSamples };
  let proxy = 0;
  const train: number[] = [];
  for (const p of picked) {
    const w = imageWork(p.arch);
    // One gradient pass gives snip and grad_norm, one early training both early proxies (src/tf/proxies.ts).
    if (has('snasnet')) proxy += o.scoreRepeats * proxyMs('snasnet', w, o);
    if (has('snip') || has('grad_norm')) proxy += proxyMs('snip', w, o);
    if (has('early_loss') || has('early_accuracy')) proxy += proxyMs('early_loss', w, o);
    train.push(trainMs(networkWork(p.arch), s.epochs, images));
  }
  let training = train.reduce((a, b) => a + b, 0);
  for (const i of spreadPositions(picked.length, s.seedRepeats)) training += train[i];
  return { seconds: (START_MS + proxy + training) / 1000, proxySeconds: proxy / 1000, trainSeconds: training / 1000 };
}
