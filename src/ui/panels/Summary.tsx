/** "N of M feasible", the job's progress and timing, and any worker error (the last results stay on screen). */
import { formatCount } from '../../core/metrics.ts';
import { useStudio } from '../state/store.ts';
import './panels.css';

const fmt = formatCount;

export function Summary({ onRetry }: { onRetry(): void }) {
  const counts = useStudio((s) => s.feasibility.counts);
  const results = useStudio((s) => s.results);
  const job = useStudio((s) => s.job);
  const samples = useStudio((s) => s.params.samples);
  const busy = job.phase === 'running' || job.phase === 'waiting';
  const origin = results.origin;
  const progress = job.target > 0 ? Math.min(1, job.loaded / job.target) : 0;
  return (
    <section className="summary" aria-label="Summary">
      <div className="headline" aria-live="polite">
        <strong data-testid="feasible-count">{fmt(counts.feasible)}</strong> of <strong data-testid="candidate-count">{fmt(results.count)}</strong> feasible
        {results.count > 0 ? <span className="share"> ({((100 * counts.feasible) / results.count).toFixed(1)} %)</span> : null}
      </div>
      <div className="status" data-testid="job-status" data-phase={job.phase}>
        {busy ? (
          <>
            <span className="spinner" aria-hidden="true" />
            {job.phase === 'waiting' ? 'Settings changed, re-costing…' : `Sampling and costing ${fmt(job.loaded)} of ${fmt(job.target || 0)}…`}
          </>
        ) : origin.kind === 'import' ? (
          <span data-testid="imported-status">
            {fmt(results.count)} candidates imported from <strong>{origin.fileName}</strong>
            {origin.run.source === 'search'
              ? ` (a search${origin.run.stopped ? ' stopped before its end' : ''}${origin.run.trained.length ? `, ${origin.run.trained.length} trained` : ''})`
              : ' (a costing)'}, shown as saved: not
            re-run. Budgets re-judge them; changing the search space, sampling or hardware costs afresh.
          </span>
        ) : job.phase === 'done' && job.timings ? (
          <>
            {fmt(results.count)} architectures {job.timings.reusedSamples ? 're-costed' : 'sampled and costed'} in{' '}
            <span data-testid="job-ms">{Math.round(job.timings.totalMs)}</span> ms in a worker
            {results.count < samples ? ` (the search space holds only ${fmt(results.count)} distinct architectures)` : ''}
          </>
        ) : job.phase === 'idle' ? (
          'Waiting for valid settings.'
        ) : null}
        <span className="progress" aria-hidden="true">
          <span style={{ transform: `scaleX(${busy ? progress : 0})` }} />
        </span>
      </div>
      {job.error ? (
        <div className="error-banner" role="alert" data-testid="job-error">
          <span>{job.error}</span>
          {results.count > 0 ? <span className="kept"> Showing the last results.</span> : null}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </div>
      ) : null}
    </section>
  );
}
