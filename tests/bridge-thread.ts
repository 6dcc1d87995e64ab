/**
 * A real worker thread for tests/worker-bridge.test.ts: a small comlink API
 * on the thread's parent port, with the behaviours the bridge must handle —
 * a cancellable stream, a long synchronous kernel, remembered state, an
 * uncaught exception, and an end without any error.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';

export interface ThreadTestApi {
  /** calls `onItem(0…n-1)`, one per macrotask; stops at the next item once `cancel(jobId)` arrives */
  count(jobId: number, n: number, onItem: (i: number) => void): Promise<{ counted: number; completed: boolean }>;
  cancel(jobId: number): void;
  /** keeps the thread busy for `ms` in one synchronous loop (a long kernel); cannot be cancelled */
  spin(ms: number): number;
  setTag(tag: string): void;
  tag(): string;
  /** ends the thread from a timer, without an error (as `self.close()` ends a DOM worker) */
  exitForTest(): void;
  /** throws from a timer (an uncaught exception) */
  crashForTest(): void;
}

const cancelled = new Set<number>();
let tag = '';
const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

const api: ThreadTestApi = {
  async count(jobId, n, onItem) {
    let counted = 0;
    for (let i = 0; i < n; i++) {
      await macrotask();
      if (cancelled.has(jobId)) break;
      void Promise.resolve(onItem(i)).catch(() => {});
      counted++;
    }
    (onItem as unknown as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy]?.();
    return { counted, completed: counted === n };
  },
  cancel(jobId) {
    cancelled.add(jobId);
  },
  spin(ms) {
    const t0 = performance.now();
    while (performance.now() - t0 < ms);
    return performance.now() - t0;
  },
  setTag(t) {
    tag = t;
  },
  tag: () => tag,
  exitForTest() {
    setTimeout(() => process.exit(0));
  },
  crashForTest() {
    setTimeout(() => {
      throw new Error('simulated crash of the test thread');
    });
  },
};

// A Node MessagePort is an EventTarget whose message events carry `data`, as comlink expects.
Comlink.expose(api, parentPort as unknown as Comlink.Endpoint);
