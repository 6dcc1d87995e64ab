/**
 * The search's workers under abuse, with real workers in the real page:
 * Stop and Start pressed over and over (nothing may escape as a page error).
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
  const errors = await openWatched(page, '#v=1&n=40&k=1&ep=1&tr=300&cmax=8&hid=64&tmax=2');
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
