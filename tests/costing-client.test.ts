/**
 * The page's costing client against the real worker API, connected through a
 * MessageChannel instead of a Worker: typed calls, streamed transferable
 * chunks, cancellation, superseding and crash recovery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { CostingClient, WorkerCrashedError, isAbortError } from '../src/ui/costing/client.ts';
import { createCostingApi } from '../src/workers/costing-api.ts';
import { CostingEngine } from '../src/workers/costing-engine.ts';
import { DEFAULT_SEARCH_SPACE } from '../src/core/arch/sampler.ts';
import { DEFAULT_HARDWARE } from '../src/core/cost/hardware.ts';
import type { CostingChunk, CostingRequest } from '../src/protocol/costing.ts';

/** Looks enough like a Worker for the client: messages go to a comlink-exposed API on the other port. */
class FakeWorker extends EventTarget {
  terminated = false;
  readonly engine = new CostingEngine();
  private readonly port: MessagePort;
  private readonly inner: MessagePort;

  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.inner = port2;
    port1.addEventListener('message', (e) => this.dispatchEvent(new MessageEvent('message', { data: (e as MessageEvent).data })));
    port1.start();
    Comlink.expose(createCostingApi({ engine: this.engine }), port2);
  }

  postMessage(data: unknown, transfer?: Transferable[]): void {
    if (!this.terminated) this.port.postMessage(data, transfer ?? []);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.inner.close();
  }

  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }
}

const request = (over: Partial<CostingRequest> = {}): Omit<CostingRequest, 'jobId'> => ({
  space: DEFAULT_SEARCH_SPACE,
  samples: 1500,
  seed: 5,
  hardware: { ...DEFAULT_HARDWARE },
  chunkSize: 100,
  ...over,
});

let workers: FakeWorker[] = [];
function makeClient(): CostingClient {
  return new CostingClient(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  });
}

afterEach(() => {
  for (const w of workers) w.terminate();
  workers = [];
});

describe('CostingClient', () => {
  it('runs a job and streams every candidate in order as Float64Array columns', async () => {
    const client = makeClient();
    const chunks: CostingChunk[] = [];
    const r = await client.run(request(), (c) => chunks.push(c), new AbortController().signal);
    expect(r.completed).toBe(true);
    expect(r.count).toBe(1500);
    // Every chunk has been delivered, in order, by the time the result is.
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(1500);
    chunks.forEach((c, i) => expect(c.start).toBe(i * 100));
    expect(chunks[0].columns.energyUJ).toBeInstanceOf(Float64Array);
    expect(chunks[0].genomes[0]).toMatch(/^c\d+-h\d+-t\d+-w8-\d{6}$/);
    client.dispose();
  });

  it('rejects an aborted job at once, drops its late chunks, and the next job completes', async () => {
    const client = makeClient();
    const ac = new AbortController();
    let afterAbort = 0;
    const first = client.run(request({ samples: 5000 }), () => {
      if (ac.signal.aborted) afterAbort++;
      else ac.abort();
    }, ac.signal);
    await expect(first).rejects.toSatisfy(isAbortError);
    const chunks: CostingChunk[] = [];
    const r = await client.run(request({ hardware: { ...DEFAULT_HARDWARE, xbar: 128 } }), (c) => chunks.push(c), new AbortController().signal);
    expect(r.completed).toBe(true);
    expect(afterAbort).toBe(0);
    expect(workers.length).toBe(1); // the worker stopped in time: no respawn
    client.dispose();
  });

  it('does not start when the signal is already aborted', async () => {
    const client = makeClient();
    const ac = new AbortController();
    ac.abort();
    await expect(client.run(request(), () => {}, ac.signal)).rejects.toSatisfy(isAbortError);
    expect(workers.length).toBe(0);
  });

  it('reports the worker’s own errors (bad hardware) without losing the worker', async () => {
    const client = makeClient();
    await expect(client.run(request({ hardware: { ...DEFAULT_HARDWARE, xbar: 48 } }), () => {}, new AbortController().signal)).rejects.toThrow(/xbar/);
    const r = await client.run(request({ samples: 200 }), () => {}, new AbortController().signal);
    expect(r.count).toBe(200);
    expect(workers.length).toBe(1);
    client.dispose();
  });

  it('turns a crash into WorkerCrashedError, tells onCrash, and respawns for the next job', async () => {
    const client = makeClient();
    const crashes: string[] = [];
    client.onCrash = (m) => crashes.push(m);
    let crashed = false;
    const job = client.run(request({ samples: 5000 }), () => {
      if (!crashed) {
        crashed = true;
        workers[0].crash('out of memory');
      }
    }, new AbortController().signal);
    await expect(job).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatch(/out of memory/);
    expect(workers[0].terminated).toBe(true);
    const r = await client.run(request({ samples: 300 }), () => {}, new AbortController().signal);
    expect(r.count).toBe(300);
    expect(workers.length).toBe(2);
    expect(client.spawned).toBe(2);
    client.dispose();
  });

  it('replaces a worker that does not stop an aborted job in time', async () => {
    const client = makeClient();
    const ac = new AbortController();
    const first = client.run(request({ samples: 3000 }), () => {}, ac.signal);
    // Freeze the first worker: it never answers again.
    await new Promise((r) => setTimeout(r, 5));
    const frozen = workers[0];
    frozen.postMessage = () => {};
    frozen.dispatchEvent = () => true;
    ac.abort();
    await expect(first).rejects.toSatisfy(isAbortError);
    const r = await client.run(request({ samples: 100 }), () => {}, new AbortController().signal);
    expect(r.count).toBe(100);
    expect(frozen.terminated).toBe(true);
    expect(workers.length).toBe(2);
    client.dispose();
  });
});
