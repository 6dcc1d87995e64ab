/**
 * The spike-sparse kernels in a browser, against Node: the same checks
 * (e2e/fixtures/spike-checks.ts) run in a module worker on Chromium's wasm
 * backend, as the studio's workers run it, and in this Node process; the
 * event-driven convs, and the packed and float scores of whole candidates,
 * must be equal to the last bit in both places, and the packed form must
 * actually run in the browser (the kernels compile there).
 *
 * Like e2e/lif-webgl.spec.ts, this spec serves its fixture from its own Vite
 * dev server.
 */
import { expect, test } from '@playwright/test';
import type { ViteDevServer } from 'vite';
import { startFixtureServer } from './fixture-server.ts';
import { initNodeBackend } from '../src/tf/backend-node.ts';
import { runSpikeChecks, type SpikeChecks } from './fixtures/spike-checks.ts';

let server: ViteDevServer;
let base: string;

test.beforeAll(async () => {
  ({ server, base } = await startFixtureServer('spike-kernels', ['e2e/fixtures/spike-kernels.ts', 'e2e/fixtures/spike-kernels.worker.ts']));
});

test.afterAll(async () => {
  await server?.close();
});

test('event-driven convs and packed scores in a browser worker equal Node\'s to the last bit', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('e2e/fixtures/spike-kernels.html', base).href);
  await page.waitForFunction(() => typeof window.__spikeChecks === 'function', undefined, { timeout: 60_000 });
  const browser = await page.evaluate(() => window.__spikeChecks!());
  expect('error' in browser ? browser.error : undefined).toBeUndefined();
  expect(errors).toEqual([]);
  const b = browser as SpikeChecks;
  expect(b.backend).toBe('wasm');
  expect(b.ready, 'the spike kernels compile and run in the browser worker').toBe(true);

  await initNodeBackend('wasm');
  const node = await runSpikeChecks();
  expect(node.ready).toBe(true);
  for (const [i, c] of b.convs.entries()) {
    expect(c.equalsDense, `${c.name}: event-driven = dense in the browser`).toBe(true);
    expect(node.convs[i].equalsDense, `${c.name}: event-driven = dense in Node`).toBe(true);
    expect(c.values.length).toBe(node.convs[i].values.length);
    expect(c.values.every((v, k) => Object.is(v, node.convs[i].values[k]) || v === node.convs[i].values[k]), `${c.name}: browser = Node`).toBe(true);
  }
  for (const [i, s] of b.scores.entries()) {
    console.log(`${s.genome}: browser ${s.packed} (${s.packedForm}), Node ${node.scores[i].packed}`);
    expect(s.packedForm).toBe('packed');
    expect(s.packed, `${s.genome}: packed = float in the browser`).toBe(s.float);
    expect(s.packed, `${s.genome}: browser = Node`).toBe(node.scores[i].packed);
    expect(s.rate).toBe(node.scores[i].rate);
  }
});
