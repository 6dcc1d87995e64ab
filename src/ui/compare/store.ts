/**
 * The pinned run: a run kept beside whatever search the page shows next, to
 * compare against. It is its own store, apart from the search's, so a new
 * search (which replaces the search's state) leaves it alone; only Unpin or
 * another pin replaces it. It holds the run reduced for comparison
 * (core/compare/runs.ts) and the costs of its candidates, which the
 * overlays read; the budgets judge it only where it is shown, so a budget
 * move re-judges it with the current run.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { comparedRun, type ComparedRun } from '../../core/compare/runs.ts';
import type { RunData } from '../../core/files/run.ts';
import { runLabel } from './current-run.ts';

export interface PinnedRun {
  run: ComparedRun;
  /** where it came from: the search shown when it was pinned, or a run file (its name) */
  from: { kind: 'search' } | { kind: 'file'; name: string };
  /** the run as read: its candidates' costs and scores, for the Pareto view's score overlay */
  data: RunData;
}

export interface CompareState {
  pinned: PinnedRun | null;
  /** why the last pin failed (a refused file), shown until the next pin */
  problems: string[] | null;
}

export const compareStore = createStore<CompareState>()(() => ({ pinned: null, problems: null }));

export function useCompare<T>(selector: (s: CompareState) => T): T {
  return useStore(compareStore, selector);
}

/** Pins a run: the shown search's, or one read from a file. */
export function pinRun(data: RunData, from: PinnedRun['from']): void {
  const s = data.settings;
  const label = `Pinned: ${runLabel(s.strategy, s.rankBy, s.seed, s.samples)}${from.kind === 'file' ? ` (${from.name})` : ''}`;
  compareStore.setState({ pinned: { run: comparedRun(data, label), from, data }, problems: null });
}

export function unpinRun(): void {
  compareStore.setState({ pinned: null, problems: null });
}

export function pinProblems(problems: string[]): void {
  compareStore.setState({ problems });
}
