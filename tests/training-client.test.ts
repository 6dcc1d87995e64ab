/**
 * The page's training client (src/worker-host/training-client.ts) against a fake
 * worker: a comlink endpoint on a MessageChannel in this process, exposing a
 * scripted TrainingApi. Checks streaming, abort (cooperative cancel, and
 * terminate + respawn when the worker does not stop), crash handling and the
 * replay of `init` on a fresh worker.
 */
import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { TrainingClient, WorkerCrashedError, isAbortError } from '../src/worker-host/training-client.ts';
import type { InitRequest, ScoreItem, TrainingApi } from '../src/protocol/training.ts';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One fake worker: the scripted API runs "inside" it; `stuck` genomes never finish and ignore cancel. */
class FakeWorker extends EventTarget {
  readonly port: MessagePort;
  terminated = false;
  readonly inits: InitRequest[] = [];
  /** every call in arrival order: 'init', or 'upload:<files>' */
  readonly calls: string[] = [];
  readonly cancels: number[] = [];

  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    const cancelled = new Set<number>();
    const self = this;
    const api: TrainingApi = {
      async init(req) {
        self.inits.push(req);
        self.calls.push('init');
        return { backend: req.backend === 'auto' ? 'wasm' : req.backend, reason: 'fake', probes: [], softwareGpu: false, ms: 0 } as Awaited<ReturnType<TrainingApi['init']>>;
      },
      async provideDataset(upload) {
        self.calls.push(`upload:${upload.files.map((f) => `${f.name}/${f.bytes.length}`).join(',')}`);
        if (upload.files.some((f) => f.bytes.length % 3073 !== 0)) throw new Error(`CIFAR-10 file "${upload.files[0].name}" is malformed`);
        const count = upload.files.reduce((n, f) => n + f.bytes.length / 3073, 0);
        return { name: upload.name, count, shape: [32, 32, 3] as const, classes: 10, train: count - 1, test: 1 };
      },
      async score(req, onItem) {
        let count = 0;
        for (const [index, genome] of req.genomes.entries()) {
          if (genome === 'stuck') await new Promise(() => {});
          await delay(5);
          if (cancelled.has(req.jobId)) break;
          if (genome === 'late') {
            // Its item leaves after the result (as a Node thread's can arrive): on the callback's channel, later.
            setTimeout(() => void onItem({ jobId: req.jobId, index, genome, score: index, sign: 1, lifLayers: 1, kernels: 1, meanRate: 0.1, ms: 1 }), 30);
            count++;
            continue;
          }
          await onItem({ jobId: req.jobId, index, genome, score: index, sign: 1, lifLayers: 1, kernels: 1, meanRate: 0.1, ms: 1 });
          count++;
        }
        return { jobId: req.jobId, count, completed: count === req.genomes.length, backend: 'wasm', batch: 4, totalMs: 1 };
      },
      async train() {
        throw new Error('not scripted');
      },
      async benchReference() {
        throw new Error('not scripted');
      },
      async spikeRaster() {
        throw new Error('not scripted');
      },
      async proxies() {
        throw new Error('not scripted');
      },
      cancel(jobId) {
        self.cancels.push(jobId);
        cancelled.add(jobId);
      },
      test: {
        crash() {
          setTimeout(() => self.crash('simulated crash'), 0);
        },
        close() {
          // Silent, as a closed worker is: no event, the port just stops answering.
          setTimeout(() => port1.close(), 0);
        },
      },
    };
    Comlink.expose(api, port1 as unknown as Comlink.Endpoint);
    this.port = port2;
    port2.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.port.postMessage(message, transfer as never);
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    if (type === 'message') this.port.addEventListener('message', listener as never, options as never);
    else super.addEventListener(type, listener, options);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: EventListenerOptions | boolean): void {
    if (type === 'message') this.port.removeEventListener('message', listener as never, options as never);
    else super.removeEventListener(type, listener, options);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
  }

  crash(message: string): void {
    const ev = new Event('error') as Event & { message: string };
    ev.message = message;
    this.dispatchEvent(ev);
  }
}

function setup(stopGraceMs = 50): { client: TrainingClient; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const client = new TrainingClient(
    () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
    { stopGraceMs },
  );
  return { client, workers };
}

