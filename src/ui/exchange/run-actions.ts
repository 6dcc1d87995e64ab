/**
 * The page's file actions: export the shown candidates (CSV) and run (JSON),
 * import a run file and show it without re-running, copy the share link.
 * The import goes through the costing controller's `adopt`, so the imported
 * results are not replaced by a costing of the same inputs; any later
 * change of the search space, sampling or hardware costs afresh.
 * The file formats (core/files/) load on first use: the page does not
 * need them to start.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { RunData } from '../../core/files/run.ts';
import { allocateColumns } from '../../core/metrics.ts';
import type { CostingController } from '../costing/controller.ts';
import { selectInputs, type Results, type ResultsOrigin, type StudioState, type StudioStore } from '../state/store.ts';
import type { LinkSync } from '../url/link-sync.ts';
import { linkNoticeStore } from '../url/link-notice.ts';
import { copyText } from './clipboard.ts';
import { downloadText, readFileText } from './download.ts';

export type ImportStatus =
  | { kind: 'imported'; fileName: string; count: number; warnings: string[] }
  | { kind: 'refused'; fileName: string; problems: string[] };

export interface ImportStatusState {
  status: ImportStatus | null;
  set(status: ImportStatus | null): void;
}

export const importStatusStore = createStore<ImportStatusState>()((set) => ({ status: null, set: (status) => set({ status }) }));

export function useImportStatus<T>(selector: (s: ImportStatusState) => T): T {
  return useStore(importStatusStore, selector);
}

const runFormat = () => import('../../core/files/run.ts');
const csvFormat = () => import('../../core/files/run-csv.ts');

export interface StudioActions {
  retry(): void;
  exportCandidatesCsv(): Promise<void>;
  exportRunJson(): Promise<void>;
  importRunFile(file: File): Promise<ImportStatus>;
  /** copies the share link of the current inputs; false when the clipboard refused */
  copyLink(): Promise<boolean>;
  /** records the current inputs as a new history entry (for a discrete action such as starting a search) */
  pushLink(): void;
}

/** The run the page shows: an imported run as it was read, or the costed set with its settings. */
export async function currentRun(s: StudioState): Promise<RunData | null> {
  if (s.results.origin.kind === 'import') return s.results.origin.run;
  if (s.results.count === 0) return null;
  const { candidatesFromColumns, costingSettings } = await runFormat();
  const inputs = selectInputs(s);
  const settings = costingSettings(inputs);
  return {
    source: 'costing',
    inputs,
    settings,
    candidates: candidatesFromColumns(s.results, settings.budgets),
    trained: [],
    front: [],
    timings: null,
    counts: null,
    stopped: false,
    budgetsFrom: 'export',
  };
}

/** The file name (without extension) Export gives a run. */
export function baseName(run: RunData): string {
  return `neuronas-${run.source}-s${run.settings.seed}-n${run.candidates.length}${run.stopped ? '-stopped' : ''}`;
}

/** Results for the store from a run's candidates, under `origin`; `key` and `sampled` say whose sampled set they are (a kept run's: its inputs' costing key). */
export async function resultsOfRun(run: RunData, version: number, origin: ResultsOrigin, key = '', sampled = run.candidates.length): Promise<Results> {
  const { columnsFromCandidates } = await runFormat();
  const n = run.candidates.length;
  const columns = allocateColumns(n);
  columnsFromCandidates(run.candidates, columns);
  return {
    jobId: 0,
    columns,
    genomes: run.candidates.map((c) => c.genome),
    count: n,
    target: Math.min(n, sampled),
    complete: n >= sampled,
    version,
    origin,
    key,
  };
}

/** Results for the store from an imported run. */
export function resultsFromRun(run: RunData, fileName: string, warnings: string[], version: number): Promise<Results> {
  return resultsOfRun(run, version, { kind: 'import', fileName, run, warnings });
}

/**
 * `searchRun` gives the page's last search (with its scores and trained
 * results; a stopped one with what had finished) when there is one: Export then writes it rather than the
 * costed set; an imported run still wins while it is shown.
 */
export function createStudioActions(
  store: StudioStore,
  controller: CostingController,
  link: Pick<LinkSync, 'currentLink' | 'push'>,
  searchRun: () => Promise<RunData | null> = async () => null,
): StudioActions {
  const shownRun = async (): Promise<RunData | null> => {
    const s = store.getState();
    if (s.results.origin.kind !== 'import') {
      const searched = await searchRun();
      if (searched) return searched;
    }
    return currentRun(s);
  };
  return {
    retry: () => controller.retry(),
    async exportCandidatesCsv() {
      const run = await shownRun();
      const { candidatesCsv } = await csvFormat();
      if (run) downloadText(`${baseName(run)}-candidates.csv`, candidatesCsv(run), 'text/csv;charset=utf-8');
    },
    async exportRunJson() {
      const run = await shownRun();
      const { runJson } = await runFormat();
      if (run) downloadText(`${baseName(run)}.json`, runJson(run), 'application/json');
    },
    async importRunFile(file) {
      let status: ImportStatus;
      try {
        const { MAX_RUN_FILE_BYTES, inputsFromSettings, parseRunJson } = await runFormat();
        const parsed = parseRunJson(await readFileText(file, MAX_RUN_FILE_BYTES));
        if (!parsed.ok) status = { kind: 'refused', fileName: file.name, problems: parsed.problems };
        else {
          const warnings = [...parsed.warnings];
          let inputs = parsed.run.inputs;
          if (inputs === null) {
            const derived = inputsFromSettings(parsed.run.settings);
            inputs = derived.inputs;
            warnings.push(...derived.problems.map((p) => `The page's knobs cannot show the run's exact settings: ${p}`));
          }
          const results = await resultsFromRun(parsed.run, file.name, warnings, store.getState().results.version + 1);
          const chosen = inputs;
          controller.adopt(() => store.getState().showImported(chosen, results));
          // The page no longer shows the opened link's inputs: its notice is moot.
          linkNoticeStore.getState().dismiss();
          status = { kind: 'imported', fileName: file.name, count: results.count, warnings };
        }
      } catch (e) {
        status = { kind: 'refused', fileName: file.name, problems: [e instanceof Error ? e.message : String(e)] };
      }
      importStatusStore.getState().set(status);
      return status;
    },
    copyLink: () => copyText(link.currentLink()),
    pushLink: () => link.push(),
  };
}
