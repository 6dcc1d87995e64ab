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
import type { ShardProgress } from '../../core/files/shard-file.ts';
import { copyText } from './clipboard.ts';
import { downloadText, readFileText } from './download.ts';

export type ImportStatus =
  | { kind: 'imported'; fileName: string; count: number; warnings: string[]; shards?: ShardProgress[] }
  | { kind: 'refused'; fileName: string; problems: string[]; shards?: ShardProgress[] };

export interface ImportStatusState {
  status: ImportStatus | null;
  set(status: ImportStatus | null): void;
}

export const importStatusStore = createStore<ImportStatusState>()((set) => ({ status: null, set: (status) => set({ status }) }));

export function useImportStatus<T>(selector: (s: ImportStatusState) => T): T {
  return useStore(importStatusStore, selector);
}

const runFormat = () => import('../../core/files/run.ts');
const shardFormat = () => import('../../core/files/shard-file.ts');

/** A shard file by its name (`neuronas search --shard` writes .jsonl) or its first line. */
export function looksLikeShardFile(file: File, firstBytes: string): boolean {
  return /\.jsonl$/i.test(file.name) || firstBytes.includes('"neuronas-shard"');
}
const csvFormat = () => import('../../core/files/run-csv.ts');

export interface StudioActions {
  retry(): void;
  exportCandidatesCsv(): Promise<void>;
  exportRunJson(): Promise<void>;
  importRunFile(file: File): Promise<ImportStatus>;
  /**
   * Files picked or dropped together: one run file is imported as such; shard files (a folder of them) are merged
   * with the command line's merge, and what is missing or unfinished is shown shard by shard.
   */
  importFiles(files: readonly File[]): Promise<ImportStatus>;
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
  /** Shows a run read from a file (a run file, or shards merged) as an imported run. */
  const show = async (run: RunData, fileName: string, readWarnings: readonly string[]): Promise<ImportStatus> => {
    const { inputsFromSettings } = await runFormat();
    const warnings = [...readWarnings];
    let inputs = run.inputs;
    if (inputs === null) {
      const derived = inputsFromSettings(run.settings);
      inputs = derived.inputs;
      warnings.push(...derived.problems.map((p) => `The page's knobs cannot show the run's exact settings: ${p}`));
    }
    const results = await resultsFromRun(run, fileName, warnings, store.getState().results.version + 1);
    const chosen = inputs;
    controller.adopt(() => store.getState().showImported(chosen, results));
    // The page no longer shows the opened link's inputs: its notice is moot.
    linkNoticeStore.getState().dismiss();
    return { kind: 'imported', fileName, count: results.count, warnings };
  };
  const importRunFile = async (file: File): Promise<ImportStatus> => {
    let status: ImportStatus;
    try {
      const { MAX_RUN_FILE_BYTES, parseRunJson } = await runFormat();
      const parsed = parseRunJson(await readFileText(file, MAX_RUN_FILE_BYTES));
      status = parsed.ok ? await show(parsed.run, file.name, parsed.warnings) : { kind: 'refused', fileName: file.name, problems: parsed.problems };
    } catch (e) {
      status = { kind: 'refused', fileName: file.name, problems: [e instanceof Error ? e.message : String(e)] };
    }
    importStatusStore.getState().set(status);
    return status;
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
    importRunFile,
    async importFiles(files) {
      const heads = await Promise.all(files.map((f) => f.slice(0, 200).text()));
      if (files.length === 1 && !looksLikeShardFile(files[0], heads[0])) return importRunFile(files[0]);
      // Several files (a folder): its shard files merge; anything else in it (a merged run, logs) is left out, and said.
      const picked = files.filter((f, i) => looksLikeShardFile(f, heads[i]));
      const skipped = files.filter((f, i) => !looksLikeShardFile(f, heads[i])).map((f) => `Left out ${f.name}: not a shard file.`);
      const label = `${picked.length} shard file${picked.length === 1 ? '' : 's'}`;
      let status: ImportStatus;
      try {
        const { MAX_RUN_FILE_BYTES } = await runFormat();
        const { mergeShards, readShardText, shardProgress } = await shardFormat();
        const read = await Promise.all(picked.map(async (f) => readShardText(f.name, await readFileText(f, MAX_RUN_FILE_BYTES))));
        const unreadable = read.flatMap((r) => (r.ok ? [] : r.problems));
        const shards = read.flatMap((r) => (r.ok ? [r.file] : []));
        const progress = shardProgress(shards);
        if (picked.length === 0) status = { kind: 'refused', fileName: `The ${files.length} files`, problems: ['none is a shard file (the .jsonl files `neuronas search --shard` writes) or a run file on its own'] };
        else if (unreadable.length) status = { kind: 'refused', fileName: label, problems: [...unreadable, ...skipped], shards: progress };
        else {
          const merged = mergeShards(shards);
          status = merged.ok ? { ...(await show(merged.run, label, [...skipped, ...merged.warnings])), shards: progress } : { kind: 'refused', fileName: label, problems: [...merged.problems, ...skipped], shards: progress };
        }
      } catch (e) {
        status = { kind: 'refused', fileName: label, problems: [e instanceof Error ? e.message : String(e)] };
      }
      importStatusStore.getState().set(status);
      return status;
    },
    copyLink: () => copyText(link.currentLink()),
    pushLink: () => link.push(),
  };
}
