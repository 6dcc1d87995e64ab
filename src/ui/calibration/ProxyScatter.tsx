/**
 * One proxy of a calibration against trained accuracy: a point per trained
 * candidate (its proxy value across, its 8-bit or float test accuracy up),
 * with the proxy's Kendall τ and Spearman ρ and their 95 % intervals once
 * the run has them. Pure: the values come in through props; the axes are
 * the studio's PlotFrame. A proxy where lower is better says so on its axis
 * (τ and ρ are of the proxy turned so that larger predicts better).
 */
import { memo, useMemo } from 'react';
import { axisSpec, formatCompact, formatCompactAt, formatPercentAt } from '../../core/metrics.ts';
import type { ProxyDef } from '../../core/calibration/proxies.ts';
import type { ProxyCorrelation } from '../../core/calibration/report.ts';
import { PlotFrame, useFrame } from '../plot/PlotFrame.tsx';

export interface ScatterPoint {
  genome: string;
  /** the proxy's raw value; null where it could not be computed */
  x: number | null;
  /** test accuracy 0–1; null until trained (or where training failed) */
  y: number | null;
}

export interface ProxyScatterProps {
  def: ProxyDef;
  points: readonly ScatterPoint[];
  /** this proxy's correlation with the accuracy shown (null while the run has none) */
  correlation: ProxyCorrelation | null;
  accuracyLabel: string;
  testId: string;
  height?: number;
}

/** "+0.55 [+0.20, +0.79]"; "–" for an undefined statistic. */
export function formatWithInterval(v: number | null, ci: readonly (number | null)[] | null): string {
  const f = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`);
  if (v === null || Number.isNaN(v)) return '–';
  return ci ? `${f(v)} [${f(ci[0])}, ${f(ci[1])}]` : f(v);
}


/** Drawn points: both coordinates finite. */
export function drawnPoints(points: readonly ScatterPoint[]): { genome: string; x: number; y: number }[] {
  return points.filter((p): p is { genome: string; x: number; y: number } => p.x !== null && p.y !== null && Number.isFinite(p.x) && Number.isFinite(p.y));
}

function Points({ points }: { points: readonly { genome: string; x: number; y: number }[] }) {
  const frame = useFrame();
  if (!frame) return null;
  return (
    <g className="calib-points">
      {points.map((p) => (
        <circle key={p.genome} className="calib-point" cx={frame.x(p.x)} cy={frame.y(p.y)} r={4.5} data-genome={p.genome}>
          <title>{`${p.genome}: ${formatCompact(p.x)}, ${formatPercentAt(p.y)}`}</title>
        </circle>
      ))}
    </g>
  );
}

export const ProxyScatter = memo(function ProxyScatter({ def, points, correlation, accuracyLabel, testId, height = 220 }: ProxyScatterProps) {
  const drawn = useMemo(() => drawnPoints(points), [points]);
  const xSpec = useMemo(() => {
    if (drawn.length === 0) return axisSpec(0, 1, 'linear');
    const xs = drawn.map((p) => p.x);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    // Linear: proxies differ by small factors, and the SNASNet score is negative.
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
    // A count (parameters, synaptic operations) has no room below 0 on its axis.
    return axisSpec(lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad, 'linear');
  }, [drawn]);
  const ySpec = useMemo(() => {
    if (drawn.length === 0) return axisSpec(0, 1, 'linear');
    const ys = drawn.map((p) => p.y);
    const lo = Math.min(...ys);
    const hi = Math.max(...ys);
    const pad = (hi - lo || 0.02) * 0.1;
    return axisSpec(Math.max(0, lo - pad), Math.min(1, hi + pad), 'linear');
  }, [drawn]);
  const waiting = points.filter((p) => p.y === null).length;
  const c = correlation;
  return (
    <figure className="calib-scatter" data-testid={testId} data-proxy={def.name} data-points={drawn.length} data-tau={c && c.kendall_tau !== null ? String(c.kendall_tau) : ''}>
      <figcaption className="calib-scatter-head">
        <strong>{def.label}</strong>
        {c ? (
          <span className="calib-stats" data-testid={`${testId}-stats`}>
            <span>τ {formatWithInterval(c.kendall_tau, c.kendall_tau_ci)}</span> · <span>ρ {formatWithInterval(c.spearman_rho, c.spearman_rho_ci)}</span> · <span>n {c.n}</span>
            {c.top_k_overlap !== null && !Number.isNaN(c.top_k_overlap) ? (
              <>
                {' · '}
                <span>
                  top-{c.top_k} {c.top_k_overlap}/{c.top_k}
                </span>
              </>
            ) : null}
          </span>
        ) : (
          <span className="calib-stats calib-pending">{waiting > 0 ? `${drawn.length} trained, ${waiting} to go` : `${drawn.length} trained`}</span>
        )}
      </figcaption>
      <div className="calib-scatter-area" style={{ height }}>
        <PlotFrame xSpec={xSpec} ySpec={ySpec} xTitle={`${def.label}${def.direction === 'lower' ? ' (lower is better)' : ''}`} yTitle={accuracyLabel} xTickFormat={formatCompactAt} yTickFormat={formatPercentAt}>
          <Points points={drawn} />
        </PlotFrame>
      </div>
    </figure>
  );
});
