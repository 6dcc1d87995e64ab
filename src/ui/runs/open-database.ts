/**
 * One IndexedDB database, opened on first use and then shared (idb's openDB). A failed open (storage refused, a
 * private window) is not kept: the next call tries again. The kept runs and the kept calibrations each open theirs so.
 */
import { openDB, type DBSchema, type IDBPDatabase, type OpenDBCallbacks } from 'idb';

export function lazyDatabase<S extends DBSchema>(name: string, version: number, upgrade: NonNullable<OpenDBCallbacks<S>['upgrade']>): () => Promise<IDBPDatabase<S>> {
  let opening: Promise<IDBPDatabase<S>> | null = null;
  return () => {
    opening ??= openDB<S>(name, version, { upgrade }).catch((e) => {
      opening = null;
      throw e;
    });
    return opening;
  };
}
