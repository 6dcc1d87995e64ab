/**
 * The owner's end of a comlink worker (after squoosh's abortable worker
 * bridge): one spawn / crash / cancel-then-terminate policy for every worker
 * client (src/ui/costing/client.ts, src/worker-host/training-client.ts).
 * Everything in src/worker-host/ runs on a thread that owns workers, the
 * page or a worker with workers of its own; none of it touches the DOM.
 *
 * - The worker is spawned on the first call. Every call may carry an
 *   AbortSignal: aborting rejects the call at once with an AbortError and
 *   asks the worker to stop (`cancel`). A worker that has not answered the
 *   aborted call within `stopGraceMs` (a long synchronous kernel, a stuck
 *   GPU), or a call that cannot be cancelled, gets the worker terminated and
 *   a fresh one spawned straight away (so its `prepare` runs while idle).
 * - A call made while an aborted call still runs on the worker waits for it
 *   to end (at most the grace period): a worker is never terminated with a
 *   call still wanted on it.
 * - `prepare` brings every fresh worker to the state the calls expect
 *   (a remembered init, an uploaded data set); calls wait for it.
 * - A worker that ends with an error event (failed load, uncaught
 *   exception, unreadable message) or without one (see `watchLifeline`)
 *   rejects every pending call with one WorkerCrashedError and tells
 *   `onCrash`; the next call spawns a fresh worker. Not at once: a worker
 *   that crashes as it loads would otherwise be respawned in a loop.
 * - Nothing the bridge does to a worker it has let go of can throw: late
 *   aborts, cancels and answers of an ended worker are ignored.
 */
import * as Comlink from 'comlink';
import { isLifelineHello, LIFELINE_KEY } from '../protocol/lifeline.ts';

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException ? e.name === 'AbortError' : e instanceof Error && e.name === 'AbortError';
}

export function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
}

/** What the bridge needs of a worker: a comlink endpoint that can be terminated and fires `error` and `messageerror` (a DOM Worker is one). */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

/**
 * Resolves when `worker` has ended by itself, error event or not; never when
 * it is only busy. The worker holds a Web Lock for as long as it lives
 * (src/workers/lifeline.ts) and names it in a hello message; its owner asks
 * for the same lock and is granted it when the worker has ended (measured in
 * Chromium: 1-3 ms after `self.close()`; a worker spinning in a 4 s
 * synchronous loop kept it throughout).
 *
 * Why not a heartbeat or a progress timeout: the browser tells us. A
 * heartbeat is a timer on the worker's thread, and a worker legitimately busy
 * in one long synchronous kernel (a training batch of the widest candidate, a
 * first WebGL shader compile, the whole test split evaluated at once) fires
 * none for seconds; a timeout long enough for the slowest such kernel on the
 * slowest machine would leave a dead worker unnoticed for as long. The lock
 * is held by the worker's agent, not by its event loop, so busy is never
 * taken for dead and dead is known at once.
 *
 * Where there are no Web Locks (Node, a page served over plain http from
 * another host) this never resolves: a silent end then goes unnoticed, as
 * before, while error events still count.
 */
export function watchLifeline(worker: WorkerLike): Promise<void> {
  return new Promise((resolve) => {
    if (typeof navigator === 'undefined' || !navigator.locks) return;
    const onHello = (ev: Event) => {
      const data = (ev as MessageEvent).data;
      if (!isLifelineHello(data)) return;
      worker.removeEventListener('message', onHello);
      navigator.locks.request(data[LIFELINE_KEY].lock, () => resolve()).catch(() => {});
    };
    worker.addEventListener('message', onHello);
  });
}

export interface WorkerBridgeOptions<T> {
  /** names the worker in messages: 'training worker' gives "The training worker crashed: …" */
  label: string;
  /** how long an aborted call may take to stop before its worker is replaced; 0 replaces it at once */
  stopGraceMs: number;
  /** brings a fresh worker to the state calls expect (null: nothing to do); a failure surfaces in the next call */
  prepare?: (remote: Comlink.Remote<T>) => Promise<unknown> | null;
  /** resolves when the worker has ended by itself (default: watchLifeline; tests over Node threads pass their exit) */
  watchEnd?: (worker: WorkerLike) => Promise<void>;
}

export interface CallOptions<T> {
  signal?: AbortSignal;
  /** asks the worker to stop this call at its next boundary; without it an abort replaces the worker at once */
  cancel?: (remote: Comlink.Remote<T>) => unknown;
  /** the call itself sets the state `prepare` replays (an init): it does not wait for `prepare`, and a worker spawned for it skips it */
  setsState?: boolean;
}

interface Live<T> {
  worker: WorkerLike;
  remote: Comlink.Remote<T>;
  prepared: Promise<unknown> | null;
  /** how to reject each call on this worker that has not settled */
  pending: Set<(e: Error) => void>;
  /** aborted calls the worker has not answered yet: each resolves when it does */
  draining: Set<Promise<void>>;
  /** resolves when the bridge lets go of the worker */
  ended: Promise<void>;
  over: boolean;
  markEnded(): void;
}

