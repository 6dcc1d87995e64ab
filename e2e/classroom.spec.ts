/**
 * A classroom link (the parameter table's hidePanels, URL key `hide`): the panels it names are left out, a notice
 * says which and shows them again; the teacher makes such a link from the toolbar's Classroom menu.
 */
import { expect, test, type Page } from '@playwright/test';
import { waitForJobs } from './cost-page.ts';

/** One element of each hideable panel. */
const PANEL = {
  budgets: '[data-param=maxParams]',
  search: '[data-param=strategy]',
  hardware: '[data-param=xbar]',
  space: '[data-param=ops]',
  costs: '[data-testid=points-canvas]',
  neuron: '[data-testid=neuron-view]',
} as const;

async function shown(page: Page): Promise<string[]> {
  const out: string[] = [];
  for (const [name, selector] of Object.entries(PANEL)) if ((await page.locator(selector).count()) > 0) out.push(name);
  return out;
}

test('a link that hides panels shows the page without them, says so, and shows them again on request', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#v=1&hide=hardware,space,neuron');
  await waitForJobs(page, 1);
  expect(await shown(page)).toEqual(['budgets', 'search', 'costs']);
  await expect(page.getByTestId('hidden-panels-notice')).toHaveText('This page hides Hardware, Search space, Neuron view. Show them');
  await expect(page.getByTestId('neuron-view-link')).toHaveCount(0);
  await expect(page.getByTestId('link-notice')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/classroom/hidden.png' });

  await page.getByTestId('show-hidden-panels').click();
  await expect.poll(() => shown(page)).toEqual(Object.keys(PANEL));
  await expect(page.getByTestId('hidden-panels-notice')).toHaveCount(0);
  // Back to the default page: its link carries no knob at all.
  await expect.poll(() => page.evaluate(() => window.__neuronasTest!.linkFragment())).toBe('');
  expect(errors).toEqual([]);
});

test('the Classroom menu hides panels at once, and the copied link hides them for whoever opens it', async ({ page, browser }) => {
  await page.goto('/');
  await waitForJobs(page, 1);
  await page.getByTestId('classroom-button').click();
  const menu = page.getByTestId('classroom-menu');
  await menu.getByLabel('Budgets').check();
  await menu.getByLabel('Search', { exact: true }).check();
  await menu.getByLabel('Hardware').check();
  await menu.getByLabel('Search space').check();
  expect(await shown(page)).toEqual(['costs', 'neuron']);
  // With every settings panel hidden the results take the whole width.
  await expect(page.locator('main.layout')).toHaveClass(/no-controls/);
  const fragment = await page.evaluate(() => window.__neuronasTest!.linkFragment());
  expect(fragment).toBe('v=1&hide=budgets,search,hardware,space');
  await page.screenshot({ path: 'test-results/classroom/menu.png', clip: { x: 560, y: 0, width: 720, height: 420 } });

  const context = await browser.newContext();
  const student = await context.newPage();
  await student.goto(`/#${fragment}`);
  await waitForJobs(student, 1);
  expect(await shown(student)).toEqual(['costs', 'neuron']);
  await expect(student.getByTestId('hidden-panels-notice')).toContainText('This page hides Budgets, Search, Hardware, Search space.');
  await context.close();
});

test('a link that names an unknown panel says so and hides nothing it cannot name', async ({ page }) => {
  await page.goto('/#v=1&hide=space,blackboard');
  await waitForJobs(page, 1);
  await expect(page.getByTestId('link-notice')).toContainText('Hide in this link: ignored blackboard');
  expect(await shown(page)).toEqual(['budgets', 'search', 'hardware', 'costs', 'neuron']);
});
