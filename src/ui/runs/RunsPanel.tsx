/**
 * Past runs: the searches kept in this browser, newest first, each with its
 * status and tallies, to open on the page, rename, export as JSON (as
 * Export writes it) or delete; the storage this site uses of its quota; and
 * the banner that says a full quota stopped the keeping of a run.
 */
import { createContext, useContext, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { formatCount } from '../../core/metrics.ts';
import type { StoredRunHeader } from '../../core/runs/header.ts';
import { useSearch } from '../search/controller.ts';
import type { RunListActions } from './list-actions.ts';
import { useRuns } from './runs-store.ts';
import { runsStore } from './runs-store.ts';
import { KeptCalibrations, useRunCalibration } from '../calibration/CalibrationPanel.tsx';
import './runs.css';

export const RunListContext = createContext<RunListActions | null>(null);

function useRunList(): RunListActions {
  const a = useContext(RunListContext);
  if (!a) throw new Error('useRunList outside <RunListContext.Provider>');
  return a;
}

/** Bytes in a short human form (kB, MB, GB: powers of 1000, as the browser's settings show them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** A share of the quota as a percentage, "under 0.01 %" when it rounds to nothing. */
function sharePercent(usage: number, quota: number): string {
  const p = (100 * usage) / Math.max(1, quota);
  return p < 0.01 ? 'under 0.01 %' : `${p < 1 ? p.toFixed(2) : Math.round(p)} %`;
}

const STATUS_TEXT: Readonly<Record<StoredRunHeader['status'], string>> = {
  running: 'cut off',
  done: 'done',
  stopped: 'stopped',
  error: 'failed',
};

export function StorageProblemBanner() {
  const problem = useRuns((s) => s.problem);
  if (!problem) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="storage-problem" data-kind={problem.kind}>
      <div className="banner-text">
        <strong>{problem.message}</strong>
      </div>
      <button type="button" onClick={() => runsStore.getState().dismissProblem()} aria-label="Dismiss the storage message">
        Dismiss
      </button>
    </div>
  );
}

/**
 * One formatter, made as the module loads: a first toLocaleString with options builds a DateTimeFormat and loads its
 * locale data (≈ 40-50 ms of the page's thread), which happened in the Start click's task when a new run's row appeared.
 */
const RUN_DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function RunRow({ header, problem, writing }: { header: StoredRunHeader; problem: string | null; writing: boolean }) {
  const actions = useRunList();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(header.name);
  const inputId = useId();
  const c = header.counts;
  const calibration = useRunCalibration(header.id);
  const status = writing ? 'running' : problem ? 'unreadable' : STATUS_TEXT[header.status];
  return (
    <li className="kept-run" data-testid="kept-run" data-id={header.id} data-status={status}>
      <div className="kept-run-head">
        {editing ? (
          <form
            className="kept-run-rename"
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              void actions.rename(header.id, name);
            }}
          >
            <label htmlFor={inputId} className="visually-hidden">
              Name of the run
            </label>
            <input id={inputId} data-testid="kept-run-name-input" value={name} maxLength={120} autoFocus onChange={(e) => setName(e.currentTarget.value)} />
            <button type="submit" data-testid="kept-run-save">
              Save
            </button>
            <button type="button" onClick={() => (setEditing(false), setName(header.name))}>
              Cancel
            </button>
          </form>
        ) : (
          <span className="kept-run-name" data-testid="kept-run-name">
            {header.name}
          </span>
        )}
        <span className={`kept-run-status status-${status.replace(' ', '-')}`}>{status}</span>
      </div>
      {problem ? (
        <p className="panel-note">{problem}</p>
      ) : (
        <p className="kept-run-counts panel-note" data-testid="kept-run-counts">
          {formatCount(c.costed)} costed · {formatCount(c.scored)} scored · {c.trained} trained{c.failed ? ` · ${c.failed} failed` : ''} ·{' '}
          {RUN_DATE.format(header.updatedAt)}
        </p>
      )}
      {calibration ? (
        <p className="panel-note" data-testid="kept-run-calibration">
          {calibration.summary}
        </p>
      ) : null}
      <div className="kept-run-actions">
        <button
          type="button"
          data-testid="kept-run-open"
          disabled={!!problem || writing}
          onClick={() => void actions.open(header.id).then((opened) => (opened ? calibration?.open() : undefined))}
        >
          Open
        </button>
        <button type="button" data-testid="kept-run-rename" disabled={!!problem || editing} onClick={() => (setName(header.name), setEditing(true))}>
          Rename
        </button>
        <button type="button" data-testid="kept-run-export" disabled={!!problem} onClick={() => void actions.exportJson(header.id)}>
          Export JSON
        </button>
        <button
          type="button"
          data-testid="kept-run-delete"
          disabled={writing}
          title={writing ? 'The search on the page is writing this run: stop it first' : undefined}
          onClick={() => {
            if (window.confirm(`Delete "${header.name}" from this browser? Export it first to keep a copy.`)) void actions.remove(header.id);
          }}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

export function RunsPanel() {
  const actions = useRunList();
  // At deferred priority: the list is far down the page, and a search's start adds a row to it in the Start click's task.
  const entries = useDeferredValue(useRuns((s) => s.entries));
  const estimate = useRuns((s) => s.estimate);
  const currentId = useDeferredValue(useRuns((s) => s.currentId));
  const phase = useDeferredValue(useSearch((s) => s.phase));
  const searching = phase === 'starting' || phase === 'running';
  const runNames = useMemo(() => new Map(entries.map((e) => [e.header.id, e.header.name])), [entries]);
  useEffect(() => {
    void actions.refresh();
  }, [actions]);
  // The storage estimate follows the writes (a refresh at most every few seconds while a search writes).
  const count = entries.length;
  useEffect(() => {
    const t = setTimeout(() => void actions.refresh(), 2000);
    return () => clearTimeout(t);
  }, [actions, count, searching]);
  return (
    <section className="panel runs-panel" aria-labelledby="runs-title" data-testid="runs-panel">
      <h2 id="runs-title">Past runs</h2>
      <p className="panel-note">Every search is kept in this browser as its results arrive, so a reload loses nothing. Open one to see it again or resume it.</p>
      <p className="runs-storage" data-testid="runs-storage">
        {estimate
          ? `Storage: ${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)} this browser allows the studio (${sharePercent(estimate.usage, estimate.quota)}).`
          : 'Storage use: this browser does not say.'}
      </p>
      {entries.length === 0 ? (
        <p className="panel-note" data-testid="runs-empty">
          No run kept yet: Start a search.
        </p>
      ) : (
        <ul className="kept-runs" data-testid="kept-runs">
          {entries.map((e) => (
            <RunRow key={e.header.id} header={e.header} problem={e.problem} writing={searching && e.header.id === currentId} />
          ))}
        </ul>
      )}
      <KeptCalibrations runNames={runNames} />
    </section>
  );
}
