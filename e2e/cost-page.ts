/** The first page's state as the e2e specs read it: a count shown on the page, and the costing jobs done. */
import type { Page } from '@playwright/test';

const num = (text: string) => Number(text.replace(/[^0-9.]/g, ''));

/** The number an element shows (thousands separators and units dropped). */
export async function count(page: Page, testId: string): Promise<number> {
  return num(await page.getByTestId(testId).innerText());
}

/** Costing jobs the worker has finished on this page. */
export async function jobsDone(page: Page): Promise<number> {
  return page.evaluate(() => window.__neuronasTimings?.jobs.length ?? 0);
}

/** Waits until `n` costing jobs are done and the page says so. */
export async function waitForJobs(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) => (window.__neuronasTimings?.jobs.length ?? 0) >= n && document.querySelector<HTMLElement>('[data-testid=job-status]')?.dataset.phase === 'done',
    n,
  );
}
