/**
 * The studio reads a sharded search: shard files written by `neuronas search --shard I/N` (picked, as a folder, or
 * dropped) merge in the page with the command line's merge; while shards are missing or unfinished the page shows
 * each shard's standing and changes nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { waitForJobs } from './cost-page.ts';

const run = promisify(execFile);
const SAMPLES = 40;
let dir: string;
let files: string[];

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'neuronas-shards-'));
  // Three real shards of one seeded search (ranked by the parameter count, nothing trained), as a cluster writes them.
  await Promise.all([0, 1, 2].map((i) => run(process.execPath, ['bin/neuronas.mjs', 'search', '--samples', String(SAMPLES), '--top-k', '0', '--seed', '4', '--shard', `${i}/3`, '--out', dir], { timeout: 120_000 })));
  // The command line's merge of the same files: what the page must show.
  await run(process.execPath, ['bin/neuronas.mjs', 'merge', dir, '--out', join(dir, 'merged.json')], { timeout: 60_000 });
  files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
});

test.afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('shard files of a search in flight show shard by shard; all of them merge into the run the command line merges', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await waitForJobs(page, 1);
  expect(files).toEqual(['search-0-of-3.jsonl', 'search-1-of-3.jsonl', 'search-2-of-3.jsonl']);
  const input = page.getByTestId('import-run-input');

  // Shard 2 still running (its last line half written, no "done") and shard 1 not there yet.
  const text = await readFile(join(dir, files[2]), 'utf8');
  const lines = text.trimEnd().split('\n');
  const running = lines.slice(0, -2).join('\n') + '\n' + lines[lines.length - 2].slice(0, 15);
  await input.setInputFiles([
    { name: files[0], mimeType: 'application/json', buffer: await readFile(join(dir, files[0])) },
    { name: files[2], mimeType: 'application/json', buffer: Buffer.from(running) },
  ]);
  const banner = page.getByTestId('import-banner');
  await expect(banner).toContainText('2 shard files do not make a whole run yet; nothing changed.');
  await expect(banner).toContainText('search shard 1/3 is missing (2 of 3 given)');
  const rows = banner.getByTestId('shard-row');
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((rs) => rs.map((r) => `${r.children[0].textContent} ${r.getAttribute('data-state')}`))).toEqual(['search 0/3 done', 'search 2/3 running', 'search 1/3 missing']);
  await expect(rows.nth(1)).toContainText('running (last line cut off)');
  await banner.screenshot({ path: 'test-results/import-shards/in-flight.png' });
  // Nothing changed: the page still shows its own costed candidates.
  expect(await page.evaluate(() => window.__neuronasTest!.search().phase)).toBe('idle');

  // The folder, whole: merged in the page.
  await page.getByTestId('import-shard-folder-input').setInputFiles(dir);
  await expect(banner).toContainText(`3 shard files merged into one run of ${SAMPLES} candidates.`);
  // The folder also holds the command line's merged run: left out, and said.
  await expect(banner).toContainText('Left out merged.json: not a shard file.');
  await expect(rows).toHaveCount(3);
  const merged = JSON.parse(await readFile(join(dir, 'merged.json'), 'utf8')) as { candidates: { genome: string; score: number | null }[] };
  await expect.poll(() => page.evaluate(() => window.__neuronasTest!.genomes(1000))).toEqual(merged.candidates.map((c) => c.genome));
  const shown = await page.evaluate(() => window.__neuronasTest!.search());
  expect(shown.scores.map((s) => (Number.isFinite(s) ? s : null))).toEqual(merged.candidates.map((c) => c.score));
  await expect(page.locator('[data-testid="cand-row"]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/import-shards/merged.png' });

  // A file that is no shard, among shards, is named with its problem.
  await input.setInputFiles([
    { name: files[0], mimeType: 'application/json', buffer: await readFile(join(dir, files[0])) },
    { name: 'notes.jsonl', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}\n') },
  ]);
  await expect(banner).toContainText('notes.jsonl: not a NeuroNAS shard file');
  expect(errors).toEqual([]);
});

test('shard files dropped on the page are read and merged', async ({ page }) => {
  await page.goto('/');
  await waitForJobs(page, 1);
  // A drop of real File objects (Playwright cannot drag an OS folder in, so the folder walk is not exercised here).
  const contents = await Promise.all(files.map(async (f) => ({ name: f, text: await readFile(join(dir, f), 'utf8') })));
  const data = await page.evaluateHandle((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([f.text], f.name, { type: 'application/json' }));
    return dt;
  }, contents);
  await page.dispatchEvent('main', 'dragover', { dataTransfer: data });
  await expect(page.locator('[data-dragging]')).toHaveCount(1);
  await page.dispatchEvent('main', 'drop', { dataTransfer: data });
  await expect(page.getByTestId('import-banner')).toContainText(`3 shard files merged into one run of ${SAMPLES} candidates.`);
});
