/**
 * The training worker's protocol: the one file both ends import. The worker
 * (src/workers/training.worker.ts) exposes a `TrainingApi` through comlink;
 * its owner (the costing worker, for searches; the bench's page) drives it
 * through src/worker-host/training-client.ts, which adds AbortSignals,
 * crash handling and respawning.
 *
 * Jobs:
 *  - init: choose and initialise the tfjs backend (report: which and why).
 *  - provideDataset: hand the worker a user's data set (CIFAR-10 batch
 *    files), parsed there and kept for later jobs that name it.
 *  - score: the training-free score of a list of genomes on one seeded batch,
 *    one result streamed per candidate through `onItem`.
 *  - train: train one architecture, stream progress per batch and per epoch
 *    through `onProgress`, quantize, report accuracies and spike rates.
 *  - spikeRaster: one LIF layer's spikes, per timestep, for a few test
 *    images through an untrained candidate (the neuron view's raster).
 * Callbacks are comlink.proxy functions. A job is cancelled cooperatively by
 * `cancel(jobId)` (a flag checked between candidates / batches); the client
 * may also terminate the worker and spawn a fresh one.
 */
import type { DatasetName } from '../core/data/datasets.ts';
import type { NamedBytes } from '../core/data/format.ts';
import type { BackendChoice, BackendPreference } from '../tf/backend.ts';
import type { Encoding } from '../tf/model.ts';
import type { OptimizerName } from '../tf/optim.ts';
import type { BatchProgress, EpochStats, LayerRate } from '../tf/train.ts';
import type { NetworkProxyName } from '../tf/proxies.ts';
import type { ProxyKnobs } from '../core/calibration/plan.ts';

export type { LayerRate };
import type { ReferenceBenchResult } from '../tf/reference-net.ts';
import type { TrainingTestHooks } from './test-hooks.ts';
import type { ProxyImageOptions } from '../core/calibration/plan.ts';
import type { ProxyName } from '../core/calibration/proxies.ts';
import type { ProxyMeasurement } from '../tf/proxies.ts';

export type { BackendChoice, BackendName, BackendPreference, ProbeResult } from '../tf/backend.ts';

export interface InitRequest {
  backend: BackendPreference;
  /** threads for the WASM backend: 1 (default) single-threaded SIMD; > 1 the threaded build when the page is cross-origin isolated */
  wasmThreads?: number;
  /** absolute URL of the data folder, ending in '/' (default: `<BASE_URL>data/` of the worker's origin) */
  dataBase?: string;
}

export interface InitResult extends BackendChoice {
  /** time to choose and initialise, ms (worker clock) */
  ms: number;
}

/** A user's CIFAR-10 binary batches (data_batch_N.bin, test_batch.bin), as read from disk. */
export interface DatasetUpload {
  name: 'cifar10';
  files: NamedBytes[];
}

export interface DatasetSummary {
  name: string;
  count: number;
  shape: readonly [number, number, number];
  classes: number;
  /** images in the training part and the held-out part (datasetSplit) */
  train: number;
  test: number;
}

export interface ScoreRequest {
  /** increasing id chosen by the client; items and the result carry it back */
  jobId: number;
  genomes: string[];
  dataset: DatasetName;
  /** picks the batch and the initial weights */
  seed: number;
  /** inputs in the score batch (default 64) */
  batch?: number;
  /**
   * What to compute (default snasnet, the SNASNet score): a network-running ranking proxy (src/tf/proxies.ts), with
   * the code and images `neuronas calibrate` uses, so the value is the one a calibration of the same seed gives.
   */
  proxy?: NetworkProxyName;
  /** the gradient and early-training proxies' knobs (default: the parameter table's defaults) */
  proxyKnobs?: ProxyKnobs;
}

export interface ScoreItem {
  jobId: number;
  /** index of the genome in the request */
  index: number;
  genome: string;
  /** the proxy's value (the SNASNet score: log|det K|); null when K is singular or the candidate failed */
  score: number | null;
  sign: -1 | 0 | 1;
  lifLayers: number;
  kernels: number;
  meanRate: number;
  ms: number;
  /** why this candidate could not be scored (bad genome, backward edges, input shape) */
  error?: string;
}

