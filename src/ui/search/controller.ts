/**
 * The page's search. The search runs in the costing worker
 * (src/workers/search-host.ts), on the candidates that worker sampled and
 * costed for the page, with its own pool of training workers; this thread
 * only sends the settings and budget moves, and reduces the worker's
 * batched updates into the search's live state (model.ts), committed to the
 * stores at most once per animation frame.
 *
 * One set of results: the search's candidates are the studio's results
 * (store.results, judged by store.feasibility); rows the page lacks and
 * candidates the search adds (evolution's children) arrive in the updates
 * and go into the same columns. A search takes the results over (the costing
 * controller's `adopt`) and keeps them on screen after it ends or stops,
 * budgets re-judging them, until an input that needs new candidates changes:
 * the costing then replaces them and the search's state goes with them. Such
 * a change while the search runs stops it, and says so.
 *
 * Start aborts any previous search first; Stop aborts; a budget move goes to
 * the worker (queued candidates it rules out are dropped before scoring) and
 * re-judges the results on the page: nothing restarts, finished training stays.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { METRICS, allocateColumns } from '../../core/metrics.ts';
import type { SearchSettings, SearchTimings } from '../../core/search/pipeline.ts';
import { BUDGETS, searchSettingsFromParams } from '../../core/settings.ts';
import type { StudioInputs } from '../../core/inputs.ts';
import type { RunData } from '../../core/files/run.ts';
import type { SearchBatch, SearchPoolInfo, SearchSummary } from '../../protocol/search.ts';
import type { CostingClient } from '../costing/client.ts';
import { isAbortError } from '../costing/client.ts';
import { candidatesKey, type CostingController } from '../costing/controller.ts';
import { studioHardware } from '../state/hardware.ts';
import { selectInputs, type Results, type ResultsOrigin, type StudioStore } from '../state/store.ts';
import { cifarUploadStore } from '../dataset/cifar-upload.ts';
import type { RunRecorder } from '../runs/recorder.ts';
import type { StoredRunHeader } from '../../core/runs/header.ts';
import type { KnownResults, TrainResult } from '../../core/search/pipeline.ts';
import { proxyKnobsFromParams, rankImagesProblem } from '../../core/calibration/plan.ts';
import { EMBEDDED_DATASETS, isEmbeddedDatasetName } from '../../core/data/datasets.ts';
import { applyUpdate, createModel, loadRun, setRows, settleAfterStop, type LoadedRun, type SearchModel } from './model.ts';

export type SearchPhase = 'idle' | 'starting' | 'running' | 'done' | 'stopped' | 'error';

/** Who started the search: the Start button, or a shared link opened with run=1. */
export type SearchOrigin = 'user' | 'link';

/** Where a search shown but not run on this page came from: an imported run file, or a run kept in the browser. */
export type LoadedFrom = 'import' | 'stored';

/**
 * The page has a search to share: its link carries run=1. A stopped search is not one: its link would start, in
 * whoever opens it, the work its sender chose to stop; nor is an imported run (its link would run it again).
 */
export function searchShared(phase: SearchPhase, loaded: LoadedFrom | null = null): boolean {
  return loaded !== 'import' && (phase === 'starting' || phase === 'running' || phase === 'done');
}

export type BackendInfo = Omit<SearchPoolInfo, 'scorers' | 'trainers'>;

export interface SearchState {
  phase: SearchPhase;
  /** the search's per-candidate state, beside the results; null when no search's results are shown */
  model: SearchModel | null;
  /** bumps once per frame at most while updates arrive */
  version: number;
  /** samples the running search aims for */
  target: number;
  startedAt: number;
  wallMs: number | null;
  /** the settings and page inputs that started the search shown (for export) */
  settings: SearchSettings | null;
  inputs: StudioInputs | null;
  /** the worker's timings once the search finished */
  timings: SearchTimings | null;
  backend: BackendInfo | null;
  scorers: number;
  /** trainings the search runs at once (its pool's training workers) */
  trainers: number;
  error: string | null;
  /** a worker crashed during the run (its arrived results are kept) */
  crash: string | null;
  /** why the last search ended without Stop being pressed (its candidates were replaced) */
  notice: string | null;
  selected: number | null;
  startedBy: SearchOrigin;
  /** the search shown was loaded (imported, or kept in the browser), not run here; null for a search run here */
  loaded: LoadedFrom | null;
  select(i: number | null): void;
}

