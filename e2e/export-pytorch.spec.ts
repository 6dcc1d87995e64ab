/**
 * "Export as PyTorch" on the architecture detail downloads a zip holding
 * model.py, train.py and README.md of the shown genome: the very files the
 * generator (and so `neuronas export`) writes for it. "Import PyTorch weights…"
 * reads a weights file of that genome (as train.py saves it) and re-costs the
 * energy with its measured spike rates; a file of another genome is refused.
 * A candidate the page's search trained exports with its trained weights.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { parseGenome } from '../src/core/arch/genome.ts';
import { pytorchPackage } from '../src/core/export/pytorch.ts';
import { pytorchExportName } from '../src/core/export/pytorch-zip.ts';
import { STUDIO_VERSION } from '../src/core/files/document.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { batchNormChannels, decodeWeightsFile, encodeWeightsFile, type StudioWeights } from '../src/core/export/pytorch-weights.ts';
import { DEFAULT_LIF } from '../src/core/snn/lif.ts';

/** A weights file for `genome` (small constant weights) whose metadata says every spiking layer fired at `rate`. */
function weightsFile(genome: string, rate: number): Buffer {
  const arch = parseGenome(genome);
  const fill = (n: number, v: number) => new Float32Array(n).fill(v);
  const w: StudioWeights = { weights: new Map(), biases: new Map(), batchNorms: new Map() };
  const layers = layerList(arch);
  for (const l of layers) {
    w.weights.set(l.name!, fill(l.k * l.k * l.cin * l.cout, 0.01));
    if (l.kind === 'fc') w.biases.set(l.name!, fill(l.cout, 0));
  }
  for (const [name, c] of batchNormChannels(arch)) w.batchNorms.set(name, { gamma: fill(c, 1), beta: fill(c, 0), runningMean: fill(c, 0), runningVar: fill(c, 1), updates: 1 });
  const spikeRates = Object.fromEntries(layers.map((l) => [l.name!, l.name === 'stem' ? 1 : rate]));
  return Buffer.from(encodeWeightsFile(arch, w, { genome, lif: DEFAULT_LIF, encoding: 'direct', weightBits: arch.weightBits, quantScales: {}, spikeRates, source: 'train.py (e2e, 0 steps)' }));
}
import { waitForJobs } from './cost-page.ts';

test('the detail exports the shown architecture as a PyTorch package (zip)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await waitForJobs(page, 1);
  // Keyboard: step to a point and open it.
  await page.getByTestId('points-canvas').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog');
  const genome = (await drawer.getByTestId('detail-genome').innerText()).trim();
  const button = drawer.getByTestId('export-pytorch');
  await expect(button).toBeEnabled();
  await drawer.locator('.detail-head').screenshot({ path: 'test-results/export-pytorch/detail-head.png' });

  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const folder = pytorchExportName(genome);
  expect(download.suggestedFilename()).toBe(`${folder}.zip`);
  const files = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  expect(Object.keys(files).sort()).toEqual([`${folder}/README.md`, `${folder}/model.py`, `${folder}/train.py`]);
  const expected = pytorchPackage(parseGenome(genome), { studioVersion: STUDIO_VERSION }).files;
  for (const name of ['model.py', 'train.py', 'README.md']) expect(strFromU8(files[`${folder}/${name}`]), name).toBe(expected.get(name));
  expect(strFromU8(files[`${folder}/model.py`])).toContain(`GENOME = "${genome}"`);

  // Weights back: their spike rates re-cost the energy (crossbar and ADC energy scale with the input rate).
  const energyKpi = drawer.getByTestId('detail-kpis').locator('dd').first();
  const before = await energyKpi.innerText();
  const input = drawer.getByTestId('import-weights-input');
  const other = genome.replace(/^c(\d+)/, (_, c) => `c${Number(c) + 1}`);
  await input.setInputFiles({ name: 'other.safetensors', mimeType: 'application/octet-stream', buffer: weightsFile(other, 0.1) });
  await expect(drawer.getByTestId('import-weights-error')).toHaveText(`other.safetensors holds weights of ${other}, not of the architecture shown (${genome}).`);
  await input.setInputFiles({ name: 'trained.safetensors', mimeType: 'application/octet-stream', buffer: weightsFile(genome, 0.1) });
  await expect(drawer.getByTestId('imported-weights')).toContainText('trained.safetensors (train.py (e2e, 0 steps))');
  await expect(drawer.getByTestId('import-weights-error')).toHaveCount(0);
  const note = drawer.getByTestId('imported-weights');
  const measured = Number(await note.getAttribute('data-energy-uj'));
  const atRate1 = Number(await note.getAttribute('data-energy-rate1-uj'));
  expect(measured).toBeGreaterThan(0);
  expect(measured).toBeLessThan(atRate1);
  const after = await energyKpi.innerText();
  expect(after).not.toBe(before);
  await expect(drawer.getByTestId('imported-energy')).toHaveText(after.replace(/\s+/g, ' ').trim());
  await expect(drawer.locator('.arch-summary')).toContainText('with the measured spike rates');
  await drawer.getByTestId('imported-weights').screenshot({ path: 'test-results/export-pytorch/imported.png' });
  expect(errors).toEqual([]);
});

test('a candidate the search trained exports with its trained weights, which hold what the page measured', async ({ page }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#v=1&n=20&k=1&ep=1&tr=500&cmax=8&hid=64&tmax=2&s=5');
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const trained = page.locator('[data-testid="cand-row"][data-state="done"]');
  await expect(trained).toHaveCount(1);
  await trained.click();
  const drawer = page.getByRole('dialog');
  const genome = (await drawer.getByTestId('detail-genome').innerText()).trim();
  const button = drawer.getByTestId('export-pytorch');
  await expect(button).toHaveAttribute('data-weights', 'trained');
  await expect(button).toHaveText('Export as PyTorch (with trained weights)');

  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const folder = pytorchExportName(genome);
  const files = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  expect(Object.keys(files).sort()).toEqual([`${folder}/README.md`, `${folder}/model.py`, `${folder}/train.py`, `${folder}/weights.safetensors`]);
  expect(strFromU8(files[`${folder}/model.py`])).toContain('WEIGHTS_FILE = "weights.safetensors"');
  expect(strFromU8(files[`${folder}/README.md`])).toMatch(/weights the studio trained \(trained here: \d+\.\d % float/);

  // The file is the trained network: every layer-list weight, batch norms whose running statistics moved, and the
  // spike rates, scales and accuracy the page's training measured.
  const file = decodeWeightsFile(files[`${folder}/weights.safetensors`]);
  expect(file.meta.genome).toBe(genome);
  const layers = layerList(parseGenome(genome));
  for (const l of layers) expect(file.weights.weights.get(l.name!)!.length, l.name).toBe(l.k * l.k * l.cin * l.cout);
  expect([...file.weights.batchNorms.values()].some((bn) => bn.updates > 0 && bn.runningMean.some((m) => m !== 0))).toBe(true);
  const shown = await page.evaluate(() => window.__neuronasTest!.search());
  expect(file.meta.source).toContain(`${(100 * shown.trainedAccuracy[0]).toFixed(2)}% ${parseGenome(genome).weightBits}-bit)`);
  expect(Object.keys(file.meta.spikeRates!)).toEqual(layers.map((l) => l.name));
  expect(Object.values(file.meta.spikeRates!).every((r) => r >= 0 && r <= 1)).toBe(true);
  expect(Object.keys(file.meta.quantScales)).toEqual(layers.map((l) => l.name));
  expect(errors).toEqual([]);
});
