/**
 * The recharts frame shared by the studio's point plots: grid, numeric axes
 * from an AxisSpec, and axis titles. The points themselves are children
 * (canvas layers that read recharts' scales), so recolouring them never
 * re-renders the axes.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, ResponsiveContainer, ScatterChart, XAxis, YAxis } from 'recharts';
import { FRAME_MARGIN, X_AXIS_HEIGHT, Y_AXIS_WIDTH, type PlotFrameProps } from './PlotFrame.tsx';

/** The same inputs as the SVG frame's, so a plot can move between the two. */
export type ScatterFrameProps = PlotFrameProps;

export const ScatterFrame = memo(function ScatterFrame(p: ScatterFrameProps) {
  const xLabel = useMemo(() => ({ value: p.xTitle, position: 'insideBottom' as const, offset: -18, className: 'axis-title' }), [p.xTitle]);
  const yLabel = useMemo(() => ({ value: p.yTitle, angle: -90, position: 'insideLeft' as const, offset: 4, style: { textAnchor: 'middle' as const }, className: 'axis-title' }), [p.yTitle]);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ScatterChart margin={FRAME_MARGIN}>
        <CartesianGrid className="grid" />
        <XAxis xAxisId={0} type="number" dataKey="x" scale={p.xSpec.scale} domain={p.xSpec.domain} ticks={p.xSpec.ticks} allowDataOverflow tickFormatter={p.xTickFormat} label={xLabel} height={X_AXIS_HEIGHT} />
        <YAxis yAxisId={0} type="number" dataKey="y" scale={p.ySpec.scale} domain={p.ySpec.domain} ticks={p.ySpec.ticks} allowDataOverflow tickFormatter={p.yTickFormat} label={yLabel} width={Y_AXIS_WIDTH} />
        {p.children}
      </ScatterChart>
    </ResponsiveContainer>
  );
});
