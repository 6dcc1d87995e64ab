/**
 * Runs as documents, end to end with real workers: a run exported from a
 * real small search and imported into a fresh page shows the search views
 * (Pareto view, table, detail with its training curve) exactly as the
 * finished search did; a search is kept in IndexedDB as its results
 * arrive, and the kept run reads back as the run Export writes; a reload
 * mid-search offers Resume, which ends as an uninterrupted run; the list of
 * past runs; a full quota. Screenshots of the list (light, dark) go to
 * test-results/runs-shots/ (copied to docs/runs-{light,dark}.png).
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';

// 30 samples of a small space (C = 8, T = 2, hidden 64) under a 2.5 mm² area budget, the best 2 trained 1 epoch on 500 images.
const SMALL = '#v=1&rk=snasnet&n=30&k=2&ep=1&tr=500&cmax=8&hid=64&tmax=2&ba=2.5';

const search = (page: Page) => page.evaluate(() => window.__neuronasTest!.search());

async function exportRun(page: Page, path: string): Promise<string> {
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  await download.saveAs(path);
  return readFile(path, 'utf8');
}

test('a run exported by a real search and imported into a fresh page shows the Pareto view, the table and the detail with its training curve', async ({ page, browser }, info) => {
  test.setTimeout(150_000);
  await page.goto(`/${SMALL}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const ran = await search(page);
  expect(ran.counts.trained).toBe(2);
  const points = Number(await page.getByTestId('pareto').getAttribute('data-points'));
  const front = Number(await page.getByTestId('pareto').getAttribute('data-front'));
  const rows = await page.getByTestId('cand-row').count();
  const path = info.outputPath('search.json');
  const doc = JSON.parse(await exportRun(page, path)) as { source: string; trained: { index: number; genome: string; epochs: unknown[] }[] };
  expect(doc.source).toBe('search');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const errors: string[] = [];
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto('/');
  await expect(other.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  // Before: no search, so no search views.
  await expect(other.getByTestId('search-results')).toHaveCount(0);
  await other.getByTestId('import-run-input').setInputFiles(path);
  await expect(other.getByTestId('search-results')).toBeVisible();
  await expect(other.getByTestId('pareto')).toHaveAttribute('data-y', 'accuracy');
  await expect(other.getByTestId('pareto')).toHaveAttribute('data-points', String(points));
  await expect(other.getByTestId('pareto')).toHaveAttribute('data-front', String(front));
  await expect(other.getByTestId('cand-row')).toHaveCount(rows);
  await expect(other.getByTestId('search-status')).toHaveAttribute('data-phase', 'done');
  const imported = await search(other);
  expect(imported.counts).toEqual(ran.counts);
  expect(imported.states).toEqual(ran.states);
  expect(imported.scores).toEqual(ran.scores);
  // (in index order: the file lists trained candidates so; the search kept them in training order)
  const byGenome = (s: { trainedGenomes: string[]; trainedAccuracy: number[] }) => s.trainedGenomes.map((g, i) => [g, s.trainedAccuracy[i]]).sort();
  expect(byGenome(imported)).toEqual(byGenome(ran));
  // An imported run is not a search to share: the link does not start one.
  await expect.poll(() => other.url()).not.toContain('run=1');

  // The best trained candidate's row opens its detail with the training curve.
  await other.getByTestId('sort-accuracy').click();
  await other.getByTestId('cand-row').first().click();
  const drawer = other.getByRole('dialog');
  const trained = doc.trained.find((t) => t.genome === (ran.trainedGenomes[ran.trainedAccuracy.indexOf(Math.max(...ran.trainedAccuracy))]))!;
  await expect(drawer.getByTestId('detail-genome')).toHaveText(trained.genome);
  await expect(drawer.getByTestId('training')).toBeVisible();
  await expect(drawer.getByTestId('chart-training-curves').locator('.recharts-line')).toHaveCount(3);
  expect(errors).toEqual([]);
  await fresh.close();
});

/** A run file's parts that say what the search found (not when or how fast, nor whose budgets: Export writes the screen's). */
function findings(text: string) {
  const d = JSON.parse(text);
  d.trained.sort((a: { index: number }, b: { index: number }) => a.index - b.index);
  // Timings are not findings: the speed of training, and when each candidate was scored and trained (a resumed run
  // takes its known results at once).
  for (const t of d.trained) {
    delete t.samples_per_second;
    delete t.trained_at_ms;
  }
  for (const c of d.candidates) delete c.scored_at_ms;
  d.front.sort((a: number, b: number) => a - b);
  return { settings: d.settings, inputs: d.inputs, candidates: d.candidates, trained: d.trained, front: d.front, counts: d.counts, stopped: d.stopped, failures: d.failures ?? [] };
}

