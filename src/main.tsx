/**
 * Entry of the page: the theme, the link read into the store, the costing
 * worker (which runs the searches too) and the controller that keeps it in
 * step, the link kept in step with the inputs, the search (started at once
 * when the link shares one), the test hooks (test builds only), and the
 * React tree.
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
import { studioStore } from './ui/state/store.ts';
import { startTheme } from './ui/theme.ts';
import { linkNoticeStore } from './ui/url/link-notice.ts';
import { readLinkIntoStore, startLinkSync, type LinkSync } from './ui/url/link-sync.ts';
import { searchShared, searchStore, startSearchController } from './ui/search/controller.ts';
import { installTestHooks } from './ui/test-hooks.ts';
import { createRunRecorder } from './ui/runs/recorder.ts';
import { createRunListActions } from './ui/runs/list-actions.ts';
import { linkRunStore, openLinkRun } from './ui/search/link-run.ts';
import { startCalibrationController } from './ui/calibration/controller.ts';

startTheme();
// Before the first job: a shared link re-runs the same seeded costing.
const opened = readLinkIntoStore(studioStore, linkNoticeStore, window);

const client = new CostingClient(() => new Worker(new URL('./workers/costing.worker.ts', import.meta.url), { type: 'module', name: 'costing' }));
const controller = startCostingController(studioStore, client);
let link: LinkSync | null = null;
// Every search is kept in the browser's storage as its results arrive (ui/runs/).
const search = startSearchController(studioStore, client, controller, { pushLink: () => link?.push(), replaceLink: () => link?.replace() }, createRunRecorder());
// A link that shares a search (run=1) starts the same seeded search, at once when it is small, else once the person
// says so (ui/search/link-run.ts); its inputs were validated and clamped above. But first the kept runs are asked:
// a search of these inputs that a reload cut off (or, for a run=1 link, any kept run of them) opens with what had
// arrived and the offer to resume, rather than a search started again from zero (ui/runs/open-run.ts). The address
// keeps run=1 while that is looked up, and while the page asks.
let lookingUp = opened.run;
void import('./ui/runs/open-run.ts')
  .then(({ restoreOnLoad }) => restoreOnLoad(studioStore, search, opened.run))
  .catch(() => false)
  .then((restored) => {
    lookingUp = false;
    if (opened.run && !restored) openLinkRun(studioStore, search, navigator.hardwareConcurrency);
    else link?.replace();
  });
link = startLinkSync(
  studioStore,
  linkNoticeStore,
  window,
  undefined,
  () => lookingUp || searchShared(searchStore.getState().phase, searchStore.getState().loaded) || linkRunStore.getState().asking !== null,
);
// Any start answers the question; "Not now" leaves the page idle, and the address then drops run=1.
searchStore.subscribe((s) => {
  if (s.phase === 'starting' && linkRunStore.getState().asking) linkRunStore.setState({ asking: null });
});
linkRunStore.subscribe((s, prev) => {
  if (prev.asking && !s.asking) link?.replace();
});
// "How good is the score?" runs in the same costing worker, on the search's training workers (ui/calibration/).
const calibration = startCalibrationController(studioStore, client);
void calibration.refreshKept();
const actions = createStudioActions(studioStore, controller, link, () => search.exportRun());

if (import.meta.env.MODE === 'test') installTestHooks(studioStore, client);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App actions={actions} search={search} runs={createRunListActions(studioStore, search)} calibration={calibration} />
  </StrictMode>,
);
