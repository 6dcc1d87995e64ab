/**
 * `window.__neuronasTest`: the hooks the end-to-end tests read and poke the
 * page through. Installed only in test builds (`vite build --mode test`, the
 * build `npm test` makes): main.tsx calls `installTestHooks` behind
 * `import.meta.env.MODE === 'test'`, which a production build drops with this
 * module (tests/production-bundle.test.ts checks the built files).
 */
import { encodeInputs } from '../core/url.ts';
import type { CostingTestHooks, RemoteTestHooks } from '../protocol/test-hooks.ts';
import type { CostingClient } from './costing/client.ts';
import { searchStore } from './search/controller.ts';
import { ROW_STATES } from './search/model.ts';
import { selectInputs, type StudioStore } from './state/store.ts';

export interface NeuronasTestHooks {
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
  /** a training worker of the search throws */
  crashSearchWorker(which: 'trainer' | 'scorer'): void;
  /** a training worker of the search closes itself without an error event */
  closeSearchWorker(which: 'trainer' | 'scorer'): void;
  /** training workers the costing worker has spawned for searches (0 before the first search) */
  trainingWorkersSpawned(): Promise<number>;
  /** the runs kept in the browser's storage, newest first, as their headers say */
  keptRuns(): Promise<{ id: string; name: string; status: string; counts: Record<string, number>; chunks: number; problem: string | null }[]>;
  /** a kept run as its run file (the Export writer), read back from storage */
  keptRunJson(id: string): Promise<string | null>;
}

declare global {
  interface Window {
    /** hooks for the end-to-end tests (test builds only) */
    __neuronasTest?: NeuronasTestHooks;
  }
}

export function installTestHooks(studio: StudioStore, client: CostingClient): void {
  const hooks = (remote: unknown) => (remote as RemoteTestHooks<CostingTestHooks>).test;
  window.__neuronasTest = {
    crashWorker: () => client.notify((remote) => hooks(remote).crash()),
    workersSpawned: () => client.spawned,
    genomes: (n) => studio.getState().results.genomes.slice(0, Math.min(n, studio.getState().results.count)),
    linkFragment: () => encodeInputs(selectInputs(studio.getState())),
    select: (i) => studio.getState().select(i),
    search: () => {
      const s = searchStore.getState();
      const m = s.model;
      const genomes = studio.getState().results.genomes;
      return {
        phase: s.phase,
        counts: m ? { ...m.counts } : {},
        feasible: studio.getState().feasibility.counts.feasible,
        states: m ? Array.from(m.state.subarray(0, m.count), (v) => ROW_STATES[v]) : [],
        scores: m ? Array.from(m.scores.subarray(0, m.count)) : [],
        trainedAccuracy: m ? [...m.trained.values()].map((t) => t.result.accuracyQuantized) : [],
        trainedGenomes: m ? [...m.trained.keys()].map((i) => genomes[i]) : [],
      };
    },
    crashSearchWorker: (which) => client.notify((remote) => hooks(remote).endTrainingWorker(which, 'crash')),
    closeSearchWorker: (which) => client.notify((remote) => hooks(remote).endTrainingWorker(which, 'close')),
    keptRuns: async () => {
      const { listRuns } = await import('./runs/run-db.ts');
      return (await listRuns()).map(({ header: h, problem }) => ({ id: h.id, name: h.name, status: h.status, counts: { ...h.counts }, chunks: h.chunks, problem }));
    },
    keptRunJson: async (id) => {
      const [{ readRun }, { runJson }] = await Promise.all([import('./runs/run-db.ts'), import('../core/files/run.ts')]);
      const kept = await readRun(id);
      return kept ? runJson(kept.run) : null;
    },
    trainingWorkersSpawned: () => new Promise((resolve) => client.notify(async (remote) => resolve(await hooks(remote).trainingWorkersSpawned()))),
  };
}
