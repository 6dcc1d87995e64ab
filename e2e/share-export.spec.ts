/**
 * Sharing, files and the architecture detail, end to end against the
 * production build: a shared link reopened in a fresh page restores every
 * input and the same seeded candidates; a damaged link says so and shows the
 * defaults; the candidates CSV and the run JSON download, and the JSON
 * imported into another page shows the same set without re-running; a click
 * on a point opens its detail with the right genome and layer table.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { sampleArchitectures } from '../src/core/arch/sampler.ts';
import { formatGenome } from '../src/core/arch/genome.ts';
import { decodeInputs } from '../src/core/url.ts';
import { searchSpaceFromParams } from '../src/core/settings.ts';
import { PARAMS } from '../src/core/params.ts';
import { count, jobsDone, waitForJobs } from './cost-page.ts';


async function open(page: Page, url: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await waitForJobs(page, 1);
  return errors;
}

const firstGenomes = (page: Page, n = 8) => page.evaluate((n) => window.__neuronasTest!.genomes(n), n);

/** A spot on the canvas where a feasible (opaque, coloured) point is drawn. */
async function feasibleSpot(page: Page): Promise<{ x: number; y: number }> {
  const spot = await page.getByTestId('points-canvas').evaluate((c: HTMLCanvasElement) => {
    const { data, width, height } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    // Feasible points are the saturated blue ones: more blue than red by a margin.
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && data[i + 2] - data[i] > 80) return { x: ((i >> 2) % width) * (c.clientWidth / width), y: Math.floor((i >> 2) / width) * (c.clientHeight / height) };
    }
    return null;
  });
  expect(spot).not.toBeNull();
  return spot!;
}

test('a shared link reopened in a fresh page restores every input and the same first candidates', async ({ page, browser }) => {
  expect(await open(page, '/')).toEqual([]);
  await page.getByTestId('input-seed').fill('42');
  await page.getByTestId('select-xbar').selectOption('128');
  const samples = page.getByTestId('entry-samples');
  await samples.fill('3000');
  await samples.press('Enter');
  const energy = page.getByTestId('entry-maxEnergyUJ');
  await energy.fill('20');
  await energy.press('Enter');
  await page.getByTestId('axis-x').selectOption('params');
  await page.getByRole('link', { name: 'Preset constants' }).click();
  const adc = page.getByLabel('e_adc_pj', { exact: true });
  await adc.fill('2.5');
  await adc.press('Enter');
  await page.waitForFunction(() => window.__neuronasTest!.genomes(1).length === 1 && document.querySelector<HTMLElement>('[data-testid=job-status]')?.dataset.phase === 'done');
  await expect.poll(() => count(page, 'candidate-count')).toBe(3000);

  const fragment = await page.evaluate(() => window.__neuronasTest!.linkFragment());
  // The address bar follows within the throttle.
  await expect.poll(() => new URL(page.url()).hash).toBe(`#${fragment}`);
  const link = page.url();
  const decoded = decodeInputs(new URL(link).hash);
  expect(decoded.problems).toEqual([]);
  expect(decoded.inputs.params).toMatchObject({ seed: 42, samples: 3000, xbar: 128, maxEnergyUJ: 20 });
  expect(decoded.inputs.hwEdits).toEqual({ eAdcPj: 2.5 });
  expect(decoded.inputs.axes.x).toBe('params');
  const genomes = await firstGenomes(page);
  const feasible = await count(page, 'feasible-count');

  // The same seeded sampler in Node gives the page's first candidates.
  const expected = sampleArchitectures(searchSpaceFromParams(decoded.inputs.params), 8, 42).map(formatGenome);
  expect(genomes).toEqual(expected);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  expect(await open(other, link)).toEqual([]);
  await expect(other.getByTestId('link-notice')).toHaveCount(0);
  await expect(other.getByTestId('input-seed')).toHaveValue('42');
  await expect(other.getByTestId('select-xbar')).toHaveValue('128');
  await expect(other.getByTestId('entry-samples')).toHaveValue('3000');
  await expect(other.getByTestId('entry-maxEnergyUJ')).toHaveValue('20');
  await expect(other.getByTestId('axis-x')).toHaveValue('params');
  await other.getByRole('link', { name: 'Preset constants' }).click();
  await expect(other.getByLabel('e_adc_pj', { exact: true })).toHaveValue('2.5');
  expect(await firstGenomes(other)).toEqual(genomes);
  expect(await count(other, 'candidate-count')).toBe(3000);
  expect(await count(other, 'feasible-count')).toBe(feasible);
  expect(await other.evaluate(() => window.__neuronasTest!.linkFragment())).toBe(fragment);
  // One costing job: the link was read before the first one started.
  expect(await jobsDone(other)).toBe(1);
  await fresh.close();
});

