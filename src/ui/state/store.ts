/**
 * The studio page's state (zustand). Knob values follow the parameter table
 * (src/core/params.ts); results are typed-array columns filled by the costing
 * worker; feasibility is recomputed here, on the main thread, whenever a
 * budget or the results change: O(n) into a reused mask, never in the worker.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { defaultParams, normalizeParams, type ParamKey, type ParamValues } from '../../core/params.ts';
import { DEFAULT_AXES, canonicalInputs, type Axes, type HardwareEdits, type StudioInputs } from '../../core/inputs.ts';
import type { RunData } from '../../core/files/run.ts';
import { BUDGETS, budgetsFromParams, type Budgets } from '../../core/settings.ts';
import { computeFeasibility, emptyCounts, sameCounts, type FeasibilityCounts } from '../../core/feasibility.ts';
import { allocateColumns, type Columns, type Metric } from '../../core/metrics.ts';
import type { HardwareKey } from '../../core/cost/hardware.ts';
import type { CostingTimings } from '../../protocol/costing.ts';

/**
 * Where the shown results came from. Imported results, and a search's (its
 * candidates, and any it added), stay on screen with budgets re-judging
 * them until an input that needs new candidates changes (the costing
 * controller's `adopt`); only then does a costing replace them. A search's
 * origin is one object per search: its controller knows its own results by it.
 */
export type ResultsOrigin = { kind: 'costing' } | { kind: 'import'; fileName: string; run: RunData; warnings: string[] } | { kind: 'search' };

export const COSTING_ORIGIN: ResultsOrigin = Object.freeze({ kind: 'costing' });

export interface Results {
  /** job that produced these columns (0: none yet) */
  jobId: number;
  columns: Columns;
  genomes: string[];
  /** candidates loaded so far: entries [0, count) of each column are valid */
  count: number;
  /** candidates the job aims for */
  target: number;
  complete: boolean;
  /** bumps whenever columns or count change */
  version: number;
  origin: ResultsOrigin;
  /**
   * The inputs (search space, samples, seed, hardware) whose sampled set fills
   * rows [0, min(count, target)), as the costing controller keys them
   * (candidatesKey); '' when not known (an imported run). Rows from `target`
   * on are candidates a search added (evolution's children).
   */
  key: string;
}

export interface Feasibility {
  /** bit b set = candidate breaks budget b (BUDGETS order); valid for [0, results.count) */
  mask: Uint8Array;
  counts: FeasibilityCounts;
  version: number;
}

export type JobPhase = 'idle' | 'waiting' | 'running' | 'done' | 'error';

export interface JobState {
  phase: JobPhase;
  jobId: number;
  loaded: number;
  target: number;
  /** the last failure (bad search space, crashed worker); cleared by the next success */
  error: string | null;
  /** timings of the last completed job */
  timings: CostingTimings | null;
  /** request to last chunk on the page, ms */
  wallMs: number | null;
}

export interface StudioState {
  params: ParamValues;
  budgets: Budgets;
  hwEdits: HardwareEdits;
  axes: Axes;
  results: Results;
  feasibility: Feasibility;
  job: JobState;
  /**
   * The candidate whose detail is open, named by genome too: it stays open
   * through a re-cost (same candidates, new figures) and closes when the
   * candidates change.
   */
  selected: { index: number; genome: string } | null;
  setParam<K extends ParamKey>(key: K, value: ParamValues[K]): void;
  setHwEdit(key: HardwareKey, value: number | string | undefined): void;
  resetHwEdits(): void;
  setAxis(which: 'x' | 'y', metric: Metric): void;
  /** Replaces every input at once (a link opened, history navigated, a run imported). */
  setInputs(inputs: StudioInputs): void;
  setResults(results: Results): void;
  /** Shows a run read from a file: its inputs and its results together, without re-running anything. */
  showImported(inputs: StudioInputs, results: Results): void;
  setJob(patch: Partial<JobState>): void;
  /** Opens the detail of candidate `index` of the shown results (null closes it). */
  select(index: number | null): void;
}

const BUDGET_KEYS = new Set<ParamKey>(BUDGETS.map((b) => b.key));

export function emptyResults(): Results {
  return { jobId: 0, columns: allocateColumns(0), genomes: [], count: 0, target: 0, complete: false, version: 0, origin: COSTING_ORIGIN, key: '' };
}

