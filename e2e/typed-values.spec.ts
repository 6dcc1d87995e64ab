/**
 * Typed values are never silently changed: garbage, out-of-range and
 * not-whole text typed into the number boxes of the parameter table stays
 * in the box, marked invalid (aria-invalid) with its problem tied to it
 * (aria-describedby), while the knob keeps its last good value (the link,
 * the feasibility counts and the costing jobs do not move) until the text
 * is valid. Screenshots of an invalid field in light and dark go to
 * test-results/typed-values-shots/.
 */
import { expect, test, type Page } from '@playwright/test';

const fragment = (page: Page) => page.evaluate(() => window.__neuronasTest!.linkFragment());
const jobsDone = (page: Page) => page.evaluate(() => window.__neuronasTimings?.jobs.length ?? 0);

test('garbage typed into a budget, a count or the seed is shown at the field and changes nothing until it is valid', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  const jobs = await jobsDone(page);
  const overArea = await page.getByTestId('over-maxAreaMm2').textContent();

  // A budget: letters.
  const area = page.getByTestId('entry-maxAreaMm2');
  await area.fill('abc');
  await area.press('Enter');
  await expect(area).toHaveAttribute('aria-invalid', 'true');
  await expect(area).toHaveValue('abc');
  const problem = page.getByTestId('problem-maxAreaMm2');
  await expect(problem).toHaveText("'abc' is not a number. Still using 15 mm².");
  await expect(area).toHaveAccessibleDescription(/'abc' is not a number\. Still using 15 mm²\./);
  expect((await area.getAttribute('aria-describedby'))!.split(' ')).toContain(await problem.getAttribute('id'));
  await expect(page.getByTestId('slider-maxAreaMm2')).toHaveAttribute('aria-valuetext', '15 mm²');
  await expect(page.getByTestId('over-maxAreaMm2')).toHaveText(overArea!);
  expect(await fragment(page)).toBe('');

  for (const theme of ['light', 'dark'] as const) {
    await page.getByTestId('theme-toggle').getByLabel(theme === 'light' ? 'Light' : 'Dark').check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.locator('[data-param=maxAreaMm2]').screenshot({ path: `test-results/typed-values-shots/invalid-area-${theme}.png` });
  }

  // A negative budget is not turned into the least one: leaving the box keeps the text and says why.
  await area.fill('-5');
  await area.press('Tab');
  await expect(problem).toHaveText('-5 is below the least, 0.5 mm². Still using 15 mm².');
  await expect(area).toHaveValue('-5');
  expect(await fragment(page)).toBe('');

  // Typing on, the problem goes as soon as the text is right; Enter applies it.
  await area.fill('2.5');
  await expect(problem).toHaveCount(0);
  await expect(area).not.toHaveAttribute('aria-invalid', 'true');
  expect(await fragment(page)).toBe('');
  await area.press('Enter');
  await expect.poll(() => fragment(page)).toBe('v=1&ba=2.5');
  await expect(page.getByTestId('slider-maxAreaMm2')).toHaveAttribute('aria-valuetext', '2.5 mm²');

  // A decimal comma is refused, not read as 25; Escape puts the value's own text back.
  await area.fill('2,5');
  await area.press('Enter');
  await expect(problem).toHaveText("'2,5' is not a number (write decimals with a point: 2.5). Still using 2.5 mm².");
  await area.press('Escape');
  await expect(area).toHaveValue('2.5');
  await expect(problem).toHaveCount(0);

  // A count below its least: no new costing job, the last good count stays.
  const samples = page.getByTestId('entry-samples');
  await samples.fill('5');
  await samples.press('Enter');
  await expect(page.getByTestId('problem-samples')).toHaveText('5 is below the least, 10 architectures. Still using 4,000 architectures.');
  await expect(samples).toHaveAttribute('aria-invalid', 'true');
  const topK = page.getByTestId('entry-topK');
  await topK.fill('2.5');
  await topK.press('Enter');
  await expect(page.getByTestId('problem-topK')).toHaveText('2.5 is not a whole number. Still using 3 candidates.');

  // The seed applies as typed, but only valid text: a negative seed is shown, not clamped to 0.
  const seed = page.getByTestId('input-seed');
  await seed.fill('-3');
  await expect(page.getByTestId('problem-seed')).toHaveText('-3 is below the least, 0. Still using 1.');
  await expect(seed).toHaveAttribute('aria-invalid', 'true');
  await page.waitForTimeout(600);
  expect(await jobsDone(page)).toBe(jobs);
  expect(await fragment(page)).toBe('v=1&ba=2.5');
  await seed.fill('7');
  await expect(page.getByTestId('problem-seed')).toHaveCount(0);
  await expect.poll(() => fragment(page)).toBe('v=1&s=7&ba=2.5');
  await expect.poll(() => jobsDone(page)).toBe(jobs + 1);
});
