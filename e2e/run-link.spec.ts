/**
 * Links never start large work unasked: a run=1 link whose search is
 * estimated to take long (core/search/estimate.ts) asks first, showing the
 * estimate, and starts nothing (no training worker) until the person
 * confirms; Not now leaves the page idle and drops run=1 from the address; a
 * small run=1 link still starts at once. Every knob of the parameter table,
 * the score batch a link can set among them, has a control on the page.
 * Screenshots of the question in light and dark go to
 * test-results/run-link-shots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { PARAMS, PARAM_KEYS } from '../src/core/params.ts';

// The default search (4,000 samples, 3 trained for 2 epochs on 4,000 images): far more than a minute here.
// The default search ranked by the SNASNet score, which the scoring workers compute for every feasible candidate:
// many minutes (ranked by the default, the parameter count, its 3 trainings alone are about 6).
const LONG = '/#v=1&rk=snasnet&run=1';
// 20 candidates of a small space, the best 1 trained for 1 epoch on 500 images: well under a minute.
const SMALL = '/#v=1&n=20&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2&run=1';

const phase = (page: Page) => page.evaluate(() => window.__neuronasTest!.search().phase);
// The training workers are the costing worker's own (nested workers), which the page does not list: ask it.
const trainingWorkers = (page: Page) => page.evaluate(() => window.__neuronasTest!.trainingWorkersSpawned());

test('a long run=1 link shows the question with its estimate and starts nothing until confirmed', async ({ page }) => {
  await page.goto(LONG);
  const ask = page.getByTestId('link-run-ask');
  await expect(ask).toBeVisible();
  await expect(ask).toBeFocused();
  await expect(ask).toHaveAccessibleName(/^This link starts a search that would take about \d+(\.\d)? (minutes|hours) on this computer\.$/);
  // (scoring about 1,560 candidates on both workers, nearly 2 minutes, and the 3 trainings: tests/search-estimate.test.ts)
  expect(Number(await ask.getAttribute('data-seconds'))).toBeGreaterThan(4 * 60);
  await expect(ask).toContainText(/scoring about [\d,]+ candidates by SNASNet score \(about \d+ minutes\) and training 3 for 2 epochs each/);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  // Nothing has started: no search, no training worker, while the address keeps run=1 (a reload asks again).
  await page.waitForTimeout(1500);
  expect(await phase(page)).toBe('idle');
  expect(await trainingWorkers(page)).toBe(0);
  expect(new URL(page.url()).hash).toBe('#v=1&rk=snasnet&run=1');

  for (const theme of ['light', 'dark'] as const) {
    await page.getByTestId('theme-toggle').getByLabel(theme === 'light' ? 'Light' : 'Dark').check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await ask.screenshot({ path: `test-results/run-link-shots/ask-${theme}.png` });
  }
  await page.screenshot({ path: 'test-results/run-link-shots/ask-page.png' });

  await page.getByTestId('link-run-start').click();
  await expect(ask).toHaveCount(0);
  await expect.poll(() => phase(page)).toMatch(/starting|running/);
  // The count above is the real one: once started, the search has its training workers.
  await expect.poll(() => trainingWorkers(page)).toBeGreaterThan(0);
  await expect(page.getByTestId('search-from-link')).toBeVisible();
  await page.getByTestId('search-stop').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'stopped');
});

test('Not now leaves the page idle and the address without run=1', async ({ page }) => {
  await page.goto('/#v=1&s=3&run=1');
  await page.getByTestId('link-run-cancel').click();
  await expect(page.getByTestId('link-run-ask')).toHaveCount(0);
  await expect.poll(() => new URL(page.url()).hash).toBe('#v=1&s=3');
  await page.waitForTimeout(1500);
  expect(await phase(page)).toBe('idle');
  expect(await trainingWorkers(page)).toBe(0);
  await expect(page.getByTestId('search-start')).toHaveText('Start search');
});

test('a small run=1 link starts its search at once, without asking', async ({ page }) => {
  await page.goto(SMALL);
  await expect(page.getByTestId('search-from-link')).toBeVisible();
  expect(await phase(page)).toMatch(/starting|running/);
  await expect(page.getByTestId('link-run-ask')).toHaveCount(0);
  await page.getByTestId('search-stop').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'stopped');
});

test('every knob of the parameter table has a control, the score batch among them', async ({ page }) => {
  await page.goto('/#v=1&sb=32');
  // The classroom link's knob lives in the toolbar's Classroom menu.
  await page.getByTestId('classroom-button').click();
  for (const key of PARAM_KEYS) await expect(page.locator(`[data-param=${key}]`), key).toHaveCount(1);
  const batch = page.getByTestId('entry-scoreBatch');
  await expect(batch).toBeVisible();
  await expect(batch).toHaveValue('32');
  await expect(page.locator('[data-param=scoreBatch]')).toContainText(PARAMS.scoreBatch.label);
  await batch.fill('128');
  await batch.press('Enter');
  await expect.poll(() => page.evaluate(() => window.__neuronasTest!.linkFragment())).toBe('v=1&sb=128');
  await expect(page.getByTestId('slider-scoreBatch')).toHaveValue('128');
});