function feasibilityOf(results: Results, budgets: Budgets, previous: Feasibility | null): Feasibility {
  const need = Math.max(results.count, 1);
  const mask = previous && previous.mask.length >= need ? previous.mask : new Uint8Array(Math.max(need, results.target));
  const counts = computeFeasibility(results.columns, results.count, budgets, mask, emptyCounts());
  // The mask's contents may have changed (version); the counts keep their identity while their values do not.
  return { mask, counts: previous && sameCounts(previous.counts, counts) ? previous.counts : counts, version: (previous?.version ?? 0) + 1 };
}

/** Orders a paired range after one end moved: the other end follows. */
function orderRange(v: ParamValues, key: ParamKey): ParamValues {
  const out = { ...v };
  if (key === 'channelsMax' && out.channelsMax < out.channelsMin) out.channelsMin = out.channelsMax;
  if (key === 'timestepsMax' && out.timestepsMax < out.timestepsMin) out.timestepsMin = out.timestepsMax;
  return normalizeParams(out);
}

/** A selection survives new results only while they hold the same genome at its index (streaming chunks fill in order). */
function stillSelected(sel: StudioState['selected'], r: Results): StudioState['selected'] {
  if (sel === null) return null;
  if (sel.index >= r.count) return r.complete ? null : sel;
  return r.genomes[sel.index] === sel.genome ? sel : null;
}

/** The page's inputs as the share link and exported runs carry them. */
export function selectInputs(s: Pick<StudioState, 'params' | 'hwEdits' | 'axes'>): StudioInputs {
  return { params: s.params, hwEdits: s.hwEdits, axes: s.axes };
}

export function createStudioStore(initial: ParamValues = defaultParams()) {
  const params = normalizeParams(initial);
  const results = emptyResults();
  const budgets = budgetsFromParams(params);
  return createStore<StudioState>()((set, get) => ({
    params,
    budgets,
    hwEdits: {},
    axes: { ...DEFAULT_AXES },
    results,
    feasibility: feasibilityOf(results, budgets, null),
    job: { phase: 'idle', jobId: 0, loaded: 0, target: 0, error: null, timings: null, wallMs: null },
    selected: null,

    setParam(key, value) {
      const s = get();
      const params = orderRange({ ...s.params, [key]: value }, key);
      if (key === 'preset' && params.preset !== s.params.preset) {
        set({ params, hwEdits: {} });
        return;
      }
      if (BUDGET_KEYS.has(key)) {
        const budgets = budgetsFromParams(params);
        set({ params, budgets, feasibility: feasibilityOf(s.results, budgets, s.feasibility) });
      } else {
        set({ params });
      }
    },

    setHwEdit(key, value) {
      const hwEdits = { ...get().hwEdits };
      if (value === undefined) delete hwEdits[key];
      else hwEdits[key] = value;
      set({ hwEdits });
    },

    resetHwEdits() {
      set({ hwEdits: {} });
    },

    setAxis(which, metric) {
      const { x, y } = get().axes;
      if (which === 'x') set({ axes: metric === y ? { x: metric, y: x } : { x: metric, y } });
      else set({ axes: metric === x ? { x: y, y: metric } : { x, y: metric } });
    },

    setInputs(inputs) {
      const s = get();
      const c = canonicalInputs(inputs);
      const budgets = budgetsFromParams(c.params);
      set({ params: c.params, hwEdits: c.hwEdits, axes: c.axes, budgets, feasibility: feasibilityOf(s.results, budgets, s.feasibility) });
    },

    setResults(results) {
      const s = get();
      // The same rows under the same budgets (a search taking the shown results over): the same feasibility.
      const sameRows = results.columns === s.results.columns && results.count === s.results.count && results.version === s.results.version;
      set({ results, feasibility: sameRows ? s.feasibility : feasibilityOf(results, s.budgets, s.feasibility), selected: stillSelected(s.selected, results) });
    },

    showImported(inputs, results) {
      const s = get();
      const c = canonicalInputs(inputs);
      const budgets = budgetsFromParams(c.params);
      set({
        params: c.params,
        hwEdits: c.hwEdits,
        axes: c.axes,
        budgets,
        results,
        feasibility: feasibilityOf(results, budgets, s.feasibility),
        selected: null,
        job: { ...s.job, phase: 'done', loaded: results.count, target: results.count, error: null, timings: null, wallMs: null },
      });
    },

    setJob(patch) {
      set({ job: { ...get().job, ...patch } });
    },

    select(index) {
      const r = get().results;
      set({ selected: index === null || index < 0 || index >= r.count ? null : { index, genome: r.genomes[index] } });
    },
  }));
}

export type StudioStore = ReturnType<typeof createStudioStore>;

export const studioStore: StudioStore = createStudioStore();

export function useStudio<T>(selector: (s: StudioState) => T): T {
  return useStore(studioStore, selector);
}
