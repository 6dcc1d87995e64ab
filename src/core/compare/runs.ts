/**
 * Two runs side by side: a run reduced to what a comparison reads (its
 * trained candidates with their accuracy and estimated costs, the largest
 * cost of each kind among its candidates, its evaluations in order), and the
 * verdict on it under some budgets: its best candidate, the hypervolume of
 * its front, and its history over the evaluations. Budgets are an argument,
 * so a budget move re-judges every run alike. Pure.
 */
import { budgetViolation } from '../feasibility.ts';
import type { RunData } from '../files/run.ts';
import type { Evaluation, RankProxy, Strategy } from '../search/pipeline.ts';
import { nonDominated, type Direction } from '../search/pareto.ts';
import type { Budgets } from '../settings.ts';
import { costMaxima, hypervolumeHistory, HypervolumeFront, normalisedPoint, type CostMaxima, type HypervolumeHistory, type TrainedPoint } from './hypervolume-history.ts';

export interface ComparedTrained extends TrainedPoint {
  index: number;
  genome: string;
}

export interface ComparedRun {
  /** how the page names it (legend, table) */
  label: string;
  strategy: Strategy | null;
  rankBy: RankProxy;
  seed: number;
  samples: number;
  /** trained candidates, by index */
  trained: ReadonlyMap<number, ComparedTrained>;
  maxima: CostMaxima;
  /** candidates scored and trained, in the order they finished */
  evaluations: readonly Evaluation[];
  /** the evaluations carry when they finished (false: the run did not record it, so there is no time axis) */
  timed: boolean;
  /** the order is the run's own (false: rebuilt as sampling order, then training order, for a run that did not record it) */
  ordered: boolean;
}

/** A run (a file, a stored or a finished search) as compared. */
export function comparedRun(run: RunData, label: string): ComparedRun {
  const trained = new Map<number, ComparedTrained>();
  for (const t of run.trained) {
    const c = run.candidates[t.index];
    // The estimated costs, the figures the Pareto view plots (a trained entry's index is checked on reading).
    trained.set(t.index, { index: t.index, genome: t.genome, accuracy: t.result.accuracyQuantized, costs: c ? c.costs : t.measuredCosts });
  }
  const recorded = run.evaluations && run.evaluations.length > 0;
  const evaluations: Evaluation[] = recorded
    ? run.evaluations!.map((e) => ({ ...e }))
    : [
        ...run.candidates.filter((c) => c.score !== null).map((c): Evaluation => ({ index: c.index, stage: 'score', atMs: NaN })),
        ...run.trained.map((t): Evaluation => ({ index: t.index, stage: 'train', atMs: NaN })),
      ];
  return {
    label,
    strategy: run.settings.strategy,
    rankBy: run.settings.rankBy,
    seed: run.settings.seed,
    samples: run.settings.samples,
    trained,
    maxima: costMaxima(run.candidates.map((c) => c.costs)),
    evaluations,
    timed: !!recorded && evaluations.every((e) => Number.isFinite(e.atMs)),
    ordered: !!recorded,
  };
}

export interface RunVerdict {
  /** the most accurate trained candidate within the budgets (the earlier index on a tie); null when none is */
  best: ComparedTrained | null;
  /** normalised hypervolume (0..1) of the trained candidates within the budgets */
  hypervolume: number;
  /** trained candidates within the budgets */
  within: number;
}

export function judgeRun(run: ComparedRun, budgets: Budgets, reference: readonly number[]): RunVerdict {
  const front = new HypervolumeFront();
  let best: ComparedTrained | null = null;
  let within = 0;
  for (const t of [...run.trained.values()].sort((a, b) => a.index - b.index)) {
    if (budgetViolation(t.costs, budgets) !== 0) continue;
    within++;
    front.add(normalisedPoint(t, reference));
    if (!best || t.accuracy > best.accuracy) best = t;
  }
  return { best, hypervolume: front.volume, within };
}

/** The run's history over its evaluations under the budgets. */
export function runHistory(run: ComparedRun, budgets: Budgets, reference: readonly number[]): HypervolumeHistory {
  return hypervolumeHistory(run.evaluations, (i) => run.trained.get(i), budgets, reference);
}


const UNIT_REFERENCE = [1, 1, 1, 1];
const MINIMISE: readonly Direction[] = ['min', 'min', 'min', 'min', 'min'];

/** The run's front under the budgets: its trained candidates within them not dominated in accuracy against every cost (by index). */
export function runFront(run: ComparedRun, budgets: Budgets): ComparedTrained[] {
  const ok = [...run.trained.values()].filter((t) => budgetViolation(t.costs, budgets) === 0).sort((a, b) => a.index - b.index);
  // The run file's front objectives (pipeline.ts frontPoint), as the hypervolume's minimisation points: any reference
  // scales each objective alike, so the front is the same.
  return nonDominated(
    ok.map((t) => normalisedPoint(t, UNIT_REFERENCE)),
    MINIMISE,
  ).map((i) => ok[i]);
}
