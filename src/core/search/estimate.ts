/**
 * How long a search would take on the page, before it starts: what a link
 * that starts a search (run=1) is judged by, so a large one asks first.
 *
 * The work of one image through a candidate is its multiply-accumulates and
 * its neuron updates over T timesteps (layerList, the same layers the model
 * is built from): macs = T · Σ_layers k²·Cin·Cout·Hout², neurons =
 * T · Σ_layers Cout·Hout² (networkWork); scoring weighs them as one work
 * unit, macs + NEURON_MACS · neurons (imageWork). The search's own first
 * candidates (the same seeded stream, costed on the same hardware under the
 * same budgets) give the share that is scored, the mean work of a scored
 * candidate and the work of the trained ones (estimateSearch says which
 * stand for them); then
 *
 *   scoring   scored · (SCORE_FIXED_MS + batch · SCORE_NS · work) / scorers
 *   training  ⌈trained / trainingSlots(workers)⌉ · (TRAIN_FIXED_MS
 *               + (epochs · images · (TRAIN_NS_PER_MAC · macs + TRAIN_NS_PER_NEURON · neurons)
 *                  + (epochs + 1) · test images · (EVAL_NS_PER_MAC · macs + EVAL_NS_PER_NEURON · neurons)) / PAIR_TRAINING_SPEEDUP)
 *
 * (the test split is evaluated after every epoch and once more quantized).
 * Costing itself is left out: thousands of candidates cost well under a
 * second (`npm run bench -- --only estimator`).
 *
 * The constants were fitted to timings measured on this project's machine
 * (2 cores, headless Chromium, the wasm backend in the page's workers, one
 * scoring worker), from the built studio with seeded searches:
 * - scoring, refitted after the spike-sparse kernels and the bit-packed
 *   score kernel: `neuronas score --architecture G1,… --backend wasm
 *   --workers 1` (warm ms a candidate, each genome's second time in the
 *   process: a network's first pass also grows the wasm heap to its peak,
 *   paid once per worker), 16 genomes of the default space (C = 8 … 64,
 *   T = 2 … 8) at score batch 64 and 4 of them at 256: 42 ms (c8-h64-t2)
 *   to 1 648 ms (c64-h128-t7) at 64. With neurons weighed as below, least
 *   squares on the relative error gave 26.4 ms fixed and 0.01382 ns a work
 *   unit an image: within 0.70–1.30× of every point but one (c40-h256-t8,
 *   0.52×). Checked on the page (the built studio in headless Chromium,
 *   2 cores): a 300-sample search ranked by the score scored 112
 *   candidates in 14.2 s on its one scoring worker (Start to done 18.2 s,
 *   the first score at 4.0 s); this fit sums them to 14.5 s. The fit of
 *   before the sparse kernels (124 ms + 0.0728 ns, from the page) summed
 *   them to 74.5 s. With the training worker scoring too: 8.9–9.2 s of
 *   scoring, 12.7–13.0 s Start to done (estimated 7.8 s and 10.8 s).
 *   A neuron update weighs as 272 MACs (the old fit's ratio; a free fit
 *   gives 700, no better within the points' spread), which the gradient
 *   and early-training proxies' fits below also use.
 * - training one candidate, refitted after the spike-sparse kernels
 *   (src/tf/spike-kernels.ts, sparse-choice.ts): `neuronas train --json
 *   --backend wasm` (one thread, in Node, batch 32) for one epoch on MNIST
 *   with its 2 000 test images unless said; seconds from the model's build to
 *   the quantized test pass, and in brackets the epoch's training alone:
 *     c8-h256-t2-w8-021311   500 images: 4.3 (1.02); 2 000: 5.8 (2.59)
 *     c8-h64-t8-w8-301203    1 000: 21.3 (6.61)
 *     c16-h128-t4-w8-301203  500: 18.5 (5.29); 1 500: 23.3 (11.25);
 *                            2 epochs of 1 500, 500 test: 26.0 (10.45 + 9.19)
 *     c24-h128-t6-w8-202030  500: 26.5 (10.26)
 *     c32-h256-t2-w8-021311  1 500: 17.6 (9.53)
 *     c32-h256-t4-w8-021311  500: 16.9 (5.65)
 *     c56-h64-t2-w8-202030   1 000: 36.0 (20.95); 2 000: 64.1 (45.96);
 *                            2 500, 250 test: 55.3 (50.8);
 *                            2 epochs of 1 000, 500 test: 44.2 (20.27 + 16.94)
 *     c64-h256-t4-w8-202030  300: 60.7 (21.13)
 *     c64-h128-t8-w8-301203  100, 250 test: 33.6 (17.32)
 *   and on the page (bench `page`, the default search): its three trained
 *   candidates, all c56-h64-t2 (2 epochs of 4 000 images, 3 test passes of
 *   2 000), took 175 s each two at once and 144 s alone (a second run, the
 *   machine busier: 189 and 198 s; the search 325.8 and 393.2 s). The machine is
 *   shared: each point is the least of its runs in which the process had its
 *   core (CPU time at least 88 % of the wall time; c48-h128-t3 never did).
 *   One constant per work unit no longer fits: the spike-sparse kernels made
 *   a MAC over a spike map cheap (the forward pass and the filter gradient
 *   run over the active inputs, 6–10 % of them), while the input gradient
 *   stays dense and the per-neuron work (LIF steps and their surrogate
 *   gradient, batch norms, the sparse kernels' per-pixel passes) does not
 *   shrink; the best single constant (neurons weighed as in scoring) misses
 *   a point by a factor 2.0. Fitted apart (least squares on log error, the
 *   page's point weighed as three, at 160 s):
 *     an image trained    0.074 ns a MAC + 17.9 ns a neuron update
 *     an image evaluated  0.0026 ns a MAC + 6.9 ns a neuron update (forward
 *                         only: the MACs are nearly all over spikes)
 *     a candidate         3.4 s (the build, the first batches, the test
 *                         passes' set-up)
 *   Every total above within 25 % (c32 T=2 and c64 T=8 under, c24 T=6 over),
 *   the training or the test part alone within 36 %; the page's candidate at
 *   181 s, 13 % over (C=56 T=2 trains 19 ms an image, half of it the neuron
 *   term).
 *   Spike rates fall as a network learns (a second epoch is 12–16 % faster
 *   than the first), so the Node runs, a few thousand images long, run a
 *   little slower an image than the page's default trainings. Checked
 *   against trainings it was not fitted to: the 19 of
 *   docs/calibration/fashion-mnist-20x2000.json (1 epoch of 2 000, 1 000
 *   test) are estimated at 0.83 of their summed time, 0.98 in the geometric
 *   mean. Not modelled: backward cells (cellType backward), whose trainings
 *   in docs/calibration/mnist-backward.json (the 15 after the first) took
 *   0.43–2.2 times the estimate, 1.27 times its sum.
 * - the other network-running ranking proxies, from the per-candidate
 *   times of docs/calibration/{mnist,fashion-mnist}.json (`proxy_ms`, wasm in
 *   Node on this machine, 15 candidates each after the first, 30 to 209
 *   million work units): the gradient pass of snip / grad_norm on 64 images
 *   took 225–3 467 ms, fitted as 260 ms fixed + 0.171 ns a work unit an
 *   image; early_loss / early_accuracy (20 steps of 32, then 300 held-out
 *   images) took 2.5–43.7 s, fitted as 780 ms fixed + 1.15 × the training
 *   fit of before the spike-sparse kernels (0.120 ns a work unit for an image
 *   trained, 0.092 for one evaluated, for steps · batch images trained and
 *   the held-out images evaluated; not refitted). Both fits are within
 *   a factor 2.6 of every point (the small candidates' times vary most); the
 *   early-training proxy costs about 20 times a SNASNet score.
 * A faster computer finishes sooner than estimated, so the estimate errs on
 * the side of asking.
 */
