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
import type { CalibrationCandidateJson, CalibrationDocument } from '../../core/calibration/document.ts';
import type { ProxyName } from '../../core/calibration/proxies.ts';
import { CalibrationInputError, PAGE_CALIBRATION_DEFAULTS, pageCalibrationSettings, type PageCalibrationKnobs } from '../../core/calibration/settings.ts';
import { assembleCalibration, CalibrationError, type CalibrationSettings } from '../../core/calibration/run.ts';
import type { SeedPair } from '../../core/calibration/report.ts';

// The document code brings the run-file code (its JSON spellings), which the page loads on first use, not with the
// page: it loads when a calibration starts, a file is opened or a kept one is read.
const documents = () => import('../../core/calibration/document.ts');
type Documents = Awaited<ReturnType<typeof documents>>;
import type { CalibrationUpdate } from '../../protocol/calibration.ts';
import type { CostingClient } from '../costing/client.ts';
import { isAbortError } from '../costing/client.ts';
import { searchStore } from '../search/controller.ts';
import { selectInputs, type StudioStore } from '../state/store.ts';
import { runsStore } from '../runs/runs-store.ts';
import { isQuotaError } from '../runs/quota.ts';
import { deleteCalibration, listCalibrations, putCalibration, type CutOffCalibration, type KeptCalibration } from './calibration-db.ts';
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
  /** the kept calibration shown (or being written), if it is one */
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
  openKept(id: string): Promise<void>;
  exportKept(id: string): Promise<void>;
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

/**
 * A kept calibration's document: the one it ended with, or, for one a reload cut off, the statistics of what it had
 * measured (marked stopped), made as its run would have made them.
 */
export function keptDocument(rec: KeptCalibration, { calibrationDocument }: Pick<Documents, 'calibrationDocument'>): CalibrationDocument | null {
  if (rec.doc) return rec.doc;
  const c = rec.cutOff;
  if (!c || !c.pool) return null;
  const candidates = c.candidates.filter(Boolean);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const timings = {
    proxies_s: sum(candidates.flatMap((x) => Object.values(x.proxy_ms).map((ms) => (ms ?? 0) / 1000))),
    training_s: sum(candidates.map((x) => x.train_seconds)),
    total_s: c.elapsedS,
  };
  return calibrationDocument(assembleCalibration(c.settings, c.pool, candidates, c.seedPairs as SeedPair[], timings, true), c.backend);
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

  /** Writes of the running calibration's record, in order; a failed one is said once, and the run goes on. */
  let writes: Promise<void> = Promise.resolve();
  let writeFailed = false;
  const write = (rec: KeptCalibration): Promise<void> => {
    writes = writes.then(async () => {
      if (writeFailed) return;
      try {
        await putCalibration(rec);
      } catch (e) {
        writeFailed = true;
        set({
          keptId: null,
          problem: isQuotaError(e)
            ? "The browser's storage for this site is full, so this calibration was not kept. It is still shown: Export it to keep a copy, or delete old runs under Past runs to make room."
            : `This calibration could not be kept in the browser's storage (${message(e)}). It is still shown: Export it to keep a copy.`,
        });
      }
    });
    return writes;
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

  /** The running calibration as kept so far (rewritten as each candidate is trained): a reload keeps what it measured. */
  let record: { rec: KeptCalibration; cutOff: CutOffCalibration; t0: number } | null = null;
  const keepSoFar = () => {
    if (!record) return;
    record.cutOff.elapsedS = (performance.now() - record.t0) / 1000;
    void write({ ...record.rec, cutOff: { ...record.cutOff, candidates: [...record.cutOff.candidates], seedPairs: [...record.cutOff.seedPairs] } }).then(refreshKept);
  };

  const onUpdate = ({ candidateJson }: Documents, u: CalibrationUpdate) => {
    const s = calibrationStore.getState();
    const kept = record?.cutOff;
    switch (u.type) {
      case 'backend':
        set({ backend: u.backend });
        if (kept) kept.backend = { backend: u.backend, reason: u.reason };
        break;
      case 'pool':
        set({ total: u.strata.length });
        if (kept) kept.pool = { sampled: u.sampled, feasible: u.feasible, strata: u.strata };
        break;
      case 'proxies':
      case 'trained': {
        const candidates = [...s.candidates];
        candidates[u.candidate.index] = candidateJson(u.candidate);
        set({ candidates, trained: u.type === 'trained' ? u.done : s.trained });
        if (kept) kept.candidates[u.candidate.index] = u.candidate;
        if (u.type === 'trained') keepSoFar();
        break;
      }
      case 'seed-pair':
        set({ seedPairs: u.done, seedPairsTotal: u.total });
        kept?.seedPairs.push(u.pair);
        keepSoFar();
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
    const id = `calibration-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const cutOff: CutOffCalibration = { settings: s, pool: null, candidates: [], seedPairs: [], backend: { backend: 'unknown', reason: 'the run was cut off before its workers reported' }, elapsedS: 0 };
    record = { rec: { id, createdAt: Date.now(), runId: runsStore.getState().currentId, doc: null, cutOff: null }, cutOff, t0: performance.now() };
    writeFailed = false;
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
      keptId: id,
    });
    keepSoFar();
    const live = () => abort === ctl;
    void (async () => {
      try {
        const docs = await documents();
        const doc = await client.calibrate({ settings: s as CalibrationSettings & { dataset: 'mnist' | 'fashion-mnist' } }, (u) => live() && onUpdate(docs, u), ctl.signal, stopCtl.signal);
        if (!live()) return;
        // The document is the whole truth: events still in flight (they travel on another port) are ignored.
        abort = null;
        const rec = record!.rec;
        record = null;
        set({ phase: doc.stopped ? 'stopped' : 'done', doc, candidates: doc.candidates, trained: doc.candidates.filter((c) => c.accuracy_quantized !== null).length, seedPairs: doc.seed_pairs.length, backend: doc.backend, version: calibrationStore.getState().version + 1 });
        await write({ ...rec, doc, cutOff: null });
        await refreshKept();
      } catch (e) {
        if (!live()) return;
        abort = null;
        record = null;
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
        const { parseCalibrationDocument } = await documents();
        const doc = parseCalibrationDocument(await readFileText(file, MAX_FILE_BYTES));
        showDoc(doc, 'import', null);
      } catch (e) {
        set({ problem: `${file.name} could not be opened: ${message(e)}. Nothing shown was changed.` });
      }
    },
    refreshKept,
    async openKept(id) {
      const rec = calibrationStore.getState().kept.find((k) => k.id === id);
      const doc = rec && keptDocument(rec, await documents());
      if (doc) showDoc(doc, 'stored', rec.id);
    },
    async exportKept(id) {
      const rec = calibrationStore.getState().kept.find((k) => k.id === id);
      const doc = rec && keptDocument(rec, await documents());
      if (doc) downloadText(fileNameOf(doc), calibrationFileText(doc), 'application/json');
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
