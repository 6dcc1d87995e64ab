/**
 * The search pipeline's scorer and trainer (core/search/pipeline.ts
 * `Evaluators`) on top of the training protocol: one trainer, and a pool of
 * scorers that share a queue of small chunks of genomes. The same adapter
 * serves the studio's search worker (training worker clients) and Node
 * (in-process engines).
 *
 * Results are handed to the pipeline as each one arrives, so nothing that
 * already arrived is lost when a scorer crashes or the search is cancelled.
 * A chunk interrupted by a crash is retried once on the same (respawned)
 * endpoint; candidates that fail twice get a NaN score and are never selected.
 * A training cut off by a crashed worker is started again once; one that
 * fails for any other reason (the candidate's own error) is not.
 */
import { rankedByScorers, trainingSlots, type Evaluators, type RankProxy, type TrainProgress as PipelineProgress, type TrainResult as PipelineResult } from '../core/search/pipeline.ts';
import type { ProxyKnobs } from '../core/calibration/plan.ts';
import type { NetworkProxyName } from '../tf/proxies.ts';
import type { DatasetName } from '../core/data/datasets.ts';
import type { ScoreItem, ScoreRequest, ScoreResult, TrainProgress, TrainRequest, TrainResult } from '../protocol/training.ts';

export interface TrainingEndpoint {
  score(request: Omit<ScoreRequest, 'jobId'>, onItem: (item: ScoreItem) => void, signal?: AbortSignal): Promise<ScoreResult>;
  train(request: Omit<TrainRequest, 'jobId'>, onProgress: (p: TrainProgress) => void, signal?: AbortSignal): Promise<TrainResult>;
}

export interface EvaluatorOptions {
  dataset: DatasetName;
  seed: number;
  scoreBatch: number;
  /** what `score` computes (default the SNASNet score); a cost-model proxy never reaches the evaluators */
  rankBy?: RankProxy;
  /** the gradient and early-training proxies' knobs (default: the parameter table's) */
  proxyKnobs?: ProxyKnobs;
  trainSamples: number;
  /** the most genomes per scoring request, while the queue is long (see scoreOnPool): amortises a message */
  chunk?: number;
  /** trained candidates come back with their weights file (the page's PyTorch export ships it) */
  keepWeights?: boolean;
  /** the shortest time between two points of a training's live curve (default LIVE_READING_MS) */
  readingMs?: number;
  /**
   * train a candidate on two endpoints where two are free (default true). On the CPU backends each worker has a core
   * and two halves of a step take about half the time; on a GPU backend both workers would share one device and add
   * a read-back a step, so there each trains its own candidate (the results are the same either way).
   */
  pairs?: boolean;
}

/** Whether a candidate trains on two workers on `backend` (see EvaluatorOptions.pairs). */
export function pairsTrainingOn(backend: string): boolean {
  return backend === 'wasm' || backend === 'cpu';
}

/**
 * Live training curves take a reading at most this often: ≤ 10 points a second whatever the batch rate, each a
 * read-back that waits for the backend's queue (negligible on the CPU backends, a pipeline flush on WebGL).
 */
export const LIVE_READING_MS = 100;

export class TrainingCancelled extends Error {
  override name = 'AbortError';
  constructor() {
    super('training was cancelled');
  }
}

function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e instanceof Error && e.name === 'AbortError');
}

/** The worker under the call crashed or ended (the bridge's WorkerCrashedError, src/worker-host/bridge.ts). */
function isWorkerCrash(e: unknown): boolean {
  return e instanceof Error && e.name === 'WorkerCrashedError';
}

/**
 * Scores `genomes` on a pool of endpoints sharing one queue of small chunks (each endpoint takes the next chunk when
 * it is free; chunks shrink to single genomes as the queue empties), calling `onItem(i, item)` once per genome as it
 * arrives, in any order: the item, or null when the genome's chunk failed twice (a crashed worker; the client
 * respawns it for the retry). `wanted(i)`, when given, is asked as genome i's turn comes: false skips it. Stops
 * taking chunks when `signal` aborts.
 */
