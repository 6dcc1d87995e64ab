/**
 * The recharts frame shared by the studio's point plots: grid, numeric axes
 * from an AxisSpec, and axis titles. The points themselves are children
 * (canvas layers that read recharts' scales), so recolouring them never
 * re-renders the axes.
 */
import { memo, useMemo, type ReactNode } from 'react';
import { CartesianGrid, ResponsiveContainer, ScatterChart, XAxis, YAxis } from 'recharts';
import type { AxisSpec } from '../../core/metrics.ts';

const MARGIN = { top: 16, right: 24, bottom: 28, left: 16 };

export interface ScatterFrameProps {
  xSpec: AxisSpec;
  ySpec: AxisSpec;
  xTitle: string;
  yTitle: string;
  xTickFormat(v: number): string;
  yTickFormat(v: number): string;
  children: ReactNode;
}

export const ScatterFrame = memo(function ScatterFrame(p: ScatterFrameProps) {
  const xLabel = useMemo(() => ({ value: p.xTitle, position: 'insideBottom' as const, offset: -18, className: 'axis-title' }), [p.xTitle]);
  const yLabel = useMemo(() => ({ value: p.yTitle, angle: -90, position: 'insideLeft' as const, offset: 4, style: { textAnchor: 'middle' as const }, className: 'axis-title' }), [p.yTitle]);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ScatterChart margin={MARGIN}>
        <CartesianGrid className="grid" />
        <XAxis xAxisId={0} type="number" dataKey="x" scale={p.xSpec.scale} domain={p.xSpec.domain} ticks={p.xSpec.ticks} allowDataOverflow tickFormatter={p.xTickFormat} label={xLabel} height={44} />
        <YAxis yAxisId={0} type="number" dataKey="y" scale={p.ySpec.scale} domain={p.ySpec.domain} ticks={p.ySpec.ticks} allowDataOverflow tickFormatter={p.yTickFormat} label={yLabel} width={72} />
        {p.children}
      </ScatterChart>
    </ResponsiveContainer>
  );
});
