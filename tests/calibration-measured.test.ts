/** The page's measured ranking figures are those of the calibration documents in docs/calibration/, to 2 decimals. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MEASURED_CALIBRATIONS, measuredRanking } from '../src/core/calibration/measured.ts';
import { RANK_PROXIES } from '../src/core/search/pipeline.ts';
import { liveNodes } from '../src/core/arch/cell.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { forwardOnlyLive } from './forward-only-live.ts';
import { parseCalibrateArgs } from '../src/cli/calibrate.ts';
import { pickCandidates } from '../src/core/calibration/run.ts';
import { hardwareJson } from '../src/core/cost/hardware.ts';
import { budgetsJson, spaceJson } from '../src/core/files/run.ts';

interface Correlation {
  proxy: string;
  target: string;
  n: number;
  kendall_tau: number;
  kendall_tau_ci: [number, number];
}

const round = (x: number) => Math.round(x * 100) / 100;

const CALIBRATION_FILES = readdirSync(new URL('../docs/calibration/', import.meta.url)).filter((f) => f.endsWith('.json'));

/** The `neuronas calibrate` flags of a calibration document's settings (the space and hardware left at their defaults). */
function calibrateArgv(doc: { dataset: string; backend: string; settings: Record<string, any> }): string[] {
  const s = doc.settings;
  const p = s.proxy_images;
  return [
    '--dataset', doc.dataset, '--samples', s.samples, '--candidates', s.candidates, '--epochs', s.epochs, '--train-samples', s.train_samples,
    '--test-samples', s.test_samples, '--seed', s.seed, '--seed-repeats', s.seed_repeats, '--bootstrap', s.bootstrap_resamples,
    '--proxies', s.proxies.join(','), '--score-batch', p.score_batch, '--score-repeats', p.score_repeats, '--gradient-batch', p.gradient_batch,
    '--early-steps', p.early_steps, '--early-batch', p.early_batch, '--early-held-out', p.early_held_out,
    '--cell-type', s.space.cell_type ?? 'forward', '--backend', doc.backend,
  ].map(String);
}

describe('the measured rankings', () => {
  for (const c of MEASURED_CALIBRATIONS) {
    it(`are ${c.dataset}'s (${c.cellType} cells) calibration document's, against 8-bit accuracy`, () => {
      const doc = JSON.parse(readFileSync(new URL(`../${c.file}`, import.meta.url), 'utf8'));
      expect(doc.dataset).toBe(c.dataset);
      expect(doc.settings.space.cell_type ?? 'forward').toBe(c.cellType);
      expect([doc.settings.candidates, doc.settings.epochs, doc.settings.train_samples]).toEqual([c.candidates, c.epochs, c.trainSamples]);
      for (const proxy of RANK_PROXIES) {
        const m = measuredRanking(c.dataset, proxy, c.cellType)!;
        const found = (doc.statistics.correlations as Correlation[]).find((x) => x.proxy === proxy && x.target === 'quantized')!;
        expect([round(found.kendall_tau), found.kendall_tau_ci.map(round), found.n], proxy).toEqual([m.tau, m.interval, m.n]);
      }
    });
  }
  it('say nothing where nothing was measured', () => {
    expect(measuredRanking('cifar10', 'params')).toBeNull();
    expect(measuredRanking('fashion-mnist', 'params', 'backward')).toBeNull();
    expect(measuredRanking('mnist', 'params')?.tau).toBe(0.55);
    expect(measuredRanking('mnist', 'params', 'backward')?.tau).toBe(0.75);
  });

  // Each document is re-picked from its own settings: the pool is sampled, costed and stratified again and must give
  // the document's candidates with the weights the cost model counts for them today. A document measured when the
  // genomes built other networks (backward cells pruned on forward edges alone, before 2026-12-05: 1,849 feasible
  // of 4,000 now against 2,076 then, other candidates) fails here.
  for (const file of CALIBRATION_FILES) {
    it(`${file} was measured on the networks its genomes build today`, () => {
      const doc = JSON.parse(readFileSync(new URL(`../docs/calibration/${file}`, import.meta.url), 'utf8'));
      const args = parseCalibrateArgs(calibrateArgv(doc));
      if (args === 'help') throw new Error('help');
      const s = args.settings;
      const p = s.proxyImages;
      // The flags name every setting but the space's and hardware's defaults: those must still be the document's.
      expect({
        samples: s.samples, candidates: s.candidates, epochs: s.epochs, train_samples: s.trainSamples, test_samples: s.testSamples, seed: s.seed,
        seed_repeats: s.seedRepeats, bootstrap_resamples: s.bootstrapResamples, proxies: [...s.proxies],
        proxy_images: { score_batch: p.scoreBatch, score_repeats: p.scoreRepeats, gradient_batch: p.gradientBatch, early_steps: p.earlySteps, early_batch: p.earlyBatch, early_held_out: p.earlyHeldOut },
        budgets: budgetsJson(s.budgets), space: spaceJson(s.space), hardware: hardwareJson(s.hardware),
      }).toEqual({ ...doc.settings, space: { cell_type: 'forward', ...doc.settings.space } });
      const pool = pickCandidates(s);
      expect([pool.sampled, pool.feasible, pool.strata]).toEqual([doc.pool.sampled, doc.pool.feasible, doc.pool.strata]);
      const candidates = doc.candidates as { genome: string; costs: { params: number } }[];
      expect(pool.picked.map((c) => [c.genome, c.costs.params])).toEqual(candidates.map((c) => [c.genome, c.costs.params]));
      // Forward cells were pruned the same before and after 2026-12-05; many backward ones were not.
      const prunedOtherwiseBefore = candidates.filter((d) => parseGenome(d.genome).cells.some((cell) => liveNodes(cell) !== forwardOnlyLive(cell.forward)));
      if (s.space.cellType === 'forward') expect(prunedOtherwiseBefore).toEqual([]);
      else expect(prunedOtherwiseBefore.length).toBeGreaterThan(0);
    });
  }
});