export async function scoreOnPool(
  scorers: readonly TrainingEndpoint[],
  request: Omit<ScoreRequest, 'jobId' | 'genomes'>,
  genomes: readonly string[],
  signal: AbortSignal,
  onItem: (i: number, item: ScoreItem | null) => void,
  opts: { chunk?: number; wanted?: (i: number) => boolean } = {},
): Promise<void> {
  if (scorers.length === 0) throw new RangeError('the scoring pool needs at least one endpoint');
  const chunkSize = opts.chunk ?? 4;
  const wanted = opts.wanted;
  let next = 0;
  const done = new Uint8Array(genomes.length);
  const scoreChunk = async (endpoint: TrainingEndpoint, chunk: readonly number[]): Promise<void> => {
    await endpoint.score({ ...request, genomes: chunk.map((i) => genomes[i]) }, (item) => {
      const i = chunk[item.index];
      if (i === undefined || done[i]) return;
      done[i] = 1;
      onItem(i, item);
    }, signal);
  };
  /**
   * The next few genomes still wanted, as their turn comes (a budget may have moved since they were queued).
   * Guided: `chunkSize` while the queue is long, then smaller, down to one genome for the last ones, so the
   * scorers end together. With whole chunks of 4 to the end, one scorer sat idle while another still had up to
   * 4 candidates: on a 21-candidate search over 2 threads, one thread's share of the CPU was 1,090–1,220 ms
   * against the other's 820–940 (the wall time is the larger share).
   */
  const takeChunk = (): number[] => {
    const size = Math.max(1, Math.min(chunkSize, Math.floor((genomes.length - next) / (2 * scorers.length))));
    const chunk: number[] = [];
    while (chunk.length < size && next < genomes.length) {
      const i = next++;
      if (!wanted || wanted(i)) chunk.push(i);
    }
    return chunk;
  };
  const worker = async (endpoint: TrainingEndpoint): Promise<void> => {
    while (next < genomes.length && !signal.aborted) {
      const chunk = takeChunk();
      if (chunk.length === 0) continue;
      try {
        await scoreChunk(endpoint, chunk);
      } catch (e) {
        if (isAbort(e, signal)) return;
        // A crashed worker: the client respawns it on the next call; retry what is missing once.
        const missing = chunk.filter((i) => !done[i]);
        try {
          if (missing.length) await scoreChunk(endpoint, missing);
        } catch (again) {
          if (isAbort(again, signal)) return;
        }
      }
      for (const i of chunk) {
        if (!done[i] && !signal.aborted) {
          done[i] = 1;
          onItem(i, null);
        }
      }
    }
  };
  await Promise.all(scorers.map(worker));
}

/** The scoring request of the evaluators' proxy (the SNASNet score unless `rankBy` names another network-running one). */
export function scoreRequest(opts: EvaluatorOptions): Omit<ScoreRequest, 'jobId' | 'genomes'> {
  const proxy = opts.rankBy ?? 'snasnet';
  if (!rankedByScorers(proxy)) throw new RangeError(`${proxy} comes from the cost model: the search computes it without a scorer`);
  return {
    dataset: opts.dataset,
    seed: opts.seed,
    batch: opts.scoreBatch,
    ...(proxy === 'snasnet' ? {} : { proxy: proxy as NetworkProxyName, ...(opts.proxyKnobs ? { proxyKnobs: opts.proxyKnobs } : {}) }),
  };
}

/**
 * Lends training endpoints out: `take` resolves with a free one (waiting, in call order, while all are busy),
 * `takeIfFree` only with one free right now, `give` hands one back.
 */
class EndpointLender {
  private readonly free: TrainingEndpoint[];
  private readonly waiting: ((e: TrainingEndpoint) => void)[] = [];
  constructor(endpoints: readonly TrainingEndpoint[]) {
    this.free = [...endpoints];
  }
  take(): Promise<TrainingEndpoint> {
    const e = this.free.shift();
    return e ? Promise.resolve(e) : new Promise((resolve) => this.waiting.push(resolve));
  }
  takeIfFree(): TrainingEndpoint | null {
    return this.free.shift() ?? null;
  }
  give(e: TrainingEndpoint): void {
    const next = this.waiting.shift();
    if (next) next(e);
    else this.free.push(e);
  }
}

/**
 * The pipeline's evaluators: scoring shares a queue over `scorers`; training runs on `trainers`. Unless `opts.pairs`
 * is false, a candidate trains on two of them when two are free (each computes one shard of every step,
 * src/tf/train.ts STEP_SHARDS: about 1.6 times as fast, and the same network to the last bit as on one), so as many
 * candidates train at once as there are pairs, plus one on its own when the count is odd. Its seed is the search's, so its result does not depend on which
 * endpoints it got. A search trains only once scoring is over, so the same workers may be in both.
 */
