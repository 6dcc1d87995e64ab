/**
 * Entry of the page: the theme, the link read into the store, the costing
 * worker and the controller that keeps it in step, the link kept in step
 * with the inputs, the search (started at once when the link shares one),
 * and the React tree.
 */
// The theme's tokens and the page's shared rules come first, before any component's sheet (feature rules win ties).
import './ui/theme.css';
import './ui/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { CostingClient } from './ui/costing/client.ts';
import { startCostingController } from './ui/costing/controller.ts';
import { createStudioActions } from './ui/exchange/run-actions.ts';
import { selectInputs, studioStore } from './ui/state/store.ts';
import { startTheme } from './ui/theme.ts';
import { linkNoticeStore } from './ui/url/link-notice.ts';
import { readLinkIntoStore, startLinkSync, type LinkSync } from './ui/url/link-sync.ts';
import { encodeInputs } from './core/url.ts';
import { searchShared, searchStore, startSearchController } from './ui/search/controller.ts';
import { ROW_STATES } from './ui/search/model.ts';
import { linkRunStore, openLinkRun } from './ui/search/link-run.ts';

startTheme();
// Before the first job: a shared link re-runs the same seeded costing.
const opened = readLinkIntoStore(studioStore, linkNoticeStore, window);

const client = new CostingClient(() => new Worker(new URL('./workers/costing.worker.ts', import.meta.url), { type: 'module', name: 'costing' }));
const controller = startCostingController(studioStore, client);
let link: LinkSync | null = null;
const search = startSearchController(studioStore, { pushLink: () => link?.push(), replaceLink: () => link?.replace() });
// A link that shares a search (run=1) starts the same seeded search, at once when it is small, else once the person
// says so (ui/search/link-run.ts); its inputs were validated and clamped above. This happens before the link sync's
// first write, so the address keeps run=1, and keeps it while the page asks.
if (opened.run) openLinkRun(studioStore, search, navigator.hardwareConcurrency);
link = startLinkSync(studioStore, linkNoticeStore, window, undefined, () => searchShared(searchStore.getState().phase) || linkRunStore.getState().asking !== null);
// Any start answers the question; "Not now" leaves the page idle, and the address then drops run=1.
searchStore.subscribe((s) => {
  if (s.phase === 'starting' && linkRunStore.getState().asking) linkRunStore.setState({ asking: null });
});
linkRunStore.subscribe((s, prev) => {
  if (prev.asking && !s.asking) link?.replace();
});
const actions = createStudioActions(studioStore, controller, link, async () => {
  const { run, inputs } = searchStore.getState();
  if (!run) return null;
  const { runDataFromSearch } = await import('./core/files/run.ts');
  return runDataFromSearch(run, inputs);
});

declare global {
  interface Window {
    /** hooks for the end-to-end tests and the bench */
    __neuronasTest?: {
      crashWorker(): void;
      workersSpawned(): number;
      /** genomes of the first n candidates shown */
      genomes(n: number): string[];
      /** the share-link fragment of the current inputs */
      linkFragment(): string;
      /** opens the detail of candidate i (as a click on its point does) */
      select(i: number | null): void;
      /** the search's phase, counts and row states */
      search(): { phase: string; counts: Record<string, number>; feasible: number; states: string[]; scores: number[]; trainedAccuracy: number[]; trainedGenomes: string[] };
      crashSearchWorker(which: 'trainer' | 'scorer'): void;
      /** a search worker closes itself without an error event */
      closeSearchWorker(which: 'trainer' | 'scorer'): void;
    };
  }
}
window.__neuronasTest = {
  crashWorker: () => client.crashForTest(),
  workersSpawned: () => client.spawned,
  genomes: (n) => studioStore.getState().results.genomes.slice(0, Math.min(n, studioStore.getState().results.count)),
  linkFragment: () => encodeInputs(selectInputs(studioStore.getState())),
  select: (i) => studioStore.getState().select(i),
  search: () => {
    const s = searchStore.getState();
    const m = s.model;
    return {
      phase: s.phase,
      counts: m ? { ...m.counts } : {},
      feasible: s.counts.feasible,
      states: m ? Array.from(m.state.subarray(0, m.count), (v) => ROW_STATES[v]) : [],
      scores: m ? Array.from(m.scores.subarray(0, m.count)) : [],
      trainedAccuracy: m ? [...m.trained.values()].map((t) => t.result.accuracyQuantized) : [],
      trainedGenomes: m ? [...m.trained.keys()].map((i) => m.genomes[i]) : [],
    };
  },
  crashSearchWorker: (which) => search.crashForTest(which),
  closeSearchWorker: (which) => search.closeForTest(which),
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App actions={actions} search={search} />
  </StrictMode>,
);
