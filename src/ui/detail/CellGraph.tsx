/** One cell drawn as a graph: nodes, edges labelled with their operation, pruned parts faded, backward edges dashed. */
import { useId } from 'react';
import type { CellDescription } from '../../core/arch/describe.ts';
import { OP_LABEL, cellGraphLayout } from './cell-graph.ts';
import './detail.css';

export function CellGraph({ cell, title, width = 420 }: { cell: CellDescription; title: string; width?: number }) {
  const id = useId();
  const layout = cellGraphLayout(cell, width);
  const pruned = cell.edges.filter((e) => !e.active).length;
  const deadNodes = [1, 2].filter((n) => !cell.liveNodes.includes(n));
  const summary = cell.edges
    .map((e) => `${e.direction === 'backward' ? 'backward ' : ''}${e.from}→${e.to} ${OP_LABEL[e.op]}${e.active ? '' : ' (pruned)'}`)
    .join(', ');
  return (
    <figure className="cell-graph" data-testid="cell-graph" data-digits={cell.digits}>
      <svg
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width="100%"
        style={{ maxWidth: layout.width }}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary || 'no edges'}</desc>
        <defs>
          <marker id={`${id}-arrow`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="cell-arrow" />
          </marker>
        </defs>
        {layout.edges.map((g) => (
          <g key={g.key} className={`cell-edge ${g.edge.direction} ${g.edge.active ? '' : 'pruned'} op-${g.edge.op}`}>
            <path d={g.path} fill="none" markerEnd={`url(#${id}-arrow)`} strokeDasharray={g.edge.direction === 'backward' ? '5 4' : undefined} />
            <text x={g.labelX} y={g.labelY} textAnchor="middle">
              {OP_LABEL[g.edge.op]}
            </text>
          </g>
        ))}
        {layout.nodes.map((n) => (
          <g key={n.id} className={`cell-node ${n.live ? '' : 'pruned'} ${n.id === 0 || n.id === 3 ? 'io' : ''}`}>
            <circle cx={n.x} cy={n.y} r={layout.radius} />
            <text x={n.x} y={n.y + 4} textAnchor="middle">
              {n.label}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        {title} · <code>{cell.digits}</code>
        {pruned || deadNodes.length ? (
          <span className="muted">
            {' '}
            · faded: {deadNodes.length ? `node${deadNodes.length > 1 ? 's' : ''} ${deadNodes.join(', ')} off every input→output path` : ''}
            {deadNodes.length && pruned ? ', ' : ''}
            {pruned ? `${pruned} edge${pruned > 1 ? 's' : ''} that never compute${pruned > 1 ? '' : 's'}` : ''}
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}
