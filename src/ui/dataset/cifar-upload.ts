/**
 * The user's CIFAR-10 batches, read from disk on the page. Only the cheap
 * checks run here (size a multiple of a record, labels 0–9: one byte per
 * record); the pixel reshuffle happens in each training worker, off this
 * thread (TrainingEngine.provideDataset). The files never enter a link or an
 * export: a shared CIFAR-10 search asks its reader for the same files.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { datasetSplit } from '../../core/data/datasets.ts';
import { DatasetError, checkCifar10Batch, cifar10Records, type NamedBytes } from '../../core/data/format.ts';
import type { DatasetUpload } from '../../protocol/training.ts';

/** The full CIFAR-10 set: five training batches and the test batch. */
export const CIFAR10_MAX_RECORDS = 60_000;

export interface CifarUpload {
  upload: DatasetUpload;
  count: number;
  train: number;
  test: number;
}

export interface CifarUploadState {
  cifar: CifarUpload | null;
  reading: boolean;
  /** why the last choice of files was refused (the earlier upload, if any, stays) */
  error: string | null;
}

export const cifarUploadStore = createStore<CifarUploadState>()(() => ({ cifar: null, reading: false, error: null }));

export function useCifarUpload<T>(selector: (s: CifarUploadState) => T): T {
  return useStore(cifarUploadStore, selector);
}

const ARCHIVE = /\.(tar\.gz|tgz|tar|gz|zip)$/i;

/** Refuses a choice whose names or sizes cannot be CIFAR-10 batches, before anything is read. */
function checkNamesAndSizes(files: readonly { name: string; size: number }[]): void {
  if (files.length === 0) throw new DatasetError('no file was chosen');
  for (const f of files) {
    if (ARCHIVE.test(f.name)) {
      throw new DatasetError(`"${f.name}" is an archive: unpack cifar-10-binary.tar.gz and choose the .bin files inside it (data_batch_1.bin … data_batch_5.bin, test_batch.bin)`);
    }
    cifar10Records(f.name, f.size);
  }
}

/** Checks a choice of files and builds the upload; throws a DatasetError that says what is wrong with which file. */
export function cifarUploadFromFiles(files: readonly NamedBytes[]): CifarUpload {
  checkNamesAndSizes(files.map((f) => ({ name: f.name, size: f.bytes.length })));
  let count = 0;
  for (const f of files) count += checkCifar10Batch(f);
  if (count > CIFAR10_MAX_RECORDS) throw new DatasetError(`${count.toLocaleString('en-US')} images is more than CIFAR-10's ${CIFAR10_MAX_RECORDS.toLocaleString('en-US')}: was a file chosen twice?`);
  const split = datasetSplit({ name: 'cifar10', count });
  return { upload: { name: 'cifar10', files: files.map((f) => ({ name: f.name, bytes: f.bytes })) }, count, train: split.train, test: split.test };
}

/**
 * On a cross-origin-isolated page the bytes move into shared memory, so
 * handing them to every training worker shares one copy instead of cloning
 * up to 180 MB per worker.
 */
function shareable(bytes: Uint8Array): Uint8Array {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}

/** Reads the chosen files and, when every one is a well-formed batch, makes them the page's CIFAR-10. */
export async function chooseCifarFiles(files: readonly File[]): Promise<void> {
  cifarUploadStore.setState({ reading: true });
  try {
    checkNamesAndSizes(files);
    const named = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: shareable(new Uint8Array(await f.arrayBuffer())) })));
    cifarUploadStore.setState({ cifar: cifarUploadFromFiles(named), reading: false, error: null });
  } catch (e) {
    const message = e instanceof DatasetError ? e.message : `the files could not be read: ${e instanceof Error ? e.message : String(e)}`;
    cifarUploadStore.setState({ reading: false, error: message });
  }
}
