/**
 * `neuronas search` end to end in this process: real costs, real
 * training-free scores (wasm) and one real training run on MNIST.
 */
import { describe, expect, it } from 'vitest';
import { runSearchCommand } from '../src/cli/search.ts';
import { fakeIO } from './cli-io.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticCifarBatch } from './cifar-fixture.ts';
import { PARAMS } from '../src/core/params.ts';

// A small corner of the space so the real scorer and trainer finish quickly.
// Ranked by SNASNet's score, so the real scorer runs (the default ranking, the parameter count, has its own test).
const SMALL = ['--channels-min', '8', '--channels-max', '16', '--timesteps-min', '2', '--timesteps-max', '3', '--hidden', '64', '--backend', 'wasm', '--rank-by', 'snasnet'];

async function search(args: string[]) {
  const io = fakeIO();
  const code = await runSearchCommand([...args, ...SMALL, '--json'], io);
  return { code, io, run: code === 0 ? JSON.parse(io.stdout.join('')) : null };
}

describe('neuronas search', () => {
  it('rejects bad input with one line and exit status 2', async () => {
    for (const [args, message] of [
      [['--strategy', 'greedy'], /--strategy: Strategy: 'greedy' is not one of neuronas, snasnet, random, evolution/],
      [['--samples', '-3'], /--samples: Samples: -3 is outside 10–20000/],
      [['--max-area-mm2', 'big'], /--max-area-mm2: Area: 'big' is not a number/],
      [['--bogus', '1'], /unknown option --bogus/],
      [['--ops', 'zero'], /no valid cell/],
      [['--dataset', 'cifar10'], /--dataset cifar10 needs --cifar data_batch_1.bin/],
      [['--cifar', 'a.bin'], /--cifar goes with --dataset cifar10 \(the dataset is mnist\)/],
      [['--dataset', 'cifar10', '--cifar', '/nonexistent/data_batch_1.bin'], /--cifar: ENOENT/],
    ] as [string[], RegExp][]) {
      const io = fakeIO();
      expect(await runSearchCommand([...args, '--json'], io)).toBe(2);
      expect(io.stderr.length).toBe(1);
      expect(io.stderr[0]).toMatch(message);
      expect(io.stdout).toEqual([]);
    }
  });

  it('ranks by the parameter count by default: each feasible candidate scored with its weights, no scorer run, the largest trained', async () => {
    const small = SMALL.filter((a, i) => a !== '--rank-by' && SMALL[i - 1] !== '--rank-by');
    const io = fakeIO();
    const code = await runSearchCommand(['--samples', '40', '--seed', '3', '--top-k', '1', '--epochs', '1', '--train-samples', '500', ...small, '--json'], io);
    expect(io.stderr.join('')).not.toMatch(/error|usage/i);
    expect(code).toBe(0);
    const run = JSON.parse(io.stdout.join(''));
    expect(run.settings.rank_by).toBe('params');
    const feasible = run.candidates.filter((c: { feasible: boolean }) => c.feasible);
    expect(feasible.length).toBeGreaterThan(3);
    for (const c of feasible) expect(c.score).toBe(c.params);
    const largest = Math.max(...feasible.map((c: { params: number }) => c.params));
    expect(run.trained).toHaveLength(1);
    expect(run.candidates[run.trained[0].index].params).toBe(largest);
    // Costing a proxy takes microseconds; no forward pass ran.
    expect(run.timings.score_ms).toBeLessThan(100);
  });

  it('scores only feasible candidates under NeuroNAS, all under SNASNet, with the same scores and the same best', async () => {
    const budgets = ['--max-params', '60000', '--max-energy-uj', '6'];
    const n = await search(['--strategy', 'neuronas', '--samples', '16', '--seed', '5', '--top-k', '0', ...budgets]);
    const s = await search(['--strategy', 'snasnet', '--samples', '16', '--seed', '5', '--top-k', '0', ...budgets]);
    expect(n.code).toBe(0);
    expect(s.code).toBe(0);
    const feasible = n.run.candidates.filter((c: { feasible: boolean }) => c.feasible);
    expect(n.run.candidates.length).toBe(16);
    expect(feasible.length).toBeGreaterThan(0);
    expect(feasible.length).toBeLessThan(16);
    for (const c of n.run.candidates) {
      expect(c.feasible ? typeof c.score : c.score).toBe(c.feasible ? 'number' : null);
      expect(c.params).toBeLessThanOrEqual(c.feasible ? 60000 : Infinity);
    }
    expect(n.run.counts.rejected_before_scoring).toBe(16 - feasible.length);
    expect(s.run.counts.scored).toBe(16);
    // Same candidates, same costs; the same scores on the same backend.
    expect(s.run.candidates.map((c: { genome: string }) => c.genome)).toEqual(n.run.candidates.map((c: { genome: string }) => c.genome));
    for (const c of feasible) expect(s.run.candidates[c.index].score).toBe(c.score);
    expect(n.run.timings.total_ms).toBeGreaterThan(0);
    expect(n.run.timings.score_ms).toBeLessThan(s.run.timings.score_ms);
  });

  it('gives the same run on 2 worker threads as on 1: the same scores to the bit, the same top-k, trained alike', async () => {
    const args = ['--strategy', 'neuronas', '--samples', '12', '--seed', '8', '--top-k', '1', '--epochs', '1', '--train-samples', '500', '--max-params', '80000'];
    const one = await search([...args, '--workers', '1']);
    const two = await search([...args, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    const scores = (r: typeof one) => r.run.candidates.map((c: { genome: string; score: number | null }) => [c.genome, c.score]);
    expect(scores(two)).toEqual(scores(one));
    expect(one.run.counts.scored).toBeGreaterThan(1);
    const trained = (r: typeof one) => r.run.trained.map((t: { index: number; accuracy_quantized: number; spike_rates: number[] }) => [t.index, t.accuracy_quantized, t.spike_rates]);
    expect(trained(two)).toEqual(trained(one));
    expect(one.run.trained).toHaveLength(1);
  });

  it('trains the best candidate for real and puts it on the front', async () => {
    const r = await search(['--samples', '10', '--seed', '2', '--top-k', '1', '--epochs', '1', '--train-samples', '1000', '--max-params', '80000']);
    expect(r.code).toBe(0);
    expect(r.run.trained.length).toBe(1);
    const t = r.run.trained[0];
    expect(r.run.candidates[t.index].feasible).toBe(true);
    // One epoch on 1 000 digits: far above chance (10 %), not yet converged.
    expect(t.accuracy_float).toBeGreaterThan(0.3);
    expect(t.accuracy_quantized).toBeGreaterThan(0.3);
    expect(t.spike_rates.length).toBeGreaterThan(3);
    expect(t.measured.energy_uJ).toBeLessThanOrEqual(r.run.candidates[t.index].energy_uJ);
    expect(r.run.front).toEqual([t.index]);
    expect(r.run.timings.train_ms).toBeGreaterThan(0);
  });

  it('searches a user\'s CIFAR-10 batches on 32×32×3 candidates, and refuses a corrupt file in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'neuronas-cifar-'));
    try {
      const good = join(dir, 'data_batch_1.bin');
      const bad = join(dir, 'data_batch_2.bin');
      await writeFile(good, syntheticCifarBatch(400, 4));
      await writeFile(bad, syntheticCifarBatch(3, 4).subarray(0, 5000));
      const io = fakeIO();
      expect(await runSearchCommand(['--dataset', 'cifar10', '--cifar', `${good},${bad}`, '--json'], io)).toBe(2);
      expect(io.stderr).toEqual(['neuronas search: --cifar: CIFAR-10 file "data_batch_2.bin" has 5000 bytes, which is not a positive multiple of 3073 (1 label byte + 3072 pixel bytes per record)']);
      const r = await search(['--dataset', 'cifar10', '--cifar', good, '--samples', '10', '--seed', '3', '--top-k', '1', '--epochs', '1', '--train-samples', '500']);
      expect(r.code).toBe(0);
      expect(r.run.settings.dataset).toBe('cifar10');
      expect(r.run.settings.space.input).toEqual({ size: 32, channels: 3 });
      expect(r.run.candidates.every((c: { genome: string }) => c.genome.includes('-i32x3-'))).toBe(true);
      expect(r.run.trained).toHaveLength(1);
      // 320 training images of a learnable synthetic set, tested on the 80 held out: above the 10 % of chance.
      expect(r.run.trained[0].accuracy_quantized).toBeGreaterThan(0.2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // The studio's default budgets, as the run document writes them.
  const DEFAULT_BUDGETS = { max_params: PARAMS.maxParams.default, max_area_mm2: PARAMS.maxAreaMm2.default, max_latency_ms: PARAMS.maxLatencyMs.default, max_energy_uJ: PARAMS.maxEnergyUJ.default };
  type Candidate = { params: number; area_mm2: number; latency_ms: number; energy_uJ: number; feasible: boolean; score: number | null };
  const within = (c: Candidate, b: Partial<typeof DEFAULT_BUDGETS>) => c.params <= (b.max_params ?? Infinity) && c.area_mm2 <= (b.max_area_mm2 ?? Infinity) && c.latency_ms <= (b.max_latency_ms ?? Infinity) && c.energy_uJ <= (b.max_energy_uJ ?? Infinity);

  async function searchWith(args: string[]) {
    const io = fakeIO();
    const code = await runSearchCommand([...args, '--backend', 'wasm', '--json'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    return JSON.parse(io.stdout.join('')) as { settings: { budgets: Record<string, number | null> }; candidates: Candidate[]; counts: Record<string, number> };
  }

  it('applies the studio\'s default budgets when no budget is given, so NeuroNAS rejects before scoring', async () => {
    const r = await searchWith(['--samples', '10', '--seed', '4', '--top-k', '0', '--score-batch', '8']);
    expect(r.settings.budgets).toEqual(DEFAULT_BUDGETS);
    for (const c of r.candidates) {
      expect(c.feasible).toBe(within(c, DEFAULT_BUDGETS));
      expect(c.score === null).toBe(!c.feasible);
    }
    expect(r.counts.rejected_before_scoring).toBeGreaterThan(0);
    expect(r.counts.rejected_before_scoring + r.counts.scored).toBe(10);
  });

  it('--no-budgets lifts every budget not given, and none lifts one', async () => {
    // The random strategy with top-k 0 only samples and costs: the budgets decide feasibility alone.
    const common = ['--strategy', 'random', '--top-k', '0', '--samples', '20', '--seed', '4'];
    const open = await searchWith([...common, '--no-budgets']);
    expect(open.settings.budgets).toEqual({ max_params: null, max_area_mm2: null, max_latency_ms: null, max_energy_uJ: null });
    expect(open.candidates.every((c) => c.feasible)).toBe(true);
    const onlyParams = await searchWith([...common, '--no-budgets', '--max-params', '300000']);
    expect(onlyParams.settings.budgets).toEqual({ max_params: 300000, max_area_mm2: null, max_latency_ms: null, max_energy_uJ: null });
    for (const c of onlyParams.candidates) expect(c.feasible).toBe(c.params <= 300000);
    expect(onlyParams.candidates.some((c) => !c.feasible)).toBe(true);
    const noEnergy = await searchWith([...common, '--max-energy-uj', 'none']);
    const rest = { ...DEFAULT_BUDGETS, max_energy_uJ: null };
    expect(noEnergy.settings.budgets).toEqual(rest);
    for (const c of noEnergy.candidates) expect(c.feasible).toBe(within(c, { ...DEFAULT_BUDGETS, max_energy_uJ: Infinity }));
    // The top of a budget's range means no limit, as on the page's slider.
    const top = await searchWith([...common, '--max-params', String(PARAMS.maxParams.max)]);
    expect(top.settings.budgets.max_params).toBeNull();
  });

  it('--help says what a budget left out does', async () => {
    const io = fakeIO();
    expect(await runSearchCommand(['--help'], io)).toBe(0);
    const help = io.stdout.join('\n');
    expect(help).not.toMatch(/left out = no limit/);
    expect(help).toMatch(/Each budget left out is the studio's default above\. VALUE none \(or the top of\s+the range\) is no limit\./);
    expect(help).toMatch(/--no-budgets\s+no limit for every budget left out \(the ones given still apply\)/);
    expect(help).toContain(`--max-params       ${PARAMS.maxParams.label} (${PARAMS.maxParams.unit}): ${PARAMS.maxParams.min}–${PARAMS.maxParams.max}; default ${PARAMS.maxParams.default}`);
  });
});
