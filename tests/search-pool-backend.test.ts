/**
 * A search's training workers run on one backend: each probes ('auto') at once, and one whose probe chose
 * otherwise than the first's is initialised again with the first's choice, which every client then replays on a
 * respawned worker (a candidate's score must not depend on the worker that took it).
 */
import { describe, expect, it } from 'vitest';
import { initOnOneBackend } from '../src/workers/search-pool.ts';
import type { InitRequest, InitResult } from '../src/protocol/training.ts';

class FakeClient {
  readonly inits: InitRequest[] = [];
  kept: string | null = null;
  constructor(private readonly probeChooses: InitResult['backend']) {}
  async init(request: InitRequest): Promise<InitResult> {
    this.inits.push(request);
    const backend = request.backend === 'auto' ? this.probeChooses : request.backend;
    return { backend, reason: request.backend === 'auto' ? 'fastest on the probe' : `${backend} as requested`, probes: [], softwareGpu: false, ms: 1 } as unknown as InitResult;
  }
  keepBackend(backend: InitResult['backend']): void {
    this.kept = backend;
  }
}

describe('initOnOneBackend', () => {
  it('sets a worker whose probe chose another backend to the first worker’s, and every worker replays that one', async () => {
    const clients = [new FakeClient('wasm'), new FakeClient('webgl'), new FakeClient('wasm')];
    const first = await initOnOneBackend(clients, { backend: 'auto', wasmThreads: 1 });
    expect(first.backend).toBe('wasm');
    expect(clients.map((c) => c.inits.map((r) => r.backend))).toEqual([['auto'], ['auto', 'wasm'], ['auto']]);
    expect(clients[1].inits[1]).toEqual({ backend: 'wasm', wasmThreads: 1 });
    expect(clients.map((c) => c.kept)).toEqual(['wasm', 'wasm', 'wasm']);
  });

  it('initialises each worker once when their probes agree', async () => {
    const clients = [new FakeClient('webgl'), new FakeClient('webgl')];
    expect((await initOnOneBackend(clients, { backend: 'auto', wasmThreads: 1 })).backend).toBe('webgl');
    expect(clients.map((c) => c.inits.length)).toEqual([1, 1]);
    expect(clients.map((c) => c.kept)).toEqual(['webgl', 'webgl']);
  });
});