import type { Architecture } from '../arch/architecture.ts';
import { layerSums } from '../arch/architecture.ts';
import { CandidateStream, spaceSize } from '../arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../cost/estimator.ts';
import { EMBEDDED_DATASETS, UPLOADED_TEST_MAX, isEmbeddedDatasetName } from '../data/datasets.ts';
import type { StudioInputs } from '../inputs.ts';
import { normalizeParams } from '../params.ts';
import { budgetViolation } from '../feasibility.ts';
import { searchSettingsFromParams } from '../settings.ts';
import { rankedByScorers, trainingSlots, type SearchSettings } from './pipeline.ts';
import { PROXIES, oriented, type ProxyName } from '../calibration/proxies.ts';
import { proxyKnobsFromParams, type ProxyKnobs } from '../calibration/plan.ts';

/** One neuron update costs as much as this many multiply-accumulates (fitted, see above). */
export const NEURON_MACS = 272;
const SCORE_FIXED_MS = 26.4;
const SCORE_NS_PER_WORK = 0.01382;
/** Training one candidate, per candidate (model build, first batches, evaluation warm-up) and per image (fitted, see above). */
const TRAIN_FIXED_MS = 3400;
const TRAIN_NS_PER_MAC = 0.074;
const TRAIN_NS_PER_NEURON = 17.9;
const EVAL_NS_PER_MAC = 0.0026;
const EVAL_NS_PER_NEURON = 6.9;
const GRADIENT_FIXED_MS = 260;
const GRADIENT_NS_PER_WORK = 0.171;
const EARLY_FIXED_MS = 780;
/** The early-training proxy's fit: 1.15 × the training fit of before the spike-sparse kernels, ns a work unit an image trained and evaluated (steps are not epochs: no per-epoch evaluation). */
const EARLY_TRAIN_NS_PER_WORK = 1.15 * 0.12;
const EARLY_EVAL_NS_PER_WORK = 1.15 * 0.092;
/** Starting the workers and their backend before anything is scored (measured 2.2–5 s). */
const START_MS = 3000;
/**
 * How much faster a candidate trains on two workers, each computing half of every step and of every test evaluation,
 * than on one: the page's default search (the built studio, headless Chromium, 2 cores) trained its three
 * c56-h64-t2 candidates in about 106 s each this way, where one worker took about 174 s (Start to done 320 s, was
 * 373). Two workers each stepping half a batch lose to the exchange of the halves, to waiting for the slower side and
 * to sharing the memory bandwidth: 1.8-1.9 in Node side by side without the exchange.
 */
