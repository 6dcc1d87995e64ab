/**
 * The page's search: a pool of training workers (scorers sized from the
 * cores, plus one trainer in its own worker), the pipeline run on the main
 * thread with costing in small chunks that yield a macrotask between them,
 * and its events reduced into a live model (model.ts) that is committed to
 * the search store at most once per animation frame.
 *
 * Start aborts any previous run first; Stop aborts; a budget change only
 * re-judges feasibility here on the main thread (and drops queued candidates
 * that no longer fit before they are scored): nothing restarts and finished
 * training stays.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { computeFeasibility, emptyCounts, type FeasibilityCounts } from '../../core/feasibility.ts';
import { runSearch, SearchCancelled, type Evaluators, type SearchRun, type SearchSettings } from '../../core/search/pipeline.ts';
import { searchSettingsFromParams, type Budgets } from '../../core/settings.ts';
import type { StudioInputs } from '../../core/inputs.ts';
import { trainingEvaluators } from '../../worker-host/training-evaluators.ts';
import type { InitResult } from '../../protocol/training.ts';
import { TrainingClient } from '../../worker-host/training-client.ts';
import { studioHardware } from '../state/hardware.ts';
import { selectInputs, type StudioStore } from '../state/store.ts';
import { cifarUploadStore } from '../dataset/cifar-upload.ts';
import { applyEvent, createModel, settleAfterStop, type SearchModel } from './model.ts';

export type SearchPhase = 'idle' | 'starting' | 'running' | 'done' | 'stopped' | 'error';

/** Who started the search: the Start button, or a shared link opened with run=1. */
export type SearchOrigin = 'user' | 'link';

/**
 * The page has a search to share: its link carries run=1. A stopped search is not one: its link would start, in
 * whoever opens it, the work its sender chose to stop.
 */
export function searchShared(phase: SearchPhase): boolean {
  return phase === 'starting' || phase === 'running' || phase === 'done';
}

export interface BackendInfo {
  backend: string;
  reason: string;
  softwareGpu: boolean;
  renderer?: string;
}

export interface SearchState {
  phase: SearchPhase;
  model: SearchModel | null;
  /** bumps once per frame at most while events arrive */
  version: number;
  /** feasibility of the model's candidates under the page's current budgets (0 = within all) */
  mask: Uint8Array;
  counts: FeasibilityCounts;
  /** samples the running search aims for */
  target: number;
  startedAt: number;
  wallMs: number | null;
  /** the finished or stopped run (for export), with the inputs that started it */
  run: SearchRun | null;
  inputs: StudioInputs | null;
  backend: BackendInfo | null;
  scorers: number;
  error: string | null;
  /** a worker crashed during the run (its arrived results are kept) */
  crash: string | null;
  selected: number | null;
  startedBy: SearchOrigin;
  select(i: number | null): void;
}

export const searchStore = createStore<SearchState>()((set) => ({
  phase: 'idle',
  model: null,
  version: 0,
  mask: new Uint8Array(0),
  counts: emptyCounts(),
  target: 0,
  startedAt: 0,
  wallMs: null,
  run: null,
  inputs: null,
  backend: null,
  scorers: 0,
  error: null,
  crash: null,
  selected: null,
  startedBy: 'user',
  select: (i) => set({ selected: i }),
}));

export function useSearch<T>(selector: (s: SearchState) => T): T {
  return useStore(searchStore, selector);
}

/** Scorers for `cores` logical cores: one core stays with the page, one worker trains; at most 4. */
export function poolSize(cores: number | undefined): number {
  return Math.max(1, Math.min(4, (cores ?? 2) - 1));
}

/** Resolves on the next macrotask (a MessageChannel message: no 4 ms timer clamp). */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/**
 * Resolves when the page's thread is next idle (its pending rendering done), or after `timeoutMs` at the latest.
 * Workers start, and candidates go to the scorers, only then: see initInTurn and the pipeline's `settle`.
 */
