/**
 * A production build (`npm run build`) holds none of the end-to-end tests'
 * hooks: not the page's `window.__neuronasTest`, not the workers' crash and
 * close hooks. They exist only in the test build (`vite build --mode test`),
 * which the end-to-end tests run against. This builds the studio as
 * production does and reads every file it writes.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const HOOK_TEXTS = ['__neuronasTest', 'installTestHooks', 'endTrainingWorker', 'trainingWorkersSpawned', 'simulated crash', 'crashForTest', 'closeForTest', 'crashSearchWorker'];

describe('production build', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('holds no test hook in any file it writes', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'neuronas-production-'));
    dirs.push(outDir);
    await build({ mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } });
    const files = (await readdir(join(outDir, 'assets'))).filter((f) => f.endsWith('.js'));
    const texts = await Promise.all(files.map(async (f) => [f, await readFile(join(outDir, 'assets', f), 'utf8')] as const));
    // The files read are the studio's: the page, the costing worker (with its search API) and the training worker.
    expect(files.some((f) => f.startsWith('index-'))).toBe(true);
    expect(texts.some(([f, t]) => f.startsWith('costing.worker-') && t.includes('cancelSearch'))).toBe(true);
    expect(files.some((f) => f.startsWith('training.worker-'))).toBe(true);
    const found = texts.flatMap(([f, t]) => HOOK_TEXTS.filter((h) => t.includes(h)).map((h) => `${f}: ${h}`));
    expect(found).toEqual([]);
  }, 180_000);
});
