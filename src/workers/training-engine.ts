/**
 * The training worker's logic, free of worker globals so tests run it in
 * Node: backend choice, scoring a list of genomes (streamed, cancellable
 * between candidates), training one architecture (progress streamed per
 * batch and epoch, cancellable between batches), quantization and the final
 * accuracies and spike rates. The environment (how to initialise a backend,
 * how to load a data set, how to yield) is injected.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../core/arch/architecture.ts';
import { formatGenome, parseGenome } from '../core/arch/genome.ts';
import { splitDataset } from '../core/data/batches.ts';
import { datasetSplit } from '../core/data/datasets.ts';
import { parseCifar10, type Dataset } from '../core/data/format.ts';
import type { BackendChoice } from '../tf/backend.ts';
import { buildModel } from '../tf/model.ts';
import { DEFAULT_SCORE_BATCH, scoreArchitecture, scoreBatch, scoreBatchIndices } from '../tf/score.ts';
import { layerSpikes } from '../tf/spike-raster.ts';
import { makeBatch } from '../core/data/batches.ts';
import { imageSize } from '../core/data/format.ts';
import { evaluateDetailed, trainModel, type EpochStats } from '../tf/train.ts';
import { quantizeModelWeights, checkBits } from '../tf/quantize.ts';
import { readModelWeights } from '../tf/weights.ts';
import { encodeWeightsFile } from '../core/export/pytorch-weights.ts';
import { DEFAULT_LIF } from '../core/snn/lif.ts';
import { benchReferenceNet } from '../tf/reference-net.ts';
import { measureNetworkProxies, type ProxyContext } from '../tf/proxies.ts';
import { proxyImagePlan, proxyKnobsFromParams, searchProxyImages, type ProxyImagePlan, type ProxyKnobs } from '../core/calibration/plan.ts';
import { defaultParams } from '../core/params.ts';
import { MAX_RASTER_IMAGES } from '../protocol/training.ts';
import { portShardPeer } from './shard-peer.ts';
import type { ProxiesRequest, ProxiesResult, DatasetUpload, DatasetSummary, ReferenceBenchReport, ReferenceBenchRequest, EpochSummary, InitRequest, InitResult, ScoreItem, ScoreRequest, ScoreResult, SpikeRasterRequest, SpikeRasterResult, TrainProgress, TrainRequest, TrainResult } from '../protocol/training.ts';

export interface EngineEnv {
  initBackend(request: InitRequest): Promise<BackendChoice>;
  /** loads an embedded data set (the worker fetches it from its origin; Node reads public/data) */
  loadDataset(name: string, dataBase?: string): Promise<Dataset>;
  /** a macrotask yield, so a cancel message can arrive between candidates and batches */
  pause(): Promise<void>;
  now(): number;
}

export class JobError extends Error {
  override name = 'JobError';
}

const DEFAULT_TRAIN_SAMPLES = 8000;

function summary(e: EpochStats): EpochSummary {
  return { epoch: e.epoch, loss: e.loss, trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy, lr: e.lr, seconds: e.seconds, samplesPerS: e.samplesPerS };
}

function send<T>(cb: (x: T) => void | Promise<void>, x: T): void {
  // Progress is fire-and-forget: a page that stopped listening must not break the job.
  try {
    const r = cb(x);
    if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(() => {});
  } catch {
    // ignored, as above
  }
}

export class TrainingEngine {
  private choice: BackendChoice | null = null;
  private initializing: Promise<InitResult> | null = null;
  private dataBase: string | undefined;
  private readonly jobs = new Map<number, AbortController>();
  /** data sets handed over by the page (a user's CIFAR-10 batches), by name; they win over embedded ones */
  private readonly uploads = new Map<string, Dataset>();
  /** the last calibration's proxy image plan (the same for each of its candidates), by data set and options */
  private proxyPlan: { key: string; plan: ProxyImagePlan } | null = null;

  constructor(private readonly env: EngineEnv) {}

  /** The backend in use, after init. */
  get backend(): BackendChoice | null {
    return this.choice;
  }

