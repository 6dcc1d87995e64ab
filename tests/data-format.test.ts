/**
 * Pure data core: the NNDS format, the CIFAR-10 batch parser, splits, batch
 * order, float batches and the environment-agnostic loader.
 */
import { describe, expect, it } from 'vitest';
import {
  CIFAR10_RECORD_BYTES,
  DatasetError,
  decodeDataset,
  encodeDataset,
  parseCifar10,
  type Dataset,
} from '../src/core/data/format.ts';
import { epochBatches, epochSeed, makeBatch, oneHot, pixelStats, shuffled, splitDataset } from '../src/core/data/batches.ts';
import { EMBEDDED_DATASETS, cachedLoader, loadDataset } from '../src/core/data/datasets.ts';
import { browserFetchBytes, dataUrl } from '../src/tf/data-browser.ts';

/** A small data set whose pixel values encode (image, position): easy to check after any reordering. */
function tiny(count = 5, shape: [number, number, number] = [2, 3, 2], classes = 4): Dataset {
  const size = shape[0] * shape[1] * shape[2];
  return {
    name: 'tiny',
    count,
    shape,
    classes,
    labels: Uint8Array.from({ length: count }, (_, i) => i % classes),
    images: Uint8Array.from({ length: count * size }, (_, j) => (Math.floor(j / size) * 37 + (j % size) * 5) % 256),
  };
}

describe('NNDS dataset format', () => {
  it('round-trips and lays out the documented header', () => {
    const ds = tiny();
    const bytes = encodeDataset(ds);
    expect(bytes.length).toBe(64 + 5 + 5 * 12);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('NNDS');
    const v = new DataView(bytes.buffer);
    expect([v.getUint16(4, true), v.getUint16(6, true), v.getUint32(8, true), v.getUint16(12, true), v.getUint16(14, true), v.getUint16(16, true), v.getUint16(18, true), bytes[20]]).toEqual([
      1, 64, 5, 2, 3, 2, 4, 4,
    ]);
    expect([...bytes.subarray(64, 69)]).toEqual([0, 1, 2, 3, 0]);
    const back = decodeDataset(bytes, 'tiny.bin');
    expect(back.name).toBe('tiny');
    expect([back.count, [...back.shape], back.classes]).toEqual([5, [2, 3, 2], 4]);
    expect([...back.labels]).toEqual([...ds.labels]);
    expect([...back.images]).toEqual([...ds.images]);
  });

  it('rejects bad files with messages naming the problem', () => {
    const bytes = encodeDataset(tiny());
    expect(() => decodeDataset(bytes.subarray(0, 10), 'x.bin')).toThrow(new DatasetError('x.bin: 10 bytes is too short for the 64-byte dataset header'));
    expect(() => decodeDataset(bytes.subarray(0, bytes.length - 1), 'x.bin')).toThrow(
      new DatasetError('x.bin: 128 bytes, expected 129 for 5 images of 2×3×2 (truncated or corrupt file)'),
    );
    const html = new TextEncoder().encode('<!doctype html>'.padEnd(100, ' '));
    expect(() => decodeDataset(html, 'x.bin')).toThrow(new DatasetError('x.bin: not a NeuroNAS dataset file (magic "<!do", expected "NNDS")'));
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(() => decodeDataset(v2, 'x.bin')).toThrow(new DatasetError('x.bin: dataset format version 2 is not supported (this build reads version 1)'));
    const badLabel = bytes.slice();
    badLabel[64 + 3] = 4;
    expect(() => decodeDataset(badLabel, 'x.bin')).toThrow(new DatasetError('tiny: image 3 has label 4; labels must be 0–3'));
    expect(() => encodeDataset({ ...tiny(), images: new Uint8Array(3) })).toThrow(new DatasetError('tiny: 3 pixel bytes, expected 60 (5 × 2×3×2)'));
  });
});

