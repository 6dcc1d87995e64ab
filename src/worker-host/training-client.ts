/**
 * The owner's end of a training worker (src/workers/training.worker.ts):
 * typed, abortable calls over the worker bridge (src/worker-host/bridge.ts),
 * which spawns, cancels, terminates and respawns. It runs on whichever
 * thread owns training workers (see src/worker-host/bridge.ts).
 *
 * - `init` chooses the backend; the client remembers the request and replays
 *   it on every fresh worker before the next job, so a respawn is invisible
 *   except for its cost. A provided data set (a user's CIFAR-10 batches) is
 *   replayed the same way, after the init.
 * - `score` and `train` take an AbortSignal. Aborting rejects the call at
 *   once with an AbortError and asks the worker to stop the job at its next
 *   candidate or batch boundary. If the worker has not answered within
 *   `stopGraceMs` (a long synchronous kernel, a stuck GPU), it is terminated
 *   and a fresh one spawned (and initialised) straight away.
 *   `stopGraceMs: 0` terminates at once on every abort.
 * - A crashed worker (an error event, or one that ended without one) rejects
 *   every pending call with WorkerCrashedError; the next call spawns a fresh
 *   worker.
 */
import * as Comlink from 'comlink';
import type { ProxiesRequest, ProxiesResult, DatasetSummary, DatasetUpload, ReferenceBenchReport, ReferenceBenchRequest, InitRequest, InitResult, ScoreItem, ScoreRequest, ScoreResult, SpikeRasterRequest, SpikeRasterResult, TrainingApi, TrainProgress, TrainRequest, TrainResult } from '../protocol/training.ts';
import { WorkerClient, type WorkerBridgeOptions, type WorkerLike } from './bridge.ts';

export { WorkerCrashedError, isAbortError } from './bridge.ts';

export function createTrainingWorker(): Worker {
  return new Worker(new URL('../workers/training.worker.ts', import.meta.url), { type: 'module', name: 'neuronas-training' });
}

export interface TrainingClientOptions {
  /** how long an aborted job may take to stop before its worker is replaced (default 500 ms) */
  stopGraceMs?: number;
  /** resolves when a worker has ended by itself (default: its Web Lock lifeline; a Node thread has its exit event) */
  watchEnd?: WorkerBridgeOptions<TrainingApi>['watchEnd'];
}

export class TrainingClient extends WorkerClient<TrainingApi> {
  private lastInit: InitRequest | null = null;
  private lastUpload: DatasetUpload | null = null;
  private nextJobId = 1;

  constructor(createWorker: () => WorkerLike = createTrainingWorker, opts: TrainingClientOptions = {}) {
    super(createWorker, { label: 'training worker', stopGraceMs: opts.stopGraceMs ?? 500, ...(opts.watchEnd ? { watchEnd: opts.watchEnd } : {}) });
  }

  /** What a fresh worker needs before any job: the last init, then the last data set provided. */
  protected override prepare(remote: Comlink.Remote<TrainingApi>): Promise<unknown> | null {
    const init = this.lastInit;
    const upload = this.lastUpload;
    return init ? remote.init(init).then(() => (upload ? remote.provideDataset(upload) : undefined)) : null;
  }

  /** Chooses and initialises the backend (remembered: replayed on every fresh worker). */
  async init(request: InitRequest, signal?: AbortSignal): Promise<InitResult> {
    // This request replaces any replay: the live (or a new) worker gets it now.
    this.lastInit = request;
    return this.bridge.call('backend initialisation', (remote) => remote.init(request), { signal, setsState: true });
  }

  /** From now on a fresh worker (a respawn) is initialised with `backend` itself, not by probing again. */
  keepBackend(backend: InitResult['backend']): void {
    if (this.lastInit) this.lastInit = { ...this.lastInit, backend };
  }

  /** The data set this client's workers hold beside the embedded ones (the last one provided). */
  get upload(): DatasetUpload | null {
    return this.lastUpload;
  }

  /** Hands the worker a user's data set (remembered: replayed on every fresh worker after its init). */
  async provideDataset(upload: DatasetUpload, signal?: AbortSignal): Promise<DatasetSummary> {
    const summary = await this.bridge.call('data set upload', (remote) => remote.provideDataset(upload), { signal });
    this.lastUpload = upload;
    return summary;
  }

  /** Scores genomes; `onItem` sees each candidate's result while the call is not aborted. */
  async score(request: Omit<ScoreRequest, 'jobId'>, onItem: (item: ScoreItem) => void, signal?: AbortSignal): Promise<ScoreResult> {
    const jobId = this.nextJobId++;
    let received = 0;
    let expected = Infinity;
    let allArrived: (() => void) | null = null;
    const cb = Comlink.proxy((item: ScoreItem) => {
      if (signal?.aborted || item.jobId !== jobId) return;
      received++;
      onItem(item);
      if (received >= expected) allArrived?.();
    });
    const result = await this.bridge.call('scoring job', (remote) => remote.score({ ...request, jobId }, cb), { signal, cancel: (remote) => remote.cancel(jobId) });
    // The items come on the callback's own channel, the result on the worker's: the result can overtake the last
    // items (Node's worker threads do; a caller would take them for lost). It resolves once they are all here.
    if (received < result.count && !signal?.aborted) {
      expected = result.count;
      await new Promise<void>((resolve) => {
        // A search passes one signal to every chunk: its listener goes when the items are in, or it would stay for the whole search.
        const onAbort = () => resolve();
        allArrived = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    return result;
  }

  /** Trains one architecture; `onProgress` sees batch and epoch progress while the call is not aborted. */
  async train(request: Omit<TrainRequest, 'jobId'>, onProgress: (p: TrainProgress) => void, signal?: AbortSignal): Promise<TrainResult> {
    const jobId = this.nextJobId++;
    const cb = Comlink.proxy((p: TrainProgress) => {
      if (!signal?.aborted && p.jobId === jobId) onProgress(p);
    });
    // A two-worker training's port moves to the worker with the request (a port cannot be copied).
    const message = request.peer ? Comlink.transfer({ ...request, jobId }, [request.peer.port]) : { ...request, jobId };
    return this.bridge.call('training job', (remote) => remote.train(message, cb), { signal, cancel: (remote) => remote.cancel(jobId) });
  }

  /** A calibration's network-running proxies of one candidate (cannot be cancelled midway: an abort replaces the worker after the grace period). */
  async proxies(request: Omit<ProxiesRequest, 'jobId'>, signal?: AbortSignal): Promise<ProxiesResult> {
    const jobId = this.nextJobId++;
    return this.bridge.call('proxy job', (remote) => remote.proxies({ ...request, jobId }), { signal });
  }

  /** One LIF layer's spikes for a few test images through an untrained candidate (cannot be cancelled: an abort replaces the worker). */
  async spikeRaster(request: SpikeRasterRequest, signal?: AbortSignal): Promise<SpikeRasterResult> {
    return this.bridge.call('spike raster', (remote) => remote.spikeRaster(request), { signal });
  }

  /** Training speed of the reference network (src/tf/reference-net.ts) on the worker's backend (cannot be cancelled: an abort replaces the worker). */
  async benchReference(request: ReferenceBenchRequest = {}, signal?: AbortSignal): Promise<ReferenceBenchReport> {
    return this.bridge.call('reference benchmark', (remote) => remote.benchReference(request), { signal });
  }
}
