/** The summary line, the axis pickers and the scatter, wired to the store. */
import { useCallback, useId } from 'react';
import { AXIS_METRICS, METRIC_INFO, type Metric } from '../../core/metrics.ts';
import { useStudio } from '../state/store.ts';
import { CostScatter } from '../plot/CostScatter.tsx';
import { usePointColors } from '../theme.ts';
import { SelectedArchitecture } from '../detail/SelectedArchitecture.tsx';
import './panels.css';

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
      />
      <p className="legend">
        <span className="dot feasible" aria-hidden="true" /> feasible <span className="dot infeasible" aria-hidden="true" /> over a budget (greyed) ·
        hover a point for its genome and costs, click it (or focus the chart and use the arrow keys and Enter) for its architecture, crossbar mapping and
        cost breakdown.
      </p>
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
