/** Every weight layer: shapes, weights, PEs, crossbars, utilisation, energy and area (and spike rate once trained), with totals. */
import type { CostReport } from '../../core/cost/report.ts';
import { formatCompact, formatCount } from '../../core/metrics.ts';
import './detail.css';

export function LayerTable({ report, spikeRates }: { report: CostReport; spikeRates?: readonly number[] | null }) {
  const weights = report.layers.reduce((s, l) => s + l.weights, 0);
  const pes = report.layers.reduce((s, l) => s + l.pes, 0);
  const crossbars = report.layers.reduce((s, l) => s + l.crossbars, 0);
  const rates = spikeRates && spikeRates.length === report.layers.length ? spikeRates : null;
  return (
    <div className="table-scroll">
      <table className="layer-table" data-testid="layer-table">
        <caption className="visually-hidden">Weight layers of the architecture, in execution order</caption>
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              C<sub>in</sub>→C<sub>out</sub>
            </th>
            <th scope="col" className="num">k</th>
            <th scope="col" className="num">
              H<sub>in</sub>→H<sub>out</sub>
            </th>
            <th scope="col" className="num">Weights</th>
            <th scope="col" className="num">PEs</th>
            <th scope="col" className="num">Crossbars</th>
            <th scope="col" className="num">Utilisation</th>
            <th scope="col" className="num">Energy (µJ)</th>
            <th scope="col" className="num">Area (mm²)</th>
            {rates ? <th scope="col" className="num">Spike rate</th> : null}
          </tr>
        </thead>
        <tbody>
          {report.layers.map((l, i) => (
            <tr key={l.name}>
              <th scope="row">
                <code>{l.name}</code>
              </th>
              <td>{l.kind}</td>
              <td className="num">
                {formatCount(l.cin)}→{formatCount(l.cout)}
              </td>
              <td className="num">{l.k}</td>
              <td className="num">
                {l.hin}→{l.hout}
              </td>
              <td className="num" data-weights={l.weights}>
                {formatCount(l.weights)}
              </td>
              <td className="num">{formatCount(l.pes)}</td>
              <td className="num">{formatCount(l.crossbars)}</td>
              <td className="num">
                <span className="util-bar" aria-hidden="true">
                  <span style={{ width: `${Math.round(l.utilisation * 100)}%` }} />
                </span>
                {(l.utilisation * 100).toFixed(1)} %
              </td>
              <td className="num">{formatCompact(l.energy_uJ)}</td>
              <td className="num">{formatCompact(l.area_mm2)}</td>
              {rates ? <td className="num">{(rates[i] * 100).toFixed(1)} %</td> : null}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={5}>
              Total ({report.layers.length} layers, {formatCount(report.tiles)} tiles)
            </th>
            <td className="num" data-testid="layer-weights-total" data-weights={weights}>
              {formatCount(weights)}
            </td>
            <td className="num">{formatCount(pes)}</td>
            <td className="num">{formatCount(crossbars)}</td>
            <td className="num">{(report.utilisation * 100).toFixed(1)} %</td>
            <td className="num">{formatCompact(report.energy_uJ)}</td>
            <td className="num">{formatCompact(report.area_mm2)}</td>
            {rates ? <td /> : null}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