export interface ScoreResult {
  jobId: number;
  /** candidates scored (or failed) before the job ended */
  count: number;
  /** false when cancelled */
  completed: boolean;
  backend: string;
  batch: number;
  totalMs: number;
}

export interface TrainRequest {
  jobId: number;
  genome: string;
  dataset: DatasetName;
  epochs: number;
  /** training images (default 8000) */
  trainSamples?: number;
  /** held-out test images (default: the data set's test split) */
  testSamples?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  encoding?: Encoding;
  /** 4, 8 or 16 (default: the genome's) */
  weightBits?: number;
  /** quantization-aware fine-tuning epochs after training (default 0) */
  qatEpochs?: number;
  seed: number;
  /** read the running loss for a batch progress message every this many batches (default 10) */
  lossEvery?: number;
  /** send the trained network back as a weights file (TrainResult.weights), for the PyTorch export */
  keepWeights?: boolean;
  /** also read it (and the accuracy) whenever this many ms have passed since the last reading: a live curve's pace */
  progressEveryMs?: number;
  /**
   * Two-worker training: this worker computes shard `shard` of every step and exchanges it with the worker holding
   * the other end of `port` (transferred with the request), which was sent the same request with the other shard.
   * Both train the same network; shard 0's worker evaluates and reports, shard 1's returns after the last step.
   */
  peer?: { shard: 0 | 1; port: MessagePort };
}

export type TrainPhase = 'train' | 'qat';

/** A batch's progress as the training loop reports it (src/tf/train.ts), tagged with its job and phase. */
export interface BatchProgressMessage extends BatchProgress {
  kind: 'batch';
  jobId: number;
  phase: TrainPhase;
}

/** An epoch's figures without its per-layer rates (those travel once, in the epoch message and the result). */
export type EpochSummary = Omit<EpochStats, 'inputRates' | 'lifRates'>;

export interface EpochProgressMessage extends EpochSummary {
  kind: 'epoch';
  jobId: number;
  phase: TrainPhase;
  lifRates: LayerRate[];
}

/**
 * A pass of a test evaluation done: after each epoch (phase 'train' or
 * 'qat', with its epoch) and of the quantized network at the end (phase
 * 'quantized'). A wide, long network spends minutes there between batch messages.
 */
export interface EvalProgressMessage {
  kind: 'eval';
  jobId: number;
  phase: TrainPhase | 'quantized';
  /** 0-based, for the per-epoch evaluations */
  epoch?: number;
  /** test images evaluated so far */
  images: number;
  total: number;
}

export type TrainProgress = BatchProgressMessage | EpochProgressMessage | EvalProgressMessage;

export interface TrainResult {
  jobId: number;
  /** false when cancelled: the epochs so far are reported, no quantized accuracy */
  completed: boolean;
  /** images per training pass: the batch size, or the micro-batch that fits the memory budget (src/tf/train.ts) */
  microBatch: number;
  /** images per evaluation pass */
  evalBatch: number;
  genome: string;
  dataset: DatasetName;
  backend: string;
  epochs: EpochSummary[];
  qatEpochs: EpochSummary[];
  /** fractions in 0–1; NaN when not measured */
  testAccuracyFloat: number;
  testAccuracyQuantized: number;
  weightBits: number;
  /** input spike rate of each weight layer (layer-list order; the cost model's input_rates), on the test split with quantized weights */
  spikeRates: LayerRate[];
  /** output spike rate of each LIF */
  lifRates: LayerRate[];
  samplesPerS: number;
  trainSamples: number;
  testSamples: number;
  seconds: number;
  /**
   * With keepWeights, when completed: the float weights, batch-norm statistics, quantization scales and measured
   * spike rates as one `neuronas-weights` safetensors file (src/core/export/pytorch-weights.ts)
   */
  weights?: Uint8Array;
}

/**
 * The network-running ranking proxies of one candidate (src/tf/proxies.ts), for a calibration: every proxy reads
 * images of the data set's training part only, as `proxyImages` plans them, and builds its network with `seed`.
 */
