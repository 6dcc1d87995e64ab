/** The page's measured ranking figures are those of the calibration documents in docs/calibration/, to 2 decimals. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MEASURED_RANKINGS, measuredRanking } from '../src/core/calibration/measured.ts';
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
  for (const [dataset, table] of Object.entries(MEASURED_RANKINGS)) {
    it(`are ${dataset}'s calibration document's, against 8-bit accuracy`, () => {
      for (const proxy of RANK_PROXIES) {
        const m = table![proxy];
        const doc = JSON.parse(readFileSync(new URL(`../${m.file}`, import.meta.url), 'utf8'));
        expect(doc.dataset).toBe(dataset);
        expect([doc.settings.candidates, doc.settings.epochs, doc.settings.train_samples]).toEqual([m.candidates, m.epochs, m.trainSamples]);
        const c = (doc.statistics.correlations as Correlation[]).find((x) => x.proxy === proxy && x.target === 'quantized')!;
        expect([round(c.kendall_tau), c.kendall_tau_ci.map(round), c.n], proxy).toEqual([m.tau, m.interval, m.candidates]);
      }
    });
  }
  it('say nothing where nothing was measured', () => {
    expect(measuredRanking('cifar10', 'params')).toBeNull();
    expect(measuredRanking('mnist', 'params')?.tau).toBe(0.55);
  });
});
