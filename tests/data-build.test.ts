/**
 * src/cli/build-datasets.mjs: builds the embedded data sets from the npm
 * packages into a fresh folder; the core reader (decodeDataset) reads them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDatasets, type BuiltDataset } from '../src/cli/build-datasets.mjs';
import { decodeDataset, type Dataset } from '../src/core/data/format.ts';
import { pixelStats } from '../src/core/data/batches.ts';
import { EMBEDDED_DATASETS, loadDataset } from '../src/core/data/datasets.ts';
import { loadDatasetFrom, nodeFetchBytes } from '../src/cli/data-node.ts';

let dir: string;
let built: BuiltDataset[];
const read = (file: string): Dataset => decodeDataset(new Uint8Array(readFileSync(join(dir, file))), file);

function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classes).fill(0);
  for (const l of ds.labels) counts[l]++;
  return counts;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuronas-data-'));
  built = buildDatasets({ outDir: dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('build-datasets', () => {
  it('builds both files with the documented sizes', () => {
    expect(built.map((b) => [b.name, b.count, b.bytes, b.built])).toEqual([
      ['mnist', 10_000, 64 + 10_000 * 785, true],
      ['fashion-mnist', 70_000, 64 + 70_000 * 785, true],
    ]);
    expect(statSync(join(dir, 'mnist.bin')).size).toBe(7_850_064);
    expect(statSync(join(dir, 'fashion-mnist.bin')).size).toBe(54_950_064);
  });

  it('MNIST: 10,000 28×28×1 digits, every class present, real pixel statistics', () => {
    const ds = read('mnist.bin');
    expect([ds.name, ds.count, [...ds.shape], ds.classes]).toEqual(['mnist', 10_000, [28, 28, 1], 10]);
    // the package's digits/<d>.json hold these many digits each
    expect(classCounts(ds)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // class-interleaved order: the first ten images are one of each class
    expect([...ds.labels.subarray(0, 10)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const { mean, std } = pixelStats(ds);
    // MNIST's well-known statistics are mean ≈ 0.131 (≈ 33/255), std ≈ 0.308
    expect(mean[0]).toBeGreaterThan(0.128);
    expect(mean[0]).toBeLessThan(0.134);
    expect(std[0]).toBeGreaterThan(0.305);
    expect(std[0]).toBeLessThan(0.312);
    // digits are ink on black: the corners are background, the centre often inked
    let corner = 0;
    let centre = 0;
    for (let i = 0; i < ds.count; i++) {
      corner += ds.images[i * 784];
      centre += ds.images[i * 784 + 14 * 28 + 14];
    }
    expect(corner).toBe(0);
    expect(centre / ds.count).toBeGreaterThan(60);
  });

  it('Fashion-MNIST: the 70,000 images the package ships (2 empty entries dropped), 7,000 per class', () => {
    const ds = read('fashion-mnist.bin');
    expect([ds.name, ds.count, [...ds.shape], ds.classes]).toEqual(['fashion-mnist', 70_000, [28, 28, 1], 10]);
    expect(classCounts(ds)).toEqual(new Array(10).fill(7000));
    const { mean, std } = pixelStats(ds);
    // Fashion-MNIST's known statistics: mean ≈ 0.286, std ≈ 0.353
    expect(mean[0]).toBeGreaterThan(0.283);
    expect(mean[0]).toBeLessThan(0.289);
    expect(std[0]).toBeGreaterThan(0.35);
    expect(std[0]).toBeLessThan(0.356);
  });

  it('is idempotent: an up-to-date file is left alone, a stale or truncated one is rebuilt', () => {
    const path = join(dir, 'mnist.bin');
    const before = readFileSync(path);
    const again = buildDatasets({ outDir: dir, only: ['mnist'] });
    expect(again.map((b) => [b.name, b.count, b.bytes, b.built])).toEqual([['mnist', 10_000, 7_850_064, false]]);

    utimesSync(path, new Date(0), new Date(0)); // older than the package's JSON files
    expect(buildDatasets({ outDir: dir, only: ['mnist'] })[0].built).toBe(true);
    expect(readFileSync(path).equals(before)).toBe(true); // byte-identical rebuild

    truncateSync(path, 1000); // newer than its inputs but incomplete
    expect(buildDatasets({ outDir: dir, only: ['mnist'] })[0].built).toBe(true);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('the Node loader reads them (and checks name, count and shape)', async () => {
    const ds = await loadDatasetFrom('mnist', dir);
    expect(ds.count).toBe(EMBEDDED_DATASETS.mnist.count);
    // a file swapped for another data set is refused
    const swapped = nodeFetchBytes(dir);
    await expect(loadDataset('mnist', (f) => swapped(f === 'mnist.bin' ? 'fashion-mnist.bin' : f))).rejects.toThrow(
      "mnist.bin: holds 'fashion-mnist', 70000 images of 28×28×1, 10 classes; expected 'mnist', 10000 of 28×28×1, 10 classes (rebuild with npm run prepare-data)",
    );
  });

  it('the Node loader builds a missing file first', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'neuronas-data-empty-'));
    try {
      const ds = await loadDatasetFrom('mnist', empty);
      expect(ds.count).toBe(10_000);
      expect(statSync(join(empty, 'mnist.bin')).size).toBe(7_850_064);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('command line: up-to-date run prints the files; a bad flag exits 2 with a usage line', () => {
    const ok = spawnSync(process.execPath, ['src/cli/build-datasets.mjs', '--out', dir], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`${join(dir, 'mnist.bin')} is up to date (10000 images, 7850064 bytes)`);
    const bad = spawnSync(process.execPath, ['src/cli/build-datasets.mjs', '--frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('usage: node src/cli/build-datasets.mjs [--force] [--out DIR] [--quiet]\n');
  });
});
