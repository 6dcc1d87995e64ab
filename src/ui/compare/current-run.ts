/**
 * The search shown on the page as a compared run (core/compare/runs.ts), read
 * straight from its live state: the trained candidates of the search model
 * with their estimated costs from the results' columns, the largest cost of
 * each kind among the results, and the evaluations in the order they
 * arrived. No React, no DOM.
 */
import type { ComparedRun, ComparedTrained } from '../../core/compare/runs.ts';
import { HV_COSTS, type CostMaxima } from '../../core/compare/hypervolume-history.ts';
import type { Columns } from '../../core/metrics.ts';
import type { SearchSettings } from '../../core/search/pipeline.ts';
import { costFiguresAt } from '../../core/search/sources.ts';
import type { SearchModel } from '../search/model.ts';

function columnMaxima(columns: Columns, count: number): CostMaxima {
  const out = { params: 0, areaMm2: 0, latencyMs: 0, energyUJ: 0 } as CostMaxima;
  for (const k of HV_COSTS) {
    const col = columns[k];
    let hi = 0;
    for (let i = 0; i < count; i++) if (col[i] > hi) hi = col[i];
    out[k] = hi;
  }
  return out;
}

/** A run's name in legends and tables: its strategy, ranking and seed. */
export function runLabel(strategy: string | null, rankBy: string, seed: number, samples: number): string {
  return `${strategy ?? 'costed set'}${strategy ? ` by ${rankBy}` : ''}, seed ${seed}, ${samples} samples`;
}

export function currentComparedRun(model: SearchModel, settings: SearchSettings, columns: Columns, genomes: readonly string[], count: number): ComparedRun {
  const trained = new Map<number, ComparedTrained>();
  for (const [i, t] of model.trained) if (i < count) trained.set(i, { index: i, genome: genomes[i], accuracy: t.result.accuracyQuantized, costs: costFiguresAt(columns, i) });
  const evaluations = model.evaluations;
  return {
    label: runLabel(settings.strategy, settings.rankBy, settings.seed, settings.samples),
    strategy: settings.strategy,
    rankBy: settings.rankBy,
    seed: settings.seed,
    samples: settings.samples,
    trained,
    maxima: columnMaxima(columns, count),
    evaluations,
    timed: evaluations.every((e) => Number.isFinite(e.atMs)),
    ordered: true,
  };
}