function whenIdle(timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: timeoutMs });
    else setTimeout(resolve, 0);
  });
}

/**
 * Initialises the clients (each spawns its worker) once the page is idle, one per macrotask. A `new Worker` and its
 * comlink wiring cost the page's thread a few ms each, and each worker then parses tfjs and picks a backend, which
 * takes the cores of a 2-core machine for a second or more: measured, the click's task and the first frames of the
 * search's results were long tasks when they ran then. So the page answers the click and shows the results panel
 * first. Stops spawning once `wanted()` is false (the pool was disposed); resolves with the first client's result.
 */
async function initInTurn(clients: readonly TrainingClient[], request: Parameters<TrainingClient['init']>[0], wanted: () => boolean): Promise<InitResult> {
  const inits: Promise<InitResult>[] = [];
  await whenIdle(300);
  for (const c of clients) {
    await nextMacrotask();
    if (!wanted()) throw new Error('the worker pool was disposed before it started');
    const r = c.init(request);
    r.catch(() => {}); // surfaces through Promise.all below
    inits.push(r);
  }
  return (await Promise.all(inits))[0];
}

export interface SearchController {
  /** starts a search of the page's inputs; `link` when an opened link asked for it */
  start(origin?: SearchOrigin): void;
  stop(): void;
  /** for tests: crash the trainer or scorer 0 */
  crashForTest(which: 'trainer' | 'scorer'): void;
  /** for tests: make the trainer or scorer 0 close itself without an error event */
  closeForTest(which: 'trainer' | 'scorer'): void;
  dispose(): void;
}

interface Pool {
  scorers: TrainingClient[];
  trainer: TrainingClient;
  ready: Promise<InitResult>;
}

export interface SearchLinkHooks {
  /** a search started: the link, now sharing it, becomes a new history entry */
  pushLink(): void;
  /** the search stopped or failed: the link, no longer sharing it, is rewritten in place */
  replaceLink(): void;
}

