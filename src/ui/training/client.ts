/**
 * The page's end of the training worker (src/workers/training.worker.ts):
 * typed, abortable calls over comlink. Main-thread code, so it lives under
 * src/ui/ (like src/ui/costing/client.ts); it has no React in it.
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
 * - A crashed worker (an error event: failed load, uncaught exception)
 *   rejects every pending call with WorkerCrashedError; the next call spawns
 *   a fresh worker.
 */
import * as Comlink from 'comlink';
import type { DatasetSummary, DatasetUpload, ReferenceBenchReport, ReferenceBenchRequest, InitRequest, InitResult, ScoreItem, ScoreRequest, ScoreResult, TrainingApi, TrainProgress, TrainRequest, TrainResult } from '../../protocol/training.ts';

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException ? e.name === 'AbortError' : e instanceof Error && e.name === 'AbortError';
}

function abortError(what: string): DOMException {
  return new DOMException(`the ${what} was aborted`, 'AbortError');
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function createTrainingWorker(): Worker {
  return new Worker(new URL('../../workers/training.worker.ts', import.meta.url), { type: 'module', name: 'neuronas-training' });
}

export interface TrainingClientOptions {
  /** how long an aborted job may take to stop before its worker is replaced (default 500 ms) */
  stopGraceMs?: number;
}

interface Pending {
  fail(e: Error): void;
}

interface Live {
  worker: Worker;
  remote: Comlink.Remote<TrainingApi>;
  /** the replayed init of this worker, when there is one */
  ready: Promise<unknown> | null;
}

export class TrainingClient {
  private live: Live | null = null;
  private lastInit: InitRequest | null = null;
  private lastUpload: DatasetUpload | null = null;
  private readonly pending = new Set<Pending>();
  private nextJobId = 1;
  private readonly stopGraceMs: number;
  /** called when the worker crashes, whether or not a call was pending */
  onCrash: ((message: string) => void) | null = null;
  /** workers spawned so far (1 + respawns), for diagnostics and tests */
  spawned = 0;

  constructor(
    private readonly createWorker: () => Worker = createTrainingWorker,
    opts: TrainingClientOptions = {},
  ) {
    this.stopGraceMs = opts.stopGraceMs ?? 500;
  }

  private spawn(replay = true): Live {
    const worker = this.createWorker();
    this.spawned++;
    worker.addEventListener('error', (ev: ErrorEvent) => {
      ev.preventDefault?.();
      this.crashed(worker, ev.message || 'the training worker failed to load or threw outside a call');
    });
    worker.addEventListener('messageerror', () => this.crashed(worker, 'the training worker sent a message that could not be read'));
    const remote = Comlink.wrap<TrainingApi>(worker);
    const init = this.lastInit;
    const upload = this.lastUpload;
    const ready = replay && init ? remote.init(init).then(() => (upload ? remote.provideDataset(upload) : undefined)) : null;
    const live: Live = { worker, remote, ready };
    // A failed replayed init surfaces in the next call; do not leave it unhandled meanwhile.
    live.ready?.catch(() => {});
    this.live = live;
    return live;
  }

  private kill(): void {
    const l = this.live;
    this.live = null;
    if (!l) return;
    l.worker.terminate();
    l.remote[Comlink.releaseProxy]();
  }

  private crashed(worker: Worker, message: string): void {
    if (this.live?.worker !== worker) return;
    this.kill();
    const text = `The training worker crashed: ${message}`;
    for (const p of [...this.pending]) p.fail(new WorkerCrashedError(text));
    this.onCrash?.(text);
  }

  /** Runs `start` on the live worker; rejects on abort or crash. */
  private async call<T>(what: string, signal: AbortSignal | undefined, start: (remote: Comlink.Remote<TrainingApi>) => Promise<T>, jobId?: number): Promise<T> {
    if (signal?.aborted) throw abortError(what);
    const live = this.live ?? this.spawn();
    let fail!: (e: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const pending: Pending = { fail: (e) => fail(e) };
    this.pending.add(pending);
    let answered = false;
    const onAbort = () => {
      fail(abortError(what));
      // Calls without a job id (init, benchmark) cannot be stopped cooperatively.
      if (jobId === undefined) {
        this.replace(live);
        return;
      }
      live.remote.cancel(jobId).catch(() => {});
      if (this.stopGraceMs <= 0) this.replace(live);
      else
        void delay(this.stopGraceMs).then(() => {
          if (!answered) this.replace(live);
        });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const run = (async () => {
        if (live.ready) await live.ready;
        return start(live.remote);
      })();
      run.then(
        () => (answered = true),
        () => (answered = true),
      );
      return await Promise.race([run, failed]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.pending.delete(pending);
    }
  }

  /** Terminates a worker that did not stop in time and starts a fresh one (initialised as the last `init` asked). */
  private replace(live: Live): void {
    if (this.live !== live) return;
    this.kill();
    this.spawn();
  }

  /** Chooses and initialises the backend (remembered: replayed on every fresh worker). */
  async init(request: InitRequest, signal?: AbortSignal): Promise<InitResult> {
    // This request replaces any replay: the live (or a new) worker gets it now.
    const live = this.live ?? this.spawn(false);
    live.ready = null;
    this.lastInit = request;
    return this.call('backend initialisation', signal, (remote) => remote.init(request));
  }

  /** The data set this client's workers hold beside the embedded ones (the last one provided). */
  get upload(): DatasetUpload | null {
    return this.lastUpload;
  }

  /** Hands the worker a user's data set (remembered: replayed on every fresh worker after its init). */
  async provideDataset(upload: DatasetUpload, signal?: AbortSignal): Promise<DatasetSummary> {
    const summary = await this.call('data set upload', signal, (remote) => remote.provideDataset(upload));
    this.lastUpload = upload;
    return summary;
  }

  /** Scores genomes; `onItem` sees each candidate's result while the call is not aborted. */
  async score(request: Omit<ScoreRequest, 'jobId'>, onItem: (item: ScoreItem) => void, signal?: AbortSignal): Promise<ScoreResult> {
    const jobId = this.nextJobId++;
    const cb = Comlink.proxy((item: ScoreItem) => {
      if (!signal?.aborted && item.jobId === jobId) onItem(item);
    });
    return this.call('scoring job', signal, (remote) => remote.score({ ...request, jobId }, cb), jobId);
  }

  /** Trains one architecture; `onProgress` sees batch and epoch progress while the call is not aborted. */
  async train(request: Omit<TrainRequest, 'jobId'>, onProgress: (p: TrainProgress) => void, signal?: AbortSignal): Promise<TrainResult> {
    const jobId = this.nextJobId++;
    const cb = Comlink.proxy((p: TrainProgress) => {
      if (!signal?.aborted && p.jobId === jobId) onProgress(p);
    });
    return this.call('training job', signal, (remote) => remote.train({ ...request, jobId }, cb), jobId);
  }

  /** Training speed of the reference network on the worker's backend. */
  async benchReference(request: ReferenceBenchRequest = {}, signal?: AbortSignal): Promise<ReferenceBenchReport> {
    return this.call('reference benchmark', signal, (remote) => remote.benchReference(request));
  }

  /** Makes the worker throw from a timer (for the crash test). */
  crashForTest(): void {
    void (this.live ?? this.spawn()).remote.crashForTest();
  }

  dispose(): void {
    this.kill();
    for (const p of [...this.pending]) p.fail(abortError('call'));
  }
}
