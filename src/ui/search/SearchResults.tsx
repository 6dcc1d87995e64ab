/**
 * The search's results on the page: the live Pareto view (cost picker, y
 * quantity picker, legend), the candidate table and the detail drawer of a
 * chosen candidate (with its training once trained), wired to the stores.
 */
import { Explainer } from '../explain/Explainer.tsx';
import { Suspense, lazy, startTransition, useCallback, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { AXIS_METRICS, METRIC_INFO, type Metric } from '../../core/metrics.ts';
import { studioHardware } from '../state/hardware.ts';
import { useStudio } from '../state/store.ts';
import { useCssColors } from '../theme.ts';
import { brokenBudgets } from '../plot/CostScatter.tsx';
import { DetailDrawer } from '../detail/DetailDrawer.tsx';
import { useSearch } from './controller.ts';
import { CandidateTable } from './CandidateTable.tsx';
import { ParetoView } from './ParetoView.tsx';
import type { ParetoColors } from './pareto-marks.ts';
import { RANK_LABELS } from './rank-labels.ts';
import { paretoData, type ParetoY } from './pareto-data.ts';
import { RunComparison } from '../compare/RunComparison.tsx';
import { PinnedLegend } from '../compare/PinnedLegend.tsx';
import { paretoOverlay, pinnedMissing } from '../compare/overlays.ts';
import { useCompare } from '../compare/store.ts';
import './search.css';

const DetailContent = lazy(() => import('../detail/DetailContent.tsx'));

const COLOR_VARS: Readonly<Record<keyof ParetoColors, string>> = {
  feasible: '--point-feasible',
  infeasible: '--point-infeasible',
  front: '--pareto-front',
  trained: '--pareto-trained',
  best: '--pareto-best',
};

export function SearchResults() {
  // What the running search streams is shown at deferred priority: the store's per-frame commit re-renders only
  // this function at once (its memos hit, the memoized view and table bail out), and React renders the new
  // version in a following task, in slices it can interrupt, so the table and the Pareto view never extend the
  // animation-frame task that took the events. Local choices (axes, filters, sorting) stay urgent.
  const model = useDeferredValue(useSearch((s) => s.model));
  const version = useDeferredValue(useSearch((s) => s.version));
  // The search's candidates are the studio's results, judged by the studio's one feasibility mask.
  const results = useDeferredValue(useStudio((s) => s.results));
  const feasibility = useDeferredValue(useStudio((s) => s.feasibility));
  const mask = feasibility.mask;
  const counts = feasibility.counts;
  const selected = useSearch((s) => s.selected);
  const select = useSearch((s) => s.select);
  const colors = useCssColors(COLOR_VARS);
  const [x, setX] = useState<Metric>('areaMm2');
  const [yChoice, setYChoice] = useState<'auto' | ParetoY>('auto');
  const hasTrained = (model?.trained.size ?? 0) > 0;
  const y: ParetoY = yChoice === 'auto' ? (hasTrained ? 'accuracy' : 'score') : yChoice;
  const searchedRankBy = useSearch((s) => s.settings?.rankBy);
  const knobRankBy = useStudio((s) => s.params.rankBy);
  const rankBy = searchedRankBy ?? knobRankBy;
  const data = useMemo(() => (model ? paretoData(model, results.columns, mask, x, y, rankBy) : null), [model, version, results, mask, feasibility.version, x, y, rankBy]);
  const front = useMemo(() => {
    const f = new Uint8Array(model?.capacity ?? 0);
    if (data) for (let k = 0; k < data.n; k++) if (data.front[k]) f[data.index[k]] = 1;
    return f;
  }, [data, model]);
  const onSelect = useCallback((i: number) => select(i), [select]);
  // A pinned run's front over the view, judged by the same budgets.
  const pinned = useCompare((s) => s.pinned);
  const budgets = useStudio((s) => s.budgets);
  const overlay = useMemo(() => (pinned ? paretoOverlay(pinned, x, y, rankBy, budgets) : null), [pinned, x, y, rankBy, budgets]);
  const xId = useId();
  const yId = useId();
  const stage = useStagedFrames(model !== null, 2);
  if (!model || !data) return null;
  return (
    <section className="panel" aria-labelledby="pareto-title" data-testid="search-results" data-feasible={counts.feasible} data-count={model.count}>
      <div className="plot-head">
        <h2 id="pareto-title">Search: live Pareto front</h2>
        <span className="axis-picker">
          <label htmlFor={yId}>Y axis</label>
          <select id={yId} value={yChoice} data-testid="pareto-y" onChange={(e) => setYChoice(e.currentTarget.value as 'auto' | ParetoY)}>
            <option value="auto">Accuracy once trained, else the ranking</option>
            <option value="score">The ranking: {RANK_LABELS[rankBy].phrase}</option>
            <option value="accuracy">Quantized accuracy (trained only)</option>
          </select>
        </span>
        <span className="axis-picker">
          <label htmlFor={xId}>Cost</label>
          <select id={xId} value={x} data-testid="pareto-x" onChange={(e) => setX(e.currentTarget.value as Metric)}>
            {AXIS_METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_INFO[m].label}
                {METRIC_INFO[m].unit ? ` (${METRIC_INFO[m].unit})` : ''}
              </option>
            ))}
          </select>
        </span>
      </div>
      {data.n === 0 ? (
        <p className="panel-note pareto-empty" data-testid="pareto-empty">
          {y === 'accuracy' ? 'No candidate trained yet.' : 'No candidate scored yet: points appear as the scorers report.'}
        </p>
      ) : null}
      <ParetoView data={data} version={version} genomes={results.genomes} colors={colors} onSelect={onSelect} overlay={overlay} />
      <Explainer id={y === 'accuracy' ? 'front' : 'score'} />
      <p className="legend">
        <span className="mark circle-grey" aria-hidden="true" /> over a budget (greyed) <span className="mark circle" aria-hidden="true" /> within the budgets{' '}
        <span className="mark diamond" aria-hidden="true" /> on the front (<span data-testid="front-count">{data.frontCount}</span>){' '}
        <span className="mark square" aria-hidden="true" /> trained <span className="mark star" aria-hidden="true" /> best under the budgets
        {data.bestIndex >= 0 ? <span data-testid="best-index"> (#{data.bestIndex + 1})</span> : null}. Hover for figures, click for the architecture. A second
        view below plots any two costs.
      </p>
      {pinned ? <PinnedLegend series={overlay ? [overlay] : []} note={overlay ? undefined : pinnedMissing(y, pinned.run.rankBy !== rankBy)} /> : null}
      {stage >= 1 ? <RunComparison /> : null}
      {stage >= 2 ? (
        <>
          <h3>Candidates</h3>
          <CandidateTable rankBy={rankBy} model={model} columns={results.columns} genomes={results.genomes} version={version} mask={mask} maskVersion={feasibility.version} front={front} onSelect={onSelect} />
        </>
      ) : null}
      {selected !== null && selected < model.count ? <SearchDetail index={selected} onClose={() => select(null)} /> : null}
    </section>
  );
}

