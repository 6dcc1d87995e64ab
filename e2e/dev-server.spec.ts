/**
 * The first Start under `npm start` (the Vite dev server), not the built
 * page the other specs test: the dev server's dependency optimizer once
 * found the workers' tfjs backends only when the first search started its
 * workers, re-bundled them and reloaded the page mid-search, which then
 * restarted the search as if a link had started it (the link had run=1).
 *
 * This spec starts the dev server from the project's own vite.config.ts, as
 * `npm start` does (HMR on, since the reload travels over it), on a free
 * port and with an empty optimizer cache of its own (cleared first, so the
 * optimizer starts from nothing as on a fresh clone, and a developer's
 * running dev server and its cache are never touched).
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE_DIR = 'node_modules/.vite-e2e-dev-server';
// A small seeded search: 30 candidates of a small space, the best 1 trained for 1 epoch on 500 images.
const SMALL = '#v=1&rk=snasnet&n=30&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2';

let server: ViteDevServer;
let base: string;

test.beforeAll(async () => {
  await rm(new URL(`../${CACHE_DIR}`, import.meta.url), { recursive: true, force: true });
  server = await createServer({
    root: ROOT,
    // The test mode, as the e2e build: the page's test hooks (window.__neuronasTest) exist only there.
    mode: 'test',
    cacheDir: CACHE_DIR,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  base = server.resolvedUrls!.local[0];
});

test.afterAll(async () => {
  await server?.close();
});

test('the first Start under the dev server runs its search without the page reloading', async ({ page }) => {
  test.setTimeout(180_000);
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The dev server's own Content-Security-Policy (a nonce for React Refresh's preamble and Vite's styles) must hold too.
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  await page.goto(new URL(`/${SMALL}`, base).href);
  await expect(page.getByTestId('search-start')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  // A reload would take this marker with the old document.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const loadsBefore = loads.length;
  await page.getByTestId('search-start').click();
  // Optional chaining: while a reloaded page starts, it has no test hooks yet (the checks below then name the reload).
  await expect.poll(() => page.evaluate(() => window.__neuronasTest?.search().counts.scored ?? 0), { timeout: 90_000 }).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), 'the page was reloaded during the search').toBe(true);
  expect(loads.slice(loadsBefore), 'page loads after Start').toEqual([]);
  // Started by the button, not restarted by a reloaded run=1 link.
  await expect(page.getByTestId('search-from-link')).toHaveCount(0);
  const s = await page.evaluate(() => window.__neuronasTest!.search());
  expect(s.counts.costed).toBe(30);
  expect(s.counts.trained).toBe(1);
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
  expect(errors).toEqual([]);
});