test('a search is kept in the browser as its results arrive, in small writes, and reads back as the run Export writes', async ({ page }, info) => {
  test.setTimeout(150_000);
  await page.goto(`/${SMALL}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  const t0 = Date.now();
  await page.getByTestId('search-start').click();
  // While it runs, the kept run already holds what arrived.
  await expect.poll(async () => (await page.evaluate(() => window.__neuronasTest!.keptRuns()))[0]?.counts.scored ?? 0, { timeout: 60_000 }).toBeGreaterThan(0);
  const midway = (await page.evaluate(() => window.__neuronasTest!.keptRuns()))[0];
  expect(midway.status).toBe('running');
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const wallS = (Date.now() - t0) / 1000;
  await expect.poll(async () => (await page.evaluate(() => window.__neuronasTest!.keptRuns()))[0].status).toBe('done');
  const kept = (await page.evaluate(() => window.__neuronasTest!.keptRuns()))[0];
  const ran = await search(page);
  expect(kept.counts).toEqual(ran.counts);
  // Writes are batched (at most one a second, and the end's), never one per result.
  console.log('kept run:', JSON.stringify({ chunks: kept.chunks, wallS, scored: ran.counts.scored }));
  expect(kept.chunks).toBeLessThanOrEqual(Math.ceil(wallS) + 3);
  expect(kept.chunks).toBeLessThan(ran.counts.scored + ran.counts.trained);
  const stored = await page.evaluate((id) => window.__neuronasTest!.keptRunJson(id), kept.id);
  const exported = await exportRun(page, info.outputPath('exported.json'));
  expect(findings(stored!)).toEqual(findings(exported));
});

test('a reload mid-search shows what had arrived and offers Resume; the resumed run ends as an uninterrupted one of the same seed', async ({ page, browser }, info) => {
  test.setTimeout(240_000);
  await page.goto(`/${SMALL}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.getByTestId('search-start').click();
  // Reload while the top 2 train (in turn, each on both workers): every score is kept, nothing trained yet.
  await expect
    .poll(
      async () => {
        const [kept] = await page.evaluate(() => window.__neuronasTest!.keptRuns());
        const shown = await search(page);
        return kept !== undefined && shown.states.includes('training') && kept.counts.scored === shown.counts.scored && kept.counts.trained === 0;
      },
      { timeout: 120_000, intervals: [100] },
    )
    .toBe(true);
  const before = (await page.evaluate(() => window.__neuronasTest!.keptRuns()))[0];
  expect(before.status).toBe('running');
  expect(before.counts.scored).toBeGreaterThan(0);
  expect(page.url()).toContain('run=1');
  await page.reload();

  // Everything that had arrived is back, the search is not started again (not "link-started"), Resume is offered.
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'stopped');
  await expect(page.getByTestId('search-notice')).toContainText('cut off');
  await expect(page.getByTestId('search-from-link')).toHaveCount(0);
  await expect(page.getByTestId('search-resume')).toBeVisible();
  await page.locator('.search-buttons').screenshot({ path: 'test-results/runs-shots/resume-buttons.png' });
  await page.getByTestId('search-status').screenshot({ path: 'test-results/runs-shots/resume-status.png' });
  await expect(page.getByTestId('stage-trained-count')).toHaveText('0 / 2');
  const reloaded = await search(page);
  expect(reloaded.counts).toEqual(before.counts);
  expect(reloaded.states.filter((s) => s === 'done')).toHaveLength(0);
  await expect(page.getByTestId('pareto')).toBeVisible();
  await page.waitForTimeout(1500);
  expect((await search(page)).phase).toBe('stopped');

  await page.getByTestId('search-resume').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const resumed = await search(page);
  expect(resumed.counts.trained).toBe(2);
  // The same kept run was continued, not a second one made.
  const kept = await page.evaluate(() => window.__neuronasTest!.keptRuns());
  expect(kept).toHaveLength(1);
  expect(kept[0]).toMatchObject({ id: before.id, status: 'done' });
  const resumedJson = await exportRun(page, info.outputPath('resumed.json'));

  // An uninterrupted run of the same link in a fresh browser context.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(`/${SMALL}`);
  await expect(other.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await other.getByTestId('search-start').click();
  await expect(other.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const wholeJson = await exportRun(other, info.outputPath('whole.json'));
  expect(findings(resumedJson)).toEqual(findings(wholeJson));
  await fresh.close();
});

// Searches that end in a moment: ranked by parameter count (no scorer), nothing trained.
const QUICK = (seed: number) => `#v=1&rk=params&n=40&k=0&cmax=8&hid=64&tmax=2&s=${seed}`;

async function quickSearch(page: Page, seed: number): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`/${QUICK(seed)}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
}

test('the list of past runs opens, renames, exports and deletes kept runs, and shows the storage used', async ({ page }, info) => {
  test.setTimeout(120_000);
  await quickSearch(page, 1);
  const first = await search(page);
  await quickSearch(page, 2);
  const list = page.getByTestId('kept-run');
  await expect(list).toHaveCount(2);
  await expect(list.first()).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('runs-storage')).toContainText(/Storage: [\d.]+ (B|kB|MB) used of [\d.]+ (MB|GB|TB)/);
  const id1 = (await list.filter({ hasText: 'seed 1' }).getAttribute('data-id'))!;
  // (by id: while renamed, the row's name is in an input, not its text)
  const seed1 = page.locator(`[data-testid=kept-run][data-id="${id1}"]`);
  await expect(seed1.getByTestId('kept-run-counts')).toContainText(`40 costed · ${first.counts.scored} scored · 0 trained`);

  // Rename the seed-1 run; the name stays after a reload.
  await seed1.getByTestId('kept-run-rename').click();
  await seed1.getByTestId('kept-run-name-input').fill('  baseline   params ranking ');
  await seed1.getByTestId('kept-run-save').click();
  const renamed = seed1;
  await expect(renamed.getByTestId('kept-run-name')).toHaveText('baseline params ranking');
  await page.reload();
  await expect(renamed.getByTestId('kept-run-name')).toHaveText('baseline params ranking');

  // Open it: the page shows that run (its seed's inputs, its scores) as the search.
  await renamed.getByTestId('kept-run-open').click();
  await expect(page.getByTestId('input-seed')).toHaveValue('1');
  await expect.poll(async () => (await search(page)).scores).toEqual(first.scores);
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('search-results')).toBeVisible();

  // Export writes the run file Export writes.
  const [download] = await Promise.all([page.waitForEvent('download'), renamed.getByTestId('kept-run-export').click()]);
  expect(download.suggestedFilename()).toBe('neuronas-search-s1-n40.json');
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(doc.candidates.map((c: { score: number | null }) => c.score ?? NaN)).toEqual(first.scores);

  for (const theme of ['light', 'dark'] as const) {
    await page.getByTestId('theme-toggle').getByLabel(theme === 'light' ? 'Light' : 'Dark').check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.getByTestId('runs-panel').screenshot({ path: `test-results/runs-shots/runs-${theme}.png` });
  }

  // Delete the other run (after the confirmation).
  page.once('dialog', (d) => void d.accept());
  await list.filter({ hasText: 'seed 2' }).getByTestId('kept-run-delete').click();
  await expect(list).toHaveCount(1);
  await page.reload();
  await expect(list).toHaveCount(1);
  expect((await page.evaluate(() => window.__neuronasTest!.keptRuns())).map((r) => r.name)).toEqual(['baseline params ranking']);
  void info;
});

test('a full storage quota says so and keeps the run on screen and exportable', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto(`/${SMALL}`);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  // A real quota: Chromium's own override for this origin, far below what one run needs.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1 });
  await page.getByTestId('search-start').click();
  const banner = page.getByTestId('storage-problem');
  await expect(banner).toBeVisible({ timeout: 60_000 });
  await expect(banner).toHaveAttribute('data-kind', 'quota');
  await expect(banner).toContainText("storage for this site is full");
  await expect(banner).toContainText('Export');
  // The search goes on to its end, everything on screen.
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const s = await search(page);
  expect(s.counts.trained).toBe(2);
  await expect(page.getByTestId('cand-row')).not.toHaveCount(0);
  const text = await exportRun(page, test.info().outputPath('full.json'));
  const doc = JSON.parse(text);
  expect(doc.trained).toHaveLength(2);
  expect(doc.candidates.filter((c: { score: unknown }) => c.score !== null)).toHaveLength(s.counts.scored);
});
