/**
 * What a calibration measures on, decided before any network runs (pure
 * core): which candidates (stratified by cost over the feasible set), which
 * images each proxy reads (only the data set's training part), which images
 * the trained networks are tested on (a prefix of the fixed test split),
 * and which candidates are trained a second time with another seed.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { makeRng } from '../arch/sampler.ts';
import { shuffled, splitDataset, type Split } from '../data/batches.ts';
import { datasetSplit } from '../data/datasets.ts';
import type { ParamValues } from '../params.ts';
import { PROXIES, type ProxyName } from './proxies.ts';

export interface Stratum {
  /** the smallest and largest value of the stratum */
  low: number;
  high: number;
  /** members of the pool in this stratum */
  size: number;
}

/**
 * Picks n items spread over the range of `values`: the items sorted by
 * value (ties by position) are cut into n strata of equal count (the
 * n-quantiles of the pool; sizes differ by at most one) and one item is
 * drawn uniformly from each, seeded. So the cheap, the middle and the
 * expensive candidates are all represented, in proportion to quantiles
 * rather than to how often the sampler produces them. Returns the picked
 * positions in stratum order (cheapest first) and the strata.
 */
export function stratifiedPick(values: readonly number[], n: number, seed: number): { picked: number[]; strata: Stratum[] } {
  const m = values.length;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`pick at least one item (got ${n})`);
  if (n > m) throw new RangeError(`cannot pick ${n} items from a pool of ${m}`);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const rng = makeRng(seed);
  const picked: number[] = [];
  const strata: Stratum[] = [];
  for (let s = 0; s < n; s++) {
    const from = Math.floor((s * m) / n);
    const to = Math.floor(((s + 1) * m) / n);
    picked.push(order[uniformInt(rng, from, to - 1)]);
    strata.push({ low: values[order[from]], high: values[order[to - 1]], size: to - from });
  }
  return { picked, strata };
}

/**
 * k positions out of n spread evenly from first to last (0, …, n−1), for
 * the candidates trained a second time: the cheapest, the dearest and
 * evenly between.
 */
export function spreadPositions(n: number, k: number): number[] {
  if (k <= 0 || n <= 0) return [];
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  if (k === 1) return [Math.floor((n - 1) / 2)];
  return [...new Set(Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1))))];
}

/** The images a calibration's trained networks learn from and are tested on. */
export interface CalibrationSplit extends Split {
  /** the data set's fixed held-out split, which the test set is a prefix of */
  fixedTest: number;
}

/**
 * The split every candidate trains and is tested on, as the training engine
 * draws it (src/workers/training-engine.ts): the first `test` images of the
 * data set's fixed seeded permutation, so the test set lies inside the fixed
 * held-out split whatever its size, and the next `train` images to learn from.
 */
export function calibrationSplit(ds: { name: string; count: number }, test: number, train: number): CalibrationSplit {
  const fixed = datasetSplit(ds);
  if (!(Number.isInteger(test) && test >= 1 && test <= fixed.test)) throw new RangeError(`test images must be 1–${fixed.test} (the held-out split of ${ds.name}), got ${test}`);
  if (!(Number.isInteger(train) && train >= 1 && train <= ds.count - test)) throw new RangeError(`training images must be 1–${ds.count - test}, got ${train}`);
  return { ...splitDataset(ds, { test, train, seed: fixed.seed }), fixedTest: fixed.test };
}

export interface ProxyImageOptions {
  seed: number;
  /** images in one SNASNet score batch */
  scoreBatch: number;
  /** score batches averaged */
  scoreRepeats: number;
  /** images in the batch the gradient proxies read */
  gradientBatch: number;
  /** seeded training steps of the early-training proxy, and their batch */
  earlySteps: number;
  earlyBatch: number;
  /** training images the early-training proxy is evaluated on after its steps (none of them among its training images) */
  earlyHeldOut: number;
}