export function trainingEvaluators(scorers: readonly TrainingEndpoint[], trainers: readonly TrainingEndpoint[], opts: EvaluatorOptions): Evaluators {
  if (scorers.length === 0) throw new RangeError('the scoring pool needs at least one endpoint');
  if (trainers.length === 0) throw new RangeError('training needs at least one endpoint');
  const lender = new EndpointLender(trainers);
  const pairs = opts.pairs ?? true;
  return {
    trainers: pairs ? trainingSlots(trainers.length) : trainers.length,
    score(genomes, signal, onScore, wanted) {
      return scoreOnPool(scorers, scoreRequest(opts), genomes, signal, (i, item) => onScore(i, item?.score ?? NaN), {
        ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}),
        ...(wanted ? { wanted } : {}),
      });
    },

    async train(genome, epochs, signal, onProgress): Promise<PipelineResult> {
      const first = await lender.take();
      const second = pairs ? lender.takeIfFree() : null;
      try {
        return await trainOn(second ? [first, second] : [first], genome, epochs, signal, onProgress);
      } finally {
        lender.give(first);
        if (second) lender.give(second);
      }
    },
  };

  async function trainOn(endpoints: readonly TrainingEndpoint[], genome: string, epochs: number, signal: AbortSignal, onProgress: (p: PipelineProgress) => void): Promise<PipelineResult> {
    let lastLoss = NaN;
    // Progress comes on its own channel and can arrive after the result (Node's threads): none counts after it.
    let ended = false;
    const request: Omit<TrainRequest, 'jobId'> = { genome, dataset: opts.dataset, epochs, trainSamples: opts.trainSamples, seed: opts.seed, progressEveryMs: opts.readingMs ?? LIVE_READING_MS, ...(opts.keepWeights ? { keepWeights: true } : {}) };
    const report = (p: TrainProgress) => {
      if (ended || p.kind !== 'batch' || p.phase !== 'train') return;
      if (p.loss !== undefined) lastLoss = p.loss;
      const progress: PipelineProgress = { epoch: p.epoch, epochs, batch: p.batch, batches: p.batches, loss: lastLoss };
      if (p.recent) progress.reading = { at: p.epoch + (p.batch + 1) / p.batches, loss: p.recent.loss, accuracy: p.recent.accuracy };
      onProgress(progress);
    };
    const attempt = () => (endpoints.length === 2 ? trainPair(endpoints[0], endpoints[1], request, report, signal) : endpoints[0].train(request, report, signal));
    let r: TrainResult;
    try {
      r = await attempt();
    } catch (e) {
      if (isAbort(e, signal) || !isWorkerCrash(e)) throw e;
      // The client respawns the worker for this call; the same seed trains the same model from its start.
      r = await attempt();
    } finally {
      ended = true;
    }
    if (!r.completed) throw new TrainingCancelled();
    return {
      accuracyFloat: r.testAccuracyFloat,
      accuracyQuantized: r.testAccuracyQuantized,
      spikeRates: r.spikeRates.map((s) => s.rate),
      epochs: r.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy })),
      backend: r.backend,
      samplesPerSecond: r.samplesPerS,
      ...(r.weights ? { weights: r.weights } : {}),
    };
  }
}

/**
 * One training on two endpoints joined by a fresh MessageChannel: shard 0's side reports and returns the result,
 * shard 1's only computes. When either call ends without a result (a crash, an error) the other is cancelled, as it
 * would wait for the missing shard; the first failure is what the call rejects with (a crash before an abort, so the
 * caller retries a crash).
 */
async function trainPair(a: TrainingEndpoint, b: TrainingEndpoint, request: Omit<TrainRequest, 'jobId'>, report: (p: TrainProgress) => void, signal: AbortSignal): Promise<TrainResult> {
  const channel = new MessageChannel();
  const both = new AbortController();
  const stop = () => both.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const { keepWeights, progressEveryMs, ...helperRequest } = request;
    const calls = [a.train({ ...request, peer: { shard: 0, port: channel.port1 } }, report, both.signal), b.train({ ...helperRequest, peer: { shard: 1, port: channel.port2 } }, () => {}, both.signal)];
    const settled = await Promise.allSettled(calls.map((c) => c.catch((e: unknown) => (stop(), Promise.reject(e)))));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (failures.length) throw failures.find(isWorkerCrash) ?? failures.find((e) => !(e instanceof Error && e.name === 'AbortError')) ?? failures[0];
    return (settled[0] as PromiseFulfilledResult<TrainResult>).value;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
