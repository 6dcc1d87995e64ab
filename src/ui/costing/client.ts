/**
 * The page's end of the costing worker: typed, cancellable jobs over the
 * worker bridge (src/worker-host/bridge.ts), which spawns, cancels,
 * terminates and respawns.
 *
 * - Every `run` carries an AbortSignal. Aborting rejects the call at once
 *   with an AbortError, tells the worker to stop the job at its next chunk
 *   boundary, and drops any chunk of that job still in flight.
 * - A newer job supersedes an older one in the worker too, so even a lost
 *   cancel cannot leave two jobs interleaving.
 * - The next job waits for an aborted one to come back; if it has not within
 *   STOP_GRACE_MS (the worker is stuck in a long synchronous step), the
 *   worker is terminated and a fresh one spawned.
 * - A crashed worker (an error event, or one that ended without one)
 *   rejects the running job with WorkerCrashedError and is replaced on the
 *   next run; the page keeps its last results.
 * - The same worker runs searches (`search`, `setBudgets`); a data set
 *   provided for them is remembered and handed to every fresh worker.
 */
import * as Comlink from 'comlink';
import type { Budgets } from '../../core/settings.ts';
import type { CostingApi, CostingChunk, CostingRequest, CostingResult } from '../../protocol/costing.ts';
import type { SearchBatch, SearchRequest, SearchSummary } from '../../protocol/search.ts';
import type { CalibrationMessage, CalibrationRequest, CalibrationResult, CalibrationUpdate } from '../../protocol/calibration.ts';
import type { DatasetUpload } from '../../protocol/training.ts';
import { WorkerClient, type WorkerLike } from '../../worker-host/bridge.ts';

export { WorkerCrashedError, isAbortError } from '../../worker-host/bridge.ts';

/** How long an aborted job may take to stop before its worker is replaced. */
const STOP_GRACE_MS = 250;

export class CostingClient extends WorkerClient<CostingApi> {
  private nextJobId = 1;
  private nextSearchId = 1;
  private nextCalibrationId = 1;
  private lastUpload: DatasetUpload | null = null;

  constructor(createWorker: () => WorkerLike) {
    super(createWorker, { label: 'costing worker', stopGraceMs: STOP_GRACE_MS });
  }

  /**
   * Samples and costs in the worker. `onChunk` sees only chunks of this job,
   * only while it is not aborted. Resolves with the worker's result once every
   * chunk has been handed to `onChunk`; rejects
   * with an AbortError when `signal` aborts, WorkerCrashedError on a crash,
   * or the worker's own error (bad search space or hardware).
   */
  async run(request: Omit<CostingRequest, 'jobId'>, onChunk: (chunk: CostingChunk) => void, signal: AbortSignal): Promise<CostingResult> {
    const jobId = this.nextJobId++;
    const stream = streamCallback(
      (chunk: CostingChunk) => chunk.jobId === jobId,
      (chunk) => chunk.count,
      onChunk,
      signal,
    );
    return this.bridge.call(
      'costing job',
      async (remote) => {
        const result = await remote.run({ ...request, jobId }, stream.callback);
        await stream.until(result.count);
        return result;
      },
      { signal, cancel: (remote) => remote.cancel(jobId) },
    );
  }

  /** A fresh worker gets the data set the last one was given. */
  protected override prepare(remote: Comlink.Remote<CostingApi>): Promise<unknown> | null {
    return this.lastUpload ? remote.provideDataset(this.lastUpload) : null;
  }

  /** The data set the worker holds for searches (the last one provided). */
  get upload(): DatasetUpload | null {
    return this.lastUpload;
  }

  /** Hands the worker a user's data set for searches that name it (remembered: replayed on every fresh worker). */
  async provideDataset(upload: DatasetUpload, signal?: AbortSignal): Promise<void> {
    this.lastUpload = upload;
    await this.bridge.call('data set upload', (remote) => remote.provideDataset(upload), { signal });
  }

  /**
   * Runs a search in the worker. `onBatch` sees its batches of updates while
   * it is not aborted. Resolves with the summary when it ends; rejects with an
   * AbortError when `signal` aborts (the worker stops it), WorkerCrashedError
   * on a crash, or the worker's own error.
   */
  async search(request: Omit<SearchRequest, 'searchId'>, onBatch: (batch: SearchBatch) => void, signal: AbortSignal): Promise<SearchSummary> {
    const searchId = this.nextSearchId++;
    const stream = streamCallback(
      (batch: SearchBatch) => batch.searchId === searchId,
      () => 1,
      onBatch,
      signal,
    );
    return this.bridge.call(
      'search',
      async (remote) => {
        const summary = await remote.search({ ...request, searchId }, stream.callback);
        await stream.until(summary.batches);
        return summary;
      },
      { signal, cancel: (remote) => remote.cancelSearch(searchId) },
    );
  }

  /**
   * Runs a calibration in the worker (protocol/calibration.ts). `onUpdate` sees its events while `signal` is not
   * aborted. When `stop` aborts, the worker ends the run with what finished and the call resolves with that
   * (marked stopped); when `signal` aborts, the call rejects with an AbortError at once and the run is dropped.
   */
  async calibrate(request: Omit<CalibrationRequest, 'calibrationId'>, onUpdate: (u: CalibrationUpdate) => void, signal: AbortSignal, stop: AbortSignal): Promise<CalibrationResult> {
    const calibrationId = this.nextCalibrationId++;
    const callback = Comlink.proxy((m: CalibrationMessage) => {
      if (m.calibrationId === calibrationId && !signal.aborted) onUpdate(m.update);
    });
    const onStop = () => this.bridge.notify((remote) => remote.stopCalibration(calibrationId));
    stop.addEventListener('abort', onStop, { once: true });
    try {
      return await this.bridge.call('calibration', (remote) => remote.calibrate({ ...request, calibrationId }, callback), { signal, cancel: (remote) => remote.stopCalibration(calibrationId) });
    } finally {
      stop.removeEventListener('abort', onStop);
    }
  }

  /** The budgets on the page now, for the running search (one-way). */
  setBudgets(budgets: Budgets): void {
    this.bridge.notify((remote) => remote.setBudgets(budgets));
  }
}

/**
 * The callback a worker streams a call's items through. Items travel on the callback's own port, the call's answer
 * on the worker's: they can arrive in either order, so `until(n)` waits until the n units the answer counts have
 * arrived. Items of other calls are ignored; items of an aborted call are counted but not handed on, so the call
 * still comes back and its worker can be kept.
 */
function streamCallback<T>(mine: (item: T) => boolean, units: (item: T) => number, deliver: (item: T) => void, signal: AbortSignal) {
  let received = 0;
  let expected = Infinity;
  let allReceived!: () => void;
  const complete = new Promise<void>((resolve) => (allReceived = resolve));
  const callback = Comlink.proxy((item: T) => {
    if (!mine(item)) return;
    received += units(item);
    if (!signal.aborted) deliver(item);
    if (received >= expected) allReceived();
  });
  return {
    callback,
    async until(n: number): Promise<void> {
      expected = n;
      if (received < n) await complete;
    },
  };
}