/** The proxy knobs of the parameter table, which a search and a calibration share. */
export type ProxyKnobs = Pick<ProxyImageOptions, 'gradientBatch' | 'earlySteps' | 'earlyBatch' | 'earlyHeldOut'>;

export function proxyKnobsFromParams(v: Pick<ParamValues, keyof ProxyKnobs>): ProxyKnobs {
  return { gradientBatch: v.gradientBatch, earlySteps: v.earlySteps, earlyBatch: v.earlyBatch, earlyHeldOut: v.earlyHeldOut };
}

/**
 * The images a search's ranking proxy reads: one score batch (the search's SNASNet score is one batch, the first of
 * a calibration's), the rest as a calibration of the same seed and knobs reads them, so a candidate's value in a
 * search is its value in `neuronas calibrate --score-repeats 1` with the same settings.
 */
export function searchProxyImages(seed: number, scoreBatch: number, knobs: ProxyKnobs): ProxyImageOptions {
  return { seed, scoreBatch, scoreRepeats: 1, ...knobs };
}

/**
 * Why a search ranked by `rankBy` cannot read its proxy's images on the data set (its knobs ask for more training
 * images than the data set holds outside its test split), or null: said before a search starts, not as a NaN score
 * for every candidate.
 */
export function rankImagesProblem(rankBy: ProxyName, ds: { name: string; count: number }, seed: number, scoreBatch: number, knobs: ProxyKnobs): string | null {
  // The cost-model proxies read no image; the SNASNet score's one batch is the score batch, which the table bounds.
  if (PROXIES[rankBy].needs === 'cost' || rankBy === 'snasnet') return null;
  try {
    proxyImagePlan(ds, searchProxyImages(seed, scoreBatch, knobs));
    return null;
  } catch (e) {
    if (e instanceof RangeError) return `ranking by ${rankBy}: ${e.message}`;
    throw e;
  }
}

/** Image indices (into the data set) each network-running proxy reads. */
export interface ProxyImagePlan {
  scoreBatches: Int32Array[];
  gradientBatch: Int32Array;
  earlyTrain: Int32Array;
  earlyHeldOut: Int32Array;
}

/**
 * Every proxy reads images of the data set's training part only
 * (`datasetSplit`: disjoint from its fixed held-out split, hence from any
 * calibration test set), in one seeded order: score batch r is positions
 * [r·B, (r+1)·B) of it, so batch 0 is exactly the search's score batch
 * (src/tf/score.ts `scoreBatch` with the same seed); the gradient batch is
 * its first images; the early-training proxy trains on its first
 * steps·batch images and is evaluated on the next `earlyHeldOut`.
 */
export function proxyImagePlan(ds: { name: string; count: number }, o: ProxyImageOptions): ProxyImagePlan {
  const trainPart = splitDataset(ds, datasetSplit(ds)).train;
  const order = shuffled(trainPart, o.seed);
  const need = (what: string, count: number) => {
    if (count > order.length) throw new RangeError(`${what} needs ${count} training images; ${ds.name} has ${order.length} outside its test split`);
  };
  need(`${o.scoreRepeats} score batches of ${o.scoreBatch}`, o.scoreRepeats * o.scoreBatch);
  need(`the gradient batch of ${o.gradientBatch}`, o.gradientBatch);
  const earlyTrain = o.earlySteps * o.earlyBatch;
  need(`${o.earlySteps} early-training steps of ${o.earlyBatch} and ${o.earlyHeldOut} held-out images`, earlyTrain + o.earlyHeldOut);
  return {
    scoreBatches: Array.from({ length: o.scoreRepeats }, (_, r) => order.slice(r * o.scoreBatch, (r + 1) * o.scoreBatch)),
    gradientBatch: order.slice(0, o.gradientBatch),
    earlyTrain: order.slice(0, earlyTrain),
    earlyHeldOut: order.slice(earlyTrain, earlyTrain + o.earlyHeldOut),
  };
}
