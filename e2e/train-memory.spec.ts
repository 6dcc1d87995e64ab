/**
 * A candidate too large to train is reported with its reason, and the search
 * goes on. The space holds only networks of ≥ 248 channels, 15–16 timesteps
 * and conv3×3 edges: one training image of any of them needs more tensor
 * memory than a pass may use (src/core/arch/activation-memory.ts), so the
 * training worker refuses each one before any work instead of running out of
 * its WebAssembly heap. The random strategy trains without scoring first, so
 * the test reaches training at once. Screenshot: test-results/train-memory/.
 */
import { expect, test } from '@playwright/test';
import { activationMemory, PASS_MEMORY_BUDGET } from '../src/core/arch/activation-memory.ts';
import { parseGenome } from '../src/core/arch/genome.ts';

// Random strategy, 10 samples, train 2 for 1 epoch; channels 248–256, hidden 512 or 1024, T 15–16, conv3×3 only; no budgets.
const HUGE = '#v=1&st=random&n=10&k=2&ep=1&tr=500&ops=conv3x3&cmin=248&cmax=256&cst=4&hid=512,1024&tmin=15&tmax=16&wb=4,8,16&bp=none&ba=none&bl=none&be=none';

test('a candidate too large to train is reported with its reason and the search goes on to the next', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/${HUGE}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 100_000 });
  const s = await page.evaluate(() => window.__neuronasTest!.search());
  expect(s.counts.costed).toBe(10);
  expect(s.counts.failed).toBe(2);
  expect(s.counts.trained).toBe(0);
  expect(s.states.filter((x) => x === 'failed')).toHaveLength(2);
  // Each failure names its candidate and why, with the numbers of the memory count.
  const items = page.getByTestId('train-failures').locator('li');
  await expect(items).toHaveCount(2);
  for (const text of await items.allTextContents()) {
    const m = /^#(\d+) (c\d+-h\d+-t\d+-w\d+-333333) could not be trained: one training image needs (\d+) MiB of tensors, more than the (\d+) MiB a pass may use/.exec(text);
    expect(m, text).not.toBeNull();
    const mem = activationMemory(parseGenome(m![2]));
    expect(Number(m![3])).toBe(Math.round((mem.trainPerImage + mem.trainFixed) / 2 ** 20));
    expect(Number(m![4])).toBe(PASS_MEMORY_BUDGET / 2 ** 20);
  }
  await expect(page.getByTestId('stage-trained')).toContainText('2 could not be trained');
  // The failed rows say why on hover.
  const row = page.locator('[data-testid=cand-row][data-state=failed]').first();
  await expect(row).toHaveAttribute('title', /could not be trained: one training image needs/);
  expect(errors).toEqual([]);
  await page.locator('aside.controls').screenshot({ path: 'test-results/train-memory/search-panel.png' });
});
