/**
 * The page's side of a CIFAR-10 upload (src/ui/dataset/cifar-upload.ts, no
 * DOM in it) and the held-out split of a user's data set.
 */
import { describe, expect, it } from 'vitest';
import { datasetSplit, SPLIT_SEED } from '../src/core/data/datasets.ts';
import { cifarUploadFromFiles, CIFAR10_MAX_RECORDS } from '../src/ui/dataset/cifar-upload.ts';
import { searchSpaceFromParams } from '../src/core/settings.ts';
import { defaultParams } from '../src/core/params.ts';
import { syntheticCifarBatch } from './cifar-fixture.ts';

describe('held-out split', () => {
  it('is the fixed split for the embedded sets and a fifth (at most 2000) for a user\'s data', () => {
    expect(datasetSplit({ name: 'mnist', count: 10_000 })).toEqual({ test: 2000, train: 8000, seed: SPLIT_SEED });
    expect(datasetSplit({ name: 'fashion-mnist', count: 70_000 })).toEqual({ test: 10_000, train: 60_000, seed: SPLIT_SEED });
    expect(datasetSplit({ name: 'cifar10', count: 1003 })).toEqual({ test: 200, train: 803, seed: SPLIT_SEED });
    expect(datasetSplit({ name: 'cifar10', count: 50_000 })).toEqual({ test: 2000, train: 48_000, seed: SPLIT_SEED });
    // A file that merely carries an embedded name but not its size is a user's data set.
    expect(datasetSplit({ name: 'mnist', count: 500 })).toEqual({ test: 100, train: 400, seed: SPLIT_SEED });
  });
});

describe('CIFAR-10 upload', () => {
  it('counts the images of every file and splits them', () => {
    const u = cifarUploadFromFiles([
      { name: 'data_batch_1.bin', bytes: syntheticCifarBatch(30, 1) },
      { name: 'data_batch_2.bin', bytes: syntheticCifarBatch(20, 2) },
    ]);
    expect(u).toMatchObject({ count: 50, train: 40, test: 10 });
    expect(u.upload.name).toBe('cifar10');
    expect(u.upload.files.map((f) => f.name)).toEqual(['data_batch_1.bin', 'data_batch_2.bin']);
  });

  it('refuses archives, wrong sizes, bad labels, an empty choice and more images than CIFAR-10 has, naming the file', () => {
    const ok = syntheticCifarBatch(3);
    expect(() => cifarUploadFromFiles([])).toThrow('no file was chosen');
    expect(() => cifarUploadFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: ok }])).toThrow('"cifar-10-binary.tar.gz" is an archive: unpack cifar-10-binary.tar.gz');
    expect(() => cifarUploadFromFiles([{ name: 'data_batch_1.bin', bytes: ok }, { name: 'x.bin', bytes: ok.subarray(1) }])).toThrow(
      'CIFAR-10 file "x.bin" has 9218 bytes, which is not a positive multiple of 3073',
    );
    const bad = ok.slice();
    bad[3073] = 10;
    expect(() => cifarUploadFromFiles([{ name: 'data_batch_4.bin', bytes: bad }])).toThrow('CIFAR-10 file "data_batch_4.bin": record 1 (byte offset 3073) has label 10; labels must be 0–9');
    const big = new Uint8Array(3073 * (CIFAR10_MAX_RECORDS / 2 + 1));
    expect(() => cifarUploadFromFiles([{ name: 'a.bin', bytes: big }, { name: 'b.bin', bytes: big }])).toThrow('60,002 images is more than CIFAR-10\'s 60,000: was a file chosen twice?');
  });
});

describe('search space input', () => {
  it('follows the data set: 32×32×3 for CIFAR-10, 28×28×1 for the MNISTs', () => {
    const p = defaultParams();
    expect(searchSpaceFromParams(p).input).toEqual({ size: 28, channels: 1 });
    expect(searchSpaceFromParams({ ...p, dataset: 'cifar10' }).input).toEqual({ size: 32, channels: 3 });
    expect(searchSpaceFromParams({ ...p, dataset: 'fashion-mnist' }).input).toEqual({ size: 28, channels: 1 });
  });
});