  async init(request: InitRequest): Promise<InitResult> {
    const run = async (): Promise<InitResult> => {
      const t0 = this.env.now();
      if (request.dataBase !== undefined) this.dataBase = request.dataBase;
      const choice = await this.env.initBackend(request);
      this.choice = choice;
      return { ...choice, ms: this.env.now() - t0 };
    };
    // One initialisation at a time; a second request waits for the first, then runs.
    const previous = this.initializing;
    const next = (previous ? previous.catch(() => undefined).then(run) : run()).finally(() => {
      if (this.initializing === next) this.initializing = null;
    });
    this.initializing = next;
    return next;
  }

  private async ready(): Promise<BackendChoice> {
    if (this.initializing) await this.initializing;
    if (!this.choice) await this.init({ backend: 'auto' });
    return this.choice!;
  }

  /**
   * Takes a user's data set (CIFAR-10 binary batches): parsed here, off the
   * page's thread, and kept for every later job that names it. A bad file
   * rejects with the parser's message and leaves any earlier upload in place.
   */
  provideDataset(upload: DatasetUpload): DatasetSummary {
    const ds = parseCifar10(upload.files, upload.name);
    this.uploads.set(upload.name, ds);
    const split = datasetSplit(ds);
    return { name: ds.name, count: ds.count, shape: ds.shape, classes: ds.classes, train: split.train, test: split.test };
  }

  private loadDataset(name: string): Promise<Dataset> {
    const uploaded = this.uploads.get(name);
    if (uploaded) return Promise.resolve(uploaded);
    if (name === 'cifar10') return Promise.reject(new JobError('CIFAR-10 has not been uploaded to this worker: choose its batch files first'));
    return this.env.loadDataset(name, this.dataBase);
  }

  cancel(jobId: number): void {
    this.jobs.get(jobId)?.abort();
  }

  private begin(jobId: number): AbortSignal {
    if (this.jobs.has(jobId)) throw new JobError(`job ${jobId} is already running`);
    const c = new AbortController();
    this.jobs.set(jobId, c);
    return c.signal;
  }

  async score(request: ScoreRequest, onItem: (item: ScoreItem) => void | Promise<void>): Promise<ScoreResult> {
    const signal = this.begin(request.jobId);
    try {
      const t0 = this.env.now();
      const choice = await this.ready();
      const ds = await this.loadDataset(request.dataset);
      const b = request.batch ?? DEFAULT_SCORE_BATCH;
      const proxy = request.proxy ?? 'snasnet';
      // Another proxy runs calibration's code (src/tf/proxies.ts) on calibration's images of the same seed.
      const proxyCtx: ProxyContext | null =
        proxy === 'snasnet' ? null : proxyContext(ds, request.seed, b, request.proxyKnobs ?? proxyKnobsFromParams(PARAMS_DEFAULTS));
      const x = proxyCtx ? null : scoreBatch(ds, b, request.seed);
      let count = 0;
      try {
        for (let i = 0; i < request.genomes.length; i++) {
          await this.env.pause();
          if (signal.aborted) break;
          const genome = request.genomes[i];
          let item: ScoreItem;
          try {
            const arch = parseGenome(genome);
            checkInput(arch, ds);
            if (x) {
              const r = await scoreArchitecture(arch, x, { seed: request.seed });
              item = { jobId: request.jobId, index: i, genome: formatGenome(arch), score: Number.isFinite(r.score) ? r.score : null, sign: r.sign, lifLayers: r.lifLayers, kernels: r.kernels, meanRate: r.meanRate, ms: r.ms };
            } else {
              const m = await measureNetworkProxies(arch, proxyCtx!, [proxy]);
              const v = m.values[proxy] ?? NaN;
              item = { jobId: request.jobId, index: i, genome: formatGenome(arch), score: Number.isFinite(v) ? v : null, sign: 0, lifLayers: 0, kernels: 0, meanRate: NaN, ms: m.ms[proxy] ?? 0, ...(m.errors[proxy] ? { error: m.errors[proxy] } : {}) };
            }
          } catch (e) {
            item = { jobId: request.jobId, index: i, genome, score: null, sign: 0, lifLayers: 0, kernels: 0, meanRate: NaN, ms: 0, error: e instanceof Error ? e.message : String(e) };
          }
          count++;
          send(onItem, item);
        }
      } finally {
        x?.dispose();
      }
      return { jobId: request.jobId, count, completed: count === request.genomes.length, backend: choice.backend, batch: b, totalMs: this.env.now() - t0 };
    } finally {
      this.jobs.delete(request.jobId);
    }
  }

