/**
 * The comparison wired to the stores: the current search as a compared run
 * (re-read once per committed frame), the pinned run, the budgets on
 * screen, and the reference both are judged against (the budgets, or with
 * none on a cost, the larger of the two runs' largest candidates).
 */
import { useDeferredValue, useMemo } from 'react';
import { hypervolumeReference, mergeMaxima } from '../../core/compare/hypervolume-history.ts';
import type { ComparedRun } from '../../core/compare/runs.ts';
import type { Budgets } from '../../core/settings.ts';
import { useSearch } from '../search/controller.ts';
import { useStudio } from '../state/store.ts';
import { currentComparedRun } from './current-run.ts';
import { costOverlays, type OverlaySeries } from './overlays.ts';
import type { Metric } from '../../core/metrics.ts';
import { useCompare, type PinnedRun } from './store.ts';

/** The search shown as a compared run; null when there is none, or when `wanted` is false (nothing is computed then). */
export function useCurrentRun(wanted = true): ComparedRun | null {
  const model = useDeferredValue(useSearch((s) => s.model));
  const version = useDeferredValue(useSearch((s) => s.version));
  const settings = useSearch((s) => s.settings);
  const results = useDeferredValue(useStudio((s) => s.results));
  return useMemo(
    () => (wanted && model && settings ? currentComparedRun(model, settings, results.columns, results.genomes, Math.min(results.count, model.count)) : null),
    // version: the model is updated in place.
    [wanted, model, version, settings, results],
  );
}

export function useComparison(): { current: ComparedRun | null; pinned: PinnedRun | null; reference: number[]; budgets: Budgets } {
  const current = useCurrentRun();
  const pinned = useCompare((s) => s.pinned);
  const budgets = useStudio((s) => s.budgets);
  const computed = useMemo(() => {
    const maxima = [current?.maxima, pinned?.run.maxima].filter((m) => !!m);
    return hypervolumeReference(budgets, mergeMaxima(...maxima));
  }, [current, pinned, budgets]);
  // Kept by value: the current run is re-read every frame of a search, and what is judged against the reference
  // (the pinned run's history above all) need not be judged again while it stays the same.
  const key = computed.join();
  const reference = useMemo(() => computed, [key]);
  return { current, pinned, reference, budgets };
}

/** The fronts the cost view overlays at its two costs: the current run's and the pinned run's, only while a run is pinned. */
export function useCostOverlays(x: Metric, y: Metric): OverlaySeries[] {
  const pinned = useCompare((s) => s.pinned);
  const current = useCurrentRun(pinned !== null);
  const budgets = useStudio((s) => s.budgets);
  const overlays = useMemo(() => (pinned ? costOverlays(current, pinned, budgets, x, y) : NO_OVERLAYS), [current, pinned, budgets, x, y]);
  // Kept by value: the current run is re-read every frame of a search, its front changes only when a training ends.
  const key = JSON.stringify(overlays);
  return useMemo(() => overlays, [key]);
}

const NO_OVERLAYS: OverlaySeries[] = [];
