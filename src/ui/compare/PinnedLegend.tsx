/** The legend line of the compared runs' marks, under a plot that overlays them. */
import type { OverlaySeries } from './overlays.ts';
import './compare.css';

export function PinnedLegend({ series, note }: { series: readonly OverlaySeries[]; note?: string }) {
  if (series.length === 0 && !note) return null;
  return (
    <p className="legend compare-legend" data-testid="compare-legend">
      {series.map((s) => (
        <span key={s.id} data-testid={`compare-legend-${s.id}`}>
          <span className={`mark-run ${s.className}`} aria-hidden="true" />
          {s.id === 'current' ? 'front of the current run' : `front of the pinned run (${s.label.replace(/^Pinned: /, '')})`}{' '}
        </span>
      ))}
      {note ? <span className="panel-note">{note}</span> : null}
    </p>
  );
}
