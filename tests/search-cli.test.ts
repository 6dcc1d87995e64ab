/**
 * `neuronas search` end to end in this process: real costs, real
 * training-free scores (wasm) and one real training run on MNIST.
 */
import { describe, expect, it } from 'vitest';
import { runSearchCommand } from '../src/cli/search.ts';
import { fakeIO } from './cli-io.ts';

// A small corner of the space so the real scorer and trainer finish quickly.
const SMALL = ['--channels-min', '8', '--channels-max', '16', '--timesteps-min', '2', '--timesteps-max', '3', '--hidden', '64', '--backend', 'wasm'];

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
    ] as [string[], RegExp][]) {
      const io = fakeIO();
      expect(await runSearchCommand([...args, '--json'], io)).toBe(2);
      expect(io.stderr.length).toBe(1);
      expect(io.stderr[0]).toMatch(message);
      expect(io.stdout).toEqual([]);
    }
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
});
