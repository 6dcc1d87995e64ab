/**
 * A search's training, live on the page with real workers: the stage bar
 * counts the candidates to train from the start ("0 / 2" while scoring, never
 * "0 / 0"), the whole run has an ETA, the top 2 train one after the other,
 * each on both workers (each computes half of every step), and the detail of
 * each candidate in training shows its own loss and accuracy curve gaining
 * points before it finishes, kept once it has. Screenshots go to
 * test-results/search-shots/.
 */
import { expect, test } from '@playwright/test';

// 40 samples of a small space (C = 8, T = 2, hidden 64), the best 2 trained for 2 epochs on 2,000 images: long
// enough a training to watch its curve grow.
const LIVE = '#v=1&rk=snasnet&n=40&k=2&ep=2&tr=2000&cmax=8&hid=64&tmax=2';

test('the stage bar counts the top-k from the start, the run has an ETA, the top 2 train in turn on both workers, and each one’s curve grows before it ends', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`/${LIVE}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.getByTestId('search-start').click();

  // While scoring: the trained bar counts the 2 to train, none yet.
  await expect.poll(async () => (await page.evaluate(() => window.__neuronasTest!.search())).counts.scored ?? 0, { timeout: 60_000 }).toBeGreaterThan(0);
  const whileScoring = await page.evaluate(() => ({ s: window.__neuronasTest!.search(), text: document.querySelector('[data-testid=stage-trained-count]')!.textContent }));
  expect(whileScoring.s.states).not.toContain('training');
  expect(whileScoring.text).toMatch(/^0 \/ 2( · .+)?$/);
  await expect(page.getByTestId('search-eta')).toContainText(/Whole run: (about \d+ (s|min) left|estimating)/);
  // Two workers on this machine's cores: they score, then train each candidate together.
  await expect(page.getByTestId('backend-badge')).toContainText('2 workers score, then train the top candidates one at a time, both workers on each');

  // The first candidate in training, alone (both workers on it): its row, the stage's note naming it.
  const training = page.locator('[data-testid=cand-row][data-state=training]');
  await page.getByTestId('sort-score').click();
  await expect(training).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('search-eta')).toContainText(/Whole run: about \d+ (s|min) left/);
  const firstIndex = Number(await training.getAttribute('data-index'));
  await expect(page.getByTestId('stage-trained').locator('.stage-note')).toHaveText(`training #${firstIndex + 1} (epoch 1 of 2)`);
  await page.screenshot({ path: 'test-results/search-shots/search-training-first.png' });
  // Its detail: the curve gains points while it is still in training.
  await page.locator(`[data-testid=cand-row][data-index="${firstIndex}"]`).click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByTestId('training-live')).toBeVisible();
  const curve = drawer.getByTestId('chart-training-curves');
  const points = async () => Number((await curve.getAttribute('data-points')) ?? 0);
  await expect.poll(points, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const first = await points();
  await page.screenshot({ path: 'test-results/search-shots/search-training-live.png' });
  await drawer.getByTestId('training-live').screenshot({ path: 'test-results/search-shots/search-training-curve-live.png' });
  await expect.poll(points, { timeout: 30_000 }).toBeGreaterThan(first);
  expect(await page.locator(`[data-testid=cand-row][data-index="${firstIndex}"]`).getAttribute('data-state')).toBe('training');
  expect(await curve.locator('path.recharts-line-curve').count()).toBeGreaterThanOrEqual(2);
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);

  // Then the second, alone in training once the first is trained (it trains for a few seconds: no more is read of it
  // while it does).
  await expect(page.locator(`[data-testid=cand-row][data-index="${firstIndex}"]`)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(training).toHaveCount(1, { timeout: 30_000 });
  const secondIndex = Number(await training.getAttribute('data-index'));
  expect(secondIndex).not.toBe(firstIndex);

  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  await expect(page.getByTestId('stage-trained-count')).toHaveText('2 / 2');
  for (const i of [firstIndex, secondIndex]) await expect(page.locator(`[data-testid=cand-row][data-index="${i}"]`)).toHaveAttribute('data-state', 'done');
  // Trained: the detail keeps the curve as it trained, beside the accuracies.
  await page.locator(`[data-testid=cand-row][data-index="${firstIndex}"]`).click();
  const done = page.getByRole('dialog');
  await expect(done.getByTestId('accuracy-quantized')).toBeVisible();
  await expect(done.getByTestId('chart-training-curves').locator('figcaption')).toHaveText('Loss and accuracy as it trained');
  expect(Number(await done.getByTestId('chart-training-curves').getAttribute('data-points'))).toBeGreaterThan(first);
  await done.getByTestId('training').screenshot({ path: 'test-results/search-shots/search-trained-curve.png' });
});