  async train(request: TrainRequest, onProgress: (p: TrainProgress) => void | Promise<void>): Promise<TrainResult> {
    const signal = this.begin(request.jobId);
    try {
      const t0 = this.env.now();
      const arch = parseGenome(request.genome);
      const weightBits = request.weightBits ?? arch.weightBits;
      checkBits(weightBits);
      if (!(Number.isInteger(request.epochs) && request.epochs >= 1)) throw new JobError(`epochs must be a whole number ≥ 1, got ${request.epochs}`);
      const choice = await this.ready();
      const ds = await this.loadDataset(request.dataset);
      checkInput(arch, ds);
      const fixed = datasetSplit(ds);
      const test = request.testSamples ?? fixed.test;
      // More training images than the data set holds beside its test split train on all of them.
      const split = splitDataset(ds, { test, train: Math.max(0, Math.min(request.trainSamples ?? DEFAULT_TRAIN_SAMPLES, ds.count - test)), seed: fixed.seed });
      const data = { dataset: ds, train: split.train, test: split.test };
      const model = buildModel(arch, { seed: request.seed, ...(request.encoding ? { encoding: request.encoding } : {}) });
      const jobId = request.jobId;
      const peer = request.peer ? portShardPeer(request.peer.port, request.peer.shard, signal) : null;
      // Shard 1 of a two-worker training computes half of every step and evaluation; shard 0's worker reports and
      // returns the result.
      const helper = request.peer?.shard === 1;
      const report = helper ? () => {} : (p: TrainProgress) => send(onProgress, p);
      let ended = 'failed';
      try {
        const common = { batchSize: request.batchSize ?? 32, optimizer: request.optimizer ?? 'adam', signal, progressLossEvery: request.lossEvery ?? 10, ...(request.progressEveryMs !== undefined ? { progressEveryMs: request.progressEveryMs } : {}), ...(peer ? { peer } : {}) } as const;
        const result = await trainModel(model, data, {
          ...common,
          epochs: request.epochs,
          ...(request.lr !== undefined ? { lr: request.lr } : {}),
          seed: request.seed,
          onBatch: (p) => report({ kind: 'batch', jobId, phase: 'train', ...p }),
          onEvalBatch: (p) => report({ kind: 'eval', jobId, phase: 'train', ...p }),
          onEpoch: (e) => report({ kind: 'epoch', jobId, phase: 'train', ...summary(e), lifRates: e.lifRates }),
        });
        let qat: EpochStats[] = [];
        let cancelled = result.cancelled;
        if (!cancelled && (request.qatEpochs ?? 0) > 0) {
          const lr0 = request.lr ?? (common.optimizer === 'adam' ? 2e-3 : 0.05);
          const q = await trainModel(model, data, {
            ...common,
            epochs: request.qatEpochs!,
            lr: lr0 * 0.1,
            seed: request.seed + 1,
            qatBits: weightBits,
            calibrate: false,
            onBatch: (p) => report({ kind: 'batch', jobId, phase: 'qat', ...p }),
            onEvalBatch: (p) => report({ kind: 'eval', jobId, phase: 'qat', ...p }),
            onEpoch: (e) => report({ kind: 'epoch', jobId, phase: 'qat', ...summary(e), lifRates: e.lifRates }),
          });
          qat = q.epochs;
          cancelled = q.cancelled;
        }
        let testAccuracyQuantized = NaN;
        let spikeRates = result.inputRates;
        let lifRates = result.lifRates;
        let quantScales: Record<string, number> = {};
        if (!cancelled) {
          const quant = quantizeModelWeights(model, weightBits);
          quantScales = Object.fromEntries(quant.scales);
          try {
            const q = await evaluateDetailed(model, ds, split.test, { seed: request.seed, signal, onBatch: (p) => report({ kind: 'eval', jobId, phase: 'quantized', ...p }), ...(peer ? { peer } : {}) });
            if (q.cancelled) cancelled = true;
            else {
              testAccuracyQuantized = q.accuracy;
              spikeRates = q.inputRates;
              lifRates = q.lifRates;
            }
          } finally {
            quant.restore();
          }
        }
        // The float weights (quantization restored), read before the model is disposed.
        ended = cancelled ? 'cancelled' : 'done';
        const weights =
          request.keepWeights && !cancelled && !helper
            ? encodeWeightsFile(arch, readModelWeights(model), {
                genome: formatGenome(arch),
                lif: DEFAULT_LIF,
                encoding: request.encoding ?? 'direct',
                weightBits,
                quantScales,
                spikeRates: Object.fromEntries(spikeRates.map((r) => [r.name, r.rate])),
                source: `NeuroNAS Studio (${request.dataset}, ${request.epochs} epoch${request.epochs === 1 ? '' : 's'} on ${split.train.length} images, test accuracy ${(100 * result.testAccuracy).toFixed(2)}% float, ${(100 * testAccuracyQuantized).toFixed(2)}% ${weightBits}-bit)`,
              })
            : undefined;
        return {
          jobId,
          completed: !cancelled,
          microBatch: result.microBatch,
          evalBatch: result.evalBatch,
          genome: formatGenome(arch),
          dataset: request.dataset,
          backend: choice.backend,
          epochs: result.epochs.map(summary),
          qatEpochs: qat.map(summary),
          testAccuracyFloat: result.testAccuracy,
          testAccuracyQuantized,
          weightBits,
          spikeRates,
          lifRates,
          samplesPerS: result.samplesPerS,
          trainSamples: split.train.length,
          testSamples: split.test.length,
          seconds: (this.env.now() - t0) / 1000,
          ...(weights ? { weights } : {}),
        };
      } catch (e) {
        ended = `failed: ${e instanceof Error ? e.message : String(e)}`;
        throw e;
      } finally {
        peer?.close(ended);
        model.dispose();
      }
    } finally {
      this.jobs.delete(request.jobId);
    }
  }

