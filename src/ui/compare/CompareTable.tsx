/**
 * The two runs' best candidates under the current budgets, side by side,
 * with each run's hypervolume and their difference. Pure: the verdicts come
 * in through props (core/compare/runs.ts `judgeRun`).
 */
import { memo } from 'react';
import { formatMetric } from '../../core/metrics.ts';
import type { RunVerdict } from '../../core/compare/runs.ts';
import './compare.css';

export interface ComparedRow {
  label: string;
  /** run-current or run-pinned: the mark beside the name */
  className: string;
  verdict: RunVerdict;
  trained: number;
}

export function formatHv(v: number): string {
  return v.toFixed(4);
}

/** The difference as it reads: signed, with the same digits as the figures. */
export function formatHvDifference(d: number): string {
  const t = Math.abs(d).toFixed(4);
  return Number(t) === 0 ? '±0.0000' : `${d > 0 ? '+' : '−'}${t}`;
}

export const CompareTable = memo(function CompareTable({ current, pinned }: { current: ComparedRow; pinned: ComparedRow }) {
  const diff = current.verdict.hypervolume - pinned.verdict.hypervolume;
  return (
    <div className="compare-table-wrap">
      <table className="compare-table" data-testid="compare-table">
        <caption>Best trained candidate of each run within the budgets on screen</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Best candidate</th>
            <th scope="col">Accuracy (quantized)</th>
            <th scope="col">Parameters</th>
            <th scope="col">Area</th>
            <th scope="col">Latency</th>
            <th scope="col">Energy</th>
            <th scope="col">Trained within budgets</th>
            <th scope="col">Hypervolume</th>
          </tr>
        </thead>
        <tbody>
          {[current, pinned].map((r) => {
            const b = r.verdict.best;
            return (
              <tr key={r.className} data-testid={`compare-row-${r.className}`}>
                <th scope="row">
                  <span className={`mark-run ${r.className}`} aria-hidden="true" />
                  {r.label}
                </th>
                {b ? (
                  <>
                    <td className="genome">{b.genome}</td>
                    <td data-testid="compare-accuracy">{(100 * b.accuracy).toFixed(1)} %</td>
                    <td>{formatMetric('params', b.costs.params)}</td>
                    <td>{formatMetric('areaMm2', b.costs.areaMm2)}</td>
                    <td>{formatMetric('latencyMs', b.costs.latencyMs)}</td>
                    <td>{formatMetric('energyUJ', b.costs.energyUJ)}</td>
                  </>
                ) : (
                  <td colSpan={6} className="compare-none">
                    {r.trained === 0 ? 'nothing trained yet' : 'no trained candidate within the budgets'}
                  </td>
                )}
                <td>
                  {r.verdict.within} of {r.trained}
                </td>
                <td data-testid="compare-hv">{formatHv(r.verdict.hypervolume)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="compare-difference" data-testid="hv-difference" data-value={diff}>
        Hypervolume difference (current − pinned): <strong>{formatHvDifference(diff)}</strong>. The hypervolume is the share of the box from 0 % to 100 %
        accuracy and from 0 to each budget (to the largest candidate where a budget is off) in parameters, area, latency and energy that a run's trained
        candidates within the budgets dominate.
      </p>
    </div>
  );
});
