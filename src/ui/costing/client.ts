/**
 * The page's end of the costing worker: wraps the comlink proxy so each job
 * is typed and cancellable (after squoosh's abortable worker bridge).
 *
 * - Every `run` carries an AbortSignal. Aborting rejects the call at once
 *   with an AbortError, tells the worker to stop the job at its next chunk
 *   boundary, and drops any chunk of that job still in flight.
 * - A newer job supersedes an older one in the worker too, so even a lost
 *   cancel cannot leave two jobs interleaving.
 * - If an aborted job has still not come back when the next one starts
 *   (the worker is stuck in a long synchronous step), the worker is
 *   terminated and a fresh one spawned.
 * - A crashed worker (an error event: failed load, uncaught exception)
 *   rejects the running job with WorkerCrashedError and is replaced on the
 *   next run; the page keeps its last results.
 */
import * as Comlink from 'comlink';
import type { CostingApi, CostingChunk, CostingRequest, CostingResult } from '../../protocol/costing.ts';

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException ? e.name === 'AbortError' : e instanceof Error && e.name === 'AbortError';
}

function abortError(): DOMException {
  return new DOMException('the costing job was superseded', 'AbortError');
}

/** How long an aborted job may take to stop before its worker is replaced. */
const STOP_GRACE_MS = 250;

interface Live {
  jobId: number;
  /** settles (never rejects) when the worker has answered for this job */
  settled: Promise<void>;
  fail(e: Error): void;
}

export class CostingClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<CostingApi> | null = null;
  private nextJobId = 1;
  private live: Live | null = null;
  /** called when the worker crashes, whether or not a job was running */
  onCrash: ((message: string) => void) | null = null;
  /** how many workers were spawned (1 + respawns), for diagnostics */
  spawned = 0;

  constructor(private readonly createWorker: () => Worker) {}

  private ensureWorker(): Comlink.Remote<CostingApi> {
    if (this.remote) return this.remote;
    const worker = this.createWorker();
    this.spawned++;
    worker.addEventListener('error', (ev: ErrorEvent) => {
      ev.preventDefault();
      this.crashed(worker, ev.message || 'the costing worker failed to load or threw outside a job');
    });
    worker.addEventListener('messageerror', () => this.crashed(worker, 'the costing worker sent a message that could not be read'));
    this.worker = worker;
    this.remote = Comlink.wrap<CostingApi>(worker);
    return this.remote;
  }

  private crashed(worker: Worker, message: string): void {
    if (worker !== this.worker) return;
    const live = this.live;
    this.live = null;
    this.kill();
    const text = `The costing worker crashed: ${message}`;
    live?.fail(new WorkerCrashedError(text));
    this.onCrash?.(text);
  }

  private kill(): void {
    this.worker?.terminate();
    this.remote?.[Comlink.releaseProxy]();
    this.worker = null;
    this.remote = null;
  }

  /**
   * Samples and costs in the worker. `onChunk` sees only chunks of this job,
   * only while it is not aborted. Resolves with the worker's result once every
   * chunk has been handed to `onChunk`; rejects
   * with an AbortError when `signal` aborts, WorkerCrashedError on a crash,
   * or the worker's own error (bad search space or hardware).
   */
  async run(request: Omit<CostingRequest, 'jobId'>, onChunk: (chunk: CostingChunk) => void, signal: AbortSignal): Promise<CostingResult> {
    if (signal.aborted) throw abortError();
    const previous = this.live;
    if (previous) {
      const stopped = await Promise.race([previous.settled.then(() => true), delay(STOP_GRACE_MS).then(() => false)]);
      if (!stopped && this.live === previous) {
        // The worker did not reach a chunk boundary in time: start over with a fresh one.
        this.live = null;
        this.kill();
        previous.fail(abortError());
      }
      if (signal.aborted) throw abortError();
    }
    const remote = this.ensureWorker();
    const jobId = this.nextJobId++;
    let fail!: (e: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    let markSettled!: () => void;
    const settled = new Promise<void>((resolve) => (markSettled = resolve));
    const live: Live = { jobId, settled, fail: (e) => fail(e) };
    this.live = live;
    const onAbort = () => {
      fail(abortError());
      try {
        remote.cancel(jobId).catch(() => {});
      } catch {
        // The worker was replaced meanwhile; nothing to stop.
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // Chunks travel on the callback's own port, the result on the worker's: they can arrive in either
    // order, so the result waits until every chunk it counts has been handed to onChunk.
    let received = 0;
    let expected = Infinity;
    let allReceived!: () => void;
    const complete = new Promise<void>((resolve) => (allReceived = resolve));
    const callback = Comlink.proxy((chunk: CostingChunk) => {
      if (signal.aborted || chunk.jobId !== jobId) return;
      received += chunk.count;
      onChunk(chunk);
      if (received >= expected) allReceived();
    });
    const call = remote.run({ ...request, jobId }, callback);
    call.then(markSettled, markSettled);
    try {
      const result = await Promise.race([call, failed]);
      expected = result.count;
      if (received < expected) await Promise.race([complete, failed]);
      return result;
    } finally {
      signal.removeEventListener('abort', onAbort);
      void settled.then(() => {
        if (this.live === live) this.live = null;
      });
      // An aborted job stays `live` until the worker answers, so the next run can wait for it.
      if (this.live === live && !signal.aborted) this.live = null;
    }
  }

  /** Makes the worker throw from a timer (for the crash test). */
  crashForTest(): void {
    void this.ensureWorker().crashForTest();
  }

  dispose(): void {
    const live = this.live;
    this.live = null;
    this.kill();
    live?.fail(abortError());
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
