/**
 * Determinism across places: a seeded search in the page (its scoring
 * workers, wasm in Chromium) gives the same candidates, costs and
 * training-free scores as the same settings in Node (this test process,
 * wasm), through the same engine code; ranked by SNIP, the same values as
 * calibration's code (src/tf/proxies.ts) computes in Node on calibration's
 * images of the same seed.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { parseGenome, formatGenome } from '../src/core/arch/genome.ts';
import { createNodeEngine, engineEndpoint } from '../src/cli/engine-node.ts';
import { loadDatasetNode } from '../src/cli/data-node.ts';
import { proxyImagePlan, proxyKnobsFromParams, searchProxyImages } from '../src/core/calibration/plan.ts';
import { defaultParams } from '../src/core/params.ts';
import { measureNetworkProxies } from '../src/tf/proxies.ts';

// 12 samples of a small space, scoring only (top-k 0), seed 4.
const SPACE = 'n=12&s=4&k=0&cmax=8&hid=64&tmax=2&ba=2.5';
const GRADIENT_BATCH = 16;

interface CandidateJson {
  genome: string;
  params: number;
  area_mm2: number;
  energy_uJ: number;
  feasible: boolean;
  score: number | null;
}

/** Runs the page's search of `link` to its end and exports its run: the candidates, the backend. */
async function pageSearch(page: Page, link: string): Promise<{ backend: string | null; seed: number; scored: CandidateJson[]; candidates: CandidateJson[] }> {
  await page.goto(`/${link}`);
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 90_000 });
  const backend = await page.getByTestId('backend-badge').textContent();
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as { settings: { seed: number; budgets: unknown }; candidates: CandidateJson[] };
  const scored = doc.candidates.filter((c) => c.score !== null);
  expect(doc.candidates.length).toBe(12);
  expect(scored.length).toBeGreaterThan(0);
  expect(scored.length).toBe(doc.candidates.filter((c) => c.feasible).length);
  return { backend, seed: doc.settings.seed, scored, candidates: doc.candidates };
}

test('page and Node give the same candidates and the same scores for a seed', async ({ page }) => {
  test.setTimeout(120_000);
  const { backend, seed, scored } = await pageSearch(page, `#v=1&rk=snasnet&${SPACE}`);
  const engine = createNodeEngine();
  const init = await engine.init({ backend: 'wasm' });
  expect(init.backend).toBe('wasm');
  const node = new Map<string, number | null>();
  await engineEndpoint(engine).score({ genomes: scored.map((c) => c.genome), dataset: 'mnist', seed, batch: 64 }, (item) => node.set(item.genome, item.score));
  console.log(`page backend: ${backend}; ${scored.length} scores compared`);
  for (const c of scored) {
    expect(formatGenome(parseGenome(c.genome))).toBe(c.genome);
    // Same engine code, same wasm kernels, same seeded batch and weights: equal to the last bit.
    expect(node.get(c.genome), c.genome).toBe(c.score);
  }
});

test('ranked by SNIP, the page gives each candidate the value calibration computes in Node, to the bit', async ({ page }) => {
  test.setTimeout(120_000);
  const { backend, seed, scored } = await pageSearch(page, `#v=1&rk=snip&gb=${GRADIENT_BATCH}&${SPACE}`);
  // Calibration's own code in this process: the engine only chooses the backend (wasm, as the page's workers).
  const engine = createNodeEngine();
  expect((await engine.init({ backend: 'wasm' })).backend).toBe('wasm');
  const ds = await loadDatasetNode('mnist');
  const knobs = { ...proxyKnobsFromParams(defaultParams()), gradientBatch: GRADIENT_BATCH };
  const ctx = { dataset: ds, plan: proxyImagePlan(ds, searchProxyImages(seed, defaultParams().scoreBatch, knobs)), seed, earlyBatch: knobs.earlyBatch };
  console.log(`page backend: ${backend}; ${scored.length} SNIP values compared`);
  for (const c of scored) {
    const m = await measureNetworkProxies(parseGenome(c.genome), ctx, ['snip']);
    expect(m.errors).toEqual({});
    expect(m.values.snip, c.genome).toBe(c.score);
  }
});
