/**
 * Under the Pareto view: pin a run (the search shown, or a run file) to
 * compare with whatever search comes next, the two runs' best candidates and
 * hypervolumes under the budgets on screen, and the search over time, one
 * line per run. Wired to the stores; the table and the plot are pure.
 */
import { useId, useMemo, useState } from 'react';
import { judgeRun, runHistory } from '../../core/compare/runs.ts';
import { FilePickButton } from '../exchange/FilePickButton.tsx';
import { readFileText } from '../exchange/download.ts';
import { useSearchController } from '../search/context.ts';
import { CompareTable } from './CompareTable.tsx';
import { OverTimePlot, type OverTimeSeries, type OverTimeX, type OverTimeY } from './OverTimePlot.tsx';
import { pinProblems, pinRun, unpinRun, useCompare } from './store.ts';
import { useComparison } from './use-compare.ts';
import './compare.css';

async function pinFile(file: File): Promise<void> {
  try {
    const { MAX_RUN_FILE_BYTES, parseRunJson } = await import('../../core/files/run.ts');
    const parsed = parseRunJson(await readFileText(file, MAX_RUN_FILE_BYTES));
    if (!parsed.ok) pinProblems([`${file.name} was not pinned:`, ...parsed.problems]);
    else if (parsed.run.source !== 'search') pinProblems([`${file.name} was not pinned: it is a costed set, not a search (nothing in it was scored or trained).`]);
    else pinRun(parsed.run, { kind: 'file', name: file.name });
  } catch (e) {
    pinProblems([`${file.name} was not pinned: ${e instanceof Error ? e.message : String(e)}`]);
  }
}

export function RunComparison() {
  const search = useSearchController();
  const { current, pinned, reference, budgets } = useComparison();
  const problems = useCompare((s) => s.problems);
  const [x, setX] = useState<OverTimeX>('evaluated');
  const [y, setY] = useState<OverTimeY>('hypervolume');
  const xId = useId();
  const yId = useId();
  // The pinned run's history apart: the current run's changes every frame of a search, the pinned one's only with the budgets.
  const pinnedSeries = useMemo<OverTimeSeries | null>(
    () => (pinned ? { label: pinned.run.label, className: 'run-pinned', history: runHistory(pinned.run, budgets, reference), timed: pinned.run.timed } : null),
    [pinned, budgets, reference],
  );
  const series = useMemo(() => {
    const out: OverTimeSeries[] = [];
    if (current) out.push({ label: `Current: ${current.label}`, className: 'run-current', history: runHistory(current, budgets, reference), timed: current.timed });
    if (pinnedSeries) out.push(pinnedSeries);
    return out;
  }, [current, pinnedSeries, budgets, reference]);
  const rows = useMemo(
    () =>
      current && pinned
        ? {
            current: { label: `Current: ${current.label}`, className: 'run-current', verdict: judgeRun(current, budgets, reference), trained: current.trained.size },
            pinned: { label: pinned.run.label, className: 'run-pinned', verdict: judgeRun(pinned.run, budgets, reference), trained: pinned.run.trained.size },
          }
        : null,
    [current, pinned, budgets, reference],
  );
  return (
    <div className="compare-section" data-testid="run-comparison">
      <h3>Compare runs</h3>
      <div className="compare-actions">
        <button
          type="button"
          data-testid="pin-run"
          disabled={!current}
          title="Keep this search to compare with the next one: its front is drawn over the Pareto view and the cost view"
          onClick={() => {
            void search.exportRun().then((run) => {
              if (run) pinRun(run, { kind: 'search' });
            });
          }}
        >
          Pin this run
        </button>
        <FilePickButton
          label="Pin a run file…"
          accept=".json,application/json"
          inputLabel="Run file to pin"
          testId="pin-run-file"
          title="Pin an exported run (a .json file) to compare with the search shown"
          onFile={(f) => void pinFile(f)}
        />
        {pinned ? (
          <button type="button" data-testid="unpin-run" onClick={unpinRun}>
            Unpin
          </button>
        ) : null}
        <span className="panel-note" data-testid="pinned-label">
          {pinned ? pinned.run.label : 'No run pinned: pin this one, then run another search (another seed or strategy) to see both.'}
        </span>
      </div>
      {problems ? (
        <ul className="compare-problems" role="alert" data-testid="pin-problems">
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      ) : null}
      {rows ? <CompareTable current={rows.current} pinned={rows.pinned} /> : null}
      <div className="over-time-head">
        <h3>The search over time</h3>
        <span className="axis-picker">
          <label htmlFor={yId}>Show</label>
          <select id={yId} value={y} data-testid="over-time-y" onChange={(e) => setY(e.currentTarget.value as OverTimeY)}>
            <option value="hypervolume">Hypervolume under the budgets</option>
            <option value="accuracy">Best accuracy under the budgets</option>
          </select>
        </span>
        <span className="axis-picker">
          <label htmlFor={xId}>Against</label>
          <select id={xId} value={x} data-testid="over-time-x" onChange={(e) => setX(e.currentTarget.value as OverTimeX)}>
            <option value="evaluated">Candidates evaluated</option>
            <option value="time">Time</option>
          </select>
        </span>
      </div>
      <OverTimePlot series={series} x={x} y={y} height={300} testId="over-time" />
      <p className="panel-note">
        Each scoring and each training counts as one evaluation. A strategy that rejects candidates over a budget before scoring them (NeuroNAS) reaches its
        trained front after fewer evaluations, and sooner, than one that scores everything first (SNASNet): pin one, run the other on the same seed.
      </p>
    </div>
  );
}
