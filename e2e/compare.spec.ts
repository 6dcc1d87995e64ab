/**
 * Two runs side by side, in the page with its real workers: a small SNASNet
 * search is pinned, a NeuroNAS search on another seed runs after it, and
 * both fronts show (legend, two mark styles) in the Pareto view and the cost
 * view, with the comparison table and the hypervolume difference, which
 * match the core's judgement of the same candidates (costed here in Node);
 * a budget move re-judges both; the over-time plot draws a line per run.
 */
import { expect, test, type Page } from '@playwright/test';
import { decodeInputs } from '../src/core/url.ts';
import { searchSettingsFromParams } from '../src/core/settings.ts';
import { sampleArchitectures } from '../src/core/arch/sampler.ts';
import { formatGenome } from '../src/core/arch/genome.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { costFigures } from '../src/core/search/sources.ts';
import { costMaxima, hypervolumeReference, mergeMaxima } from '../src/core/compare/hypervolume-history.ts';
import { judgeRun, type ComparedRun, type ComparedTrained } from '../src/core/compare/runs.ts';
import type { Budgets } from '../src/core/settings.ts';
import { makeSearchRunJson } from './search-run.ts';

// Small: 40 candidates ranked by SNASNet's score, three trained for one epoch on 500 images.
const SMALL = 'v=1&rk=snasnet&n=40&k=3&ep=1&tr=500&cmax=8&hid=64&tmax=2&ba=2.5';
const FIRST = `#${SMALL}&st=snasnet&s=4`;

type Hooked = { trainedAccuracy: number[]; trainedGenomes: string[]; phase: string };
const searchState = (page: Page) => page.evaluate(() => window.__neuronasTest!.search() as Hooked);

/** The page's run as the core judges it: its candidates sampled and costed here, its trained ones as the page reports them. */
async function pageRun(page: Page): Promise<{ run: ComparedRun; budgets: Budgets }> {
  const fragment = await page.evaluate(() => window.__neuronasTest!.linkFragment());
  const { inputs } = decodeInputs(fragment);
  const settings = searchSettingsFromParams(inputs.params, inputs.hwEdits);
  const hw = compileHardware(settings.hardware);
  const totals = createTotals();
  const archs = sampleArchitectures(settings.space, settings.samples, settings.seed);
  const costs = archs.map((a) => costFigures(estimateArchitecture(a, hw, totals)));
  const genomes = archs.map(formatGenome);
  const s = await searchState(page);
  const trained = new Map<number, ComparedTrained>();
  s.trainedGenomes.forEach((g, k) => {
    const index = genomes.indexOf(g);
    expect(index).toBeGreaterThanOrEqual(0);
    trained.set(index, { index, genome: g, accuracy: s.trainedAccuracy[k], costs: costs[index] });
  });
  const run: ComparedRun = { label: '', strategy: settings.strategy, rankBy: settings.rankBy, seed: settings.seed, samples: settings.samples, trained, maxima: costMaxima(costs), evaluations: [], timed: true, ordered: true };
  return { run, budgets: settings.budgets };
}

async function runToTheEnd(page: Page): Promise<void> {
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
}