export const searchStore = createStore<SearchState>()((set) => ({
  phase: 'idle',
  model: null,
  version: 0,
  target: 0,
  startedAt: 0,
  wallMs: null,
  settings: null,
  inputs: null,
  timings: null,
  backend: null,
  scorers: 0,
  trainers: 0,
  error: null,
  crash: null,
  notice: null,
  selected: null,
  startedBy: 'user',
  loaded: null,
  select: (i) => set({ selected: i }),
}));

export function useSearch<T>(selector: (s: SearchState) => T): T {
  return useStore(searchStore, selector);
}

export interface SearchController {
  /** starts a search of the page's inputs; `link` when an opened link asked for it */
  start(origin?: SearchOrigin): void;
  /**
   * Shows a run kept in the browser (its inputs become the page's, its results the search's); `cutOff` when its
   * search was cut off (a reload): the page then says so and offers Resume.
   */
  openStored(header: StoredRunHeader, run: RunData, results: Results, cutOff: boolean): void;
  /** continues the kept run shown: a search of its inputs that scores and trains only what it lacks */
  resume(): void;
  /** the kept run shown or being written (null when the search shown is not kept) */
  storedId(): string | null;
  stop(): void;
  /** the search shown, as a run judged by the budgets on screen now; null when the results shown are not a search's */
  exportRun(): Promise<RunData | null>;
  dispose(): void;
}

export interface SearchLinkHooks {
  /** a search started: the link, now sharing it, becomes a new history entry */
  pushLink(): void;
  /** the search stopped or failed: the link, no longer sharing it, is rewritten in place */
  replaceLink(): void;
}

/** What the controller needs of the costing worker's client. */
export type SearchClient = Pick<CostingClient, 'search' | 'setBudgets' | 'provideDataset' | 'upload'>;

/** The page's clock of each stage, for a search stopped before the worker could report its own. */
function clockTimings(m: SearchModel, wallMs: number, now: number): SearchTimings {
  const ms = (stage: keyof SearchModel['stages']) => {
    const c = m.stages[stage];
    return Number.isFinite(c.start) ? (Number.isFinite(c.end) ? c.end : now) - c.start : 0;
  };
  return { costMs: ms('cost'), scoreMs: ms('score'), trainMs: ms('train'), totalMs: wallMs };
}

/** The results the search starts from: the rows of its sampled set the page holds (none when they are another set's). */
function startingResults(r: Results, key: string, samples: number, origin: ResultsOrigin): Results {
  const have = r.key === key ? Math.min(r.count, r.target) : 0;
  // The same rows keep their version: nothing drawn from them (the cost scatter, the feasibility mask) is redone.
  if (have > 0) return { ...r, count: have, complete: have >= r.target, origin, version: have === r.count ? r.version : r.version + 1 };
  return { jobId: 0, columns: allocateColumns(samples), genomes: new Array<string>(samples), count: 0, target: samples, complete: false, version: r.version + 1, origin, key };
}

