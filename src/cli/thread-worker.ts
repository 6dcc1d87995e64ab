/**
 * A Node worker thread that looks like a DOM Worker to the worker bridge
 * (src/worker-host/bridge.ts): message and error events, postMessage with
 * transfers, terminate. The command line's pools are made of these, behind
 * the same clients as the page's workers.
 *
 * A DOM worker says nothing when it ends without an error; the page learns it
 * from the worker's Web Lock (watchLifeline), which Node lacks. The thread's
 * `exit` event (`exited`) stands in for the lock being granted: both are the
 * runtime saying the worker has ended (pass it as the bridge's `watchEnd`).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { WorkerLike } from '../worker-host/bridge.ts';

export class ThreadWorker extends EventTarget implements WorkerLike {
  readonly thread: Worker;
  /** resolves when the thread has ended, however it ended */
  readonly exited: Promise<void>;
  terminated = false;

  constructor(entry: URL, options?: WorkerOptions) {
    super();
    this.thread = new Worker(entry, options);
    this.exited = new Promise<void>((resolve) => this.thread.once('exit', () => resolve()));
    this.thread.on('message', (data: unknown) => this.dispatchEvent(new MessageEvent('message', { data })));
    this.thread.on('error', (e: Error) => this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message: e.message })));
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.thread.postMessage(message, transfer as never);
  }

  terminate(): void {
    this.terminated = true;
    void this.thread.terminate();
  }
}