  /**
   * A calibration's network-running proxies of one candidate, exactly as the command line computes them in its
   * process (src/tf/proxies.ts `measureNetworkProxies`, same plan, same seed): so page and Node agree.
   */
  async proxies(request: ProxiesRequest): Promise<ProxiesResult> {
    const signal = this.begin(request.jobId);
    try {
      await this.ready();
      if (signal.aborted) return { values: {}, ms: {}, errors: {} };
      const ds = await this.loadDataset(request.dataset);
      const arch = parseGenome(request.genome);
      checkInput(arch, ds);
      const key = JSON.stringify([ds.name, ds.count, request.proxyImages]);
      if (this.proxyPlan?.key !== key) this.proxyPlan = { key, plan: proxyImagePlan(ds, request.proxyImages) };
      return await measureNetworkProxies(arch, { dataset: ds, plan: this.proxyPlan.plan, seed: request.seed, earlyBatch: request.proxyImages.earlyBatch }, request.names);
    } finally {
      this.jobs.delete(request.jobId);
    }
  }

  /**
   * One LIF layer's spikes for a few test images through the untrained
   * candidate the score builds (same seed, same weights), with the score's
   * seeded batch beside them so the batch norms see the score's statistics.
   */
  async spikeRaster(request: SpikeRasterRequest): Promise<SpikeRasterResult> {
    const t0 = this.env.now();
    const arch = parseGenome(request.genome);
    const n = request.images.length;
    if (n < 1 || n > MAX_RASTER_IMAGES) throw new JobError(`a spike raster shows 1 to ${MAX_RASTER_IMAGES} images (got ${n})`);
    const context = request.contextBatch ?? DEFAULT_SCORE_BATCH;
    if (!(Number.isInteger(context) && context >= 0)) throw new JobError(`the context batch must be a whole number ≥ 0 (got ${context})`);
    const choice = await this.ready();
    const ds = await this.loadDataset(request.dataset);
    checkInput(arch, ds);
    const test = splitDataset(ds, datasetSplit(ds)).test;
    for (const i of request.images) {
      if (!(Number.isInteger(i) && i >= 0 && i < test.length)) throw new JobError(`test image ${i} is not one of ${ds.name}'s ${test.length} test images (0–${test.length - 1})`);
    }
    const chosen = request.images.map((i) => test[i]);
    const indices = context > 0 ? [...chosen, ...scoreBatchIndices(ds, context, request.seed)] : chosen;
    const batch = makeBatch(ds, indices);
    const x = tf.tensor4d(batch.x, batch.shape, 'float32');
    try {
      const r = await layerSpikes(arch, x, n, { seed: request.seed, ...(request.layer !== undefined ? { layer: request.layer } : {}) });
      const size = imageSize(ds);
      return {
        genome: formatGenome(arch),
        dataset: request.dataset,
        seed: request.seed,
        layers: r.layers,
        layer: r.layer,
        shape: r.shape,
        neurons: r.packed.neurons,
        timesteps: r.packed.timesteps,
        images: request.images.map((index, k) => ({ index, datasetIndex: chosen[k], label: ds.labels[chosen[k]], pixels: ds.images.slice(chosen[k] * size, (chosen[k] + 1) * size) })),
        imageShape: ds.shape,
        spikes: r.packed.bits,
        rowBytes: r.packed.rowBytes,
        contextBatch: context,
        backend: choice.backend,
        ms: this.env.now() - t0,
      };
    } finally {
      x.dispose();
    }
  }