/** CIFAR-10 records: label, then R plane, G plane, B plane (32×32 each). */
function cifarRecord(label: number, r: (p: number) => number, g: (p: number) => number, b: (p: number) => number): Uint8Array {
  const rec = new Uint8Array(CIFAR10_RECORD_BYTES);
  rec[0] = label;
  for (let p = 0; p < 1024; p++) {
    rec[1 + p] = r(p);
    rec[1 + 1024 + p] = g(p);
    rec[1 + 2048 + p] = b(p);
  }
  return rec;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('CIFAR-10 binary batches', () => {
  const records = [
    cifarRecord(3, (p) => p % 256, () => 7, (p) => 255 - (p % 256)),
    cifarRecord(9, () => 200, (p) => Math.floor(p / 32), (p) => p % 32),
    cifarRecord(0, (p) => (p * 3) % 256, (p) => (p * 5) % 256, (p) => (p * 7) % 256),
  ];
  const file = { name: 'data_batch_1.bin', bytes: concat(records) };

  it('parses records into HWC pixels and labels', () => {
    const ds = parseCifar10(file);
    expect([ds.name, ds.count, [...ds.shape], ds.classes]).toEqual(['cifar10', 3, [32, 32, 3], 10]);
    expect([...ds.labels]).toEqual([3, 9, 0]);
    const px = (i: number, y: number, x: number) => [...ds.images.subarray(((i * 32 + y) * 32 + x) * 3, ((i * 32 + y) * 32 + x) * 3 + 3)];
    expect(px(0, 0, 0)).toEqual([0, 7, 255]);
    expect(px(0, 0, 5)).toEqual([5, 7, 250]);
    expect(px(0, 1, 2)).toEqual([34, 7, 221]); // p = 34
    expect(px(1, 10, 20)).toEqual([200, 10, 20]);
    expect(px(2, 31, 31)).toEqual([(1023 * 3) % 256, (1023 * 5) % 256, (1023 * 7) % 256]);
    // every byte of every plane lands somewhere: channel sums agree with the source planes
    for (const [i, rec] of records.entries()) {
      for (let c = 0; c < 3; c++) {
        let src = 0;
        let dst = 0;
        for (let p = 0; p < 1024; p++) {
          src += rec[1 + c * 1024 + p];
          dst += ds.images[i * 3072 + p * 3 + c];
        }
        expect(dst).toBe(src);
      }
    }
  });

  it('concatenates several files in order', () => {
    const ds = parseCifar10([file, { name: 'data_batch_2.bin', bytes: records[1] }]);
    expect([...ds.labels]).toEqual([3, 9, 0, 9]);
    expect([...ds.images.subarray(3 * 3072, 3 * 3072 + 3)]).toEqual([200, 0, 0]);
  });

  it('a file of the wrong size gets a clear message', () => {
    expect(() => parseCifar10({ name: 'data_batch_1.bin', bytes: file.bytes.subarray(0, 5000) })).toThrow(
      new DatasetError('CIFAR-10 file "data_batch_1.bin" has 5000 bytes, which is not a positive multiple of 3073 (1 label byte + 3072 pixel bytes per record)'),
    );
    expect(() => parseCifar10({ name: 'empty.bin', bytes: new Uint8Array(0) })).toThrow(
      new DatasetError('CIFAR-10 file "empty.bin" has 0 bytes, which is not a positive multiple of 3073 (1 label byte + 3072 pixel bytes per record)'),
    );
  });

  it('a label outside 0–9 names the record and changes nothing', () => {
    const bad = file.bytes.slice();
    bad[2 * 3073] = 12;
    const copy = bad.slice();
    expect(() => parseCifar10({ name: 'data_batch_1.bin', bytes: bad })).toThrow(
      new DatasetError('CIFAR-10 file "data_batch_1.bin": record 2 (byte offset 6146) has label 12; labels must be 0–9'),
    );
    expect(bad).toEqual(copy);
    // one bad file among good ones: the whole load is refused
    let result: Dataset | undefined;
    expect(() => {
      result = parseCifar10([file, { name: 'data_batch_2.bin', bytes: bad }]);
    }).toThrow('record 2 (byte offset 6146) has label 12');
    expect(result).toBeUndefined();
  });
});

describe('splits', () => {
  it('are deterministic, disjoint, of the asked sizes, and sorted', () => {
    const a = splitDataset(10_000, { train: 8000, test: 2000, seed: 7 });
    const b = splitDataset(10_000, { train: 8000, test: 2000, seed: 7 });
    expect(a.train).toEqual(b.train);
    expect(a.test).toEqual(b.test);
    expect([a.train.length, a.test.length]).toEqual([8000, 2000]);
    const all = new Set([...a.train, ...a.test]);
    expect(all.size).toBe(10_000);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(9999);
    for (let i = 1; i < a.test.length; i++) expect(a.test[i]).toBeGreaterThan(a.test[i - 1]);
    // a different seed gives a different split
    const c = splitDataset(10_000, { train: 8000, test: 2000, seed: 8 });
    const overlap = [...c.test].filter((i) => new Set(a.test).has(i)).length;
    expect(overlap).toBeGreaterThan(200); // ≈ 2000·0.2 = 400 by chance
    expect(overlap).toBeLessThan(700);
  });

  it('the test set does not depend on the training size', () => {
    const full = splitDataset(10_000, { test: 2000, seed: 3 });
    const small = splitDataset(10_000, { test: 2000, train: 500, seed: 3 });
    expect(small.test).toEqual(full.test);
    expect(full.train.length).toBe(8000);
    expect([...small.train].every((i) => full.train.includes(i))).toBe(true);
  });

  it('the default MNIST split is 8,000 / 2,000 and roughly class-balanced', () => {
    const labels = Uint8Array.from({ length: 10_000 }, (_, i) => i % 10);
    const s = splitDataset(10_000, EMBEDDED_DATASETS.mnist.split);
    expect([s.train.length, s.test.length]).toEqual([8000, 2000]);
    const counts = new Array(10).fill(0);
    for (const i of s.test) counts[labels[i]]++;
    for (const n of counts) {
      expect(n).toBeGreaterThan(150);
      expect(n).toBeLessThan(250);
    }
  });

  it('refuse sizes the data set cannot hold', () => {
    expect(() => splitDataset(100, { train: 90, test: 20, seed: 1 })).toThrow(
      new DatasetError('a split of 90 training + 20 test images needs 110 images; the data set has 100'),
    );
    expect(() => splitDataset(100, { test: -1, seed: 1 })).toThrow('test split size must be a whole number ≥ 0 (got -1)');
  });
});

describe('batches', () => {
  it('shuffle per epoch from (seed, epoch), cover every index once, and keep the last partial batch', () => {
    const idx = Int32Array.from({ length: 70 }, (_, i) => i * 2);
    const e0 = epochBatches(idx, 32, { seed: 5, epoch: 0 });
    expect(e0.map((b) => b.length)).toEqual([32, 32, 6]);
    expect(e0.map((b) => [...b]).flat().sort((x, y) => x - y)).toEqual([...idx]);
    expect(epochBatches(idx, 32, { seed: 5, epoch: 0 })).toEqual(e0);
    expect(epochBatches(idx, 32, { seed: 5, epoch: 1 })[0]).not.toEqual(e0[0]);
    expect(epochBatches(idx, 32, { seed: 6, epoch: 0 })[0]).not.toEqual(e0[0]);
    expect(epochBatches(idx, 32, { seed: 5, epoch: 0, dropLast: true }).map((b) => b.length)).toEqual([32, 32]);
    expect([...epochBatches(idx, 32, { shuffle: false })[0]]).toEqual([...idx.subarray(0, 32)]);
    expect(epochSeed(5, 0)).not.toBe(epochSeed(5, 1));
    expect([...shuffled([1, 2, 3, 4, 5, 6, 7, 8], 1)].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('make NHWC float batches in [0, 1] with int32 labels', () => {
    const ds = tiny();
    const b = makeBatch(ds, [3, 0]);
    expect(b.shape).toEqual([2, 2, 3, 2]);
    expect([...b.labels]).toEqual([3, 0]);
    expect(b.labels).toBeInstanceOf(Int32Array);
    expect(b.x.length).toBe(24);
    for (let p = 0; p < 12; p++) {
      expect(b.x[p]).toBeCloseTo(ds.images[3 * 12 + p] / 255, 7);
      expect(b.x[12 + p]).toBeCloseTo(ds.images[p] / 255, 7);
    }
    expect(() => makeBatch(ds, [5])).toThrow(new DatasetError('tiny: image index 5 is outside 0–4'));
  });

  it('standardise per channel with pixelStats', () => {
    const ds = tiny(40);
    const stats = pixelStats(ds);
    const b = makeBatch(ds, Int32Array.from({ length: 40 }, (_, i) => i), { kind: 'standard', ...stats });
    for (let c = 0; c < 2; c++) {
      let s = 0;
      let s2 = 0;
      for (let p = c; p < b.x.length; p += 2) {
        s += b.x[p];
        s2 += b.x[p] * b.x[p];
      }
      const n = b.x.length / 2;
      expect(s / n).toBeCloseTo(0, 5);
      expect(s2 / n).toBeCloseTo(1, 4);
    }
    // channel 0 and 1 differ, so their statistics do too
    expect(stats.mean[0]).not.toBeCloseTo(stats.mean[1], 3);
  });

  it('one-hot rows', () => {
    expect([...oneHot([2, 0], 3)]).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow('label 3 is outside 0–2');
  });
});

describe('loader', () => {
  const mnistLike = (): Dataset => ({
    name: 'mnist',
    count: 10_000,
    shape: [28, 28, 1],
    classes: 10,
    labels: new Uint8Array(10_000),
    images: new Uint8Array(10_000 * 784),
  });

  it('loads through any fetchBytes and caches per name', async () => {
    const asked: string[] = [];
    const bytes = encodeDataset(mnistLike());
    const load = cachedLoader(async (file) => {
      asked.push(file);
      return bytes;
    });
    const [a, b] = await Promise.all([load('mnist'), load('mnist')]);
    expect(a).toBe(b);
    expect(asked).toEqual(['mnist.bin']);
    await expect(loadDataset('cifar100', async () => bytes)).rejects.toThrow(new DatasetError("unknown dataset 'cifar100' (known: mnist, fashion-mnist)"));
  });

  it('the browser adapter fetches <base>data/<file> and explains a missing file', async () => {
    expect(dataUrl('mnist.bin', 'http://localhost:5173/data/')).toBe('http://localhost:5173/data/mnist.bin');
    const bytes = encodeDataset(mnistLike());
    const urls: string[] = [];
    const ok = browserFetchBytes('http://h/studio/data/', async (u) => {
      urls.push(String(u));
      return new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } });
    });
    expect((await loadDataset('mnist', ok)).count).toBe(10_000);
    expect(urls).toEqual(['http://h/studio/data/mnist.bin']);
    const html = browserFetchBytes('http://h/data/', async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }));
    await expect(loadDataset('mnist', html)).rejects.toThrow(
      new DatasetError('http://h/data/mnist.bin is missing (the server sent an HTML page; build the data with npm run prepare-data)'),
    );
    const notFound = browserFetchBytes('http://h/data/', async () => new Response('', { status: 404 }));
    await expect(loadDataset('mnist', notFound)).rejects.toThrow('could not fetch http://h/data/mnist.bin: HTTP 404');
  });
});