describe('training client', () => {
  it('initialises once and streams score items of its own job', async () => {
    const { client, workers } = setup();
    const init = await client.init({ backend: 'wasm' });
    expect(init.backend).toBe('wasm');
    const items: ScoreItem[] = [];
    const r = await client.score({ genomes: ['a', 'b', 'c'], dataset: 'mnist', seed: 1 }, (i) => items.push(i));
    expect(r.completed).toBe(true);
    expect(items.map((i) => i.genome)).toEqual(['a', 'b', 'c']);
    expect(workers).toHaveLength(1);
    expect(workers[0].inits).toEqual([{ backend: 'wasm' }]);
    client.dispose();
  });

  it('resolves a scoring call only once every item it counts has arrived, even one that comes after the result', async () => {
    const { client } = setup();
    await client.init({ backend: 'wasm' });
    const items: string[] = [];
    const r = await client.score({ genomes: ['a', 'late', 'c'], dataset: 'mnist', seed: 1 }, (i) => items.push(i.genome));
    expect(r.count).toBe(3);
    expect(items.sort()).toEqual(['a', 'c', 'late']);
    client.dispose();
  });

  it('on abort rejects at once, cancels cooperatively, and keeps a worker that stops in time', async () => {
    const { client, workers } = setup(500);
    await client.init({ backend: 'wasm' });
    const ac = new AbortController();
    const items: ScoreItem[] = [];
    const p = client.score({ genomes: Array.from({ length: 100 }, (_, i) => `g${i}`), dataset: 'mnist', seed: 1 }, (i) => {
      items.push(i);
      if (items.length === 3) ac.abort();
    }, ac.signal);
    const err = await p.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(items).toHaveLength(3);
    await delay(700);
    expect(workers[0].cancels).toHaveLength(1);
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false);
    client.dispose();
  });

  it('terminates a worker that does not stop and respawns one, replaying init', async () => {
    const { client, workers } = setup(50);
    await client.init({ backend: 'cpu' });
    const ac = new AbortController();
    const p = client.score({ genomes: ['a', 'stuck'], dataset: 'mnist', seed: 1 }, () => {}, ac.signal);
    await delay(30);
    ac.abort();
    expect(isAbortError(await p.catch((e: unknown) => e))).toBe(true);
    await delay(120);
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    // The fresh worker got the remembered init before any job.
    expect(workers[1].inits).toEqual([{ backend: 'cpu' }]);
    const items: ScoreItem[] = [];
    const r = await client.score({ genomes: ['x'], dataset: 'mnist', seed: 1 }, (i) => items.push(i));
    expect(r.completed).toBe(true);
    expect(items).toHaveLength(1);
    client.dispose();
  });

  it('replays a provided data set after the init on a respawned worker, and keeps the last good one after a bad upload', async () => {
    const { client, workers } = setup();
    await client.init({ backend: 'wasm' });
    const upload = { name: 'cifar10' as const, files: [{ name: 'data_batch_1.bin', bytes: new Uint8Array(3073 * 5) }] };
    const summary = await client.provideDataset(upload);
    expect(summary).toMatchObject({ count: 5, train: 4, test: 1 });
    expect(client.upload).toBe(upload);
    const bad = { name: 'cifar10' as const, files: [{ name: 'broken.bin', bytes: new Uint8Array(100) }] };
    await expect(client.provideDataset(bad)).rejects.toThrow('broken.bin');
    expect(client.upload).toBe(upload);
    expect(workers[0].calls).toEqual(['init', 'upload:data_batch_1.bin/15365', 'upload:broken.bin/100']);
    workers[0].crash('lost');
    await client.score({ genomes: ['a'], dataset: 'cifar10', seed: 1 }, () => {});
    expect(workers).toHaveLength(2);
    expect(workers[1].calls).toEqual(['init', 'upload:data_batch_1.bin/15365']);
    client.dispose();
  });

  it('rejects the pending call with a clear error when the worker crashes, and respawns on next use', async () => {
    const { client, workers } = setup();
    const crashes: string[] = [];
    client.onCrash = (m) => crashes.push(m);
    await client.init({ backend: 'wasm' });
    const p = client.score({ genomes: ['a', 'stuck'], dataset: 'mnist', seed: 1 }, () => {});
    await delay(20);
    workers[0].crash('out of memory');
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCrashedError);
    expect((err as Error).message).toBe('The training worker crashed: out of memory');
    expect(crashes).toEqual(['The training worker crashed: out of memory']);
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(1);
    const r = await client.score({ genomes: ['b'], dataset: 'mnist', seed: 1 }, () => {});
    expect(r.completed).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1].inits).toEqual([{ backend: 'wasm' }]);
    client.dispose();
  });

  it('refuses a call whose signal is already aborted without starting a worker', async () => {
    const { client, workers } = setup();
    const ac = new AbortController();
    ac.abort();
    await expect(client.score({ genomes: ['a'], dataset: 'mnist', seed: 1 }, () => {}, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers).toHaveLength(0);
  });
});
