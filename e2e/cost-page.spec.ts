/**
 * The studio's first page, end to end in Chromium against the production
 * build: the worker samples and costs the default set, budgets re-derive
 * feasibility on the page, hardware changes re-cost in the worker, and a
 * crashed worker leaves the last results on screen.
 */
import { expect, test, type Page } from '@playwright/test';
import { PARAMS } from '../src/core/params.ts';
import { expectedCounts } from './expected.ts';
import { count, jobsDone, waitForJobs } from './cost-page.ts';

const DEFAULT_SAMPLES = PARAMS.samples.default;


async function openPage(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'NeuroNAS Studio' })).toBeVisible();
  await waitForJobs(page, 1);
  await expect.poll(() => count(page, 'candidate-count')).toBe(DEFAULT_SAMPLES);
  expect(errors).toEqual([]);
}

test('samples and costs the default set, and budget sliders re-derive feasibility on the page', async ({ page }) => {
  await openPage(page);
  await expect(page.getByTestId('points-canvas')).toHaveAttribute('data-points', String(DEFAULT_SAMPLES));
  const feasible0 = await count(page, 'feasible-count');
  expect(feasible0).toBeGreaterThan(0);
  expect(feasible0).toBeLessThan(DEFAULT_SAMPLES);
  const over0 = await count(page, 'over-maxAreaMm2');
  // The page's numbers are the core's numbers: the same sampler, estimator and budgets run in Node.
  const expected = expectedCounts();
  expect(feasible0).toBe(expected.feasible);
  expect(await count(page, 'over-maxParams')).toBe(expected.over[0]);
  expect(over0).toBe(expected.over[1]);
  expect(await count(page, 'only-maxLatencyMs')).toBe(expected.only[2]);

  // Keyboard: Home takes the area budget to its smallest value.
  const area = page.getByTestId('slider-maxAreaMm2');
  await area.focus();
  await area.press('Home');
  await expect.poll(() => count(page, 'feasible-count')).toBeLessThan(feasible0);
  const feasible1 = await count(page, 'feasible-count');
  const over1 = await count(page, 'over-maxAreaMm2');
  expect(over1).toBeGreaterThan(over0);
  expect(feasible1 + over1).toBeLessThanOrEqual(DEFAULT_SAMPLES);

  // End: no limit on area; nothing is over it any more.
  await area.press('End');
  await expect(page.getByTestId('entry-maxAreaMm2')).toHaveValue('no limit');
  await expect.poll(() => count(page, 'over-maxAreaMm2')).toBe(0);
  const feasible2 = await count(page, 'feasible-count');
  expect(feasible2).toBeGreaterThanOrEqual(feasible0);

  // Typing an exact budget works too.
  const energy = page.getByTestId('entry-maxEnergyUJ');
  await energy.fill('5');
  await energy.press('Enter');
  await expect.poll(() => count(page, 'feasible-count')).toBeLessThan(feasible2);
  expect(await count(page, 'over-maxEnergyUJ')).toBeGreaterThan(0);

  // Budgets never went to the worker.
  expect(await jobsDone(page)).toBe(1);
});

test('changing the crossbar size re-costs the same candidates in the worker', async ({ page }) => {
  await openPage(page);
  const overArea0 = await count(page, 'over-maxAreaMm2');
  const overEnergy0 = await count(page, 'over-maxEnergyUJ');
  await page.getByTestId('select-xbar').selectOption('256');
  await waitForJobs(page, 2);
  const job = await page.evaluate(() => window.__neuronasTimings!.jobs[1]);
  expect(job.reusedSamples).toBe(true);
  expect(job.count).toBe(DEFAULT_SAMPLES);
  await expect.poll(() => count(page, 'candidate-count')).toBe(DEFAULT_SAMPLES);
  const overArea1 = await count(page, 'over-maxAreaMm2');
  const overEnergy1 = await count(page, 'over-maxEnergyUJ');
  expect([overArea1, overEnergy1]).not.toEqual([overArea0, overEnergy0]);
  const expected = expectedCounts({ xbar: 256 });
  expect(overArea1).toBe(expected.over[1]);
  expect(overEnergy1).toBe(expected.over[3]);
  expect(await count(page, 'feasible-count')).toBe(expected.feasible);

  // Editing a constant of the preset re-costs too.
  await page.getByRole('link', { name: 'Preset constants' }).click(); // opens the collapsed table
  const adc = page.getByLabel('e_adc_pj', { exact: true });
  await adc.fill('20');
  await adc.press('Enter');
  await waitForJobs(page, 3);
  const edited = expectedCounts({ xbar: 256 }, { eAdcPj: 20 });
  expect(edited.over[3]).not.toBe(expected.over[3]);
  await expect.poll(() => count(page, 'over-maxEnergyUJ')).toBe(edited.over[3]);
  expect(await count(page, 'feasible-count')).toBe(edited.feasible);

  // Hovering a point shows its genome and figures.
  const spot = await page.getByTestId('points-canvas').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] > 150) return { x: ((i >> 2) % width) * (c.clientWidth / width), y: Math.floor((i >> 2) / width) * (c.clientHeight / height) };
    return null;
  });
  expect(spot).not.toBeNull();
  await page.getByTestId('points-canvas').hover({ position: spot! });
  const tip = page.getByTestId('point-tooltip');
  await expect(tip).toBeVisible();
  await expect(tip.locator('.genome')).toHaveText(/^c\d+-h\d+-t\d+-w\d+-\d{6}/);
  await expect(tip).toContainText('mm²');
});

test('a crashed worker leaves the last results and the page recovers; a bad search space is reported', async ({ page }) => {
  await openPage(page);
  const feasible0 = await count(page, 'feasible-count');
  await page.evaluate(() => window.__neuronasTest!.crashWorker());
  await expect(page.getByTestId('job-error')).toContainText('crashed');
  expect(await count(page, 'candidate-count')).toBe(DEFAULT_SAMPLES);
  expect(await count(page, 'feasible-count')).toBe(feasible0);

  // The next change spawns a fresh worker.
  await page.getByTestId('input-seed').fill('2');
  await waitForJobs(page, 2);
  await expect(page.getByTestId('job-error')).toHaveCount(0);
  expect(await page.evaluate(() => window.__neuronasTest!.workersSpawned())).toBe(2);

  // With only 'zero' left no cell reaches its output: the worker says so, the last results stay.
  // Each intermediate space is costed to the end first, so "the last results" are known whatever the timing.
  let last = 0;
  for (const op of PARAMS.ops.options.filter((o) => o !== 'zero')) {
    const box = page.getByRole('checkbox', { name: op, exact: true });
    if (!(await box.isChecked())) continue;
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', /done|error|idle/);
    last = await count(page, 'candidate-count');
    await box.uncheck();
  }
  if (!(await page.getByRole('checkbox', { name: 'zero', exact: true }).isChecked())) throw new Error('zero should be the one op left');
  await expect(page.getByTestId('job-error')).toContainText('no valid cell');
  expect(last).toBeGreaterThan(0);
  expect(await count(page, 'candidate-count')).toBe(last);
});
