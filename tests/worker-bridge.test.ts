/**
 * The worker bridge (src/worker-host/bridge.ts) over real worker threads
 * (tests/bridge-thread.ts, run by Node's worker_threads): a thread that ends
 * without an error, one busy in a long synchronous loop, cooperative abort,
 * terminate-after-grace, crashes, and a burst of aborts.
 *
 * A Node thread is not a DOM Worker, so an adapter (src/cli/thread-worker.ts) makes it look like
 * one (message and error events, terminate). A DOM worker says nothing when
 * it ends without an error; the page learns it from the worker's Web Lock
 * (watchLifeline), which Node 20 lacks. Here the thread's `exit` event stands
 * in for the lock being granted: both are the runtime saying the worker has
 * ended. The lock itself is exercised in the browser (e2e/search-workers.spec.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { WorkerBridge, WorkerCrashedError, isAbortError, type WorkerBridgeOptions } from '../src/worker-host/bridge.ts';
import type { ThreadTestApi } from './bridge-thread.ts';
import { ThreadWorker } from '../src/cli/thread-worker.ts';

/** The test's thread, as a DOM Worker to the bridge. */
const testThread = () => new ThreadWorker(new URL('./bridge-thread.mjs', import.meta.url));

let threads: ThreadWorker[] = [];

function setup(opts: Partial<WorkerBridgeOptions<ThreadTestApi>> = {}): WorkerBridge<ThreadTestApi> {
  return new WorkerBridge<ThreadTestApi>(
    () => {
      const t = testThread();
      threads.push(t);
      return t;
    },
    { label: 'test worker', stopGraceMs: 200, watchEnd: (w) => (w as ThreadWorker).exited, ...opts },
  );
}

afterEach(async () => {
  await Promise.all(threads.map((t) => t.thread.terminate()));
  threads = [];
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await delay(5);
  }
}

