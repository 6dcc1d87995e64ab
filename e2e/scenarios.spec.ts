/**
 * The HASNAS scenario in the page: one click sets NeuroNAS's CIFAR-10 budgets
 * on SNASNet's CIFAR-scale space; the link carries them; SNASNet's published
 * CIFAR-10 network is marked on the chart with the budgets it breaks (all
 * four, by the cost model run here in Node), while the sampled candidates
 * include ones that meet all four (the same count the core gives).
 */
import { expect, test } from '@playwright/test';
import { defaultParams } from '../src/core/params.ts';
import { costReferences, scenarioParams } from '../src/core/scenarios.ts';
import { searchSettingsFromParams } from '../src/core/settings.ts';
import { sampleArchitectures } from '../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { brokenBudgetNames, budgetViolation } from '../src/core/feasibility.ts';
import { formatCount } from '../src/core/metrics.ts';

test('the HASNAS budgets scenario marks SNASNet’s CIFAR-10 network over all four budgets, with feasible candidates beside it', async ({ page }) => {
  const settings = searchSettingsFromParams(scenarioParams('hasnas', defaultParams()));
  const hw = compileHardware(settings.hardware);
  const feasible = sampleArchitectures(settings.space, settings.samples, settings.seed).filter((a) => budgetViolation(estimateArchitecture(a, hw, createTotals()), settings.budgets) === 0).length;
  const [snasnet] = costReferences('cifar10', settings.hardware);
  const broken = brokenBudgetNames(snasnet.costs, settings.budgets);
  expect(broken).toEqual(['parameters', 'area', 'latency', 'energy']);

  await page.goto('/');
  await expect(page.getByTestId('scenario-defaults')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('reference-point')).toHaveCount(0);
  await page.getByTestId('scenario-hasnas').click();
  await expect(page.getByTestId('scenario-hasnas')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('feasible-count')).toHaveText(formatCount(feasible));
  await expect(page.getByTestId('candidate-count')).toHaveText('4,000');
  await expect(page.getByTestId('reference-point')).toHaveCount(1);
  await expect(page.getByTestId('reference-snasnet-cifar10')).toHaveAttribute('data-broken', broken.join(','));
  await expect(page.getByTestId('reference-snasnet-cifar10')).toContainText('over the parameters, area, latency, energy budgets');
  // The link carries the scenario's values (no key of its own), and reopening it gives the same page. The address
  // follows the inputs at most once per LINK_THROTTLE_MS (src/ui/url/link-sync.ts): it is waited for, not read once.
  await expect.poll(() => page.url()).toContain('ds=cifar10');
  const url = page.url();
  expect(url).toContain('bp=4e6');
  await page.goto('about:blank');
  await page.goto(url);
  await expect(page.getByTestId('scenario-hasnas')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('reference-point')).toHaveCount(1);
  await page.getByTestId('scatter').screenshot({ path: test.info().outputPath('hasnas-scatter.png') });
  await page.screenshot({ path: test.info().outputPath('hasnas-page.png') });
  // Lifting the parameter budget to no limit: SNASNet's network still breaks the other three.
  await page.getByTestId('entry-maxParams').fill('none');
  await page.getByTestId('entry-maxParams').press('Enter');
  await expect(page.getByTestId('reference-snasnet-cifar10')).toHaveAttribute('data-broken', 'area,latency,energy');
  await expect(page.getByTestId('scenario-hasnas')).toHaveAttribute('aria-pressed', 'false');
});
