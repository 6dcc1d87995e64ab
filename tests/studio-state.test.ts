/** The page's zustand store and the controller that keeps the worker's job in step with the knobs. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COSTING_ORIGIN, createStudioStore } from '../src/ui/state/store.ts';
import { startCostingController, type CostingRunner } from '../src/ui/costing/controller.ts';
import { studioHardware } from '../src/ui/state/hardware.ts';
import { PARAMS, defaultParams } from '../src/core/params.ts';
import { METRICS, allocateColumns } from '../src/core/metrics.ts';
import type { CostingChunk, CostingRequest, CostingResult } from '../src/protocol/costing.ts';

beforeAll(() => {
  const g = globalThis as Record<string, unknown>;
  g.window ??= globalThis;
  g.requestAnimationFrame ??= (cb: () => void) => setTimeout(cb, 0) as unknown as number;
  g.cancelAnimationFrame ??= (id: number) => clearTimeout(id);
});

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function chunkOf(jobId: number, start: number, values: number[], target: number): CostingChunk {
  const columns = allocateColumns(values.length);
  for (const m of METRICS) columns[m].set(values);
  return { jobId, start, count: values.length, target, columns, genomes: values.map((v) => `g${v}`) };
}

interface Call {
  input: Omit<CostingRequest, 'jobId'>;
  onChunk(c: CostingChunk): void;
  signal: AbortSignal;
  resolve(r: CostingResult): void;
  reject(e: Error): void;
}

function fakeRunner() {
  const calls: Call[] = [];
  const runner: CostingRunner = {
    onCrash: null,
    run(input, onChunk, signal) {
      return new Promise<CostingResult>((resolve, reject) => {
        calls.push({ input, onChunk, signal, resolve, reject });
        signal.addEventListener('abort', () => reject(new DOMException('superseded', 'AbortError')));
      });
    },
  };
  return { runner, calls };
}

const result = (jobId: number, count: number): CostingResult => ({
  jobId,
  count,
  target: count,
  completed: true,
  assumedRate1: true,
  timings: { sampleMs: 1, costMs: 1, totalMs: 2, reusedSamples: false },
});

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
});

describe('studio store', () => {
  it('re-derives feasibility when a budget moves, without a new job', () => {
    const store = createStudioStore({ ...defaultParams(), maxParams: 400000 });
    const columns = allocateColumns(3);
    columns.params.set([1e5, 5e5, 1e6]);
    columns.areaMm2.set([1, 1, 1]);
    columns.latencyMs.set([1, 1, 1]);
    columns.energyUJ.set([1, 1, 1]);
    store.getState().setResults({ jobId: 1, columns, genomes: ['a', 'b', 'c'], count: 3, target: 3, complete: true, version: 1, origin: COSTING_ORIGIN, key: '' });
    expect(store.getState().feasibility.counts.feasible).toBe(1);
    const v = store.getState().feasibility.version;
    store.getState().setParam('maxParams', 600000);
    expect(store.getState().feasibility.counts.feasible).toBe(2);
    expect(store.getState().feasibility.version).toBe(v + 1);
    store.getState().setParam('maxParams', PARAMS.maxParams.max); // top of the slider: no limit
    expect(store.getState().budgets.maxParams).toBe(Infinity);
    expect(store.getState().feasibility.counts.feasible).toBe(3);
  });

  it('keeps the feasibility of the same rows, and the counts object while re-judged results count the same (what shows them does not re-render)', () => {
    const store = createStudioStore({ ...defaultParams(), maxParams: 400000 });
    const columns = allocateColumns(3);
    columns.params.set([1e5, 5e5, 1e6]);
    const results = { jobId: 1, columns, genomes: ['a', 'b', 'c'], count: 3, target: 3, complete: true, version: 1, origin: COSTING_ORIGIN, key: '' };
    store.getState().setResults(results);
    const first = store.getState().feasibility;
    // The same rows taken over by a search: the same feasibility (mask, version, counts), nothing re-judged.
    store.getState().setResults({ ...results, origin: { kind: 'search' } });
    expect(store.getState().feasibility).toBe(first);
    // The rows again under a new version (their figures may have changed in place): re-judged, the same counts kept.
    store.getState().setResults({ ...results, version: 2, origin: { kind: 'search' } });
    expect(store.getState().feasibility.version).toBe(first.version + 1);
    expect(store.getState().feasibility.counts).toBe(first.counts);
    // A budget that admits one more: new counts.
    store.getState().setParam('maxParams', 600000);
    expect(store.getState().feasibility.counts).not.toBe(first.counts);
    expect(store.getState().feasibility.counts.feasible).toBe(2);
    // Back: the counts say what the first said, in the object kept since the last change.
    const second = store.getState().feasibility.counts;
    store.getState().setParam('maxParams', 400000);
    expect(store.getState().feasibility.counts).not.toBe(second);
    expect(store.getState().feasibility.counts).toEqual(first.counts);
  });

  it('moves the other end of a range that would cross, and swaps axes instead of duplicating one', () => {
    const store = createStudioStore();
    store.getState().setParam('channelsMax', 4);
    expect(store.getState().params.channelsMin).toBe(4);
    store.getState().setParam('timestepsMin', 12);
    expect(store.getState().params.timestepsMax).toBe(12);
    store.getState().setAxis('x', 'energyUJ');
    expect(store.getState().axes).toEqual({ x: 'energyUJ', y: 'areaMm2' });
  });

  it('resolves the hardware from the knobs and edited constants, naming a bad field', () => {
    const p = { ...defaultParams(), xbar: 128, cellBits: 4 };
    const ok = studioHardware(p, { eAdcPj: 3 });
    expect(ok.config).toMatchObject({ xbar: 128, cellBits: 4, eAdcPj: 3, mode: 'neuronas' });
    const bad = studioHardware(p, { pesPerTile: 0 });
    expect(bad.error?.field).toBe('hardware.pes_per_tile');
  });
});

describe('costing controller', () => {
  it('starts at once, aborts the running job on a change, debounces the next and drops stale chunks', async () => {
    const store = createStudioStore();
    const { runner, calls } = fakeRunner();
    stop = startCostingController(store, runner, 30).stop;
    expect(calls).toHaveLength(1);
    expect(calls[0].input.samples).toBe(PARAMS.samples.default);
    calls[0].onChunk(chunkOf(1, 0, [1, 2], 4));
    await tick(5);
    expect(store.getState().results.count).toBe(2);

    store.getState().setParam('xbar', 128);
    store.getState().setParam('xbar', 256);
    expect(calls[0].signal.aborted).toBe(true);
    expect(calls).toHaveLength(1); // debounced
    await tick(50);
    expect(calls).toHaveLength(2);
    expect(calls[1].input.hardware.xbar).toBe(256);

    // A stale chunk from the aborted job changes nothing.
    calls[0].onChunk(chunkOf(1, 2, [3, 4], 4));
    await tick(5);
    expect(store.getState().results.count).toBe(2);

    calls[1].onChunk(chunkOf(2, 0, [5, 6, 7], 3));
    calls[1].resolve(result(2, 3));
    await tick(5);
    const s = store.getState();
    expect(s.results).toMatchObject({ jobId: 2, count: 3, complete: true });
    expect(Array.from(s.results.columns.energyUJ.subarray(0, 3))).toEqual([5, 6, 7]);
    expect(s.job.phase).toBe('done');
    expect((globalThis as { __neuronasTimings?: { jobs: unknown[] } }).__neuronasTimings?.jobs.length).toBeGreaterThan(0);
  });

  it('never sends budget changes to the worker', async () => {
    const store = createStudioStore();
    const { runner, calls } = fakeRunner();
    stop = startCostingController(store, runner, 10).stop;
    store.getState().setParam('maxAreaMm2', 55);
    store.getState().setAxis('x', 'tiles');
    await tick(30);
    expect(calls).toHaveLength(1);
    expect(calls[0].signal.aborted).toBe(false);
  });

  it('keeps the last results and shows the error when a job fails; retry runs again', async () => {
    const store = createStudioStore();
    const { runner, calls } = fakeRunner();
    const c = startCostingController(store, runner, 10);
    stop = c.stop;
    calls[0].onChunk(chunkOf(1, 0, [1, 2, 3], 3));
    calls[0].resolve(result(1, 3));
    await tick(5);
    store.getState().setParam('seed', 99);
    await tick(30);
    calls[1].reject(new Error('The costing worker crashed: boom'));
    await tick(5);
    expect(store.getState().job).toMatchObject({ phase: 'error', error: 'The costing worker crashed: boom' });
    expect(store.getState().results.count).toBe(3);
    c.retry();
    expect(calls).toHaveLength(3);
    expect(calls[2].input.seed).toBe(99);
  });

  it('does not start a job while a hardware constant is invalid', async () => {
    const store = createStudioStore();
    const { runner, calls } = fakeRunner();
    stop = startCostingController(store, runner, 10).stop;
    store.getState().setHwEdit('clockMhz', -5);
    await tick(30);
    expect(calls).toHaveLength(1);
    expect(calls[0].signal.aborted).toBe(true);
    expect(store.getState().job.phase).toBe('idle');
    store.getState().setHwEdit('clockMhz', undefined);
    await tick(30);
    expect(calls).toHaveLength(2);
  });

  it('shows an imported run without re-running it, and costs afresh only when an input needs it', async () => {
    const store = createStudioStore();
    const { runner, calls } = fakeRunner();
    const c = startCostingController(store, runner, 10);
    stop = c.stop;
    expect(calls).toHaveLength(1);
    const inputs = { params: { ...defaultParams(), seed: 5, samples: 300 }, hwEdits: { eAdcPj: 3 }, axes: { x: 'params' as const, y: 'latencyMs' as const } };
    const columns = allocateColumns(2);
    columns.params.set([1e5, 9e5]);
    const imported = { jobId: 0, columns, genomes: ['a', 'b'], count: 2, target: 2, complete: true, version: 99, origin: COSTING_ORIGIN, key: '' };
    c.adopt(() => store.getState().showImported(inputs, imported));
    expect(calls[0].signal.aborted).toBe(true);
    const s = store.getState();
    expect(s.params.seed).toBe(5);
    expect(s.hwEdits).toEqual({ eAdcPj: 3 });
    expect(s.axes).toEqual({ x: 'params', y: 'latencyMs' });
    expect(s.results.count).toBe(2);
    expect(s.feasibility.counts.feasible).toBe(1); // 9e5 parameters break the default memory budget
    expect(s.job.phase).toBe('done');
    // A budget re-judges the imported candidates; nothing is re-run.
    store.getState().setParam('maxParams', PARAMS.maxParams.max);
    await tick(30);
    expect(calls).toHaveLength(1);
    expect(store.getState().feasibility.counts.feasible).toBe(2);
    // An input that needs new candidates costs afresh.
    store.getState().setParam('seed', 6);
    await tick(30);
    expect(calls).toHaveLength(2);
    expect(calls[1].input.seed).toBe(6);
  });
});
