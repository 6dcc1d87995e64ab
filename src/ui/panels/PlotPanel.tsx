/** The summary line, the axis pickers and the scatter, wired to the store. */
import { useCallback, useId, useMemo } from 'react';
import { AXIS_METRICS, METRIC_INFO, formatMetric, type Metric } from '../../core/metrics.ts';
import { brokenBudgetNames, budgetMask } from '../../core/feasibility.ts';
import { costReferences, type CostedReference } from '../../core/scenarios.ts';
import { HARDWARE_KNOBS, type Budgets } from '../../core/settings.ts';
import { studioHardware } from '../state/hardware.ts';
import { useShallow } from 'zustand/react/shallow';
import { studioStore, useStudio } from '../state/store.ts';
import { CostScatter, brokenBudgets } from '../plot/CostScatter.tsx';
import { usePointColors } from '../theme.ts';
import { SelectedArchitecture } from '../detail/SelectedArchitecture.tsx';
import './panels.css';
import { Explainer } from '../explain/Explainer.tsx';
import { useCostOverlays } from '../compare/use-compare.ts';
import { PinnedLegend } from '../compare/PinnedLegend.tsx';

export function PlotPanel() {
  const results = useStudio((s) => s.results);
  const feasibility = useStudio((s) => s.feasibility);
  const budgets = useStudio((s) => s.budgets);
  const axes = useStudio((s) => s.axes);
  const colors = usePointColors();
  const selected = useStudio((s) => s.selected);
  const select = useStudio((s) => s.select);
  const onSelect = useCallback((index: number) => select(index), [select]);
  const open = selected !== null && selected.index < results.count ? selected : null;
  const dataset = useStudio((s) => s.params.dataset);
  // Only the hardware knobs and edits, so a budget move re-costs nothing and leaves the chart's axes alone.
  const hardwareKnobs = useStudio(useShallow((s) => HARDWARE_KNOBS.map(({ key }) => s.params[key])));
  const hwEdits = useStudio((s) => s.hwEdits);
  // A few µs each: the published networks of the shown data set, costed on the page's hardware.
  const costed = useMemo(() => {
    const hardware = studioHardware(studioStore.getState().params, hwEdits).config;
    return hardware ? costReferences(dataset, hardware) : [];
    // hardwareKnobs stand for the params the hardware reads (a fixed-length list).
  }, [dataset, hwEdits, ...hardwareKnobs]);
  const references = useMemo(() => costed.map((c) => ({ id: c.reference.id, label: c.reference.label, costs: c.costs })), [costed]);
  const overlays = useCostOverlays(axes.x, axes.y);
  return (
    <section className="panel plot-panel" aria-labelledby="plot-title">
      <div className="plot-head">
        <h2 id="plot-title">Candidates</h2>
        <AxisPicker which="x" value={axes.x} />
        <AxisPicker which="y" value={axes.y} />
      </div>
      <CostScatter
        columns={results.columns}
        count={results.count}
        dataVersion={results.version}
        genomes={results.genomes}
        mask={feasibility.mask}
        maskVersion={feasibility.version}
        feasible={feasibility.counts.feasible}
        x={axes.x}
        y={axes.y}
        budgets={budgets}
        colors={colors}
        onSelect={onSelect}
        references={references}
        overlays={overlays}
      />
      <PinnedLegend series={overlays} />
      <p className="legend">
        <span className="dot feasible" aria-hidden="true" /> feasible <span className="dot infeasible" aria-hidden="true" /> over a budget (greyed) ·
        hover a point for its genome and costs, click it (or focus the chart and use the arrow keys and Enter) for its architecture, crossbar mapping and
        cost breakdown.
      </p>
      <Explainer id="points" />
      {costed.map((c) => (
        <ReferenceVerdict key={c.reference.id} costed={c} budgets={budgets} />
      ))}
      {open ? <SelectedArchitecture selection={open} onClose={() => select(null)} /> : null}
    </section>
  );
}

function AxisPicker({ which, value }: { which: 'x' | 'y'; value: Metric }) {
  const id = useId();
  const setAxis = useStudio((s) => s.setAxis);
  return (
    <span className="axis-picker">
      <label htmlFor={id}>{which === 'x' ? 'X axis' : 'Y axis'}</label>
      <select id={id} value={value} data-testid={`axis-${which}`} onChange={(e) => setAxis(which, e.currentTarget.value as Metric)}>
        {AXIS_METRICS.map((m) => (
          <option key={m} value={m} title={METRIC_INFO[m].help}>
            {METRIC_INFO[m].label}
            {METRIC_INFO[m].unit ? ` (${METRIC_INFO[m].unit})` : ''}
          </option>
        ))}
      </select>
    </span>
  );
}

/** What a published network costs and which budgets it breaks: the reason the search exists. */
function ReferenceVerdict({ costed, budgets }: { costed: CostedReference; budgets: Budgets }) {
  const broken = brokenBudgetNames(costed.costs, budgets);
  const { reference, costs } = costed;
  return (
    <p className="reference-verdict" data-testid={`reference-${reference.id}`} data-broken={broken.join(',')}>
      <span className="reference-key" aria-hidden="true">◆</span> <strong>{reference.label}</strong> <span className="genome">{reference.genome}</span>:{' '}
      {formatMetric('params', costs.params)} weights, {formatMetric('areaMm2', costs.areaMm2)}, {formatMetric('latencyMs', costs.latencyMs)},{' '}
      {formatMetric('energyUJ', costs.energyUJ)} at every input spiking —{' '}
      <span className={broken.length ? 'verdict bad' : 'verdict ok'}>{brokenBudgets(budgetMask(costs, budgets))}</span>.{' '}
      <span className="reference-source">{reference.source}.</span>
    </p>
  );
}
