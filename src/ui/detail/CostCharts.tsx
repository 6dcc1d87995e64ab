/**
 * Where the energy and area go: per layer, stacked by component (recharts),
 * and the whole chip's shares by component as 100 % bars, with the figures
 * in a table beside them (the charts' text alternative).
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { COMPONENTS, type CostReport } from '../../core/cost/report.ts';
import { formatCompact } from '../../core/metrics.ts';
import { COMPONENT_COLOR, COMPONENT_LABEL, type Component } from './palette.ts';
import './detail.css';

const TOOLTIP_STYLE = {
  contentStyle: { background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)', fontSize: 12 },
  labelStyle: { color: 'var(--text)', fontWeight: 600 },
  itemStyle: { padding: 0 },
  cursor: { fill: 'var(--accent-soft)', opacity: 0.5 },
};

/** Legend and tooltip list the components in COMPONENTS order (recharts sorts by name otherwise). */
const componentOrder = (item: { dataKey?: unknown }) => COMPONENTS.indexOf(item.dataKey as Component);

function sig(v: number): string {
  return formatCompact(v);
}

function PerLayerChart({ report, which }: { report: CostReport; which: 'energy' | 'area' }) {
  const unit = which === 'energy' ? 'µJ' : 'mm²';
  const data = report.layers.map((l) => ({ name: l.name, ...(which === 'energy' ? l.energy_breakdown_uJ : l.area_breakdown_mm2) }));
  const height = Math.max(140, data.length * 22 + 70);
  return (
    <figure className="detail-chart" data-testid={`chart-${which}-per-layer`}>
      <figcaption>{which === 'energy' ? `Energy per inference, by layer and component (${unit})` : `Area by layer and component (${unit})`}</figcaption>
      <div style={{ height }} role="img" aria-label={`${which === 'energy' ? 'Energy' : 'Area'} per layer, stacked by component; the layer table lists each layer's total.`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }} barCategoryGap={3}>
            <CartesianGrid horizontal={false} className="grid" />
            <XAxis type="number" tickFormatter={sig} className="axis" />
            <YAxis type="category" dataKey="name" width={84} interval={0} className="axis" tick={{ fontSize: 11 }} />
            <Tooltip {...TOOLTIP_STYLE} itemSorter={componentOrder} formatter={(v, name) => [`${sig(Number(v))} ${unit}`, name]} />
            <Legend wrapperStyle={{ fontSize: 12 }} iconSize={10} itemSorter={componentOrder} />
            {COMPONENTS.map((k) => (
              <Bar key={k} dataKey={k} name={COMPONENT_LABEL[k]} stackId="s" fill={COMPONENT_COLOR[k]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function ChipShares({ report }: { report: CostReport }) {
  const e = report.breakdown.energy_uJ;
  const a = report.breakdown.area_mm2;
  const data = [
    { name: 'Energy', ...e },
    { name: 'Area', ...a },
  ];
  const pct = (v: number, total: number) => (total > 0 ? `${((100 * v) / total).toFixed(1)} %` : '–');
  return (
    <figure className="detail-chart wide" data-testid="chart-chip-shares">
      <figcaption>The whole chip: shares of energy and area by component</figcaption>
      <div className="shares">
        <div className="shares-chart" style={{ height: 150 }} aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} layout="vertical" stackOffset="expand" margin={{ top: 4, right: 16, bottom: 4, left: 4 }} barCategoryGap={8}>
              <XAxis type="number" tickFormatter={(v: number) => `${Math.round(v * 100)} %`} className="axis" />
              <YAxis type="category" dataKey="name" width={60} className="axis" />
              <Tooltip
                {...TOOLTIP_STYLE}
                itemSorter={componentOrder}
                formatter={(v, name, item) => {
                  const row = item.payload as Record<Component, number> & { name: string };
                  const total = COMPONENTS.reduce((s, k) => s + row[k], 0);
                  return [`${sig(Number(v))} ${row.name === 'Energy' ? 'µJ' : 'mm²'} (${pct(Number(v), total)})`, name];
                }}
              />
              {COMPONENTS.map((k) => (
                <Bar key={k} dataKey={k} name={COMPONENT_LABEL[k]} stackId="s" fill={COMPONENT_COLOR[k]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        <table className="shares-table">
          <thead>
            <tr>
              <th scope="col">Component</th>
              <th scope="col">Energy (µJ)</th>
              <th scope="col">share</th>
              <th scope="col">Area (mm²)</th>
              <th scope="col">share</th>
            </tr>
          </thead>
          <tbody>
            {COMPONENTS.map((k) => (
              <tr key={k}>
                <th scope="row">
                  <span className="swatch" style={{ background: COMPONENT_COLOR[k] }} aria-hidden="true" />
                  {COMPONENT_LABEL[k]}
                </th>
                <td>{sig(e[k])}</td>
                <td>{pct(e[k], report.energy_uJ)}</td>
                <td>{sig(a[k])}</td>
                <td>{pct(a[k], report.area_mm2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export function CostCharts({ report }: { report: CostReport }) {
  return (
    <div className="cost-charts">
      <PerLayerChart report={report} which="energy" />
      <PerLayerChart report={report} which="area" />
      <ChipShares report={report} />
    </div>
  );
}
