/**
 * The search's workers under abuse, with real workers in the real page:
 * Stop and Start pressed over and over (nothing may escape as a page error),
 * and a scoring worker that ends itself without an error event mid-search
 * (detected, replaced, its chunk retried, the user told), and a training
 * worker that does so mid-training (the candidate trained again).
 */
import { expect, test, type Page } from '@playwright/test';

const search = (page: Page) => page.evaluate(() => window.__neuronasTest!.search());

/** Opens the studio at `fragment` once its first costing is done; returns the uncaught page errors and console errors from then on, as they come. */
async function openWatched(page: Page, fragment: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  await page.goto(`/${fragment}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  return errors;
}

const searchDone = (page: Page) => expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });

test('Stop and Start pressed 12 times quickly raise no error, and a search started after them completes', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = await openWatched(page, '#v=1&rk=snasnet&n=40&k=1&ep=1&tr=300&cmax=8&hid=64&tmax=2');
  const start = page.getByTestId('search-start');
  const stop = page.getByTestId('search-stop');
  // Quick as a hand: 12 Start/Stop pairs, 60-320 ms apart, so some stops land while the workers start, some while they score.
  for (let i = 0; i < 12; i++) {
    await start.click();
    await page.waitForTimeout(60 + ((i * 97) % 260));
    await stop.click();
    await page.waitForTimeout(40 + ((i * 53) % 120));
  }
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'stopped');
  // Late rejections of the thrashed calls (a worker replaced after its stop grace) come within a second or two.
  await page.waitForTimeout(2500);
  await start.click();
  await searchDone(page);
  const s = await search(page);
  expect(s.counts.costed).toBe(40);
  expect(s.counts.scored).toBe(40);
  expect(s.counts.trained).toBe(1);
  expect(errors).toEqual([]);
});

test('a scoring worker that closes itself mid-search is replaced, its chunk retried, and the user told', async ({ page }) => {
  test.setTimeout(150_000);
  // No training (k=0): the scores are the whole result. 60 candidates of a small space.
  const errors = await openWatched(page, '#v=1&rk=snasnet&n=60&k=0&cmax=8&hid=64&tmax=2&s=7');
  const start = page.getByTestId('search-start');

  // Undisturbed, for reference: the same seeded search's scores.
  await start.click();
  await searchDone(page);
  const reference = await search(page);
  expect(reference.counts.scored).toBeGreaterThan(20);

  await start.click();
  await expect.poll(async () => (await search(page)).counts.scored ?? 0, { timeout: 40_000 }).toBeGreaterThanOrEqual(3);
  const closedAt = Date.now();
  await page.evaluate(() => window.__neuronasTest!.closeSearchWorker('scorer'));
  // The page notices within a few seconds, not when the user gives up.
  await expect(page.getByTestId('search-crash')).toContainText('without an error', { timeout: 5_000 });
  console.log('silent close noticed after ms:', Date.now() - closedAt);
  await searchDone(page);
  await page.locator('aside.controls').screenshot({ path: 'test-results/search-shots/search-worker-closed.png' });
  const s = await search(page);
  expect(s.counts.costed).toBe(60);
  expect(s.counts.rejected + s.counts.scored).toBe(60);
  // Every candidate scored, with the very score the undisturbed run gave it (none left NaN by the lost chunk).
  expect(s.counts).toEqual(reference.counts);
  expect(s.scores).toEqual(reference.scores);
  expect(errors).toEqual([]);
});

test('a training worker that closes itself mid-training is replaced and the candidate trained again from the start', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = await openWatched(page, '#v=1&rk=snasnet&n=12&k=1&ep=2&tr=600&cmax=8&hid=64&tmax=2');
  await page.getByTestId('search-start').click();
  await expect.poll(async () => (await search(page)).states.includes('training'), { timeout: 60_000 }).toBe(true);
  await page.evaluate(() => window.__neuronasTest!.closeSearchWorker('trainer'));
  await expect(page.getByTestId('search-crash')).toContainText('The training worker: The training worker crashed: it stopped without an error', { timeout: 5_000 });
  await searchDone(page);
  const s = await search(page);
  expect(s.counts.trained).toBe(1);
  expect(s.counts.failed).toBe(0);
  expect(s.trainedAccuracy[0]).toBeGreaterThan(0.2);
  expect(errors).toEqual([]);
});
