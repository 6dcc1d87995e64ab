/**
 * A search ranked by a network-running proxy computes it with calibration's code on calibration's images: the
 * values `neuronas search --rank-by P` puts in its run are, to the bit, those `neuronas calibrate --proxies P` reports
 * for the same genomes, seed and proxy knobs (the search on its worker-thread pool, calibration in its own process).
 */
import { describe, expect, it } from 'vitest';
import { runCalibrate } from '../src/cli/calibrate.ts';
import { runSearchCommand } from '../src/cli/search.ts';
import { fakeIO } from './cli-io.ts';
import type { CalibrationDocument } from '../src/core/calibration/document.ts';

// A corner of the space that trains in about a second a candidate, and proxies on few images.
const SPACE = ['--channels-min', '8', '--channels-max', '16', '--timesteps-min', '2', '--timesteps-max', '2', '--hidden', '32,64', '--samples', '16', '--seed', '4', '--no-budgets', '--backend', 'wasm'];
const KNOBS = ['--gradient-batch', '12', '--early-steps', '3', '--early-batch', '8', '--early-held-out', '40'];

async function searched(proxy: string): Promise<Map<string, number>> {
  const io = fakeIO();
  expect(await runSearchCommand([...SPACE, ...KNOBS, '--rank-by', proxy, '--top-k', '0', '--workers', '2', '--json'], io), io.stderr.join('\n')).toBe(0);
  const run = JSON.parse(io.stdout.join(''));
  expect(run.settings.rank_by).toBe(proxy);
  return new Map((run.candidates as { genome: string; score: number | null }[]).map((c) => [c.genome, c.score as number]));
}

async function calibrated(proxies: string): Promise<CalibrationDocument> {
  const io = fakeIO();
  const args = [...SPACE, ...KNOBS, '--proxies', proxies, '--candidates', '6', '--epochs', '1', '--train-samples', '500', '--test-samples', '100', '--seed-repeats', '0', '--bootstrap', '100', '--score-repeats', '1', '--json'];
  expect(await runCalibrate(args, io), io.stderr.join('\n')).toBe(0);
  return JSON.parse(io.stdout.join('')) as CalibrationDocument;
}

describe('ranking by a network-running proxy', () => {
  it('gives every candidate the value calibrate gives it: snip and early_loss, to the bit', async () => {
    const doc = await calibrated('snip,early_loss');
    expect(doc.candidates).toHaveLength(6);
    for (const proxy of ['snip', 'early_loss'] as const) {
      const scores = await searched(proxy);
      expect(scores.size).toBe(16);
      for (const c of doc.candidates) {
        const v = c.proxies[proxy];
        expect(Number.isFinite(v), `${proxy} ${c.genome}`).toBe(true);
        expect(scores.get(c.genome), `${proxy} ${c.genome}`).toBe(v);
      }
    }
  });
});