/** `recorder`, when given, keeps each search in the browser's storage as its results arrive (ui/runs/recorder.ts). */
export function startSearchController(
  studio: StudioStore,
  client: SearchClient,
  costing: Pick<CostingController, 'adopt'>,
  hooks: SearchLinkHooks,
  recorder: RunRecorder | null = null,
): SearchController {
  let abort: AbortController | null = null;
  /** the results of the search shown, as it fills them in (committed to the store once per frame) */
  let shown: { origin: ResultsOrigin; key: string; results: Results } | null = null;
  let framePending = false;
  let resultsDirty = false;
  /** the kept run shown (opened from storage): what Resume continues */
  let stored: StoredRunHeader | null = null;

  const commit = (): void => {
    framePending = false;
    if (shown && resultsDirty && studio.getState().results.origin === shown.origin) {
      const r = (shown.results = { ...shown.results, version: shown.results.version + 1 });
      studio.getState().setResults(r);
      // The rows of the sampled set the search brought count as the page's costing.
      studio.getState().setJob({ phase: r.complete ? 'done' : 'running', loaded: Math.min(r.count, r.target), target: r.target, error: null });
    }
    resultsDirty = false;
    searchStore.setState({ version: searchStore.getState().version + 1 });
  };
  const schedule = (): void => {
    if (framePending) return;
    framePending = true;
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(commit);
    else setTimeout(commit, 16);
  };

  /** Writes rows into the shown results' columns (growing them for rows a search adds); `sampled` rows are the sampled set. */
  const writeRows = (results: Results, { start, count, columns, genomes }: Pick<Results, 'columns' | 'genomes' | 'count'> & { start: number }, sampled: number): Results => {
    const end = start + count;
    let out = results;
    if (end > results.columns.params.length) {
      const cap = Math.max(end, results.columns.params.length * 2);
      const grown = allocateColumns(cap);
      for (const m of METRICS) grown[m].set(results.columns[m].subarray(0, results.count));
      out = { ...results, columns: grown, genomes: results.genomes.slice(0, results.count) };
    }
    for (const m of METRICS) out.columns[m].set(columns[m], start);
    for (let i = 0; i < count; i++) out.genomes[start + i] = genomes[i];
    const rows = Math.max(out.count, end);
    return { ...out, count: rows, target: sampled, complete: rows >= sampled };
  };

  /** A search whose candidates were replaced (new inputs, an import): its state goes, and a running one stops, saying why. */
  const onResultsReplaced = (why: string): void => {
    const wasRunning = running();
    if (wasRunning) recorder?.end('stopped', null);
    abort?.abort();
    abort = null;
    shown = null;
    stored = null;
    searchStore.setState({
      phase: wasRunning ? 'stopped' : 'idle',
      model: null,
      loaded: null,
      selected: null,
      notice: wasRunning ? `The search stopped: ${why}, so its candidates are no longer the ones shown.` : null,
      version: searchStore.getState().version + 1,
    });
    if (wasRunning) hooks.replaceLink();
  };

  const running = (): boolean => {
    const phase = searchStore.getState().phase;
    return phase === 'starting' || phase === 'running';
  };

  /** Shows a loaded run (its results already in the store, under `origin`) as a search that ended. */
  const showLoaded = (loaded: LoadedRun, origin: ResultsOrigin, from: LoadedFrom, notice: string | null): void => {
    const st = studio.getState();
    shown = { origin, key: from === 'import' ? '' : candidatesKey(st), results: st.results };
    searchStore.setState({
      phase: loaded.stopped ? 'stopped' : 'done',
      model: loaded.model,
      target: loaded.model.count,
      startedAt: 0,
      wallMs: loaded.timings?.totalMs ?? null,
      settings: loaded.settings,
      inputs: selectInputs(st),
      timings: loaded.timings,
      backend: null,
      scorers: 0,
      trainers: 0,
      error: null,
      crash: null,
      notice,
      selected: null,
      startedBy: 'user',
      loaded: from,
      version: searchStore.getState().version + 1,
    });
  };

  const unsubscribe = studio.subscribe((s, prev) => {
    // Budget moves reach the running search: queued candidates they rule out are dropped before scoring.
    if (s.budgets !== prev.budgets && running()) client.setBudgets(s.budgets);
    // An imported search run shows as the search it was (one loader, loadRun): Pareto view, table, detail, curves.
    if (s.results !== prev.results && s.results.origin !== prev.results.origin && s.results.origin.kind === 'import') {
      const loaded = loadRun(s.results.origin.run);
      const stopping = shown !== null && running();
      if (shown) onResultsReplaced('a run was imported');
      if (loaded) showLoaded(loaded, s.results.origin, 'import', stopping ? searchStore.getState().notice : null);
      return;
    }
    if (!shown) return;
    if (s.results !== prev.results && s.results.origin !== shown.origin) onResultsReplaced(s.results.origin.kind === 'import' ? 'a run was imported' : 'new candidates were costed');
    // A finished search stays until the costing replaces its results; a running one stops now.
    else if ((s.params !== prev.params || s.hwEdits !== prev.hwEdits) && running() && candidatesKey(s) !== shown.key) onResultsReplaced('the search space, sampling or hardware changed');
  });

  const start = (startedBy: SearchOrigin = 'user', resume?: { header: StoredRunHeader; known: KnownResults }): void => {
    stored = null;
    abort?.abort();
    const ctl = new AbortController();
    abort = ctl;
    const st = studio.getState();
    const p = st.params;
    const upload = p.dataset === 'cifar10' ? cifarUploadStore.getState().cifar?.upload : undefined;
    if (p.dataset === 'cifar10' && !upload) {
      searchStore.setState({
        phase: 'error',
        error: 'CIFAR-10 searches run on batch files from your disk, which a link cannot carry: choose data_batch_1.bin (or more) under Search → CIFAR-10 batch files, then Start.',
      });
      hooks.replaceLink();
      return;
    }
    // Proxy knobs asking for more images than the data set has: said now, not as an unscored search.
    const imagesProblem = isEmbeddedDatasetName(p.dataset) ? rankImagesProblem(p.rankBy, EMBEDDED_DATASETS[p.dataset], p.seed, p.scoreBatch, proxyKnobsFromParams(p)) : null;
    if (imagesProblem) {
      searchStore.setState({ phase: 'error', error: `The search cannot start: ${imagesProblem}. Lower the proxy settings under Search.` });
      hooks.replaceLink();
      return;
    }
    const hw = studioHardware(p, st.hwEdits);
    if (!hw.config) {
      searchStore.setState({ phase: 'error', error: `The hardware settings are invalid: ${hw.error.message}` });
      hooks.replaceLink();
      return;
    }
    const settings: SearchSettings = { ...searchSettingsFromParams(p, st.hwEdits, st.budgets), hardware: hw.config };
    // The search takes the results over: the costing stops, and leaves them alone until the inputs change.
    const key = candidatesKey(st);
    const origin: ResultsOrigin = { kind: 'search' };
    const results = startingResults(st.results, key, settings.samples, origin);
    const mine = { origin, key, results };
    shown = mine;
    costing.adopt(() => {
      studio.getState().setResults(results);
      if (!results.complete) studio.getState().setJob({ phase: 'running', loaded: results.count, target: results.target, error: null });
    });
    // The stage bar counts the candidates to train from the start: the top-k the search will train.
    const model = createModel(settings.strategy, results.columns.params.length, settings.topK);
    setRows(model, results.count);
    const t0 = performance.now();
    searchStore.setState({
      phase: 'starting',
      model,
      target: settings.samples,
      startedAt: t0,
      wallMs: null,
      settings,
      inputs: selectInputs(st),
      timings: null,
      error: null,
      crash: null,
      notice: null,
      selected: null,
      startedBy,
      loaded: null,
      version: searchStore.getState().version + 1,
    });
    recorder?.begin({ settings, inputs: selectInputs(st), rows: results, model, resume: resume?.header });
    // After the phase moved: the pushed link now shares the search (run=1).
    hooks.pushLink();
    const live = () => abort === ctl;

    const onBatch = (batch: SearchBatch): void => {
      if (!live()) return;
      const now = performance.now();
      for (const u of batch.updates) {
        if (u.type === 'candidates') {
          mine.results = writeRows(mine.results, u, u.sampled);
          resultsDirty = true;
        } else if (u.type === 'pool') {
          searchStore.setState({ phase: 'running', backend: { backend: u.backend, reason: u.reason, softwareGpu: u.softwareGpu, renderer: u.renderer }, scorers: u.scorers, trainers: u.trainers });
        } else if (u.type === 'worker-crashed') {
          searchStore.setState({ crash: u.message });
        }
        applyUpdate(model, u, now);
        recorder?.update(u);
      }
      schedule();
    };

    void (async () => {
      try {
        // The worker keeps the files for this and later searches (and a fresh worker gets them again).
        if (upload && client.upload !== upload) await client.provideDataset(upload, ctl.signal);
        const summary: SearchSummary = await client.search({ settings, trainSamples: p.trainSamples, scoreBatch: p.scoreBatch, proxyKnobs: proxyKnobsFromParams(p), have: results.count, known: resume?.known }, onBatch, ctl.signal);
        if (!live()) return;
        commit();
        recorder?.end(summary.completed ? 'done' : 'stopped', summary.completed ? summary.timings : clockTimings(model, performance.now() - t0, performance.now()));
        if (summary.completed) searchStore.setState({ phase: 'done', timings: summary.timings, wallMs: performance.now() - t0 });
        else {
          // The worker stopped it itself: its inputs were superseded there.
          settleAfterStop(model);
          searchStore.setState({ phase: 'stopped', wallMs: performance.now() - t0 });
          hooks.replaceLink();
        }
      } catch (e) {
        if (!live()) return;
        settleAfterStop(model);
        commit();
        recorder?.end(isAbortError(e) || ctl.signal.aborted ? 'stopped' : 'error', clockTimings(model, performance.now() - t0, performance.now()));
        if (isAbortError(e) || ctl.signal.aborted) searchStore.setState({ phase: 'stopped', wallMs: performance.now() - t0 });
        else searchStore.setState({ phase: 'error', error: e instanceof Error ? e.message : String(e), wallMs: performance.now() - t0 });
        // The link no longer shares a search (searchShared): it drops run=1.
        hooks.replaceLink();
      }
    })();
  };

  return {
    start,
    openStored(header, run, results, cutOff) {
      const loaded = loadRun(run);
      if (!loaded || !header.inputs) return;
      const inputs = header.inputs;
      const origin = results.origin;
      const stopping = running();
      costing.adopt(() => studio.getState().showImported(inputs, results));
      const c = loaded.model.counts;
      const notice = cutOff
        ? `This search was cut off before its end (a reload or a closed page). Kept: ${c.scored} scored, ${c.trained} trained. Resume continues where it stopped.`
        : stopping
          ? searchStore.getState().notice
          : null;
      showLoaded(cutOff ? { ...loaded, stopped: true } : loaded, origin, 'stored', notice);
      if (cutOff) settleAfterStop(loaded.model);
      stored = header;
    },
    resume() {
      const m = searchStore.getState().model;
      const header = stored;
      if (!header || !m) return;
      const genomes = studio.getState().results.genomes;
      const scores = new Map<string, number>();
      for (let i = 0; i < m.count; i++) if (!Number.isNaN(m.scores[i])) scores.set(genomes[i], m.scores[i]);
      const trained = new Map<string, TrainResult>([...m.trained.values()].map((t) => [t.genome, t.result]));
      start('user', { header, known: { scores, trained } });
    },
    storedId: () => stored?.id ?? null,
    stop() {
      abort?.abort();
    },
    async exportRun() {
      const s = searchStore.getState();
      const st = studio.getState();
      if (!shown || !s.model || !s.settings || st.results.origin !== shown.origin) return null;
      const m = s.model;
      const { runDataFromScreen } = await import('../../core/files/run.ts');
      // The inputs that started the search, with the budget knobs on screen now: the file's budgets.
      const inputs = s.inputs ? { ...s.inputs, params: { ...s.inputs.params, ...Object.fromEntries(BUDGETS.map((b) => [b.key, st.params[b.key]])) } } : null;
      const now = performance.now();
      const running = s.phase === 'starting' || s.phase === 'running';
      return runDataFromScreen(
        {
          inputs,
          settings: s.settings,
          candidates: { columns: st.results.columns, genomes: st.results.genomes, count: st.results.count, scores: m.scores },
          trained: [...m.trained.values()].sort((a, b) => a.index - b.index),
          timings: s.timings ?? clockTimings(m, s.wallMs ?? now - s.startedAt, now),
          counts: { sampled: m.counts.costed, rejectedBeforeScoring: m.counts.rejected, scored: m.counts.scored, trained: m.counts.trained },
          stopped: s.phase === 'stopped' || running,
          failures: m.failures,
          evaluations: m.evaluations,
        },
        st.budgets,
      );
    },
    dispose() {
      abort?.abort();
      unsubscribe();
    },
  };
}
