/** The page's measured ranking figures are those of the calibration documents in docs/calibration/, to 2 decimals. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MEASURED_CALIBRATIONS, measuredRanking } from '../src/core/calibration/measured.ts';
import { RANK_PROXIES } from '../src/core/search/pipeline.ts';
import { liveNodes } from '../src/core/arch/cell.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { forwardOnlyLive } from './forward-only-live.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { costingSettings } from '../src/core/files/run.ts';
import { defaultInputs } from '../src/core/inputs.ts';

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

  it('warn that the backward-cell calibration was measured before backward cells were pruned as SNASNet prunes them', () => {
    // The document's candidates were pruned on forward edges alone; those with other live nodes now are other networks,
    // and where a new live node carries conv edges the cost model now counts other weights than the document's costs.
    const c = MEASURED_CALIBRATIONS.find((m) => m.cellType === 'backward')!;
    const doc = JSON.parse(readFileSync(new URL(`../${c.file}`, import.meta.url), 'utf8'));
    const hw = compileHardware(costingSettings(defaultInputs()).hardware);
    const candidates = doc.candidates as { genome: string; costs: { params: number } }[];
    const otherNetwork = candidates.filter((d) => parseGenome(d.genome).cells.some((cell) => liveNodes(cell) !== forwardOnlyLive(cell.forward)));
    const otherWeights = candidates.filter((d) => estimateArchitecture(parseGenome(d.genome), hw, createTotals()).params !== d.costs.params);
    expect([otherNetwork.length, otherWeights.length]).toEqual([5, 4]);
    expect(otherWeights.every((d) => otherNetwork.includes(d))).toBe(true);
    expect(measuredRanking('mnist', 'params', 'backward')?.caveat).toContain(
      `${otherNetwork.length} of its ${candidates.length} candidates were partly different networks from what their genomes build now (${otherWeights.length} of them with other weights)`,
    );
    expect(measuredRanking('mnist', 'params', 'backward')?.caveat).toContain('2026-12-05');
    expect(measuredRanking('mnist', 'params')?.caveat).toBeUndefined();
  });
});