export const PAIR_TRAINING_SPEEDUP = 1.6;
/** Candidates of the search's own stream the estimate looks at. */
export const ESTIMATE_PROBE = 200;
/**
 * ... and when a cost-model ranking picks what trains: its best are the rare largest feasible networks, which a larger
 * probe finds more often (about 1 ms a hundred candidates on the page's thread).
 */
export const COST_RANKED_PROBE = 400;

/** A search longer than this (estimated, in seconds) is not started by a link without asking. */
export const LONG_SEARCH_S = 60;

/** What one image through a candidate does, over all its timesteps (layerList: the layers the model is built from). */
export interface NetworkWork {
  /** T · Σ k²·Cin·Cout·Hout²: the multiply-accumulates (the cost model's synaptic operations at input rate 1) */
  macs: number;
  /** T · Σ Cout·Hout²: the neuron updates */
  neurons: number;
}

export function networkWork(a: Architecture): NetworkWork {
  const s = layerSums(a);
  return { macs: s.macs * a.timesteps, neurons: s.neurons * a.timesteps };
}

/** Work units of scoring (MACs plus weighted neuron updates) of one image through the candidate, over all its timesteps. */
export function imageWork(a: Architecture): number {
  return workUnits(networkWork(a));
}

function workUnits(w: NetworkWork): number {
  return w.macs + NEURON_MACS * w.neurons;
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
      return EARLY_FIXED_MS + (images.earlySteps * images.earlyBatch * EARLY_TRAIN_NS_PER_WORK + images.earlyHeldOut * EARLY_EVAL_NS_PER_WORK) * 1e-6 * work;
  }
}

/** Milliseconds one scoring worker takes to compute the search's ranking proxy of a candidate of `work` units an image. */
export function rankMs(work: number, w: Pick<SearchWork, 'rankBy' | 'scoreBatch' | 'proxyKnobs'>): number {
  return proxyMs(w.rankBy, work, { scoreBatch: w.scoreBatch, ...w.proxyKnobs });
}

/**
 * Milliseconds to train a candidate doing `work` an image for `epochs` on `images`, testing after each epoch and once
 * quantized; its steps and evaluations `speedup` times as fast as one worker's (PAIR_TRAINING_SPEEDUP on two workers).
 */
export function trainMs(work: NetworkWork, epochs: number, images: { train: number; test: number }, speedup = 1): number {
  const trainNs = TRAIN_NS_PER_MAC * work.macs + TRAIN_NS_PER_NEURON * work.neurons;
  const evalNs = EVAL_NS_PER_MAC * work.macs + EVAL_NS_PER_NEURON * work.neurons;
  return TRAIN_FIXED_MS + ((epochs * images.train * trainNs + (epochs + 1) * images.test * evalNs) * 1e-6) / speedup;
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
  /** one worker's estimated milliseconds to train one of the candidates the search trains (0 when none is) */
  trainMsPerCandidate: number;
  /** the work an image of the candidates expected to be trained (the probe's best by a cost-model ranking, else its mean feasible one) */
  trainedWork: NetworkWork;
}

/** Scoring workers a search runs on `cores` logical cores: one core stays with the page, one worker trains; at most 4. */
export function poolSize(cores: number | undefined): number {
  return Math.max(1, Math.min(4, (cores ?? 2) - 1));
}

