/**
 * The runs kept in this browser, in IndexedDB through `idb` (a promise
 * wrapper of the raw API: ~1.2 kB brotli, typed schemas, transactions over
 * two stores, key ranges; idb-keyval has one key-value store and no ranges,
 * Dexie is about twenty times the size for querying we do not need).
 *
 * Two stores: `runs` (one header per run, core/runs/records.ts) and `chunks`
 * (keyed [runId, seq]: what arrived between two writes). A write of a
 * running search is one transaction that adds one chunk and rewrites the
 * small header, so a write never costs more than what arrived.
 *
 * Page thread, not a worker: the search's updates arrive here anyway (the
 * page reduces them into its model), IndexedDB does its I/O off the thread
 * whichever thread calls it, and the list of runs is shown here; a worker
 * would only add a copy of every update and a second message hop.
 */
import type { DBSchema } from 'idb';
import { lazyDatabase } from './open-database.ts';
import type { StoredRunChunk, StoredRunHeader } from '../../core/runs/header.ts';

// Reading a kept run folds it into a run document (the run-file code and its schemas); writing does not need that,
// so it loads on the first read: a search's first write stays a small task on the page's thread.
const records = () => import('../../core/runs/records.ts');
import type { RunData } from '../../core/files/run.ts';

export const RUN_DB_NAME = 'neuronas-studio-runs';
/** The database's own version (its stores); records carry their schema version (RUN_RECORD_SCHEMA) apart from it. */
const RUN_DB_VERSION = 1;

interface RunDb extends DBSchema {
  runs: { key: string; value: StoredRunHeader };
  chunks: { key: [string, number]; value: StoredRunChunk };
}


const db = lazyDatabase<RunDb>(RUN_DB_NAME, RUN_DB_VERSION, (d) => {
  if (!d.objectStoreNames.contains('runs')) d.createObjectStore('runs', { keyPath: 'id' });
  if (!d.objectStoreNames.contains('chunks')) d.createObjectStore('chunks', { keyPath: ['runId', 'seq'] });
});

/** Every chunk of a run: the key range [runId, -∞] … [runId, +∞]. */
const chunksOf = (id: string) => IDBKeyRange.bound([id, -Infinity], [id, Infinity]);

export interface KeptRunEntry {
  header: StoredRunHeader;
  /** why a record could not be read (a newer studio's, a damaged one): listed, so it can be deleted */
  problem: string | null;
}

/** The kept runs, newest first; older records migrate as they are read (and are written back migrated). */
export async function listRuns(): Promise<KeptRunEntry[]> {
  const d = await db();
  const kept = (await d.getAll('runs')) as unknown[];
  const { migrateRunRecord } = await records();
  const out: KeptRunEntry[] = [];
  for (const rec of kept) {
    const m = migrateRunRecord(rec);
    if (m.ok) {
      if (m.chunks.length) await writeMigrated(m.header, m.chunks);
      out.push({ header: m.header, problem: null });
    } else {
      const r = rec as { id: string; name?: string; createdAt?: number };
      out.push({ header: { id: r.id, name: r.name ?? r.id, createdAt: r.createdAt ?? 0, updatedAt: r.createdAt ?? 0 } as StoredRunHeader, problem: m.problem });
    }
  }
  return out.sort((a, b) => b.header.updatedAt - a.header.updatedAt);
}

async function writeMigrated(header: StoredRunHeader, chunks: StoredRunChunk[]): Promise<void> {
  const d = await db();
  const tx = d.transaction(['runs', 'chunks'], 'readwrite');
  await Promise.all([...chunks.map((c) => tx.objectStore('chunks').put(c)), tx.objectStore('runs').put(header), tx.done]);
}

/** A kept run read whole: its header and its run document (the one Export writes). */
export async function readRun(id: string): Promise<{ header: StoredRunHeader; run: RunData } | null> {
  const d = await db();
  const rec = await d.get('runs', id);
  if (!rec) return null;
  const { foldChunks, migrateRunRecord, runDataOfStored } = await records();
  const m = migrateRunRecord(rec);
  if (!m.ok) throw new Error(m.problem);
  if (m.chunks.length) await writeMigrated(m.header, m.chunks);
  const chunks = m.chunks.length ? m.chunks : await d.getAll('chunks', chunksOf(id));
  return { header: m.header, run: runDataOfStored(m.header, foldChunks(chunks)) };
}

/** Starts keeping a run: its header and its first chunk (the rows the page already held). */
export async function createRun(header: StoredRunHeader, first: StoredRunChunk | null): Promise<void> {
  const d = await db();
  const tx = d.transaction(['runs', 'chunks'], 'readwrite');
  await Promise.all([tx.objectStore('runs').put(header), ...(first ? [tx.objectStore('chunks').put(first)] : []), tx.done]);
}

/**
 * One write of a running search: the chunk of what arrived and the header's new counts, together or not at all. The
 * name kept is the stored one (the list may have renamed the run meanwhile); a run deleted meanwhile stays deleted.
 */
export async function appendChunk(header: StoredRunHeader, chunk: StoredRunChunk | null): Promise<void> {
  const d = await db();
  const tx = d.transaction(['runs', 'chunks'], 'readwrite');
  const runs = tx.objectStore('runs');
  const prev = await runs.get(header.id);
  if (prev) await Promise.all([...(chunk ? [tx.objectStore('chunks').put(chunk)] : []), runs.put({ ...header, name: prev.name })]);
  await tx.done;
}

export async function renameRun(id: string, name: string): Promise<void> {
  const d = await db();
  const tx = d.transaction('runs', 'readwrite');
  const h = await tx.store.get(id);
  if (h) await tx.store.put({ ...h, name });
  await tx.done;
}

export async function deleteRun(id: string): Promise<void> {
  const d = await db();
  const tx = d.transaction(['runs', 'chunks'], 'readwrite');
  await Promise.all([tx.objectStore('runs').delete(id), tx.objectStore('chunks').delete(chunksOf(id)), tx.done]);
}

/** The browser's storage use and quota for this site, when it says (navigator.storage.estimate). */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return null;
  const e = await navigator.storage.estimate();
  return e.usage !== undefined && e.quota !== undefined ? { usage: e.usage, quota: e.quota } : null;
}

export { isQuotaError } from './quota.ts';
