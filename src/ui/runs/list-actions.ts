/**
 * What the list of kept runs does: refresh (headers and the storage
 * estimate), open on the page, rename, delete, export (the same writer and
 * file name as Export). Each failure is said in the runs store, never thrown
 * at the page.
 */
import { cleanRunName } from '../../core/runs/header.ts';
import type { SearchController } from '../search/controller.ts';
import type { StudioStore } from '../state/store.ts';
import { downloadText } from '../exchange/download.ts';
import { runsStore } from './runs-store.ts';

const runDb = () => import('./run-db.ts');

export interface RunListActions {
  refresh(): Promise<void>;
  /** true when the run opened (a failure is said in the runs store) */
  open(id: string): Promise<boolean>;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
  exportJson(id: string): Promise<void>;
}

export function createRunListActions(studio: StudioStore, search: SearchController): RunListActions {
  const said = (what: string, e: unknown) => runsStore.getState().setProblem(`${what}: ${e instanceof Error ? e.message : String(e)}`, 'storage');
  const refresh = async (): Promise<void> => {
    try {
      const { listRuns, storageEstimate } = await runDb();
      const [entries, estimate] = await Promise.all([listRuns(), storageEstimate()]);
      runsStore.setState({ entries, estimate });
    } catch (e) {
      said('The kept runs could not be read', e);
    }
  };
  return {
    refresh,
    async open(id) {
      try {
        const { openKeptRun } = await import('./open-run.ts');
        await openKeptRun(id, studio, search);
        return true;
      } catch (e) {
        said('That run could not be opened', e);
        return false;
      }
    },
    async rename(id, name) {
      const entry = runsStore.getState().entries.find((e) => e.header.id === id);
      if (!entry) return;
      const clean = cleanRunName(name, entry.header.name);
      try {
        const { renameRun } = await runDb();
        await renameRun(id, clean);
      } catch (e) {
        said('That run could not be renamed', e);
      }
      await refresh();
    },
    async remove(id) {
      try {
        const { deleteRun } = await runDb();
        await deleteRun(id);
      } catch (e) {
        said('That run could not be deleted', e);
      }
      await refresh();
    },
    async exportJson(id) {
      try {
        const [{ readRun }, { runJson }, { baseName }] = await Promise.all([runDb(), import('../../core/files/run.ts'), import('../exchange/run-actions.ts')]);
        const kept = await readRun(id);
        if (kept) downloadText(`${baseName(kept.run)}.json`, runJson(kept.run), 'application/json');
      } catch (e) {
        said('That run could not be exported', e);
      }
    },
  };
}
