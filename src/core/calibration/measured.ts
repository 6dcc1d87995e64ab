/**
 * How well the search's ranking proxies predicted trained accuracy, as
 * measured by `neuronas calibrate` on the embedded data sets (the documents
 * in docs/calibration/; tests/calibration-measured.test.ts checks these
 * figures against them). Kendall τ-b against 8-bit test accuracy, with its
 * bootstrap 95 % interval, over candidates of the default space (forward
 * cells, or SNASNet's backward cells), each trained 1 epoch. The page shows
 * the figure of the proxy it ranks by, for its data set and cell type.
 * A lower-is-better proxy (early_loss) is negated before τ is taken, as the
 * documents do, so a larger τ always means a better ranking.
 */
import type { RankProxy } from '../search/pipeline.ts';

export interface MeasuredRanking {
  tau: number;
  interval: [number, number];
  /** candidates the proxy was measured on (one fewer where a candidate's proxy could not be computed) */
  n: number;
  /** candidates the calibration trained */
  candidates: number;
  epochs: number;
  trainSamples: number;
  cellType: 'forward' | 'backward';
  /** the document it comes from */
  file: string;
  /** what a reader must know before trusting the figure (a calibration measured before a change to what it measured) */
  caveat?: string;
}

/**
 * docs/calibration/mnist-backward.json was measured before backward cells were pruned as SNASNet prunes them (on
 * the combined connection graph, 2026-12-05): 5 of its 16 trained candidates are different networks now (nodes it
 * dropped are live; 4 of them gain weights), and its pool was costed and stratified with the old pruning.
 */
const BACKWARD_PRUNING_CAVEAT =
  'measured before backward cells were pruned as SNASNet prunes them (fixed 2026-12-05): 5 of its 16 candidates were partly different networks from what their genomes build now (4 of them with other weights)';

interface MeasuredCalibration {
  dataset: string;
  cellType: 'forward' | 'backward';
  candidates: number;
  epochs: number;
  trainSamples: number;
  file: string;
  caveat?: string;
  /** proxy → [τ, interval low, interval high, n] */
  tau: Readonly<Record<RankProxy, readonly [number, number, number, number]>>;
}

/** The calibration the page quotes for each data set and cell type (the larger where two were run). */
export const MEASURED_CALIBRATIONS: readonly MeasuredCalibration[] = Object.freeze([
  {
    dataset: 'mnist', cellType: 'forward', candidates: 16, epochs: 1, trainSamples: 1000, file: 'docs/calibration/mnist.json',
    tau: {
      params: [0.55, 0.2, 0.79, 16], synops: [0.51, 0.2, 0.79, 16], snasnet: [0.01, -0.39, 0.37, 16], early_loss: [0.73, 0.43, 0.95, 16],
      early_accuracy: [0.58, 0.24, 0.84, 16], snip: [0.5, 0.15, 0.76, 16], grad_norm: [0.38, -0.03, 0.73, 16],
    },
  },
  {
    dataset: 'mnist', cellType: 'backward', candidates: 16, epochs: 1, trainSamples: 1000, file: 'docs/calibration/mnist-backward.json', caveat: BACKWARD_PRUNING_CAVEAT,
    tau: {
      params: [0.58, 0.3, 0.81, 16], synops: [0.57, 0.25, 0.83, 16], snasnet: [0.1, -0.24, 0.44, 15], early_loss: [0.62, 0.29, 0.86, 16],
      early_accuracy: [0.81, 0.57, 0.98, 16], snip: [0.68, 0.46, 0.87, 16], grad_norm: [0.57, 0.28, 0.8, 16],
    },
  },
  {
    dataset: 'fashion-mnist', cellType: 'forward', candidates: 20, epochs: 1, trainSamples: 2000, file: 'docs/calibration/fashion-mnist-20x2000.json',
    tau: {
      params: [0.56, 0.23, 0.82, 20], synops: [0.35, 0.02, 0.61, 20], snasnet: [0.13, -0.28, 0.51, 20], early_loss: [0.58, 0.31, 0.79, 20],
      early_accuracy: [0.48, 0.24, 0.71, 20], snip: [0.57, 0.22, 0.84, 20], grad_norm: [0.48, 0.15, 0.74, 20],
    },
  },
]);

/** The measured ranking quality of `proxy` on `dataset` with `cellType` cells, or null where none was measured (CIFAR-10, a user's data). */
export function measuredRanking(dataset: string, proxy: RankProxy, cellType: 'forward' | 'backward' = 'forward'): MeasuredRanking | null {
  const c = MEASURED_CALIBRATIONS.find((m) => m.dataset === dataset && m.cellType === cellType);
  if (!c) return null;
  const [tau, low, high, n] = c.tau[proxy];
  return { tau, interval: [low, high], n, candidates: c.candidates, epochs: c.epochs, trainSamples: c.trainSamples, cellType, file: c.file, ...(c.caveat ? { caveat: c.caveat } : {}) };
}
