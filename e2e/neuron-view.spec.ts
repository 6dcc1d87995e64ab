/**
 * The neuron view, end to end: the knobs drive the core simulator on the
 * page (a threshold change changes the spike count shown, checked against
 * the same simulator run here in Node with the same knob values), the link
 * carries them, and the raster asks a real training worker for a layer's
 * spikes on real MNIST test images. Screenshots in light and dark, at
 * 1366×768 and 1920×1080, go to test-results/neuron-shots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { decodeInputs } from '../src/core/url.ts';
import { runNeuron } from '../src/core/snn/neuron-setup.ts';

/** The spike count the page shows, and the one the core simulator gives for the page's link. */
async function counts(page: Page): Promise<{ shown: number; node: number; fragment: string }> {
  const fragment = await page.evaluate(() => window.__neuronasTest!.linkFragment());
  const shown = Number(await page.getByTestId('neuron-spikes-plot-count').getAttribute('data-count'));
  return { shown, node: runNeuron(decodeInputs(fragment).inputs.params).spikeCount, fragment };
}

async function setSlider(page: Page, key: string, value: number): Promise<void> {
  // A range input's value is set as a person's drag would leave it, with the input event React listens to.
  await page.getByTestId(`slider-${key}`).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, String(v));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

test('a threshold change changes the spike count shown, as the core simulator says', async ({ page }) => {
  await page.goto('/');
  const view = page.getByTestId('neuron-view');
  await view.scrollIntoViewIfNeeded();
  const first = await counts(page);
  expect(first.fragment).toBe('');
  expect(first.shown).toBe(first.node);
  expect(first.shown).toBeGreaterThan(0);

  await setSlider(page, 'neuronThreshold', 2);
  await expect.poll(() => page.evaluate(() => window.__neuronasTest!.linkFragment())).toBe('v=1&nth=2');
  const higher = await counts(page);
  expect(higher.shown).toBe(higher.node);
  expect(higher.shown).toBeLessThan(first.shown);
  await expect(page.getByTestId('neuron-spikes-plot-count')).toContainText(`${higher.shown} spikes in 100 steps`);
  await expect(page.getByTestId('neuron-membrane-plot').locator('g.reference-line')).toHaveAttribute('data-value', '2');
  await expect(page.getByTestId('neuron-equations')).toContainText('θ = 2');

  // The other convention, a noisy input: still the simulator's count.
  await page.getByTestId('select-neuronModel').selectOption('spikingjelly');
  await page.getByTestId('select-inputKind').selectOption('noisy');
  await setSlider(page, 'inputAmplitude', 2.5);
  await setSlider(page, 'neuronThreshold', 1.2);
  await expect.poll(async () => (await counts(page)).fragment).toBe('v=1&nm=spikingjelly&nth=1.2&ik=noisy&ia=2.5');
  const sj = await counts(page);
  expect(sj.shown).toBe(sj.node);
  expect(sj.shown).toBeGreaterThan(0);
  // SpikingJelly's charge H is drawn beside its membrane V.
  await expect(page.getByTestId('neuron-membrane-plot').locator('path.series')).toHaveCount(2);
});

test('a link carries a neuron setup', async ({ page }) => {
  await page.goto('/#v=1&nm=spikingjelly&ntau=3&nr=hard&nvr=-0.5&ik=poisson&ir=0.6&ia=1.5&iseed=7&nt=200');
  const c = await counts(page);
  expect(c.shown).toBe(c.node);
  await expect(page.getByTestId('neuron-spikes-plot-count')).toContainText('in 200 steps');
  await expect(page.getByTestId('select-neuronReset')).toHaveValue('hard');
  await expect(page.getByTestId('neuron-equations')).toContainText('V_reset = -0.5');
  // β is snnTorch's: dimmed, and says so.
  await expect(page.locator('.neuron-knob-unused [data-param=neuronBeta]')).toHaveCount(1);
  await expect(page.locator('.neuron-knob-unused').filter({ has: page.locator('[data-param=neuronBeta]') })).toContainText('snnTorch only');
});

test("the raster shows a layer's spikes for two MNIST test images and the kernel entry per step", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/#v=1&n=20&cmax=8&hid=64&tmax=3');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  const genome = (await page.evaluate(() => window.__neuronasTest!.genomes(1)))[0];
  const panel = page.getByTestId('raster-panel');
  await panel.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('raster-genome')).toHaveValue(genome);
  await page.getByTestId('raster-image-b').fill('7');
  await page.getByTestId('raster-show').click();
  const view = page.getByTestId('raster-view');
  await expect(view).toBeVisible({ timeout: 60_000 });
  await expect(panel).toHaveAttribute('data-phase', 'done');
  const T = Number(genome.match(/-t(\d+)-/)![1]);
  await expect(page.getByTestId('raster-table').locator('tbody tr')).toHaveCount(T);
  for (const kind of ['a', 'b', 'differ']) await expect(view.locator(`canvas.spike-map-${kind}`)).toHaveCount(T);
  await expect(page.getByTestId('raster-summary')).toContainText(`${genome}, layer cell1.lif0`);
  await expect(view.locator('.raster-image figcaption').nth(1)).toContainText('test image 7 (digit');

  // Another layer: asked for again, shown when it comes.
  const layers = page.getByTestId('raster-layer');
  const options = await layers.locator('option').allTextContents();
  expect(options.length).toBeGreaterThan(2);
  const last = (await layers.locator('option').last().getAttribute('value'))!;
  await layers.selectOption(last);
  await expect(view).toHaveAttribute('data-layer', last);
  await expect(page.getByTestId('raster-summary')).toContainText(`layer ${last}`);

  // A bad index is refused at the field, and nothing is lost.
  await page.getByTestId('raster-image-a').fill('5000');
  await expect(panel.locator('.raster-problem')).toContainText('Test images are numbered 0 to 1999');
  await expect(view).toHaveAttribute('data-layer', last);
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of the neuron view, ${theme}`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.addInitScript((t) => localStorage.setItem('neuronas-studio:theme', t), theme);
    for (const size of [
      { width: 1366, height: 768 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      // A fresh page each time (the same address again would only be a fragment change).
      await page.goto('about:blank');
      await page.goto('/#v=1&n=20&cmax=8&hid=64&tmax=3');
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
      await page.getByTestId('raster-image-b').fill('7');
      await page.getByTestId('raster-show').click();
      await expect(page.getByTestId('raster-view')).toBeVisible({ timeout: 60_000 });
      await page.getByTestId('neuron-panel').screenshot({ path: `test-results/neuron-shots/neuron-${theme}-${size.width}.png` });
      await page.getByTestId('raster-panel').screenshot({ path: `test-results/neuron-shots/raster-${theme}-${size.width}.png` });
      // The header's link brings the view's top into the window.
      await page.getByTestId('neuron-view-link').click();
      await expect(page.locator('#neuron-view-title')).toBeFocused();
      expect(Math.abs(await page.evaluate(() => document.getElementById('neuron-view')!.getBoundingClientRect().top))).toBeLessThan(1);
      await page.screenshot({ path: `test-results/neuron-shots/viewport-${theme}-${size.width}.png` });
      // SpikingJelly, hard reset below 0, noisy input: the charge H beside the membrane V.
      await page.goto('/#v=1&nm=spikingjelly&nr=hard&nvr=-0.3&ik=noisy&ia=1.4&isd=0.5');
      await page.getByTestId('neuron-panel').screenshot({ path: `test-results/neuron-shots/neuron-sj-${theme}-${size.width}.png` });
    }
  });
}
