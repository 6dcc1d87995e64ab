/**
 * How well the search's ranking proxies predicted trained accuracy, as
 * measured by `neuronas calibrate` on the embedded data sets (the documents
 * in docs/calibration/; tests/calibration-measured.test.ts checks these
 * figures against them). Kendall τ-b against 8-bit test accuracy, with its
 * bootstrap 95 % interval, over 16 candidates of the default space trained
 * 1 epoch on 1,000 images. The page shows the figure of the proxy it ranks by.
 * A lower-is-better proxy (early_loss) is negated before τ is taken, as the
 * documents do, so a larger τ always means a better ranking.
 */
import type { RankProxy } from '../search/pipeline.ts';

export interface MeasuredRanking {
  tau: number;
  interval: [number, number];
  candidates: number;
  epochs: number;
  trainSamples: number;
  /** the document it comes from */
  file: string;
}

const RUN = { candidates: 16, epochs: 1, trainSamples: 1000 };

export const MEASURED_RANKINGS: Readonly<Partial<Record<string, Readonly<Record<RankProxy, MeasuredRanking>>>>> = Object.freeze({
  mnist: {
    params: { tau: 0.55, interval: [0.2, 0.79], ...RUN, file: 'docs/calibration/mnist.json' },
    synops: { tau: 0.51, interval: [0.2, 0.79], ...RUN, file: 'docs/calibration/mnist.json' },
    snasnet: { tau: 0.01, interval: [-0.39, 0.37], ...RUN, file: 'docs/calibration/mnist.json' },
    early_loss: { tau: 0.73, interval: [0.43, 0.95], ...RUN, file: 'docs/calibration/mnist.json' },
    early_accuracy: { tau: 0.58, interval: [0.24, 0.84], ...RUN, file: 'docs/calibration/mnist.json' },
    snip: { tau: 0.5, interval: [0.15, 0.76], ...RUN, file: 'docs/calibration/mnist.json' },
    grad_norm: { tau: 0.38, interval: [-0.03, 0.73], ...RUN, file: 'docs/calibration/mnist.json' },
  },
  'fashion-mnist': {
    params: { tau: 0.41, interval: [0.03, 0.72], ...RUN, file: 'docs/calibration/fashion-mnist.json' },
    synops: { tau: 0.36, interval: [-0.01, 0.67], ...RUN, file: 'docs/calibration/fashion-mnist.json' },
    snasnet: { tau: -0.07, interval: [-0.39, 0.25], ...RUN, file: 'docs/calibration/fashion-mnist.json' },
    early_loss: { tau: 0.34, interval: [-0.11, 0.71], ...RUN, file: 'docs/calibration/fashion-mnist.json' },
    early_accuracy: { tau: 0.34, interval: [-0.16, 0.73], ...RUN, file: 'docs/calibration/fashion-mnist.json' },
    snip: { tau: 0.44, interval: [0.04, 0.74], ...RUN, file: 'docs/calibration/fashion-mnist.json' },
    grad_norm: { tau: 0.12, interval: [-0.28, 0.49], ...RUN, file: 'docs/calibration/fashion-mnist.json' },
  },
});

/** The measured ranking quality of `proxy` on `dataset`, or null where none was measured (CIFAR-10, a user's data). */
export function measuredRanking(dataset: string, proxy: RankProxy): MeasuredRanking | null {
  return MEASURED_RANKINGS[dataset]?.[proxy] ?? null;
}
