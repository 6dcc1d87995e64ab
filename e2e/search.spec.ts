/**
 * The search on the page, end to end with real workers: a small NeuroNAS
 * search to completion (costed, rejected + scored, trained accuracy, front,
 * row states), a budget move that re-judges feasibility without restarting
 * training, and Stop during scoring keeping what was scored. Screenshots in
 * light and dark go to test-results/search-shots/.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { mainThreadTaskProblems, traceMainThread } from './measure.ts';

// 30 samples of a small space (C = 8, T = 2, hidden 64) under a 2.5 mm² area budget (some rejected), train the best 1 for 1 epoch on 500 images.
const SMALL = '#v=1&rk=snasnet&n=30&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2&ba=2.5';

async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // no long-task timing in this browser
    }
  });
}

const search = (page: Page) => page.evaluate(() => window.__neuronasTest!.search());

test('a small search runs to completion, and a budget move re-judges it without retraining', async ({ page }) => {
  test.setTimeout(120_000);
  await watchLongTasks(page);
  await page.goto(`/${SMALL}`);
  await expect(page.getByTestId('search-start')).toBeVisible();
  // Long tasks before the search (page load, first costing) are not the search's.
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));
  // Start is pressed as a user's mouse presses it, at a point found before the trace: Playwright's own click first runs
  // its actionability checks in the page (scrolling, a hit test that forces a layout), one main-thread task of 18-22 ms
  // of CPU that the gate below counted as the search's (profiled: with it, three tasks of about 20 ms, so on a loaded
  // machine two could pass 30 ms).
  const start = page.getByTestId('search-start');
  await start.scrollIntoViewIfNeeded();
  const box = (await start.boundingBox())!;
  const trace = await traceMainThread(page);
  const t0 = Date.now();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(async () => (await search(page)).counts.scored ?? 0, { timeout: 40_000 }).toBeGreaterThanOrEqual(5);
  await page.screenshot({ path: 'test-results/search-shots/search-live.png' });
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 100_000 });
  const wallS = (Date.now() - t0) / 1000;
  // Main-thread tasks from Start to done (the results' last deferred render and the observer's report come just after).
  await page.waitForTimeout(300);
  const tasks = await trace.stop();
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const longest = longTasks.length ? Math.max(...longTasks) : 0;
  const mostCpu = Math.max(...tasks.map((t) => t.cpuMs));
  console.log('long tasks during the search:', longTasks.length, 'longest ms:', longest.toFixed(0), '| most CPU in one main-thread task ms:', mostCpu.toFixed(1));
  test.info().annotations.push({ type: 'longest-task-ms', description: longest.toFixed(0) });
  test.info().annotations.push({ type: 'most-task-cpu-ms', description: mostCpu.toFixed(1) });
  // The requirement is no task over 50 ms. The gate is the tasks' CPU time, not their wall time, which other
  // processes' load (and the search's own workers, on two cores) stretch without bound: a 13 ms-CPU task took 127 ms
  // of wall time with two CPU hogs running. What the measure relies on, and its own test (an injected 120 ms task is
  // caught): e2e/main-thread-measure.spec.ts. Before the fix that brought this in, every search had 2-6 tasks of over
  // 30 ms of CPU (recharts re-rendering the Pareto frame). Then the heaviest two were the Start click's render and the
  // results' first layout and paint, about 20 ms each, both over 30 in some loaded CI runs (30.4-38.1), and the gate
  // allowed two. Now the click re-renders only what Start changes, the panels are layout- and paint-contained, and
  // the results appear over three frames: the busiest task of a search used 10-15 ms of CPU in 10 runs on the 2-core
  // machine, 5 of them with a CPU hog on one core. At most one over 30 ms (the kernel's count is exact to a 4 ms tick
  // at each end of a task); none may pass 50 ms, the requirement.
  expect(mainThreadTaskProblems(tasks, { maxCpuMs: 50, heavyCpuMs: 30, heavyAllowed: 1 })).toEqual([]);
  const s = await search(page);
  console.log('search:', JSON.stringify({ wallS, counts: s.counts, feasible: s.feasible, acc: s.trainedAccuracy }));
  test.info().annotations.push({ type: 'search-wall-s', description: wallS.toFixed(1) });
  expect(s.counts.costed).toBe(30);
  expect(s.counts.rejected).toBeGreaterThan(0);
  expect(s.counts.rejected + s.counts.scored).toBe(30);
  expect(s.counts.trained).toBe(1);
  expect(s.trainedAccuracy[0]).toBeGreaterThan(0.2);
  await expect(page.getByTestId('stage-costed-count')).toContainText('30 / 30');
  await expect(page.getByTestId('backend-badge')).toBeVisible();

  // The trained accuracy shows in the table and the Pareto view plots accuracy with a front.
  const acc = page.getByTestId('cand-accuracy').first();
  await page.getByTestId('sort-accuracy').click();
  await expect(acc).toBeVisible();
  const pct = Number((await acc.textContent())!.replace(/[^\d.]/g, ''));
  expect(pct).toBeGreaterThan(20);
  const pareto = page.getByTestId('pareto');
  await expect(pareto).toHaveAttribute('data-y', 'accuracy');
  expect(Number(await pareto.getAttribute('data-front'))).toBeGreaterThanOrEqual(1);
  await expect(page.locator('[data-testid=cand-row][data-state=done]')).toHaveCount(1);
  // Scores as y: the scored candidates, with a front too.
  await page.getByTestId('pareto-y').selectOption('score');
  expect(Number(await pareto.getAttribute('data-points'))).toBe(s.counts.scored);
  expect(Number(await pareto.getAttribute('data-front'))).toBeGreaterThanOrEqual(1);

  // Through the theme toggle, as a user switches: the canvases re-read their colours from the theme store.
  for (const theme of ['light', 'dark'] as const) {
    await page.getByTestId('theme-toggle').getByLabel(theme === 'light' ? 'Light' : 'Dark').check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.waitForTimeout(150);
    // Both plots draw on one frame: tick labels and axis titles look the same in each theme.
    const axisText = (plot: string) =>
      page.evaluate(
        (root) => ['.plot-tick-value', '.axis-title'].map((c) => getComputedStyle(document.querySelector(`${root} ${c}`)!)).map((s) => `${s.fill} ${s.fontSize}`),
        plot,
      );
    const scatterText = await axisText('[data-testid=scatter]');
    expect(scatterText).toEqual(await axisText('[data-testid=pareto]'));
    expect(new Set(scatterText).size).toBe(2);
    await page.getByTestId('search-results').screenshot({ path: `test-results/search-shots/search-results-${theme}.png` });
    await page.locator('aside.controls').screenshot({ path: `test-results/search-shots/search-panel-${theme}.png` });
  }
  await page.getByTestId('theme-toggle').getByLabel('Light').check();

  // Export writes the search run, with its scores and trained result.
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  expect(download.suggestedFilename()).toBe('neuronas-search-s1-n30.json');
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as { candidates: { score: number | null }[]; trained: unknown[] };
  expect(doc.candidates).toHaveLength(30);
  expect(doc.candidates.filter((c) => c.score !== null)).toHaveLength(s.counts.scored);
  expect(doc.trained).toHaveLength(1);

  // Tighten the area budget to its minimum: fewer feasible, training not restarted.
  const results = page.getByTestId('search-results');
  const before = Number(await results.getAttribute('data-feasible'));
  const slider = page.getByTestId('slider-maxAreaMm2');
  await slider.focus();
  await slider.press('Home');
  await expect.poll(async () => Number(await results.getAttribute('data-feasible'))).toBeLessThan(before);
  const after = await search(page);
  expect(after.phase).toBe('done');
  expect(after.counts.trained).toBe(1);
  expect(after.states.filter((x) => x === 'done')).toHaveLength(1);
  // The search's candidates are the studio's: one count of feasible ones, under the budgets on screen.
  const feasibleNow = Number(await results.getAttribute('data-feasible'));
  await expect(page.getByTestId('feasible-count')).toHaveText(String(feasibleNow));
  expect(after.feasible).toBe(feasibleNow);

  // Exported now, the run is judged by the budgets on screen, and says so.
  await page.getByTestId('export-menu').click();
  await expect(page.getByTestId('export-run')).toContainText('budgets on screen');
  const [again] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  const judged = JSON.parse(await readFile((await again.path())!, 'utf8')) as {
    budgets_from: string;
    note: string;
    settings: { budgets: { max_area_mm2: number } };
    inputs: { params: { maxAreaMm2: number } };
    candidates: { feasible: boolean; area_mm2: number }[];
    counts: { feasible: number };
  };
  expect(judged.budgets_from).toBe('export');
  expect(judged.note).toContain('the budgets on screen when this file was exported');
  expect(judged.settings.budgets.max_area_mm2).toBeLessThan(2.5);
  expect(judged.inputs.params.maxAreaMm2).toBe(judged.settings.budgets.max_area_mm2);
  expect(judged.candidates.filter((c) => c.feasible)).toHaveLength(feasibleNow);
  expect(judged.counts.feasible).toBe(feasibleNow);
  for (const c of judged.candidates) expect(c.feasible ? c.area_mm2 <= judged.settings.budgets.max_area_mm2 : true).toBe(true);

  // A click on a row opens the detail with its training.
  await page.getByTestId('filter-all').check();
  await page.locator('[data-testid=cand-row][data-state=done]').click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByTestId('training')).toBeVisible();
  await expect(drawer.getByTestId('accuracy-quantized')).toHaveText(`${(s.trainedAccuracy[0] * 100).toFixed(1)} %`);
  // Its verdict (over the moved area budget) names what the search ranked by, with this candidate’s value of it.
  await expect(drawer.locator('.verdict')).toHaveText(/^over the area budget · SNASNet score -?\d+(\.\d+)?$/);
  await page.waitForTimeout(300);
  await drawer.screenshot({ path: 'test-results/search-shots/search-detail.png' });
});

test('a link copied after a search re-runs the same seeded search in a fresh page, with the same results', async ({ page, browser }) => {
  test.setTimeout(150_000);
  await page.goto('/#v=1&rk=snasnet&n=20&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2&s=5');
  const entries = await page.evaluate(() => history.length);
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 100_000 });
  const first = await search(page);
  // Starting the search made a history entry whose link shares the search.
  const link = page.url();
  expect(link).toContain('&run=1');
  expect(await page.evaluate(() => history.length)).toBe(entries + 1);

  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('search-from-link')).toBeVisible();
  await expect(other.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 100_000 });
  const again = await other.evaluate(() => window.__neuronasTest!.search());
  expect(again.counts).toEqual(first.counts);
  expect(again.states).toEqual(first.states);
  expect(again.trainedGenomes).toEqual(first.trainedGenomes);
  // Same seeds, same single-threaded wasm kernels: the trained accuracy is the same to the last digit.
  expect(again.trainedAccuracy).toEqual(first.trainedAccuracy);
  expect(other.url()).toBe(link);
  await context.close();
});

test('Stop during scoring keeps the rows already scored, and Export writes the stopped run', async ({ page }) => {
  await page.goto('/#v=1&rk=snasnet&n=400&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2');
  await page.getByTestId('search-start').click();
  await expect.poll(async () => (await search(page)).counts.scored ?? 0, { timeout: 40_000 }).toBeGreaterThanOrEqual(3);
  expect(page.url()).toContain('&run=1');
  await page.getByTestId('search-stop').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'stopped');
  const s = await search(page);
  expect(s.counts.scored).toBeGreaterThanOrEqual(3);
  expect(s.counts.scored).toBeLessThan(400);
  expect(s.states.filter((x) => x === 'scored').length).toBe(s.counts.scored);
  await page.waitForTimeout(500);
  const later = await search(page);
  expect(later.counts.scored).toBe(s.counts.scored);
  expect(later.counts.trained).toBe(0);
  // A stopped search has nothing left to wait for: no stage shows an ETA, and the link no longer starts a search.
  for (const stage of ['stage-costed', 'stage-scored', 'stage-trained']) await expect(page.getByTestId(`${stage}-count`)).not.toContainText('left');
  await expect.poll(() => page.url()).not.toContain('run=1');
  await page.getByTestId('search-status').screenshot({ path: 'test-results/search-shots/search-stopped.png' });

  // Export writes the search as far as it got, marked stopped, not the costed set.
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  expect(download.suggestedFilename()).toBe('neuronas-search-s1-n400-stopped.json');
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as { source: string; stopped: boolean; candidates: { score: number | null }[]; counts: { scored: number } };
  expect(doc.source).toBe('search');
  expect(doc.stopped).toBe(true);
  expect(doc.candidates).toHaveLength(400);
  expect(doc.candidates.filter((c) => c.score !== null)).toHaveLength(s.counts.scored);
  expect(doc.counts.scored).toBe(s.counts.scored);
});

test('a crashed scoring worker shows a clear message, loses no arrived score, and the search goes on', async ({ page }) => {
  await page.goto('/#v=1&rk=snasnet&n=400&k=0&cmax=8&hid=64&tmax=2');
  await page.getByTestId('search-start').click();
  await expect.poll(async () => (await search(page)).counts.scored ?? 0, { timeout: 40_000 }).toBeGreaterThanOrEqual(3);
  await page.evaluate(() => window.__neuronasTest!.crashSearchWorker('scorer'));
  await expect(page.getByTestId('search-crash')).toContainText('crashed');
  const atCrash = (await search(page)).counts.scored;
  await expect.poll(async () => (await search(page)).counts.scored, { timeout: 40_000 }).toBeGreaterThan(atCrash + 2);
  const s = await search(page);
  expect(s.states.filter((x) => x === 'scored').length).toBe(s.counts.scored);
  await page.getByTestId('search-stop').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'stopped');
});

test('a search keeps its candidates on screen until they change; a change while it runs stops it and says so', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#v=1&rk=snasnet&n=400&k=0&cmax=8&hid=64&tmax=2&s=3');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  const sampled = await page.evaluate(() => window.__neuronasTest!.genomes(400));
  await page.getByTestId('search-start').click();
  await expect.poll(async () => (await search(page)).counts.scored ?? 0, { timeout: 40_000 }).toBeGreaterThanOrEqual(3);
  // The search's rows are the candidates the page had costed (none sampled or costed again).
  expect(await page.evaluate(() => window.__neuronasTest!.genomes(400))).toEqual(sampled);
  await expect(page.getByTestId('candidate-count')).toHaveText('400');
  // A new seed needs new candidates: the search stops, says why, and its results go once the new ones are costed.
  await page.getByTestId('input-seed').fill('4');
  await expect(page.getByTestId('search-notice')).toHaveText(
    'The search stopped: the search space, sampling or hardware changed, so its candidates are no longer the ones shown.',
  );
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'stopped');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('search-results')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => window.__neuronasTest!.genomes(3))).not.toEqual(sampled.slice(0, 3));
  await expect.poll(() => page.url()).not.toContain('run=1');
  await page.getByTestId('search-status').screenshot({ path: 'test-results/search-shots/search-stopped-by-change.png' });
});

test('an evolution search appends the children it makes to the candidates shown', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#v=1&rk=snasnet&n=40&k=0&st=evolution&cmax=8&hid=64&tmax=2&s=2');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  const sampled = await page.evaluate(() => window.__neuronasTest!.genomes(40));
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 100_000 });
  const shown = await page.evaluate(() => window.__neuronasTest!.genomes(1000));
  expect(shown.length).toBeGreaterThan(40);
  expect(shown.slice(0, 40)).toEqual(sampled);
  expect(new Set(shown).size).toBe(shown.length);
  await expect(page.getByTestId('candidate-count')).toHaveText(String(shown.length));
  const s = await search(page);
  expect(s.states).toHaveLength(shown.length);
  // Scored children are plotted and listed like any candidate.
  expect(s.scores.slice(40).some((x) => Number.isFinite(x))).toBe(true);
  await expect(page.getByTestId('cand-shown')).toHaveText(`${shown.length} of ${shown.length} rows`);
});
