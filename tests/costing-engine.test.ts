import { describe, expect, it } from 'vitest';
import { CostingEngine, type EngineHooks } from '../src/workers/costing-engine.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../src/core/arch/sampler.ts';
import { formatGenome } from '../src/core/arch/genome.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { DEFAULT_HARDWARE, type HardwareConfig } from '../src/core/cost/hardware.ts';
import { METRICS } from '../src/core/metrics.ts';
import type { CostingChunk, CostingRequest } from '../src/protocol/costing.ts';

const pause = () => new Promise<void>((r) => setTimeout(r, 0));

function collector() {
  const chunks: CostingChunk[] = [];
  const hooks: EngineHooks = { emit: (c) => void chunks.push(c), pause, now: () => performance.now() };
  return { chunks, hooks };
}

function request(jobId: number, over: Partial<CostingRequest> = {}): CostingRequest {
  return { jobId, space: DEFAULT_SEARCH_SPACE, samples: 700, seed: 3, hardware: { ...DEFAULT_HARDWARE }, chunkSize: 200, ...over };
}

function expectMatchesEstimator(chunks: CostingChunk[], samples: number, seed: number, hw: HardwareConfig) {
  const archs = sampleArchitectures(DEFAULT_SEARCH_SPACE, samples, seed);
  const chw = compileHardware(hw);
  const out = createTotals();
  let i = 0;
  for (const chunk of chunks) {
    expect(chunk.start).toBe(i);
    for (let j = 0; j < chunk.count; j++, i++) {
      expect(chunk.genomes[j]).toBe(formatGenome(archs[i]));
      estimateArchitecture(archs[i], chw, out);
      for (const m of METRICS) expect(chunk.columns[m][j]).toBe(out[m]);
    }
  }
  expect(i).toBe(samples);
}

describe('CostingEngine', () => {
  it('streams sampled architectures in chunks of typed columns equal to the estimator', async () => {
    const engine = new CostingEngine();
    const { chunks, hooks } = collector();
    const r = await engine.run(request(1), hooks);
    expect(r).toMatchObject({ jobId: 1, count: 700, target: 700, completed: true, assumedRate1: true });
    expect(r.timings.reusedSamples).toBe(false);
    expect(chunks.map((c) => c.count)).toEqual([200, 200, 200, 100]);
    for (const c of chunks) for (const m of METRICS) expect(c.columns[m]).toBeInstanceOf(Float64Array);
    expectMatchesEstimator(chunks, 700, 3, DEFAULT_HARDWARE);
  });

  it('re-costs the same architectures without sampling when only the hardware changes', async () => {
    const engine = new CostingEngine();
    await engine.run(request(1), collector().hooks);
    const hw = { ...DEFAULT_HARDWARE, xbar: 128, cellBits: 4 };
    const { chunks, hooks } = collector();
    const r = await engine.run(request(2, { hardware: hw }), hooks);
    expect(r.completed).toBe(true);
    expect(r.timings.reusedSamples).toBe(true);
    expectMatchesEstimator(chunks, 700, 3, hw);
  });

  it('stops a job when a newer one starts, and resumes the sampling it left', async () => {
    const engine = new CostingEngine();
    const first = collector();
    const second: { run: ReturnType<CostingEngine['run']> | null } = { run: null };
    const secondChunks = collector();
    first.hooks.emit = (c) => {
      first.chunks.push(c);
      second.run ??= engine.run(request(2, { hardware: { ...DEFAULT_HARDWARE, xbar: 32 } }), secondChunks.hooks);
    };
    const r1 = await engine.run(request(1), first.hooks);
    expect(r1.completed).toBe(false);
    expect(first.chunks.length).toBe(1);
    const r2 = await second.run!;
    expect(r2.completed).toBe(true);
    expect(r2.timings.reusedSamples).toBe(true);
    expectMatchesEstimator(secondChunks.chunks, 700, 3, { ...DEFAULT_HARDWARE, xbar: 32 });
  });

  it('stops a cancelled job at the next chunk boundary', async () => {
    const engine = new CostingEngine();
    const { chunks, hooks } = collector();
    hooks.emit = (c) => {
      chunks.push(c);
      engine.cancel(9);
    };
    const r = await engine.run(request(9), hooks);
    expect(r.completed).toBe(false);
    expect(chunks.length).toBe(1);
    engine.cancel(12345); // unknown ids are ignored
  });

  it('fails before streaming on bad hardware or an empty space', async () => {
    const engine = new CostingEngine();
    const { chunks, hooks } = collector();
    await expect(engine.run(request(1, { hardware: { ...DEFAULT_HARDWARE, xbar: 48 } }), hooks)).rejects.toThrow(/hardware\.xbar/);
    await expect(engine.run(request(2, { space: { ...DEFAULT_SEARCH_SPACE, ops: ['zero', 'skip'], requireDirectEdge: true, hidden: [] } }), hooks)).rejects.toThrow();
    expect(chunks.length).toBe(0);
  });
});
