/**
 * The page's "How good is the score?" run. It runs in the costing worker
 * (src/workers/calibration-host.ts, core/calibration/run.ts with the search
 * pool's training worker); this thread sends the settings, folds the events
 * it streams into what the panels show (committed once per frame at most),
 * and keeps the result.
 *
 * - Stop, a search starting, or a changed input ends the run with what had
 *   finished: the worker computes the statistics of the candidates trained
 *   so far and the result is marked stopped. Only a new calibration drops
 *   the one running.
 * - The result (finished or stopped) is kept in this browser's storage
 *   (calibration-db.ts) beside the kept run the page shows; a full quota is
 *   said plainly and the result stays on screen, exportable.
 * - Export writes the `neuronas-calibration` document as the command line
 *   does; a file of that format can be opened here (picked or dropped).
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { candidateJson, parseCalibrationDocument, type CalibrationCandidateJson, type CalibrationDocument } from '../../core/calibration/document.ts';
import type { ProxyName } from '../../core/calibration/proxies.ts';
import { CalibrationInputError, PAGE_CALIBRATION_DEFAULTS, pageCalibrationSettings, type PageCalibrationKnobs } from '../../core/calibration/settings.ts';
import { CalibrationError, type CalibrationSettings } from '../../core/calibration/run.ts';
import type { CalibrationUpdate } from '../../protocol/calibration.ts';
import type { CostingClient } from '../costing/client.ts';
import { isAbortError } from '../costing/client.ts';
import { searchStore } from '../search/controller.ts';
import { selectInputs, type StudioStore } from '../state/store.ts';
import { runsStore } from '../runs/runs-store.ts';
import { isQuotaError } from '../runs/quota.ts';
import { deleteCalibration, listCalibrations, putCalibration, type KeptCalibration } from './calibration-db.ts';
import { downloadText, readFileText, safeFileName } from '../exchange/download.ts';

export type CalibrationPhase = 'idle' | 'running' | 'done' | 'stopped' | 'error';
export type AccuracyTarget = 'quantized' | 'float';

/** Largest calibration file read (a 500-candidate run is about 1 MB). */
const MAX_FILE_BYTES = 20 * 2 ** 20;

export interface CalibrationState {
  /** the settings card is open */
  open: boolean;
  knobs: PageCalibrationKnobs;
  phase: CalibrationPhase;
  /** where the calibration shown comes from */
  from: 'run' | 'stored' | 'import' | null;
  /** proxies of the calibration shown, in the file's order */
  proxies: ProxyName[];
  candidates: CalibrationCandidateJson[];
  /** candidates the run picked (0 before its pool is known) */
  total: number;
  trained: number;
  seedPairs: number;
  seedPairsTotal: number;
  /** the finished (or stopped) calibration's document: its statistics, verdict and recommendation */
  doc: CalibrationDocument | null;
  dataset: string | null;
  backend: string | null;
  startedAt: number;
  error: string | null;
  /** why a run ended without Stop (a search started, an input changed) */
  notice: string | null;
  /** storage or file problem, said plainly; nothing shown is lost */
  problem: string | null;
  target: AccuracyTarget;
  kept: KeptCalibration[];
  /** the kept calibration shown, if it is one */
  keptId: string | null;
  version: number;
}

const initial = (): CalibrationState => ({
  open: false,
  knobs: { ...PAGE_CALIBRATION_DEFAULTS, proxies: [...PAGE_CALIBRATION_DEFAULTS.proxies] },
  phase: 'idle',
  from: null,
  proxies: [],
  candidates: [],
  total: 0,
  trained: 0,
  seedPairs: 0,
  seedPairsTotal: 0,
  doc: null,
  dataset: null,
  backend: null,
  startedAt: 0,
  error: null,
  notice: null,
  problem: null,
  target: 'quantized',
  kept: [],
  keptId: null,
  version: 0,
});

export const calibrationStore = createStore<CalibrationState>()(() => initial());