describe('worker bridge over real threads', () => {
  it('a thread that ends without an error fails its pending call at once, and the next call runs on a fresh, prepared thread', async () => {
    let prepared = 0;
    const bridge = setup({ prepare: (remote) => remote.setTag(`prepared #${++prepared}`) });
    const crashes: string[] = [];
    bridge.onCrash = (m) => crashes.push(m);
    const items: number[] = [];
    const job = bridge.call('count', (remote) => remote.count(1, 1_000_000, Comlink.proxy((i: number) => void items.push(i))));
    job.catch(() => {});
    await until(() => items.length >= 5);
    bridge.notify((remote) => remote.exitForTest());
    const err = await job.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCrashedError);
    expect((err as Error).message).toBe('The test worker crashed: it stopped without an error (it closed, or the browser ended it)');
    expect(crashes).toEqual([(err as Error).message]);
    expect(items.length).toBeLessThan(1_000_000);
    // Not respawned until it is needed.
    expect(threads).toHaveLength(1);
    expect(await bridge.call('tag', (remote) => remote.tag())).toBe('prepared #2');
    expect(threads).toHaveLength(2);
    expect(bridge.spawned).toBe(2);
    bridge.dispose();
  });

  it('a thread busy in one long synchronous loop is not taken for dead', async () => {
    const bridge = setup();
    const crashes: string[] = [];
    bridge.onCrash = (m) => crashes.push(m);
    await bridge.call('tag', (remote) => remote.tag());
    const spun = await bridge.call('spin', (remote) => remote.spin(1500));
    expect(spun).toBeGreaterThanOrEqual(1500);
    expect(crashes).toEqual([]);
    expect(await bridge.call('tag', (remote) => remote.setTag('still here').then(() => remote.tag()))).toBe('still here');
    expect(bridge.spawned).toBe(1);
    bridge.dispose();
  });

  it('abort rejects at once, asks the thread to stop, and keeps a thread that does', async () => {
    const bridge = setup({ stopGraceMs: 2000 });
    const ac = new AbortController();
    const items: number[] = [];
    const job = bridge.call('count', (remote) => remote.count(7, 1_000_000, Comlink.proxy((i: number) => void items.push(i))), { signal: ac.signal, cancel: (remote) => remote.cancel(7) });
    job.catch(() => {});
    await until(() => items.length >= 3);
    ac.abort();
    expect(isAbortError(await job.catch((e: unknown) => e))).toBe(true);
    // The next call waits for the stopped one to come back, then runs on the same thread.
    const again = await bridge.call('count', (remote) => remote.count(8, 3, Comlink.proxy(() => {})));
    expect(again).toEqual({ counted: 3, completed: true });
    expect(threads).toHaveLength(1);
    expect(threads[0].terminated).toBe(false);
    bridge.dispose();
  });

  it('a thread that does not stop within the grace period is replaced, and a call made meanwhile runs on the fresh one', async () => {
    let prepared = 0;
    const bridge = setup({ stopGraceMs: 200, prepare: (remote) => remote.setTag(`prepared #${++prepared}`) });
    await bridge.call('tag', (remote) => remote.tag());
    const ac = new AbortController();
    const job = bridge.call('spin', (remote) => remote.spin(20_000), { signal: ac.signal, cancel: (remote) => remote.cancel(1) });
    job.catch(() => {});
    await delay(100);
    ac.abort();
    expect(isAbortError(await job.catch((e: unknown) => e))).toBe(true);
    // Sent while the old thread still spins: it waits for the replacement instead of being lost with the old thread.
    expect(await bridge.call('tag', (remote) => remote.tag())).toBe('prepared #2');
    expect(threads).toHaveLength(2);
    expect(threads[0].terminated).toBe(true);
    bridge.dispose();
  });

  it('a crash rejects every pending call with WorkerCrashedError and tells onCrash once', async () => {
    const bridge = setup();
    const crashes: string[] = [];
    bridge.onCrash = (m) => crashes.push(m);
    const calls = [1, 2].map((id) => bridge.call('count', (remote) => remote.count(id, 1_000_000, Comlink.proxy(() => {}))));
    calls.forEach((c) => c.catch(() => {}));
    await bridge.call('tag', (remote) => remote.tag());
    bridge.notify((remote) => remote.crashForTest());
    const errors = await Promise.all(calls.map((c) => c.catch((e: unknown) => e)));
    for (const e of errors) {
      expect(e).toBeInstanceOf(WorkerCrashedError);
      expect((e as Error).message).toBe('The test worker crashed: simulated crash of the test thread');
    }
    expect(crashes).toHaveLength(1);
    bridge.dispose();
  });

  it('a burst of calls aborted at once or mid-way leaves nothing unsettled, and the next call completes', async () => {
    const bridge = setup({ stopGraceMs: 50 });
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      const ac = new AbortController();
      const jobId = 100 + i;
      // Every third one cannot be cancelled (a long kernel): its thread is replaced under the burst.
      const call =
        i % 3 === 2
          ? bridge.call('spin', (remote) => remote.spin(400), { signal: ac.signal, cancel: (remote) => remote.cancel(jobId) })
          : bridge.call('count', (remote) => remote.count(jobId, 1_000_000, Comlink.proxy(() => {})), { signal: ac.signal, cancel: (remote) => remote.cancel(jobId) });
      outcomes.push(call.then(() => 'answered', (e: unknown) => (isAbortError(e) ? 'aborted' : e)));
      await delay((i * 37) % 60);
      ac.abort();
    }
    expect(await Promise.all(outcomes)).toEqual(Array(12).fill('aborted'));
    expect(await bridge.call('count', (remote) => remote.count(999, 5, Comlink.proxy(() => {})))).toEqual({ counted: 5, completed: true });
    // Threads were replaced along the way (the spins), never leaked: all but the last have ended.
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.slice(0, -1).every((t) => t.terminated)).toBe(true);
    bridge.dispose();
  });
});
