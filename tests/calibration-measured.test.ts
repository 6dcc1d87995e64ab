/** The page's measured ranking figures are those of the calibration documents in docs/calibration/, to 2 decimals. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MEASURED_CALIBRATIONS, measuredRanking } from '../src/core/calibration/measured.ts';
import { RANK_PROXIES } from '../src/core/search/pipeline.ts';

interface Correlation {
  proxy: string;
  target: string;
  n: number;
  kendall_tau: number;
  kendall_tau_ci: [number, number];
}

const round = (x: number) => Math.round(x * 100) / 100;

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
    expect(measuredRanking('mnist', 'params', 'backward')?.tau).toBe(0.58);
  });
});