export function useCalibration<T>(selector: (s: CalibrationState) => T): T {
  return useStore(calibrationStore, selector);
}

export interface CalibrationController {
  /** the calibration the page's inputs and the knobs describe (throws CalibrationInputError or CalibrationError) */
  settings(): CalibrationSettings;
  start(): void;
  stop(why?: string): void;
  exportFile(): void;
  importFile(file: File): Promise<void>;
  refreshKept(): Promise<void>;
  openKept(id: string): void;
  exportKept(id: string): void;
  deleteKept(id: string): Promise<void>;
  dispose(): void;
}

export type CalibrationClient = Pick<CostingClient, 'calibrate'>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function fileNameOf(doc: CalibrationDocument): string {
  return `${safeFileName(`neuronas-calibration-${doc.dataset}-seed${doc.settings.seed}-${doc.candidates.length}`)}.json`;
}

/** The document as the command line writes it (`neuronas calibrate --json`): one JSON line, NaN as null. */
export function calibrationFileText(doc: CalibrationDocument): string {
  return `${JSON.stringify(doc)}\n`;
}

export function startCalibrationController(studio: StudioStore, client: CalibrationClient): CalibrationController {
  let abort: AbortController | null = null;
  let stopper: AbortController | null = null;
  let framePending = false;
  const set = (patch: Partial<CalibrationState>) => calibrationStore.setState(patch);
  const running = () => calibrationStore.getState().phase === 'running';

  const commit = () => {
    framePending = false;
    set({ version: calibrationStore.getState().version + 1 });
  };
  const schedule = () => {
    if (framePending) return;
    framePending = true;
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(commit);
    else setTimeout(commit, 16);
  };

  const settings = (): CalibrationSettings => pageCalibrationSettings(selectInputs(studio.getState()), calibrationStore.getState().knobs);

  const keep = async (doc: CalibrationDocument): Promise<void> => {
    const rec: KeptCalibration = { id: `calibration-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, createdAt: Date.now(), runId: runsStore.getState().currentId, doc };
    try {
      await putCalibration(rec);
      set({ keptId: rec.id });
      await refreshKept();
    } catch (e) {
      set({
        problem: isQuotaError(e)
          ? "The browser's storage for this site is full, so this calibration was not kept. It is still shown: Export it to keep a copy, or delete old runs under Past runs to make room."
          : `This calibration could not be kept in the browser's storage (${message(e)}). It is still shown: Export it to keep a copy.`,
      });
    }
  };

  const refreshKept = async (): Promise<void> => {
    try {
      set({ kept: await listCalibrations() });
    } catch {
      // No IndexedDB (a private window in some browsers): nothing is listed; keeping says so when it fails.
    }
  };

  const showDoc = (doc: CalibrationDocument, from: 'stored' | 'import', keptId: string | null) => {
    if (running()) stop('a calibration was opened');
    abort?.abort();
    abort = null;
    set({
      phase: doc.stopped ? 'stopped' : 'done',
      from,
      proxies: [...doc.settings.proxies],
      candidates: doc.candidates,
      total: doc.candidates.length,
      trained: doc.candidates.filter((c) => c.accuracy_quantized !== null).length,
      seedPairs: doc.seed_pairs.length,
      seedPairsTotal: doc.settings.seed_repeats,
      doc,
      dataset: doc.dataset,
      backend: doc.backend,
      error: null,
      notice: null,
      problem: null,
      keptId,
      version: calibrationStore.getState().version + 1,
    });
  };

  const onUpdate = (u: CalibrationUpdate) => {
    const s = calibrationStore.getState();
    switch (u.type) {
      case 'backend':
        set({ backend: u.backend });
        break;
      case 'pool':
        set({ total: u.strata.length });
        break;
      case 'proxies':
      case 'trained': {
        const candidates = [...s.candidates];
        candidates[u.candidate.index] = candidateJson(u.candidate);
        set({ candidates, trained: u.type === 'trained' ? u.done : s.trained });
        break;
      }
      case 'seed-pair':
        set({ seedPairs: u.done, seedPairsTotal: u.total });
        break;
    }
    schedule();
  };

  function stop(why?: string): void {
    if (!running()) return;
    if (why) set({ notice: `The calibration stopped: ${why}. What had finished is kept.` });
    stopper?.abort();
  }

  const start = (): void => {
    let s: CalibrationSettings;
    try {
      s = settings();
    } catch (e) {
      if (e instanceof CalibrationInputError || e instanceof CalibrationError || e instanceof RangeError) {
        set({ phase: 'error', error: e.message, from: 'run' });
        return;
      }
      throw e;
    }
    abort?.abort();
    const ctl = new AbortController();
    const stopCtl = new AbortController();
    abort = ctl;
    stopper = stopCtl;
    set({
      phase: 'running',
      from: 'run',
      proxies: [...s.proxies],
      candidates: [],
      total: s.candidates,
      trained: 0,
      seedPairs: 0,
      seedPairsTotal: s.seedRepeats,
      doc: null,
      dataset: s.dataset,
      backend: null,
      startedAt: performance.now(),
      error: null,
      notice: null,
      problem: null,
      keptId: null,
    });
    const live = () => abort === ctl;
    void (async () => {
      try {
        const doc = await client.calibrate({ settings: s as CalibrationSettings & { dataset: 'mnist' | 'fashion-mnist' } }, (u) => live() && onUpdate(u), ctl.signal, stopCtl.signal);
        if (!live()) return;
        // The document is the whole truth: events still in flight (they travel on another port) are ignored.
        abort = null;
        set({ phase: doc.stopped ? 'stopped' : 'done', doc, candidates: doc.candidates, trained: doc.candidates.filter((c) => c.accuracy_quantized !== null).length, seedPairs: doc.seed_pairs.length, backend: doc.backend, version: calibrationStore.getState().version + 1 });
        await keep(doc);
      } catch (e) {
        if (!live()) return;
        abort = null;
        set({ phase: isAbortError(e) ? 'stopped' : 'error', error: isAbortError(e) ? null : message(e) });
      }
    })();
  };

  // A search starting, or an input changing, ends a running calibration (with what it finished).
  const unsubSearch = searchStore.subscribe((s, prev) => {
    if (s.phase === 'starting' && prev.phase !== 'starting') stop('a search started on the same workers');
  });
  const unsubStudio = studio.subscribe((s, prev) => {
    if (s.params !== prev.params || s.hwEdits !== prev.hwEdits) stop('the page’s inputs changed');
  });

  return {
    settings,
    start,
    stop: (why) => (why ? stop(why) : stop()),
    exportFile() {
      const doc = calibrationStore.getState().doc;
      if (doc) downloadText(fileNameOf(doc), calibrationFileText(doc), 'application/json');
    },
    async importFile(file) {
      try {
        const doc = parseCalibrationDocument(await readFileText(file, MAX_FILE_BYTES));
        showDoc(doc, 'import', null);
      } catch (e) {
        set({ problem: `${file.name} could not be opened: ${message(e)}. Nothing shown was changed.` });
      }
    },
    refreshKept,
    openKept(id) {
      const rec = calibrationStore.getState().kept.find((k) => k.id === id);
      if (rec) showDoc(rec.doc, 'stored', rec.id);
      set({ open: true });
    },
    exportKept(id) {
      const rec = calibrationStore.getState().kept.find((k) => k.id === id);
      if (rec) downloadText(fileNameOf(rec.doc), calibrationFileText(rec.doc), 'application/json');
    },
    async deleteKept(id) {
      try {
        await deleteCalibration(id);
      } finally {
        if (calibrationStore.getState().keptId === id) set({ keptId: null });
        await refreshKept();
      }
    },
    dispose() {
      abort?.abort();
      unsubSearch();
      unsubStudio();
    },
  };
}