export class WorkerBridge<T> {
  private live: Live<T> | null = null;
  /** called when a worker crashes (or ends silently), whether or not a call was pending */
  onCrash: ((message: string) => void) | null = null;
  /** workers spawned so far (1 + respawns), for diagnostics and tests */
  spawned = 0;

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly opts: WorkerBridgeOptions<T>,
  ) {}

  private spawn(prepare: boolean): Live<T> {
    const worker = this.createWorker();
    this.spawned++;
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const live: Live<T> = { worker, remote: Comlink.wrap<T>(worker), prepared: null, pending: new Set(), draining: new Set(), ended, over: false, markEnded };
    worker.addEventListener('error', (ev: Event) => {
      ev.preventDefault();
      this.crashed(live, (ev as ErrorEvent).message || 'it failed to load, or threw outside a call');
    });
    worker.addEventListener('messageerror', () => this.crashed(live, 'it sent a message that could not be read'));
    void (this.opts.watchEnd ?? watchLifeline)(worker).then(() => this.crashed(live, 'it stopped without an error (it closed, or the browser ended it)'));
    live.prepared = prepare ? (this.opts.prepare?.(live.remote) ?? null) : null;
    // A failed prepare surfaces in the next call; do not leave it unhandled meanwhile.
    live.prepared?.catch(() => {});
    this.live = live;
    return live;
  }

  /** Lets go of a worker: terminates it and rejects its pending calls with `reason`. */
  private end(live: Live<T>, reason: Error): void {
    if (live.over) return;
    live.over = true;
    if (this.live === live) this.live = null;
    // The proxy is not released: a released proxy throws on late use, where one to a terminated worker only goes unanswered.
    live.worker.terminate();
    live.markEnded();
    for (const fail of [...live.pending]) fail(reason);
  }

  private crashed(live: Live<T>, message: string): void {
    if (live.over) return;
    const text = `The ${this.opts.label} crashed: ${message}`;
    this.end(live, new WorkerCrashedError(text));
    this.onCrash?.(text);
  }

  /** Replaces a worker that did not stop an aborted call in time (or could not be asked to) with a fresh, prepared one. */
  private replace(live: Live<T>): void {
    if (live.over) return;
    this.end(live, new WorkerCrashedError(`The ${this.opts.label} was restarted: a stopped call did not end within ${this.opts.stopGraceMs} ms`));
    this.spawn(true);
  }

  /** The live worker (spawned if there is none) once no aborted call runs on it. */
  private async settled(setsState: boolean, signal: AbortSignal | undefined, what: string): Promise<Live<T>> {
    for (;;) {
      const live = this.live ?? this.spawn(!setsState);
      if (live.draining.size === 0) return live;
      // Bounded by the grace period: at its end the worker is replaced and `ended` resolves.
      await Promise.race([Promise.all(live.draining), live.ended]);
      if (signal?.aborted) throw abortError(`the ${what} was aborted`);
    }
  }

  /**
   * Runs `start` on the worker. Resolves with its answer; rejects with an
   * AbortError as soon as `signal` aborts, with WorkerCrashedError when the
   * worker crashes or ends, or with the worker's own error.
   */
  async call<R>(what: string, start: (remote: Comlink.Remote<T>) => Promise<R>, opts: CallOptions<T> = {}): Promise<R> {
    const { signal } = opts;
    if (signal?.aborted) throw abortError(`the ${what} was aborted`);
    const live = await this.settled(opts.setsState ?? false, signal, what);
    let fail!: (e: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    live.pending.add(fail);
    let answered = false;
    let markAnswered!: () => void;
    const answer = new Promise<void>((resolve) => (markAnswered = resolve));
    const onAbort = () => {
      fail(abortError(`the ${what} was aborted`));
      if (answered || live.over) return;
      live.draining.add(answer);
      const grace = this.opts.stopGraceMs;
      if (!opts.cancel || grace <= 0) {
        this.replace(live);
        return;
      }
      try {
        Promise.resolve(opts.cancel(live.remote)).catch(() => {});
      } catch {
        // A cancel that cannot even be sent: the grace period below ends the worker.
      }
      setTimeout(() => {
        if (!answered) this.replace(live);
      }, grace);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const run = (async () => {
      if (live.prepared && !opts.setsState) await live.prepared;
      return start(live.remote);
    })();
    const settle = () => {
      answered = true;
      live.draining.delete(answer);
      markAnswered();
    };
    run.then(settle, settle);
    try {
      return await Promise.race([run, failed]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      live.pending.delete(fail);
    }
  }

  /** Sends a one-way message to the worker (spawned if there is none): its answer and any failure are ignored. */
  notify(send: (remote: Comlink.Remote<T>) => unknown): void {
    const live = this.live ?? this.spawn(true);
    void (async () => send(live.remote))().catch(() => {});
  }

  /** Terminates the worker; pending calls reject with an AbortError. The next call spawns a fresh one. */
  dispose(): void {
    if (this.live) this.end(this.live, abortError(`the ${this.opts.label} was disposed`));
  }
}

/** A typed client of one bridged worker (the costing and training clients): its crash hook, spawn count and dispose. */
export class WorkerClient<T> {
  protected readonly bridge: WorkerBridge<T>;

  constructor(createWorker: () => WorkerLike, opts: Omit<WorkerBridgeOptions<T>, 'prepare'>) {
    this.bridge = new WorkerBridge<T>(createWorker, { ...opts, prepare: (remote) => this.prepare(remote) });
  }

  /** What a fresh worker needs before any call (null: nothing); clients that remember state replay it here. */
  protected prepare(_remote: Comlink.Remote<T>): Promise<unknown> | null {
    return null;
  }

  /** called when the worker crashes (or ends silently), whether or not a call was pending */
  get onCrash(): ((message: string) => void) | null {
    return this.bridge.onCrash;
  }
  set onCrash(f: ((message: string) => void) | null) {
    this.bridge.onCrash = f;
  }

  /** workers spawned so far (1 + respawns), for diagnostics and tests */
  get spawned(): number {
    return this.bridge.spawned;
  }

  /** Sends a one-way message to the worker (spawned if there is none): its answer and any failure are ignored. */
  notify(send: (remote: Comlink.Remote<T>) => unknown): void {
    this.bridge.notify(send);
  }

  dispose(): void {
    this.bridge.dispose();
  }
}