test('a damaged link shows the notice and falls back to the defaults', async ({ page }) => {
  expect(await open(page, '/#v=1&z=@@not-base64@@')).toEqual([]);
  const notice = page.getByTestId('link-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('data-fell-back', 'true');
  await expect(notice).toContainText('could not be used');
  await expect(notice).toContainText('not valid base64url');
  await expect(page.getByTestId('input-seed')).toHaveValue(String(PARAMS.seed.default));
  await expect.poll(() => count(page, 'candidate-count')).toBe(PARAMS.samples.default);
  // The address no longer claims settings the page does not show.
  expect(new URL(page.url()).hash).toBe('');
  await page.getByTestId('dismiss-link-notice').click();
  await expect(notice).toHaveCount(0);

  // A link asking for too much is clamped to the table's range, never run as asked, and says so.
  await page.goto('/#v=1&n=300&x=7&s=5');
  await waitForJobs(page, 1);
  await expect(page.getByTestId('link-notice')).toContainText("Crossbar size: '7' is not one of 32, 64, 128, 256");
  await expect(page.getByTestId('link-notice')).toHaveAttribute('data-fell-back', 'false');
  await expect.poll(() => count(page, 'candidate-count')).toBe(300);
  await expect(page.getByTestId('input-seed')).toHaveValue('5');
});

test('the candidates CSV and the run JSON download, and the JSON imported elsewhere shows the same set without re-running', async ({ page, browser }, info) => {
  expect(await open(page, '/#v=1&n=500&s=9&ba=8')).toEqual([]);
  await expect.poll(() => count(page, 'candidate-count')).toBe(500);
  const feasible = await count(page, 'feasible-count');
  const genomes = await firstGenomes(page, 500);

  await page.getByTestId('export-menu').click();
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(csvDownload.suggestedFilename()).toBe('neuronas-costing-s9-n500-candidates.csv');
  const csv = await readFile(await csvDownload.path(), 'utf8');
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('Index,Genome,Parameters,Memory (bits),Area (mm²),Energy (µJ),Latency (ms),Tiles,PEs,Crossbars,Feasible,Over budget,Violation,Score');
  expect(lines).toHaveLength(502); // header, 500 rows, the empty string after the last CRLF
  expect(lines[1].split(',')[1]).toBe(genomes[0]);
  expect(lines.filter((l) => l.split(',')[10] === 'yes')).toHaveLength(feasible);

  // Keyboard: the menu opens with ArrowDown and moves with the arrows.
  await page.getByTestId('export-menu').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-csv')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-run')).toBeFocused();
  const [runDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(runDownload.suggestedFilename()).toBe('neuronas-costing-s9-n500.json');
  const runPath = info.outputPath('run.json');
  await runDownload.saveAs(runPath);
  const run = JSON.parse(await readFile(runPath, 'utf8'));
  expect(run).toMatchObject({ format: 'neuronas-run', format_version: 1, source: 'costing' });
  expect(run.candidates).toHaveLength(500);
  expect(run.candidates.filter((c: { feasible: boolean }) => c.feasible)).toHaveLength(feasible);
  expect(run.inputs.params).toMatchObject({ samples: 500, seed: 9, maxAreaMm2: 8 });

  // Another page, on the default settings, imports the run.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  expect(await open(other, '/')).toEqual([]);
  await expect.poll(() => count(other, 'candidate-count')).toBe(PARAMS.samples.default);
  const jobsBefore = await jobsDone(other);
  await other.getByTestId('import-run-input').setInputFiles(runPath);
  await expect(other.getByTestId('imported-status')).toContainText('500 candidates imported from run.json');
  await expect.poll(() => count(other, 'candidate-count')).toBe(500);
  expect(await count(other, 'feasible-count')).toBe(feasible);
  expect(await firstGenomes(other, 500)).toEqual(genomes);
  await expect(other.getByTestId('input-seed')).toHaveValue('9');
  await expect(other.getByTestId('entry-maxAreaMm2')).toHaveValue('8');
  await expect.poll(() => new URL(other.url()).hash).toBe('#v=1&n=500&s=9&ba=8');
  // A budget re-judges the imported set on the page; nothing is re-run.
  const area = other.getByTestId('entry-maxAreaMm2');
  await area.fill('none');
  await area.press('Enter');
  await expect.poll(() => count(other, 'over-maxAreaMm2')).toBe(0);
  await other.waitForTimeout(400);
  expect(await jobsDone(other)).toBe(jobsBefore);
  await expect(other.getByTestId('imported-status')).toBeVisible();

  // A corrupt file changes nothing and names its problem.
  await other.getByTestId('import-run-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...run, candidates: [{ ...run.candidates[0], area_mm2: 'big' }] })) });
  await expect(other.getByTestId('import-banner')).toContainText('broken.json was not imported; nothing changed.');
  await expect(other.getByTestId('import-banner')).toContainText('candidates[0].area_mm2: expected a finite number, got "big"');
  expect(await count(other, 'candidate-count')).toBe(500);
  await fresh.close();
});

test('clicking a point opens its detail: the right genome, and layer weights that add up to its parameters', async ({ page }) => {
  expect(await open(page, '/')).toEqual([]);
  const canvas = page.getByTestId('points-canvas');
  await canvas.click({ position: await feasibleSpot(page) });
  const pinned = page.getByTestId('pinned-candidate');
  await expect(pinned).toBeVisible();
  const genome = (await pinned.getAttribute('data-genome'))!;
  const params = Number(await pinned.getAttribute('data-params'));
  expect(genome).toMatch(/^c\d+-h\d+-t\d+-w\d+-\d{6}/);

  const drawer = page.getByRole('dialog');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('detail-genome')).toHaveText(genome);
  await expect(drawer.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(drawer.locator('.verdict')).toHaveText(/within every budget/);
  const rows = drawer.getByTestId('layer-table').locator('tbody td[data-weights]');
  const weights = (await rows.evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-weights'))))).reduce((s, w) => s + w, 0);
  expect(weights).toBe(params);
  await expect(drawer.getByTestId('layer-weights-total')).toHaveAttribute('data-weights', String(params));
  await expect(drawer.getByTestId('detail-params')).toHaveText(params.toLocaleString('en-US'));
  await expect(drawer.getByTestId('cell-graph').first()).toBeVisible();
  await expect(drawer.getByTestId('crossbar-map')).toHaveAttribute('data-level', 'crossbar');
  await expect(drawer.getByTestId('chart-chip-shares')).toBeVisible();
  await expect(drawer.getByTestId('not-trained')).toBeVisible();

  // Escape closes it and gives focus back to the chart.
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(canvas).toBeFocused();

  // Keyboard only: arrows step through the points, Enter opens the one shown.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('point-tooltip')).toBeVisible();
  const shown = await page.getByTestId('point-tooltip').locator('.genome').innerText();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog').getByTestId('detail-genome')).toHaveText(shown);
  await page.getByRole('button', { name: /Close the architecture detail/ }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
});
