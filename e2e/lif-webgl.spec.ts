/**
 * The fused LIF kernels on tfjs-backend-webgl (which exists only in a
 * browser), in headless Chromium on SwiftShader's software WebGL2.
 *
 * The test page is not part of the studio build: this spec starts its own
 * Vite dev server on a free port, serving e2e/fixtures/lif-webgl.html, whose
 * entry bundles the layer (src/tf/lif.ts) and the reference simulator and
 * runs the comparisons in the page (see the fixture for what is compared
 * and why WebGL is checked exactly only on dyadic inputs).
 */
import { expect, test } from '@playwright/test';
import type { ViteDevServer } from 'vite';
import { startFixtureServer } from './fixture-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.ts';
import type { LifWebglSummary } from './fixtures/lif-webgl.ts';

// The suite's default flags disable the GPU; WebGL here needs SwiftShader.
test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu'), '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  },
});

let server: ViteDevServer;
let base: string;

test.beforeAll(async () => {
  ({ server, base } = await startFixtureServer('lif-webgl', ['e2e/fixtures/lif-webgl.ts']));
});

test.afterAll(async () => {
  await server?.close();
});

test('fused LIF kernels on WebGL equal the reference simulator and the unfused ops', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('e2e/fixtures/lif-webgl.html', base).href);
  await page.waitForFunction(() => typeof window.__lifWebgl === 'function', undefined, { timeout: 60_000 });
  const summary: LifWebglSummary = await page.evaluate(() => window.__lifWebgl!());
  expect(summary.error).toBeUndefined();
  expect(errors).toEqual([]);
  expect(summary.backend).toBe('webgl');
  expect(summary.fusedOnWebgl).toBe(true);
  expect(summary.cases.length).toBe(16);
  for (const c of summary.cases) {
    const label = `${c.name} (${c.impl})`;
    // Inputs that both fire and stay silent, or the comparison proves little.
    expect(c.spikes, label).toBeGreaterThan(c.total * 0.05);
    expect(c.spikes, label).toBeLessThan(c.total * 0.95);
    if (c.dyadic) {
      // Exact arithmetic: identical spikes (ties included), potentials and gradients.
      expect(c.ties, `${label}: exact ties with θ`).toBeGreaterThan(0);
      expect(c.disagreeing, label).toBe(0);
      expect(c.potentialErr, label).toBe(0);
    } else {
      // A spike may flip only for a neuron within float32 rounding of θ.
      expect(c.disagreeing, label).toBeLessThanOrEqual(Math.ceil(c.neurons * 0.01));
      expect(c.potentialErr, label).toBeLessThan(1e-5);
    }
    expect(c.gradErr, label).toBeLessThanOrEqual(1);
  }
  expect(summary.leakedTensors).toBe(0);
});
