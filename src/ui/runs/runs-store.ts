/**
 * The page's view of the kept runs: the list (headers only; a run is read
 * whole when opened), the storage estimate, and the last storage problem
 * (a full quota) to show. The recorder and the list's actions keep it in
 * step; nothing here touches a run's results.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { StoredRunHeader } from '../../core/runs/records.ts';
import type { KeptRunEntry } from './run-db.ts';

export interface RunsState {
  entries: KeptRunEntry[];
  /** bytes used and allowed for this site, when the browser says */
  estimate: { usage: number; quota: number } | null;
  /** the kept run the page's search is writing (or last wrote) */
  currentId: string | null;
  problem: { message: string; kind: 'quota' | 'storage' } | null;
  began(header: StoredRunHeader): void;
  written(header: StoredRunHeader): void;
  setProblem(message: string, kind: 'quota' | 'storage'): void;
  dismissProblem(): void;
}

/** The entries with `header` in place of its older self (or added, newest first). */
function withHeader(entries: readonly KeptRunEntry[], header: StoredRunHeader): KeptRunEntry[] {
  const rest = entries.filter((e) => e.header.id !== header.id);
  return [{ header, problem: null }, ...rest];
}

export const runsStore = createStore<RunsState>()((set) => ({
  entries: [],
  estimate: null,
  currentId: null,
  problem: null,
  began: (header) => set((s) => ({ currentId: header.id, entries: withHeader(s.entries, header) })),
  // The list's name wins over a writer's copy of the header (a rename while the search writes).
  written: (header) =>
    set((s) => {
      const listed = s.entries.find((e) => e.header.id === header.id);
      return { entries: withHeader(s.entries, listed ? { ...header, name: listed.header.name } : header) };
    }),
  setProblem: (message, kind) => set({ problem: { message, kind } }),
  dismissProblem: () => set({ problem: null }),
}));

export function useRuns<T>(selector: (s: RunsState) => T): T {
  return useStore(runsStore, selector);
}