export interface ProxiesRequest {
  jobId: number;
  genome: string;
  dataset: DatasetName;
  seed: number;
  proxyImages: ProxyImageOptions;
  /** the proxies asked for; the cost-model ones among them are ignored (the caller computes those) */
  names: ProxyName[];
}

/** Each asked proxy's value (NaN with its reason in `errors` when it could not be computed) and wall time. */
export type ProxiesResult = ProxyMeasurement;

export interface SpikeRasterRequest {
  genome: string;
  dataset: DatasetName;
  /** images of the data set's held-out test split, by their index in it (1 to MAX_RASTER_IMAGES of them) */
  images: number[];
  /** the LIF whose spikes come back, by name (SpikeRasterResult.layers); default the network's first */
  layer?: string;
  /** seed of the weight initialisation and of the score batch: the score's seed gives the network the score ran */
  seed: number;
  /**
   * images of the score's seeded batch that go through the network with the
   * chosen ones, so the batch norms (in training mode, as in the score)
   * normalise with the score's batch statistics (default 64, the score's; 0: the chosen images alone)
   */
  contextBatch?: number;
}

/** Most images one spike raster shows. */
export const MAX_RASTER_IMAGES = 4;

export interface RasterImage {
  /** index in the test split, as asked for */
  index: number;
  /** its index in the whole data set */
  datasetIndex: number;
  label: number;
  /** the image's bytes, HWC (SpikeRasterResult.imageShape) */
  pixels: Uint8Array;
}

/** What one untrained candidate's LIF layer does with a few images (bit packing: src/core/snn/raster.ts). */
export interface SpikeRasterResult {
  genome: string;
  dataset: DatasetName;
  seed: number;
  /** every LIF of the network in forward order, with the shape of one image's spike map at one step */
  layers: { name: string; shape: number[] }[];
  layer: string;
  shape: number[];
  neurons: number;
  timesteps: number;
  images: RasterImage[];
  imageShape: readonly [number, number, number];
  /** rows (image i, step t) of rowBytes bytes each, at (i·timesteps + t)·rowBytes; neuron q is bit q mod 8 of byte ⌊q/8⌋ */
  spikes: Uint8Array;
  rowBytes: number;
  contextBatch: number;
  backend: string;
  /** worker time for the whole call, ms */
  ms: number;
}

export interface ReferenceBenchRequest {
  /** timed training steps (default 30) */
  steps?: number;
  /** untimed warm-up steps (default 3) */
  warmup?: number;
  /** default 32, the batch the reference network's training speed is specified at */
  batch?: number;
  seed?: number;
}

/** The training-speed reference network (src/tf/reference-net.ts) trained on seeded random batches in the worker. */
export interface ReferenceBenchReport extends ReferenceBenchResult {
  /** WASM threads (1 unless the threaded build loaded) */
  wasmThreads: number | null;
}

/** What `comlink.expose` publishes in the worker. */
export interface TrainingApi {
  init(request: InitRequest): Promise<InitResult>;
  /** Parses and keeps a user's data set; rejects with the parser's message when a file is malformed. */
  provideDataset(upload: DatasetUpload): Promise<DatasetSummary>;
  score(request: ScoreRequest, onItem: (item: ScoreItem) => void | Promise<void>): Promise<ScoreResult>;
  train(request: TrainRequest, onProgress: (p: TrainProgress) => void | Promise<void>): Promise<TrainResult>;
  /** The network-running ranking proxies of one candidate (a calibration's); not cancellable between proxies. */
  proxies(request: ProxiesRequest): Promise<ProxiesResult>;
  /** One LIF layer's spikes for a few test images through an untrained candidate; the spikes' buffer is transferred. */
  spikeRaster(request: SpikeRasterRequest): Promise<SpikeRasterResult>;
  /** Measures the training speed of the reference network (src/tf/reference-net.ts) on the current backend. */
  benchReference(request: ReferenceBenchRequest): Promise<ReferenceBenchReport>;
  /** Stops a job at its next candidate or batch boundary; unknown or finished ids are ignored. */
  cancel(jobId: number): void;
  /** Test builds only (undefined otherwise): protocol/test-hooks.ts. */
  test?: TrainingTestHooks;
}
