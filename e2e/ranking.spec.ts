/**
 * The search's ranking in the page: by default the parameter count (the
 * proxy the calibration in docs/calibration supports on both embedded data
 * sets), with the measured Kendall τ and its interval shown under the choice;
 * where nothing was measured the page says so; the Pareto view names the
 * ranking on its axis until candidates are trained.
 */
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
  await expect(evidence).toContainText('SNASNet’s score ranked 8-bit accuracy with Kendall τ = 0.01 [−0.39, 0.37]');
  await expect(evidence).toContainText('no better than chance');
  await page.getByTestId('select-dataset').selectOption('cifar10');
  await expect(evidence).toHaveAttribute('data-measured', 'no');
  await expect(evidence).toContainText('has not been measured');
  await page.getByTestId('select-dataset').selectOption('mnist');
  await page.getByTestId('select-rankBy').selectOption('params');

  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  await page.getByTestId('pareto-y').selectOption('score');
  await expect(page.getByTestId('search-results').locator('.axis-title').nth(1)).toHaveText('Parameter count (the ranking, until trained)');
  await expect(page.getByTestId('sort-score')).toContainText('Rank: params');
});
