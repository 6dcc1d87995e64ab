/**
 * The search's candidates as a table: sortable by every figure, filterable to
 * the feasible or the front, each row's state (costed, scored, queued,
 * training with its epoch, done, failed); a click (or Enter) opens the
 * detail. Windowed: only the rows in view are in the DOM, so 20k rows stay
 * fast. A pure component: the model, the results' columns and genomes and
 * the masks come in through props.
 */
import type { RankProxy } from '../../core/search/pipeline.ts';
import { RANK_LABELS } from './rank-labels.ts';
import { PROXIES } from '../../core/calibration/proxies.ts';
import { memo, useMemo, useState } from 'react';
import { formatCompact, type Columns } from '../../core/metrics.ts';
import { ROW, ROW_STATES, type SearchModel } from './model.ts';
import './search.css';

export type TableFilter = 'all' | 'feasible' | 'front';
type SortKey = 'index' | 'state' | 'score' | 'accuracy' | 'params' | 'areaMm2' | 'latencyMs' | 'energyUJ' | 'feasible';

const COLUMNS: { key: SortKey; label: string; title: string; num: boolean }[] = [
  { key: 'index', label: '#', title: 'Sampling order (1 = first sampled), as in the detail', num: true },
  { key: 'state', label: 'State', title: 'costed, scored, queued for training, training, done or failed', num: false },
  { key: 'feasible', label: 'Budgets', title: 'Within every current budget?', num: false },
  { key: 'score', label: 'Score', title: 'Training-free score (log|det K|)', num: true },
  { key: 'accuracy', label: 'Accuracy', title: 'Quantized test accuracy, once trained', num: true },
  { key: 'params', label: 'Params', title: 'Weights stored on the chip', num: true },
  { key: 'areaMm2', label: 'Area mm²', title: 'Chip area', num: true },
  { key: 'latencyMs', label: 'Latency ms', title: 'One inference over all timesteps', num: true },
  { key: 'energyUJ', label: 'Energy µJ', title: 'One inference over all timesteps', num: true },
];

const ROW_H = 30;
const VIEW_H = 360;

export interface CandidateTableProps {
  model: SearchModel;
  /** the results' cost columns and genomes (rows [0, model.count)) */
  columns: Columns;
  genomes: readonly string[];
  version: number;
  mask: Uint8Array;
  /** bumps when the mask's contents change (its array is reused) */
  maskVersion: number;
  /** 1 for candidates on the current front (by candidate index) */
  front: Uint8Array;
  onSelect?(index: number): void;
  /** what the score column holds (default: SNASNet's score) */
  rankBy?: RankProxy;
}

export function rowStateText(m: SearchModel, i: number): string {
  const s = m.state[i];
  const training = s === ROW.training ? m.inTraining.get(i) : undefined;
  if (training) return `training (epoch ${training.epoch} of ${training.epochs})`;
  return ROW_STATES[s];
}

/** The row's tooltip: its genome, and why it could not be trained when it failed. */
function rowTitle(m: SearchModel, genome: string, i: number): string {
  if (m.state[i] !== ROW.failed) return genome;
  const failure = m.failures.find((f) => f.index === i);
  return failure ? `${genome} could not be trained: ${failure.message}` : genome;
}

/** A column's first click sorts best first: accuracy highest, the score in its ranking's direction, the rest ascending. */
function firstDesc(key: SortKey, rankBy: RankProxy): boolean {
  return key === 'accuracy' || (key === 'score' && PROXIES[rankBy].direction === 'higher');
}