  /** Trains the training-speed reference network (src/tf/reference-net.ts) on seeded random batches and reports samples per second. */
  async benchReference(request: ReferenceBenchRequest): Promise<ReferenceBenchReport> {
    const choice = await this.ready();
    const r = await benchReferenceNet({
      ...(request.steps !== undefined ? { steps: request.steps } : {}),
      ...(request.warmup !== undefined ? { warmup: request.warmup } : {}),
      ...(request.batch !== undefined ? { batch: request.batch } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
    });
    return { ...r, wasmThreads: choice.backend === 'wasm' ? (choice.wasmThreads ?? null) : null };
  }

  /** Live tfjs tensors (for leak checks). */
  numTensors(): number {
    return tf.memory().numTensors;
  }
}

const PARAMS_DEFAULTS = defaultParams();

/** What a ranking proxy reads: calibration's image plan for the search's one score batch and the proxy knobs. */
function proxyContext(ds: Dataset, seed: number, scoreBatchSize: number, knobs: ProxyKnobs): ProxyContext {
  let plan;
  try {
    plan = proxyImagePlan(ds, searchProxyImages(seed, scoreBatchSize, knobs));
  } catch (e) {
    // Knobs asking for more images than the data set's training part holds: said as the job's error.
    if (e instanceof RangeError) throw new JobError(e.message);
    throw e;
  }
  return { dataset: ds, plan, seed, earlyBatch: knobs.earlyBatch };
}

function checkInput(arch: Architecture, ds: Dataset): void {
  const [h, w, c] = ds.shape;
  if (arch.input.size !== h || h !== w || arch.input.channels !== c) {
    throw new JobError(`${formatGenome(arch)} takes ${arch.input.size}×${arch.input.size}×${arch.input.channels} inputs but ${ds.name} images are ${h}×${w}×${c}`);
  }
  if (arch.classes !== ds.classes) throw new JobError(`${formatGenome(arch)} has ${arch.classes} classes but ${ds.name} has ${ds.classes}`);
}
