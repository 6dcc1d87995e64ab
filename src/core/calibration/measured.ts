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
}

interface MeasuredCalibration {
  dataset: string;
  cellType: 'forward' | 'backward';
  candidates: number;
  epochs: number;
  trainSamples: number;
  file: string;
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
    dataset: 'mnist', cellType: 'backward', candidates: 16, epochs: 1, trainSamples: 1000, file: 'docs/calibration/mnist-backward.json',
    tau: {
      params: [0.75, 0.54, 0.91, 16], synops: [0.5, 0.16, 0.77, 16], snasnet: [0.07, -0.34, 0.45, 16], early_loss: [0.77, 0.55, 0.93, 16],
      early_accuracy: [0.82, 0.64, 0.96, 16], snip: [0.8, 0.57, 0.95, 16], grad_norm: [0.7, 0.46, 0.89, 16],
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
  return { tau, interval: [low, high], n, candidates: c.candidates, epochs: c.epochs, trainSamples: c.trainSamples, cellType, file: c.file };
}