test('a pinned run survives a new search, its front overlays both views, and the table and hypervolumes match the core', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(`/${FIRST}`);
  await runToTheEnd(page);
  const first = await pageRun(page);
  expect(first.run.trained.size).toBe(3);
  // One line, the current run's, before anything is pinned; no table.
  await expect(page.getByTestId('over-time')).toHaveAttribute('data-lines', '1');
  await expect(page.getByTestId('compare-table')).toHaveCount(0);
  await page.getByTestId('pin-run').click();
  await expect(page.getByTestId('pinned-label')).toContainText('Pinned: snasnet by snasnet, seed 4, 40 samples');

  // Another strategy and seed: new candidates, a new search; the pinned run stays.
  await page.getByTestId('select-strategy').selectOption('neuronas');
  await page.getByTestId('input-seed').fill('7');
  await page.getByTestId('input-seed').press('Enter');
  await runToTheEnd(page);
  const second = await pageRun(page);
  expect(second.run.seed).toBe(7);
  await expect(page.getByTestId('pinned-label')).toContainText('seed 4');

  // Both fronts in the Pareto view (the current run's diamonds, the pinned run's triangles) with the legend.
  await expect(page.getByTestId('pareto')).toHaveAttribute('data-y', 'accuracy');
  await expect(page.getByTestId('overlay-pinned').first()).toHaveAttribute('data-shape', 'triangle');
  expect(Number(await page.getByTestId('search-results').getByTestId('overlay-pinned').getAttribute('data-points'))).toBeGreaterThan(0);
  await expect(page.getByTestId('search-results').getByTestId('compare-legend')).toContainText('front of the pinned run (snasnet by snasnet, seed 4');
  // Both fronts in the cost view: rings for the current run, triangles for the pinned one.
  const scatter = page.getByTestId('scatter');
  await expect(scatter.getByTestId('overlay-current')).toHaveAttribute('data-shape', 'ring');
  await expect(scatter.getByTestId('overlay-pinned')).toHaveAttribute('data-shape', 'triangle');
  await expect(page.getByTestId('compare-legend-current').first()).toBeVisible();

  // The table: each run's best within the budgets, and the hypervolumes, as the core judges the same candidates.
  const check = async (budgets: Budgets) => {
    const reference = hypervolumeReference(budgets, mergeMaxima(first.run.maxima, second.run.maxima));
    const now = judgeRun(second.run, budgets, reference);
    const then = judgeRun(first.run, budgets, reference);
    const rowCurrent = page.getByTestId('compare-row-run-current');
    const rowPinned = page.getByTestId('compare-row-run-pinned');
    await expect(rowCurrent.getByTestId('compare-hv')).toHaveText(now.hypervolume.toFixed(4));
    await expect(rowPinned.getByTestId('compare-hv')).toHaveText(then.hypervolume.toFixed(4));
    if (now.best) await expect(rowCurrent).toContainText(now.best.genome);
    if (then.best) await expect(rowPinned).toContainText(then.best.genome);
    const diff = Number(await page.getByTestId('hv-difference').getAttribute('data-value'));
    expect(diff).toBeCloseTo(now.hypervolume - then.hypervolume, 9);
    return { now, then };
  };
  const judged = await check(second.budgets);
  expect(judged.now.within + judged.then.within).toBeGreaterThan(0);

  // Pictures of the comparison and of the over-time plot, light and dark (docs/ has copies).
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Boxes in page coordinates (a full-page clip is in the page's, not the viewport's).
    const box = async (id: string) => {
      const b = (await page.getByTestId(id).boundingBox())!;
      return { ...b, y: b.y + (await page.evaluate(() => window.scrollY)) };
    };
    const top = await box('pareto');
    const bottom = await box('hv-difference');
    await page.screenshot({ path: test.info().outputPath(`compare-${scheme}.png`), fullPage: true, clip: { x: top.x - 12, y: top.y - 50, width: top.width + 24, height: bottom.y + bottom.height - top.y + 60 } });
    await page.getByTestId('scatter').screenshot({ path: test.info().outputPath(`cost-view-${scheme}.png`) });
    const plot = await box('over-time');
    await page.screenshot({ path: test.info().outputPath(`over-time-${scheme}.png`), fullPage: true, clip: { x: plot.x - 12, y: plot.y - 44, width: plot.width + 24, height: plot.height + 80 } });
  }
  await page.emulateMedia({ colorScheme: null });

  // The over-time plot: a line per run, against candidates evaluated and against time.
  await expect(page.getByTestId('over-time')).toHaveAttribute('data-lines', '2');
  await page.getByTestId('over-time-x').selectOption('time');
  await expect(page.getByTestId('over-time')).toHaveAttribute('data-lines', '2');
  await page.getByTestId('over-time-y').selectOption('accuracy');
  await expect(page.getByTestId('over-time')).toHaveAttribute('data-lines', '2');
  await page.getByTestId('over-time-x').selectOption('evaluated');
  await page.getByTestId('over-time-y').selectOption('hypervolume');

  // A budget move re-judges both runs: the area budget at the smaller of the two bests' areas less a little.
  const areas = [judged.now.best, judged.then.best].filter((b) => b !== null).map((b) => b!.costs.areaMm2);
  const tighter = Math.floor(Math.min(...areas) * 100 - 1) / 100;
  await page.getByTestId('entry-maxAreaMm2').fill(String(tighter));
  await page.getByTestId('entry-maxAreaMm2').press('Enter');
  const moved = await check({ ...second.budgets, maxAreaMm2: tighter });
  expect(moved.now.hypervolume + moved.then.hypervolume).not.toBeCloseTo(judged.now.hypervolume + judged.then.hypervolume, 6);

  // A run file can be pinned in its place; a file that is not a run is refused, saying why, and the pin stays.
  await page.getByTestId('pin-run-file').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(await makeSearchRunJson()) });
  await expect(page.getByTestId('pinned-label')).toHaveText('Pinned: neuronas by params, seed 3, 400 samples (run.json)');
  await expect(page.getByTestId('compare-row-run-pinned')).toContainText('(run.json)');
  await page.getByTestId('pin-run-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"other"}') });
  await expect(page.getByTestId('pin-problems')).toContainText('broken.json was not pinned');
  await expect(page.getByTestId('pin-problems')).toContainText('not a NeuroNAS Studio run');
  await expect(page.getByTestId('pinned-label')).toContainText('(run.json)');
  await page.getByTestId('unpin-run').click();
  await expect(page.getByTestId('compare-table')).toHaveCount(0);
  await expect(page.getByTestId('over-time')).toHaveAttribute('data-lines', '1');
});
