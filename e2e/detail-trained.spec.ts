/**
 * An imported search run carries trained results: its trained candidates
 * open with accuracy, training curves and per-layer spike rates, and their
 * energy costed with the measured activity.
 */
import { writeFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { architectureDocument } from '../src/core/files/architecture.ts';
import { formatCompact } from '../src/core/metrics.ts';
import { RANK_LABELS } from '../src/ui/search/rank-labels.ts';
import { makeSearchRun, makeSearchRunJson } from './search-run.ts';

test('a trained candidate of an imported search shows its training and measured energy', async ({ page }, info) => {
  const run = await makeSearchRun();
  const path = info.outputPath('search-run.json');
  await writeFile(path, await makeSearchRunJson());
  await page.goto('/');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=job-status]')?.dataset.phase === 'done');
  await page.getByTestId('import-run-input').setInputFiles(path);
  await expect(page.getByTestId('imported-status')).toContainText(`${run.candidates.length} candidates imported from search-run.json (a search, ${run.trained.length} trained)`);

  const trained = run.trained[0];
  await page.evaluate((i) => window.__neuronasTest!.select(i), trained.index);
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByTestId('detail-genome')).toHaveText(trained.genome);
  const training = drawer.getByTestId('training');
  await expect(training).toBeVisible();
  await expect(drawer.getByTestId('accuracy-float')).toHaveText(`${(trained.result.accuracyFloat * 100).toFixed(1)} %`);
  await expect(drawer.getByTestId('accuracy-quantized')).toHaveText(`${(trained.result.accuracyQuantized * 100).toFixed(1)} %`);
  await expect(training.getByTestId('chart-training-curves').locator('.recharts-line')).toHaveCount(3);
  await expect(training.getByTestId('chart-spike-rates').locator('.recharts-bar-rectangle')).toHaveCount(trained.result.spikeRates.length);
  await expect(drawer.getByTestId('layer-table').locator('thead th').last()).toHaveText('Spike rate');
  const measured = architectureDocument(trained.genome, run.settings.hardware, trained.result);
  const worstCase = architectureDocument(trained.genome, run.settings.hardware);
  expect(measured.cost.energy_uJ).toBeLessThan(worstCase.cost.energy_uJ);
  await expect(drawer.getByTestId('detail-kpis')).toContainText(`Energy / inference${formatCompact(measured.cost.energy_uJ)} µJ`);
  await expect(drawer).toContainText('with the measured spike rates');
  // The verdict names what the search ranked by, with this candidate's value as the table writes it.
  const ranking = RANK_LABELS[run.settings.rankBy];
  await expect(drawer.locator('.verdict')).toHaveText(`within every budget · ${ranking.phrase} ${ranking.format(run.candidates[trained.index].score!)}`);
});
