/**
 * Determinism across places: a seeded search in the page (its scoring
 * workers, wasm in Chromium) gives the same candidates, costs and
 * training-free scores as the same settings in Node (this test process,
 * wasm), through the same engine code.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { parseGenome, formatGenome } from '../src/core/arch/genome.ts';
import { createNodeEngine, engineEndpoint } from '../src/cli/engine-node.ts';

// 12 samples of a small space, scoring only (top-k 0), seed 4.
const LINK = '#v=1&rk=snasnet&n=12&s=4&k=0&cmax=8&hid=64&tmax=2&ba=2.5';

interface CandidateJson {
  genome: string;
  params: number;
  area_mm2: number;
  energy_uJ: number;
  feasible: boolean;
  score: number | null;
}

test('page and Node give the same candidates and the same scores for a seed', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/${LINK}`);
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

  const engine = createNodeEngine();
  const init = await engine.init({ backend: 'wasm' });
  expect(init.backend).toBe('wasm');
  const node = new Map<string, number | null>();
  await engineEndpoint(engine).score({ genomes: scored.map((c) => c.genome), dataset: 'mnist', seed: doc.settings.seed, batch: 64 }, (item) => node.set(item.genome, item.score));
  console.log(`page backend: ${backend}; ${scored.length} scores compared`);
  for (const c of scored) {
    expect(formatGenome(parseGenome(c.genome))).toBe(c.genome);
    // Same engine code, same wasm kernels, same seeded batch and weights: equal to the last bit.
    expect(node.get(c.genome), c.genome).toBe(c.score);
  }
});
