/**
 * `neuronas calibrate` end to end in this process: a real (tiny) calibration
 * on MNIST with the wasm backend — real costs, proxies, training and
 * statistics — and bad input said in one line.
 */
import { describe, expect, it } from 'vitest';
import { runCalibrate } from '../src/cli/calibrate.ts';
import { fakeIO } from './cli-io.ts';
import { PROXY_NAMES } from '../src/core/calibration/proxies.ts';
import type { CalibrationDocument } from '../src/core/calibration/document.ts';

// A corner of the space that trains in about a second per candidate, and proxies on few images.
const TINY = [
  ...['--channels-min', '8', '--channels-max', '16', '--timesteps-min', '2', '--timesteps-max', '2', '--hidden', '32,64', '--samples', '200'],
  ...['--epochs', '1', '--train-samples', '500', '--test-samples', '300', '--seed-repeats', '2', '--bootstrap', '200'],
  ...['--score-batch', '16', '--score-repeats', '1', '--gradient-batch', '16', '--early-steps', '3', '--early-batch', '16', '--early-held-out', '50'],
  '--backend', 'wasm',
];

describe('neuronas calibrate', () => {
  it('rejects bad input with one line and exit status 2', async () => {
    for (const [args, message] of [
      [['--candidates', '3'], /--candidates must be between 6 and 500, got 3/],
      [['--proxies', 'params,naswot'], /--proxies: unknown proxy 'naswot'/],
      [['--dataset', 'cifar10'], /calibrate runs on the embedded data sets \(mnist, fashion-mnist\), not cifar10/],
      [['--test-samples', '5000'], /--test-samples must be between 100 and 2000, got 5000/],
      [['--top-k', '2'], /--top-k does not apply to calibrate/],
      [['--score-batch', '256', '--score-repeats', '8', '--early-steps', '1000'], /needs \d+ training images; mnist has 8000 outside its test split/],
      [['--samples', '100', '--candidates', '60'], /only \d+ of the 100 sampled candidates meet the budgets; 60 are needed/],
      [['--bogus'], /unknown option --bogus/],
    ] as [string[], RegExp][]) {
      const io = fakeIO();
      expect(await runCalibrate([...args, '--json'], io), args.join(' ')).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(message);
      expect(io.stdout).toEqual([]);
    }
  });

  it('calibrates every proxy on stratified candidates, trains them, and reports τ, ρ, intervals and noise', async () => {
    const io = fakeIO();
    expect(await runCalibrate([...TINY, '--candidates', '6', '--seed', '2', '--json', '--progress'], io)).toBe(0);
    const doc = JSON.parse(io.stdout.join('')) as CalibrationDocument;
    expect(doc.format).toBe('neuronas-calibration');
    expect(doc.candidates).toHaveLength(6);
    // The hardware in the file spelling of run files and the estimate input (camelCase is only in memory).
    expect(doc.settings.hardware).toMatchObject({ preset: 'spikesim-65nm-rram', pes_per_tile: 8, e_adc_pj: 2.03084, cols_per_adc: 8 });
    expect(doc.settings.hardware).not.toHaveProperty('pesPerTile');
    // One candidate per parameter stratum, cheapest first.
    const params = doc.candidates.map((c) => c.costs.params);
    expect([...params].sort((a, b) => a - b)).toEqual(params);
    doc.candidates.forEach((c, i) => {
      expect(c.stratum).toBe(i);
      expect(c.costs.params).toBeGreaterThanOrEqual(doc.pool.strata[i].low);
      expect(c.costs.params).toBeLessThanOrEqual(doc.pool.strata[i].high);
      expect(Object.keys(c.proxies).sort()).toEqual([...PROXY_NAMES].sort());
      expect(c.proxies.params).toBe(c.costs.params);
      expect(c.accuracy_float!).toBeGreaterThan(0.15);
      expect(c.accuracy_quantized!).toBeGreaterThan(0.15);
    });
    expect(doc.seed_pairs).toHaveLength(2);
    expect(doc.seed_pairs[0].seeds).toEqual([2, 3]);
    const st = doc.statistics;
    expect(st.correlations).toHaveLength(2 * PROXY_NAMES.length);
    for (const c of st.correlations) {
      expect(c.n).toBe(6);
      expect(c.kendall_tau).toBeGreaterThanOrEqual(-1);
      expect(c.kendall_tau).toBeLessThanOrEqual(1);
      expect(c.kendall_tau_ci[0]).toBeLessThanOrEqual(c.kendall_tau_ci[1]);
    }
    // Six candidates are too few for a verdict, and the report says so.
    expect(st.ranking.every((r) => !r.reliable && /too few/.test(r.verdict))).toBe(true);
    expect(st.noise.test_samples).toBe(300);
    expect(st.noise.binomial_se_quantized).toBeGreaterThan(0.005);
    expect(st.noise.binomial_se_quantized).toBeLessThan(0.03);
    expect(doc.recommendation).toMatch(/^no proxy is supported by this calibration/);
    // Progress went to stderr: the pool, each candidate's proxies and training, the second seeds, the table.
    const err = io.stderr.join('\n');
    expect(err).toMatch(/pool: 200 sampled, 200 feasible; one candidate from each of 6 parameter strata/);
    expect(err.match(/^proxies \d\/6 /gm)).toHaveLength(6);
    expect(err.match(/^trained \d\/6 .*: float [\d.]+ %, 8-bit [\d.]+ %/gm)).toHaveLength(6);
    expect(err.match(/^second seed \d\/2 /gm)).toHaveLength(2);
    expect(err).toMatch(/Kendall τ-b \[95 % CI\]/);
  }, 300_000);
});