export const CandidateTable = memo(function CandidateTable({ model: m, columns, genomes, version, mask, maskVersion, front, onSelect, rankBy = 'snasnet' }: CandidateTableProps) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'index', desc: false });
  const [filter, setFilter] = useState<TableFilter>('all');
  const [top, setTop] = useState(0);
  const order = useMemo(() => {
    const keep: number[] = [];
    for (let i = 0; i < m.count; i++) {
      if (filter === 'feasible' && mask[i] !== 0) continue;
      if (filter === 'front' && !front[i]) continue;
      keep.push(i);
    }
    const idx = Int32Array.from(keep);
    const key = (i: number): number => {
      switch (sort.key) {
        case 'index':
          return i;
        case 'state':
          return m.state[i];
        case 'feasible':
          return mask[i] === 0 ? 1 : 0;
        case 'score':
          return m.scores[i];
        case 'accuracy':
          return m.trained.get(i)?.result.accuracyQuantized ?? NaN;
        default:
          return columns[sort.key][i];
      }
    };
    const keys = new Float64Array(m.count);
    for (const i of idx) keys[i] = key(i);
    const dir = sort.desc ? -1 : 1;
    // NaN (never scored, not trained) sorts last either way.
    idx.sort((a, b) => {
      const x = keys[a];
      const y = keys[b];
      if (Number.isNaN(x)) return Number.isNaN(y) ? a - b : 1;
      if (Number.isNaN(y)) return -1;
      return (x - y) * dir || a - b;
    });
    return idx;
  }, [m, columns, version, mask, maskVersion, front, filter, sort]);
  const first = Math.max(0, Math.floor(top / ROW_H) - 4);
  const last = Math.min(order.length, Math.ceil((top + VIEW_H) / ROW_H) + 4);
  const rows = [];
  for (let r = first; r < last; r++) {
    const i = order[r];
    const t = m.trained.get(i);
    const state = rowStateText(m, i);
    rows.push(
      <div
        key={i}
        role="row"
        className={`cand-row${mask[i] === 0 ? '' : ' infeasible'}`}
        style={{ transform: `translateY(${r * ROW_H}px)` }}
        tabIndex={0}
        data-testid="cand-row"
        data-index={i}
        data-state={ROW_STATES[m.state[i]]}
        onClick={() => onSelect?.(i)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onSelect?.(i);
        }}
        title={rowTitle(m, genomes[i], i)}
      >
        <span role="cell">{i + 1}</span>
        <span role="cell" className={`state state-${ROW_STATES[m.state[i]]}`}>
          {state}
        </span>
        <span role="cell">{mask[i] === 0 ? (front[i] ? 'ok · front' : 'ok') : 'over'}</span>
        <span role="cell">{RANK_LABELS[rankBy].format(m.scores[i])}</span>
        <span role="cell" data-testid={t ? 'cand-accuracy' : undefined}>
          {t ? `${(100 * t.result.accuracyQuantized).toFixed(1)} %` : '–'}
        </span>
        <span role="cell">{formatCompact(columns.params[i])}</span>
        <span role="cell">{formatCompact(columns.areaMm2[i])}</span>
        <span role="cell">{formatCompact(columns.latencyMs[i])}</span>
        <span role="cell">{formatCompact(columns.energyUJ[i])}</span>
      </div>,
    );
  }
  return (
    <div className="cand-table-wrap">
      <div className="cand-filter" role="radiogroup" aria-label="Show">
        {(['all', 'feasible', 'front'] as const).map((f) => (
          <label key={f} className="check">
            <input type="radio" name="cand-filter" checked={filter === f} onChange={() => setFilter(f)} data-testid={`filter-${f}`} />
            <span>{f === 'all' ? 'All' : f === 'feasible' ? 'Within budgets' : 'On the front'}</span>
          </label>
        ))}
        <span className="panel-note" data-testid="cand-shown">
          {order.length} of {m.count} rows
        </span>
      </div>
      <div className="cand-table" role="table" aria-label="Candidates of the search" aria-rowcount={order.length + 1}>
        <div role="row" className="cand-row cand-head">
          {COLUMNS.map((col) => (col.key === 'score' ? { ...col, label: RANK_LABELS[rankBy].column, title: RANK_LABELS[rankBy].title } : col)).map((c) => (
            <span role="columnheader" key={c.key} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              <button type="button" title={`${c.title}: sort`} data-testid={`sort-${c.key}`} onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : firstDesc(c.key, rankBy) }))}>
                {c.label}
                {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
              </button>
            </span>
          ))}
        </div>
        <div className="cand-body" style={{ height: VIEW_H }} onScroll={(e) => setTop(e.currentTarget.scrollTop)}>
          <div style={{ height: order.length * ROW_H, position: 'relative' }}>{rows}</div>
        </div>
      </div>
    </div>
  );
});
