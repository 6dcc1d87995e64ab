/**
 * Keeps the page's candidates in step with its knobs: whenever the search
 * space, sample count, seed or hardware changes, the running job is aborted
 * at once and a new one starts after a short debounce. Chunks stream into
 * typed-array columns and are committed to the store at most once per frame.
 * Budgets never reach the worker: the store re-derives feasibility itself.
 */
import { searchSpaceFromParams } from '../../core/settings.ts';
import { METRICS, allocateColumns } from '../../core/metrics.ts';
import type { CostingChunk, CostingRequest, CostingResult } from '../../protocol/costing.ts';
import { COSTING_ORIGIN, type StudioState, type StudioStore, type Results } from '../state/store.ts';
import { studioHardware } from '../state/hardware.ts';
import { isAbortError, type CostingClient } from './client.ts';
import { recordJobTiming } from './timings.ts';

export interface CostingController {
  /** Runs the current settings again (after an error). */
  retry(): void;
  /**
   * Applies a change that brings its own results (an imported run): stops
   * any job, runs `apply`, and takes the inputs it leaves as already costed,
   * so only a later change of inputs costs afresh.
   */
  adopt(apply: () => void): void;
  stop(): void;
}

type JobInput = Omit<CostingRequest, 'jobId'>;

function jobInput(s: Pick<StudioState, 'params' | 'hwEdits'>): JobInput | null {
  const hw = studioHardware(s.params, s.hwEdits);
  if (hw.error) return null; // the hardware panel shows the field's problem
  return { space: searchSpaceFromParams(s.params), samples: s.params.samples, seed: s.params.seed, hardware: hw.config };
}

/**
 * What the page's candidates depend on (search space, samples, seed, hardware), as one string: equal keys, the same
 * sampled and costed set. 'invalid' while the hardware settings are.
 */
export function candidatesKey(s: Pick<StudioState, 'params' | 'hwEdits'>): string {
  const input = jobInput(s);
  return input ? JSON.stringify(input) : 'invalid';
}

let resultsVersion = 0;

/** The part of CostingClient the controller uses (tests pass a fake). */
export type CostingRunner = Pick<CostingClient, 'run' | 'onCrash'>;

export function startCostingController(store: StudioStore, client: CostingRunner, debounceMs = 100): CostingController {
  let lastKey = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  let current: AbortController | null = null;
  let lastParams = store.getState().params;
  let lastEdits = store.getState().hwEdits;

  client.onCrash = (message) => store.getState().setJob({ phase: 'error', error: message });

  function launch(input: JobInput, key: string): void {
    const ac = new AbortController();
    current = ac;
    const t0 = performance.now();
    let acc: Results | null = null;
    let frame = 0;
    const commit = () => {
      frame = 0;
      if (ac.signal.aborted || acc === null) return;
      store.getState().setResults({ ...acc, version: ++resultsVersion });
      store.getState().setJob({ loaded: acc.count });
    };
    const onChunk = (chunk: CostingChunk) => {
      if (acc === null) {
        acc = {
          jobId: chunk.jobId,
          columns: allocateColumns(chunk.target),
          genomes: new Array<string>(chunk.target),
          count: 0,
          target: chunk.target,
          complete: false,
          version: 0,
          origin: COSTING_ORIGIN,
          key,
        };
        store.getState().setJob({ jobId: chunk.jobId, target: chunk.target });
      }
      for (const m of METRICS) acc.columns[m].set(chunk.columns[m], chunk.start);
      for (let i = 0; i < chunk.count; i++) acc.genomes[chunk.start + i] = chunk.genomes[i];
      acc.count = chunk.start + chunk.count;
      if (frame === 0) frame = requestAnimationFrame(commit);
    };
    store.getState().setJob({ phase: 'running', loaded: 0 });
    client.run(input, onChunk, ac.signal).then(
      (result: CostingResult) => {
        if (ac.signal.aborted) return;
        if (frame !== 0) cancelAnimationFrame(frame);
        const wallMs = performance.now() - t0;
        const final: Results = acc ?? { ...store.getState().results, jobId: result.jobId, count: 0, target: 0, columns: allocateColumns(0), genomes: [], origin: COSTING_ORIGIN, key };
        final.count = result.count;
        final.complete = true;
        store.getState().setResults({ ...final, version: ++resultsVersion });
        store.getState().setJob({ phase: 'done', jobId: result.jobId, loaded: result.count, target: result.target, error: null, timings: result.timings, wallMs });
        recordJobTiming({ jobId: result.jobId, samples: input.samples, count: result.count, wallMs, start: t0, ...result.timings });
        if (current === ac) current = null;
      },
      (e: unknown) => {
        if (frame !== 0) cancelAnimationFrame(frame);
        if (isAbortError(e) || ac.signal.aborted) return;
        if (current === ac) current = null;
        const message = e instanceof Error ? e.message : String(e);
        store.getState().setJob({ phase: 'error', error: message });
      },
    );
  }

  function schedule(immediate: boolean): void {
    const input = jobInput(store.getState());
    const key = candidatesKey(store.getState());
    if (key === lastKey && !immediate) return;
    lastKey = key;
    current?.abort();
    current = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (input === null) {
      store.getState().setJob({ phase: 'idle' });
      return;
    }
    store.getState().setJob({ phase: 'waiting' });
    if (immediate) launch(input, key);
    else
      timer = setTimeout(() => {
        timer = null;
        launch(input, key);
      }, debounceMs);
  }

  let adopting = false;
  const unsubscribe = store.subscribe((s) => {
    if (adopting) return;
    if (s.params === lastParams && s.hwEdits === lastEdits) return;
    lastParams = s.params;
    lastEdits = s.hwEdits;
    schedule(false);
  });
  schedule(true);

  return {
    retry: () => schedule(true),
    adopt(apply) {
      current?.abort();
      current = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      adopting = true;
      try {
        apply();
      } finally {
        adopting = false;
      }
      const s = store.getState();
      lastKey = candidatesKey(s);
      lastParams = s.params;
      lastEdits = s.hwEdits;
    },
    stop() {
      unsubscribe();
      current?.abort();
      if (timer !== null) clearTimeout(timer);
    },
  };
}