/** Rejects with an AbortError when `signal` aborts (for racing a wait that takes no signal). */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new DOMException('the search was stopped', 'AbortError'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

export function startSearchController(studio: StudioStore, hooks: SearchLinkHooks): SearchController {
  let pool: Pool | null = null;
  let abort: AbortController | null = null;
  let framePending = false;

  const onCrash = (who: string) => (message: string) => {
    const s = searchStore.getState();
    if (s.phase === 'running' || s.phase === 'starting') searchStore.setState({ crash: `${who}: ${message}. It was restarted; results that had arrived are kept.` });
  };

  const ensurePool = (): Pool => {
    if (pool) return pool;
    const n = poolSize(typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency);
    const scorers = Array.from({ length: n }, () => new TrainingClient());
    const trainer = new TrainingClient();
    scorers.forEach((c, i) => (c.onCrash = onCrash(`Scoring worker ${i + 1}`)));
    trainer.onCrash = onCrash('The training worker');
    const init = { backend: 'auto' as const, wasmThreads: 1 };
    const ready = initInTurn([trainer, ...scorers], init, () => pool === p);
    const p: Pool = { scorers, trainer, ready };
    // A failed init is retried on the next start.
    ready.catch(() => {
      if (pool === p) pool = null;
    });
    searchStore.setState({ scorers: n });
    pool = p;
    return p;
  };

  const recomputeFeasibility = (budgets: Budgets): void => {
    const s = searchStore.getState();
    const m = s.model;
    if (!m) return;
    const mask = s.mask.length >= m.count ? s.mask : new Uint8Array(Math.max(m.capacity, m.count));
    const counts = computeFeasibility(m.columns, m.count, budgets, mask, emptyCounts());
    searchStore.setState({ mask, counts, version: s.version + 1 });
  };

  const commit = (): void => {
    framePending = false;
    recomputeFeasibility(studio.getState().budgets);
  };
  const schedule = (): void => {
    if (framePending) return;
    framePending = true;
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(commit);
    else setTimeout(commit, 16);
  };

  // Budgets re-judge the shown candidates; nothing restarts.
  const unsubscribe = studio.subscribe((s, prev) => {
    if (s.budgets !== prev.budgets) recomputeFeasibility(s.budgets);
  });

  const start = (origin: SearchOrigin = 'user'): void => {
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
    const hw = studioHardware(p, st.hwEdits);
    if (!hw.config) {
      searchStore.setState({ phase: 'error', error: `The hardware settings are invalid: ${hw.error.message}` });
      hooks.replaceLink();
      return;
    }
    const settings: SearchSettings = { ...searchSettingsFromParams(p, st.hwEdits, st.budgets), hardware: hw.config };
    const model = createModel(settings.strategy, settings.samples);
    const t0 = performance.now();
    searchStore.setState({
      phase: 'starting',
      model,
      mask: new Uint8Array(settings.samples),
      counts: emptyCounts(),
      target: settings.samples,
      startedAt: t0,
      wallMs: null,
      run: null,
      inputs: selectInputs(st),
      error: null,
      crash: null,
      selected: null,
      startedBy: origin,
      version: searchStore.getState().version + 1,
    });
    // After the phase moved: the pushed link now shares the search (run=1).
    hooks.pushLink();
    const pl = ensurePool();
    const evaluators: Evaluators = {
      ...trainingEvaluators(pl.scorers, pl.trainer, { dataset: p.dataset, seed: p.seed, scoreBatch: p.scoreBatch, trainSamples: p.trainSamples }),
      pause: nextMacrotask,
      settle: () => whenIdle(300),
    };
    const live = () => abort === ctl;
    void (async () => {
      try {
        // Stop while the workers start ends the search now, not when they are ready.
        const stopped = whenAborted(ctl.signal);
        stopped.catch(() => {});
        const init = await Promise.race([pl.ready, stopped]);
        if (!live()) return;
        // Workers parse the batches themselves; ones that already hold these files are skipped.
        if (upload) await Promise.all([pl.trainer, ...pl.scorers].filter((c) => c.upload !== upload).map((c) => c.provideDataset(upload, ctl.signal)));
        if (!live()) return;
        searchStore.setState({ phase: 'running', backend: { backend: init.backend, reason: init.reason, softwareGpu: init.softwareGpu, renderer: init.renderer } });
        const run = await runSearch(
          settings,
          evaluators,
          (e) => {
            if (!live()) return;
            applyEvent(model, e, performance.now());
            schedule();
          },
          ctl.signal,
          { budgets: () => studio.getState().budgets },
        );
        if (!live()) return;
        commit();
        searchStore.setState({ phase: 'done', run, wallMs: performance.now() - t0 });
      } catch (e) {
        if (!live()) return;
        settleAfterStop(model);
        commit();
        // A stopped search exports what had finished (scores and trained results so far).
        if (e instanceof SearchCancelled || ctl.signal.aborted) searchStore.setState({ phase: 'stopped', run: e instanceof SearchCancelled ? e.partial : null, wallMs: performance.now() - t0 });
        else searchStore.setState({ phase: 'error', error: e instanceof Error ? e.message : String(e), wallMs: performance.now() - t0 });
        // The link no longer shares a search (searchShared): it drops run=1.
        hooks.replaceLink();
      }
    })();
  };

  return {
    start,
    stop() {
      abort?.abort();
    },
    crashForTest(which) {
      const p = ensurePool();
      (which === 'trainer' ? p.trainer : p.scorers[0]).crashForTest();
    },
    closeForTest(which) {
      const p = ensurePool();
      (which === 'trainer' ? p.trainer : p.scorers[0]).closeForTest();
    },
    dispose() {
      abort?.abort();
      unsubscribe();
      pool?.scorers.forEach((c) => c.dispose());
      pool?.trainer.dispose();
      pool = null;
    },
  };
}