/**
 * How many of `stages` later parts to show: none when `shown` becomes true, then one more after each frame drawn. The
 * section's first frames (the Pareto view, then the run comparison, then the table) are laid out and painted one by
 * one, not all in one frame: profiled on Start, the section's one first frame used 15-20 ms of the main thread's
 * CPU, most of it layout (about 450 new layout objects, 250 of them the table's, 100 the comparison's).
 */
function useStagedFrames(shown: boolean, stages: number): number {
  const [stage, setStage] = useState(0);
  useEffect(() => {
    if (!shown) {
      setStage(0);
      return;
    }
    if (stage >= stages) return;
    let timer = 0;
    // A frame callback runs before that frame's layout; a task queued from it runs after the frame.
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => startTransition(() => setStage((s) => Math.min(stages, s + 1))));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [shown, stage, stages]);
  return shown ? stage : 0;
}

function SearchDetail({ index, onClose }: { index: number; onClose(): void }) {
  const headingId = useId();
  const model = useSearch((s) => s.model)!;
  const mask = useStudio((s) => s.feasibility.mask);
  useStudio((s) => s.feasibility.version);
  useSearch((s) => s.version);
  const genomes = useStudio((s) => s.results.genomes);
  const params = useStudio((s) => s.params);
  const hwEdits = useStudio((s) => s.hwEdits);
  const settings = useSearch((s) => s.settings);
  const rankBy = settings?.rankBy ?? params.rankBy;
  const hardware = useMemo(() => settings?.hardware ?? studioHardware(params, hwEdits).config, [settings, params, hwEdits]);
  const t = model.trained.get(index);
  const score = model.scores[index];
  const readings = model.curves.get(index);
  // This candidate's own training, while it trains (others may train beside it).
  const training = model.inTraining.get(index);
  const inTraining = training !== undefined;
  const epoch = training?.epoch ?? 0;
  const epochs = training?.epochs ?? 0;
  // A new object only when the curve gained a point or training moved on: the detail redraws its chart then.
  const live = useMemo(
    () => (readings || inTraining ? { readings: readings ?? [], training: inTraining ? { epoch, epochs } : null } : null),
    [readings, readings?.length, inTraining, epoch, epochs],
  );
  return (
    <DetailDrawer labelledBy={headingId} onClose={onClose}>
      <Suspense fallback={<p className="panel-note">Loading the architecture…</p>}>
        <DetailContent
          genome={genomes[index]}
          hardware={hardware}
          training={t?.result ?? null}
          weights={t?.result.weights ?? null}
          live={live}
          candidate={{ index, feasible: mask[index] === 0, text: brokenBudgets(mask[index]), ranking: Number.isFinite(score) ? { label: RANK_LABELS[rankBy].phrase, value: RANK_LABELS[rankBy].format(score) } : null }}
          headingId={headingId}
        />
      </Suspense>
    </DetailDrawer>
  );
}
