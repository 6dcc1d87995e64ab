/**
 * CIFAR-10 from the user's disk: a search asks for the batch files, refuses
 * corrupt ones and archives with a message that names the file, keeps the
 * earlier good files after a bad choice, and runs a small search on 32×32×3
 * candidates to a trained result. Synthetic batches in the real binary
 * format stand in for the real files (tests/cifar-fixture.ts).
 */
import { expect, test } from '@playwright/test';
import { syntheticCifarBatch } from '../tests/cifar-fixture.ts';

// 20 samples of a small space on CIFAR-10, the best 1 trained for 2 epochs on 400 images.
const CIFAR = '#v=1&rk=snasnet&ds=cifar10&n=20&k=1&ep=2&tr=400&cmax=8&hid=64&tmax=2';

const file = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

test('a CIFAR-10 search asks for its batch files, refuses bad ones and runs on good ones', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/${CIFAR}`);
  await expect(page.getByTestId('select-dataset')).toHaveValue('cifar10');
  // The cost page already samples CIFAR-10-shaped candidates.
  await page.waitForFunction(() => (window.__neuronasTest?.genomes(1).length ?? 0) > 0);
  expect((await page.evaluate(() => window.__neuronasTest!.genomes(5))).every((g) => g.includes('-i32x3-'))).toBe(true);

  // A shared CIFAR-10 link cannot carry the files: Start says what to do.
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status').getByRole('alert')).toContainText('choose data_batch_1.bin');

  const input = page.getByTestId('cifar-files');
  await input.setInputFiles(file('data_batch_1.bin', syntheticCifarBatch(10).subarray(0, 5000)));
  await expect(page.getByTestId('cifar-error')).toContainText('"data_batch_1.bin" has 5000 bytes, which is not a positive multiple of 3073');
  await input.setInputFiles(file('cifar-10-binary.tar.gz', new Uint8Array(3073)));
  await expect(page.getByTestId('cifar-error')).toContainText('is an archive: unpack cifar-10-binary.tar.gz');
  const badLabel = syntheticCifarBatch(4);
  badLabel[2 * 3073] = 12;
  await input.setInputFiles(file('data_batch_2.bin', badLabel));
  await expect(page.getByTestId('cifar-error')).toContainText('record 2 (byte offset 6146) has label 12');

  await input.setInputFiles([file('data_batch_1.bin', syntheticCifarBatch(300, 1)), file('data_batch_2.bin', syntheticCifarBatch(200, 2))]);
  await expect(page.getByTestId('cifar-status')).toHaveText('500 images from data_batch_1.bin, data_batch_2.bin: 400 to train on, 100 held out.');
  await expect(page.getByTestId('cifar-error')).toHaveCount(0);
  // A bad choice afterwards leaves the good files in use.
  await input.setInputFiles(file('test_batch.bin', new Uint8Array(7)));
  await expect(page.getByTestId('cifar-error')).toContainText('The earlier files are still in use.');
  await expect(page.getByTestId('cifar-status')).toContainText('500 images');
  await page.getByTestId('cifar-upload').screenshot({ path: 'test-results/search-shots/cifar-upload.png' });

  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-phase', 'done', { timeout: 100_000 });
  const s = await page.evaluate(() => window.__neuronasTest!.search());
  expect(s.counts.costed).toBe(20);
  expect(s.counts.trained).toBe(1);
  expect(s.trainedGenomes[0]).toContain('-i32x3-');
  // The synthetic classes are learnable: well above the 10 % of chance.
  expect(s.trainedAccuracy[0]).toBeGreaterThan(0.3);
  await page.locator('aside.controls').screenshot({ path: 'test-results/search-shots/cifar-panel.png' });
  await page.screenshot({ path: 'test-results/search-shots/cifar-search.png' });
});
