/**
 * The Content-Security-Policy (scripts/vite-csp.ts): the studio, its workers
 * and a whole search work under it without a single violation, the workers
 * run under it too (they take it from their script's response header, which
 * `vite preview` sends), and an injected inline script or inline handler
 * never runs, whether the policy comes from the header or only from the
 * built index.html's meta tag (a static deployment of dist/ on a host that
 * sends no header, served here by a bare static file server).
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type Worker } from '@playwright/test';
import { contentSecurityPolicy } from '../scripts/vite-csp.ts';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
// 20 candidates of a small space, the best 1 trained for 1 epoch on 500 images.
const SMALL = '#v=1&rk=snasnet&n=20&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2';

/** Collects every violation the document reports, from before its first script on. */
async function watchDocument(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
}

const documentViolations = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

/** Violations inside a worker fire on the worker's own global, not the document: listen there as each worker starts. */
function watchWorkers(page: Page): { workers: Worker[]; violations(): Promise<string[]> } {
  const workers: Worker[] = [];
  page.on('worker', (w) => {
    workers.push(w);
    w.evaluate(() => {
      const g = self as unknown as { __cspViolations: string[] };
      g.__cspViolations = [];
      self.addEventListener('securitypolicyviolation', (e) => g.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    }).catch(() => {});
  });
  return {
    workers,
    async violations() {
      const out: string[] = [];
      for (const w of workers) out.push(...(await w.evaluate(() => (self as unknown as { __cspViolations?: string[] }).__cspViolations ?? []).catch(() => [] as string[])));
      return out;
    },
  };
}

/** Appends an inline script and an inline event handler; true for each that ran. */
function injectInline(page: Page): Promise<{ script: boolean; handler: boolean }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __injectedScript?: boolean; __injectedHandler?: boolean };
    const s = document.createElement('script');
    s.textContent = 'window.__injectedScript = true;';
    document.body.append(s);
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__injectedHandler = true');
    img.src = '/no-such-image.png';
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 500));
    return { script: w.__injectedScript === true, handler: w.__injectedHandler === true };
  });
}

test('the studio, its workers and a search work under the policy, with no violation', async ({ page }) => {
  test.setTimeout(150_000);
  await watchDocument(page);
  const workers = watchWorkers(page);
  const policies = new Map<string, string | undefined>();
  page.on('response', (r) => {
    if (/\.worker-[\w-]+\.js$/.test(new URL(r.url()).pathname)) policies.set(new URL(r.url()).pathname, r.headers()['content-security-policy']);
  });
  await page.goto(`/${SMALL}`);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', contentSecurityPolicy());
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  // The stylesheet loaded: the page is laid out by it, not unstyled.
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('main.layout')!).display)).toBe('grid');
  // The detail drawer (a lazily loaded chunk, charts) and both themes.
  await page.evaluate(() => window.__neuronasTest!.select(0));
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  for (const theme of ['Dark', 'Light'] as const) await page.getByTestId('theme-toggle').getByLabel(theme).check();

  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const s = await page.evaluate(() => window.__neuronasTest!.search());
  expect(s.counts.costed).toBe(20);
  expect(s.counts.trained).toBe(1);
  expect(s.trainedAccuracy[0]).toBeGreaterThan(0.2);
  // Export makes a blob: download, which the policy does not stand in the way of.
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  expect(download.suggestedFilename()).toBe('neuronas-search-s1-n20.json');

  // The costing worker and the training workers all came with the header policy.
  expect([...policies.keys()].sort()).toEqual([expect.stringContaining('costing.worker'), expect.stringContaining('training.worker')]);
  for (const [path, policy] of policies) expect(policy, path).toBe(contentSecurityPolicy({ header: true }));
  expect(await documentViolations(page)).toEqual([]);
  expect(await workers.violations()).toEqual([]);

  // The workers enforce it: a request to another origin from one of them is refused (connect-src), not sent.
  const costing = workers.workers.find((w) => w.url().includes('costing.worker'))!;
  const refused = await costing.evaluate(async () => {
    await fetch('http://127.0.0.2:9/').catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    return (self as unknown as { __cspViolations: string[] }).__cspViolations;
  });
  expect(refused).toEqual(['connect-src http://127.0.0.2:9/']);
});

test('an injected inline script or handler does not run (policy from the response header and the meta tag)', async ({ page }) => {
  await watchDocument(page);
  await page.goto('/');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  expect(await injectInline(page)).toEqual({ script: false, handler: false });
  const seen = await documentViolations(page);
  expect(seen.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
  expect(seen.some((v) => v.startsWith('script-src-attr inline'))).toBe(true);
});

test.describe('dist/ on a static host that sends no header', () => {
  let server: Server;
  let base: string;
  test.beforeAll(async () => {
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
      if (!file.startsWith(DIST)) return void res.writeHead(403).end();
      readFile(file).then(
        (body) => res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('the meta tag alone keeps an injected inline script from running, and the page still works', async ({ page }) => {
    await watchDocument(page);
    const response = await page.goto(`${base}/`);
    expect(response!.headers()['content-security-policy']).toBeUndefined();
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
    expect(await documentViolations(page)).toEqual([]);
    expect(await injectInline(page)).toEqual({ script: false, handler: false });
    expect((await documentViolations(page)).some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
  });
});
