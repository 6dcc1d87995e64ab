/**
 * Opening kept runs on the page (loaded on first use): a run chosen in the
 * list, and, as the page opens, the run a reload cut off (or the kept run of
 * the search a run=1 link asks for), shown with everything that had arrived
 * and the offer to resume instead of a search started again from zero.
 */
import { BUDGETS } from '../../core/settings.ts';
import type { ParamValues } from '../../core/params.ts';
import { candidatesKey } from '../costing/controller.ts';
import type { SearchController } from '../search/controller.ts';
import type { StudioStore } from '../state/store.ts';
import { resultsOfRun } from '../exchange/run-actions.ts';
import { listRuns, readRun } from './run-db.ts';

/** Opens kept run `id` on the page; a run still marked running (and not this page's own) was cut off. Throws when it cannot be read. */
export async function openKeptRun(id: string, studio: StudioStore, search: SearchController): Promise<void> {
  const kept = await readRun(id);
  if (!kept) throw new Error('That run is no longer kept (deleted in another tab?).');
  const cutOff = kept.header.status === 'running' && search.storedId() !== id;
  // Keyed as the costing of its inputs is: a resumed search then takes these rows as its sampled set's.
  const key = kept.header.inputs ? candidatesKey(kept.header.inputs) : '';
  const results = await resultsOfRun(kept.run, studio.getState().results.version + 1, { kind: 'search' }, key, kept.header.sampled);
  search.openStored(kept.header, kept.run, results, cutOff);
}

/** The knobs that decide what a search does, beyond its candidates (budgets move freely, axes are only the view). */
function searchKnobs(params: ParamValues): string {
  const budgetKeys = new Set<string>(BUDGETS.map((b) => b.key));
  return JSON.stringify(Object.entries(params).filter(([k]) => !budgetKeys.has(k)));
}

/**
 * As the page opens: the kept run of the page's inputs that a reload cut off (or, when the link asks for its search
 * with run=1, any kept run of those inputs) opens, with Resume offered when it had not finished. True when one did:
 * the link's search then does not start again from zero.
 */
export async function restoreOnLoad(studio: StudioStore, search: SearchController, linkAsksForSearch: boolean): Promise<boolean> {
  const st = studio.getState();
  const key = candidatesKey(st);
  const knobs = searchKnobs(st.params);
  let entries;
  try {
    entries = await listRuns();
  } catch {
    // No storage (a private window that refuses IndexedDB): nothing to restore.
    return false;
  }
  const match = entries.find(
    ({ header: h, problem }) =>
      !problem && h.inputs && (h.status === 'running' || (linkAsksForSearch && h.status !== 'error')) && candidatesKey(h.inputs) === key && searchKnobs(h.inputs.params) === knobs,
  );
  if (!match) return false;
  try {
    await openKeptRun(match.header.id, studio, search);
    return true;
  } catch {
    return false;
  }
}