/**
 * The estimated length of a search on a page with `scorers` scoring workers beside its training worker. The whole
 * pool scores (the training worker too: nothing trains before scoring is over), then its top-k train two workers to
 * a candidate: in rounds of trainingSlots(workers).
 *
 * Which candidates train: ranked by a cost-model proxy (params, synops), the search's top-k are known before it
 * starts, and they are its largest feasible networks, not its mean one (the default search's top 3 are C=56 T=2
 * networks, which train 2.2 times as long as the mean feasible one). The probe (COST_RANKED_PROBE candidates) is
 * ranked the same way and its best candidates at the top-k's share (k · probe / samples, at least one) stand for
 * them: sampling and costing the whole stream would take 0.05–0.15 s here, and the page runs this on its own thread
 * as the inputs change (2–4 ms with this probe). Over seeds 1–30 of the default search the probe's best trains in
 * 0.43–1.40 times the true top 3's time (0.91 in the geometric mean; 1.00 at seed 1, the default; a probe of 200:
 * 0.31–1.40, 0.86); evolution, which trains the best it has examined, is estimated as if it had drawn the stream.
 * Ranked by a proxy the scorers compute (the SNASNet score, snip, early training), or picked at random, which
 * feasible candidates win is not known before their networks run: the mean feasible candidate stands for them.
 */
export function estimateSearch(work: SearchWork, scorers: number): SearchEstimate {
  const hw = compileHardware(work.hardware);
  const costRanked = !rankedByScorers(work.rankBy) && work.strategy !== 'random';
  const probe = new CandidateStream(work.space, Math.min(costRanked ? COST_RANKED_PROBE : ESTIMATE_PROBE, work.samples), work.seed);
  const { archs } = probe.next(probe.target);
  const totals = createTotals();
  const proxy = PROXIES[work.rankBy];
  /** the probe's feasible candidates, in sampling order, with their ranking value when the ranking is a cost-model one */
  const feasibleOnes: { net: NetworkWork; rank: number }[] = [];
  let feasibleWork = 0;
  let allWork = 0;
  for (const a of archs) {
    const net = networkWork(a);
    const w = workUnits(net);
    allWork += w;
    const costs = estimateArchitecture(a, hw, totals);
    if (budgetViolation(costs, work.budgets) === 0) {
      feasibleWork += w;
      // Without measured rates the cost model's synaptic operations are the MACs (core/cost/report.ts).
      feasibleOnes.push({ net, rank: costRanked ? oriented(proxy, work.rankBy === 'params' ? costs.params : net.macs) : 0 });
    }
  }
  const feasible = feasibleOnes.length;
  const n = Math.max(1, archs.length);
  const feasibleShare = feasible / n;
  // A space smaller than the sample count gives all it holds.
  const samples = Math.min(work.samples, spaceSize(probe.compiled));
  const scoresAll = work.strategy === 'snasnet';
  const scored = work.strategy === 'random' ? 0 : Math.round(samples * (scoresAll ? 1 : feasibleShare));
  const scoredWork = scoresAll ? allWork / n : feasible ? feasibleWork / feasible : 0;
  const trained = Math.min(work.topK, Math.round(samples * feasibleShare));
  // Best first, earlier on ties (a stable sort keeps sampling order), as the search ranks (pipeline.ts topByScore).
  const standIns = costRanked ? [...feasibleOnes].sort((x, y) => y.rank - x.rank).slice(0, Math.max(1, Math.round((trained * n) / Math.max(1, samples)))) : feasibleOnes;
  const trainedWork = meanWork(standIns.map((f) => f.net));
  const images = trainingImages(work.dataset, work.trainSamples);
  // A cost-model proxy is computed with the costs: 0 ms, no scorer spends time on it.
  const perCandidate = rankMs(scoredWork, work);
  // The whole pool scores (the training worker too: nothing trains before scoring is over), then the whole pool
  // trains, two workers to a candidate (an odd worker's candidate, alone, is counted as fast as a pair's).
  const workers = Math.max(1, scorers) + 1;
  const scoring = (scored * perCandidate) / workers;
  const perTrained = trained ? trainMs(trainedWork, work.epochs, images, workers >= 2 ? PAIR_TRAINING_SPEEDUP : 1) : 0;
  const training = Math.ceil(trained / trainingSlots(workers)) * perTrained;
  return {
    seconds: (START_MS + scoring + training) / 1000,
    scoreSeconds: scoring / 1000,
    trainSeconds: training / 1000,
    scored,
    trained,
    rankMsPerCandidate: perCandidate,
    trainMsPerCandidate: perTrained,
    trainedWork,
  };
}

function meanWork(list: readonly NetworkWork[]): NetworkWork {
  let macs = 0;
  let neurons = 0;
  for (const w of list) {
    macs += w.macs;
    neurons += w.neurons;
  }
  const n = Math.max(1, list.length);
  return { macs: macs / n, neurons: neurons / n };
}

/** A duration as the question before a long search says it: "about 40 seconds", "about 27 minutes", "about 2.5 hours". */
export function describeDuration(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(10, Math.round(seconds / 10) * 10)} seconds`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} minutes`;
  return `about ${Number((seconds / 3600).toFixed(1))} hours`;
}
