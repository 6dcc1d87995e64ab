/**
 * The search's ranking in the page: by default the parameter count (the
 * proxy the calibration in docs/calibration supports on both embedded data
 * sets), with the measured Kendall τ and its interval shown under the choice;
 * where nothing was measured the page says so; the Pareto view names the
 * ranking on its axis until candidates are trained. A link may rank by any
 * proxy: ranked by the early-training loss (lower is better) the page names
 * it with its τ, warns of its cost, and trains the candidate of lowest loss.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { measuredRanking } from '../src/core/calibration/measured.ts';

test('the ranking says how well it predicted accuracy, where that was measured, and a search ranks by it', async ({ page }) => {
  await page.goto('/#v=1&n=30&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2');
  const evidence = page.getByTestId('rank-evidence');
  const params = measuredRanking('mnist', 'params')!;
  await expect(evidence).toHaveAttribute('data-tau', String(params.tau));
  await expect(evidence).toContainText(`Kendall τ = ${params.tau.toFixed(2)} [${params.interval[0].toFixed(2)}, ${params.interval[1].toFixed(2)}]`);
  await expect(evidence).not.toContainText('chance');

  await page.getByTestId('select-rankBy').selectOption('snasnet');
  await expect(evidence).toContainText('Ranking by SNASNet score (higher is better). On MNIST it ranked 8-bit accuracy with Kendall τ = 0.01 [−0.39, 0.37]');
  await expect(evidence).toContainText('no better than chance');
  await page.getByTestId('select-dataset').selectOption('cifar10');
  await expect(evidence).toHaveAttribute('data-measured', 'no');
  await expect(evidence).toContainText('has not been measured');
  await page.getByTestId('select-dataset').selectOption('mnist');
  await page.getByTestId('select-rankBy').selectOption('params');
  // Backward cells have their own calibration; Fashion-MNIST's backward cells none.
  const backward = measuredRanking('mnist', 'params', 'backward')!;
  await page.getByTestId('select-cellType').selectOption('backward');
  await expect(evidence).toContainText(`On MNIST with backward cells it ranked 8-bit accuracy with Kendall τ = ${backward.tau.toFixed(2)}`);
  await page.getByTestId('select-dataset').selectOption('fashion-mnist');
  await expect(evidence).toHaveAttribute('data-measured', 'no');
  await page.getByTestId('select-dataset').selectOption('mnist');
  await page.getByTestId('select-cellType').selectOption('forward');

  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  await page.getByTestId('pareto-y').selectOption('score');
  await expect(page.getByTestId('search-results').locator('.axis-title').nth(1)).toHaveText('Parameters (the ranking, until trained)');
  await expect(page.getByTestId('sort-score')).toContainText('Rank: params');
});

test('a link ranking by the early-training loss names it with its τ, warns of its cost, refuses knobs the data set cannot feed, and trains the lowest loss', async ({ page }) => {
  test.setTimeout(150_000);
  // Knobs asking for more training images than MNIST has outside its test split: refused at Start, in words.
  await page.goto('/#v=1&rk=early_loss&es=1000&eb=512&n=12&s=4&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2&ba=2.5');
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'error');
  await expect(page.getByTestId('search-status').getByRole('alert')).toHaveText(
    'The search cannot start: ranking by early_loss: 1000 early-training steps of 512 and 500 held-out images needs 512500 training images; mnist has 8000 outside its test split. Lower the proxy settings under Search.',
  );
  // 12 samples of a small space, 3 early-training steps of 8 each, the best 1 trained for 1 epoch on 500 images.
  await page.goto('/#v=1&rk=early_loss&es=3&eb=8&eh=40&n=12&s=4&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2&ba=2.5');
  const m = measuredRanking('mnist', 'early_loss')!;
  const evidence = page.getByTestId('rank-evidence');
  await expect(page.getByTestId('select-rankBy')).toHaveValue('early_loss');
  await expect(evidence).toHaveAttribute('data-rank-by', 'early_loss');
  await expect(evidence).toContainText(`Ranking by Early-training loss (lower is better). On MNIST it ranked 8-bit accuracy with Kendall τ = ${m.tau.toFixed(2)} [${m.interval[0].toFixed(2)}, ${m.interval[1].toFixed(2)}]`);
  await expect(page.getByTestId('rank-cost')).toContainText(/^Early-training loss costs 3 training steps of 8 images on every scored candidate: about \d+\.\d s each/);
  // Its knobs are open, with the link's values.
  await expect(page.getByTestId('proxy-knobs')).toHaveAttribute('open', '');

  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as { settings: { rank_by: string }; candidates: { index: number; feasible: boolean; score: number | null }[]; trained: { index: number }[] };
  expect(doc.settings.rank_by).toBe('early_loss');
  const scored = doc.candidates.filter((c) => c.feasible && c.score !== null);
  expect(scored.length).toBeGreaterThan(1);
  // The raw losses (positive cross-entropies), and the one trained is the lowest.
  for (const c of scored) expect(c.score).toBeGreaterThan(0);
  const lowest = scored.reduce((a, b) => ((b.score as number) < (a.score as number) ? b : a));
  expect(doc.trained.map((t) => t.index)).toEqual([lowest.index]);
  // The table's first sort on the ranking puts the lowest loss first.
  await page.getByTestId('sort-score').click();
  await expect(page.getByTestId('sort-score')).toContainText('Rank: early_loss');
  await expect(page.getByTestId('cand-row').first()).toHaveAttribute('data-index', String(lowest.index));
  await page.getByTestId('pareto-y').selectOption('score');
  await expect(page.getByTestId('search-results').locator('.axis-title').nth(1)).toHaveText('−Early-training loss (the ranking, negated: up is better)');
});
