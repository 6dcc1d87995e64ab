/**
 * The search knobs (the parameter table's `search` panel: strategy, data
 * set, top-k, epochs, training images, score batch), Start / Stop, a
 * progress bar per stage with counts and ETA, and the backend badge.
 */
import { Fragment, useEffect, useMemo, useState } from 'react';
import { PARAMS, panelParams, type ParamKey } from '../../core/params.ts';
import { measuredRanking } from '../../core/calibration/measured.ts';
import { PROXIES } from '../../core/calibration/proxies.ts';
import { rankedByScorers } from '../../core/search/pipeline.ts';
import { describeDuration, estimateSearch, poolSize, searchWorkFromInputs } from '../../core/search/estimate.ts';
import { RANK_LABELS } from '../search/rank-labels.ts';
import { formatCount } from '../../core/metrics.ts';
import { useStudio } from '../state/store.ts';
import { ParamControl } from '../controls/ParamControl.tsx';
import { useSearch } from '../search/controller.ts';
import { useSearchController } from '../search/context.ts';
import { stageProgress, type StageProgress } from '../search/model.ts';
import { formatEta, runEtaS, trainingLeftS, type RunPlan } from '../search/eta.ts';
import { CifarUploadField } from '../dataset/CifarUploadField.tsx';
import './panels.css';

const fmtTau = (x: number) => (x < 0 ? `−${Math.abs(x).toFixed(2)}` : x.toFixed(2));

/** How well the chosen ranking predicted trained accuracy, where the calibration measured it; said plainly where it did not. */
function RankEvidence() {
  const rankBy = useStudio((s) => s.params.rankBy);
  const dataset = useStudio((s) => s.params.dataset);
  const cellType = useStudio((s) => s.params.cellType);
  const m = measuredRanking(dataset, rankBy, cellType);
  const name = PARAMS.dataset.optionLabels?.[dataset] ?? dataset;
  const label = RANK_LABELS[rankBy].phrase;
  const direction = `${PROXIES[rankBy].direction} is better`;
  if (!m) {
    return (
      <p className="rank-evidence" data-testid="rank-evidence" data-measured="no" data-rank-by={rankBy}>
        Ranking by {label} ({direction}). How well it ranks trained accuracy on {name}{cellType === 'backward' ? ' with backward cells' : ''} has not been measured: <code>neuronas calibrate</code> measures it.
      </p>
    );
  }
  const chance = m.interval[0] <= 0;
  return (
    <p className="rank-evidence" data-testid="rank-evidence" data-measured="yes" data-rank-by={rankBy} data-tau={m.tau}>
      Ranking by {label} ({direction}). On {name}{m.cellType === 'backward' ? ' with backward cells' : ''} it ranked 8-bit accuracy with Kendall τ = {fmtTau(m.tau)} [{fmtTau(m.interval[0])}, {fmtTau(m.interval[1])}] (95 % interval;{' '}
      {m.n} candidates, {m.epochs} epoch on {formatCount(m.trainSamples)} images){chance ? ': no better than chance on this evidence' : ''}.
    </p>
  );
}

/**
 * What ranking by a network-running proxy costs, from the pre-search estimate (core/search/estimate.ts): a gradient
 * pass or training steps on every scored candidate add up, and the user should know before starting.
 */
function RankCost() {
  const params = useStudio((s) => s.params);
  const hwEdits = useStudio((s) => s.hwEdits);
  const axes = useStudio((s) => s.axes);
  const needs = PROXIES[params.rankBy].needs;
  const estimate = useMemo(() => {
    if (needs !== 'gradient' && needs !== 'training') return null;
    try {
      return estimateSearch(searchWorkFromInputs({ params, hwEdits, axes }), poolSize(navigator.hardwareConcurrency));
    } catch {
      return null; // unusable hardware edits: the hardware panel says so
    }
  }, [needs, params, hwEdits, axes]);
  if (!estimate || estimate.scored === 0) return null;
  const what = needs === 'training' ? `${params.earlySteps} training steps of ${params.earlyBatch} images` : `a gradient pass over ${params.gradientBatch} images`;
  return (
    <p className="rank-evidence rank-cost" data-testid="rank-cost" data-score-s={Math.round(estimate.scoreSeconds)}>
      {RANK_LABELS[params.rankBy].phrase} costs {what} on every scored candidate: about {(estimate.rankMsPerCandidate / 1000).toFixed(1)} s each, {describeDuration(estimate.scoreSeconds)} for the ~{formatCount(estimate.scored)} this search scores (estimated).
    </p>
  );
}

/** The knobs of the gradient and early-training proxies (shared with `neuronas calibrate`). */
const PROXY_KNOBS: readonly ParamKey[] = ['gradientBatch', 'earlySteps', 'earlyBatch', 'earlyHeldOut'];

/** The proxy knobs, folded away unless the search ranks by a proxy that reads them. */
function ProxyKnobs() {
  const needs = useStudio((s) => PROXIES[s.params.rankBy].needs);
  const used = needs === 'gradient' || needs === 'training';
  return (
    // Keyed by whether they are used, so choosing such a proxy opens them and choosing another folds them again.
    <details className="proxy-knobs" data-testid="proxy-knobs" open={used} key={String(used)}>
      <summary>Proxy settings (snip, grad_norm, early training)</summary>
      {PROXY_KNOBS.map((key) => (
        <ParamControl key={key} paramKey={key} />
      ))}
    </details>
  );
}

export function SearchPanel() {
  const dataset = useStudio((s) => s.params.dataset);
  return (
    <section className="panel" aria-labelledby="search-title">
      <h2 id="search-title">Search</h2>
      {panelParams('search').filter((key) => !PROXY_KNOBS.includes(key)).map((key) => (
        <Fragment key={key}>
          <ParamControl paramKey={key} />
          {key === 'rankBy' ? (
            <>
              <RankEvidence />
              <RankCost />
            </>
          ) : null}
          {key === 'dataset' && dataset === 'cifar10' ? <CifarUploadField /> : null}
          {key === 'scoreBatch' ? <ProxyKnobs /> : null}
        </Fragment>
      ))}
      <p className="panel-note">Samples and seed are under Search space → Sampling; the budgets below apply.</p>
      <SearchButtons />
      <SearchProgress />
      <BackendBadge />
    </section>
  );
}

/**
 * Start, Stop and Resume: the only part of the panel that follows the search's phase, so pressing Start re-renders
 * these buttons and the progress below, not the panel's knobs.
 */
function SearchButtons() {
  const ctl = useSearchController();
  const phase = useSearch((s) => s.phase);
  const resumable = useSearch((s) => s.loaded === 'stored' && s.phase === 'stopped');
  const busy = phase === 'running' || phase === 'starting';
  return (
    <div className="search-buttons">
      <button type="button" className={resumable ? undefined : 'primary'} data-testid="search-start" onClick={() => ctl.start()}>
        {busy ? 'Restart search' : 'Start search'}
      </button>
      <button type="button" data-testid="search-stop" disabled={!busy} onClick={() => ctl.stop()}>
        Stop
      </button>
      {resumable ? (
        <button type="button" className="primary" data-testid="search-resume" title="Continue this kept run: what it scored and trained is not done again" onClick={() => ctl.resume()}>
          Resume
        </button>
      ) : null}
    </div>
  );
}

function eta(s: number | null): string {
  if (s === null) return '';
  if (s <= 0) return 'done';
  if (s < 60) return `~${Math.ceil(s)} s left`;
  return `~${Math.ceil(s / 60)} min left`;
}

function Bar({ label, testId, value, max, text, note }: { label: string; testId: string; value: number; max: number; text: string; note?: string }) {
  const f = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <div className="stage" data-testid={testId}>
      <div className="stage-head">
        <span>{label}</span>
        <span className="stage-count" data-testid={`${testId}-count`}>
          {text}
        </span>
      </div>
      <div className="stage-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={Math.round(value)}>
        <span style={{ transform: `scaleX(${f})` }} />
      </div>
      {note ? <div className="stage-note">{note}</div> : null}
    </div>
  );
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function SearchProgress() {
  const model = useSearch((s) => s.model);
  useSearch((s) => s.version);
  const phase = useSearch((s) => s.phase);
  const target = useSearch((s) => s.target);
  const wallMs = useSearch((s) => s.wallMs);
  const error = useSearch((s) => s.error);
  const crash = useSearch((s) => s.crash);
  const startedBy = useSearch((s) => s.startedBy);
  const notice = useSearch((s) => s.notice);
  const settings = useSearch((s) => s.settings);
  const inputs = useSearch((s) => s.inputs);
  const scorers = useSearch((s) => s.scorers);
  const trainers = useSearch((s) => s.trainers);
  const now = useNow(phase === 'running');
  if (!model) {
    return (
      <div className="search-status" data-testid="search-status" data-phase={phase}>
        {error ? (
          <div className="error-banner" role="alert">
            {error}
          </div>
        ) : notice ? (
          <p className="panel-note" role="status" data-testid="search-notice">
            {notice}
          </p>
        ) : (
          <p className="panel-note">No search yet: Start scores and trains the candidates shown.</p>
        )}
      </div>
    );
  }
  const t = performance.now() > now ? performance.now() : now;
  const cost = stageProgress(model, 'cost', t, target);
  const score = stageProgress(model, 'score', t, target);
  const train = stageProgress(model, 'train', t, target);
  const c = model.counts;
  const fmtStage = (p: StageProgress) => `${formatCount(Math.floor(p.done))} / ${formatCount(p.expected)}${p.running && p.etaS !== null ? ` · ${eta(p.etaS)}` : ''}`;
  const plan: RunPlan | null =
    phase === 'running' && settings && inputs
      ? {
          samples: target,
          epochs: settings.epochs,
          trainSamples: inputs.params.trainSamples,
          scoreBatch: inputs.params.scoreBatch,
          scorers: Math.max(1, scorers),
          trainers: Math.max(1, trainers),
          workerScore: rankedByScorers(settings.rankBy),
          forwardScore: PROXIES[settings.rankBy].needs === 'forward',
        }
      : null;
  const runEta = plan ? runEtaS(model, t, plan) : null;
  const trainLeft = plan && train.running ? trainingLeftS(model, t, plan) : null;
  // Every candidate in training, in the order they began.
  const inTraining = [...model.inTraining];
  const trainNote = inTraining.length
    ? `training ${inTraining.map(([i, p]) => `#${i + 1} (epoch ${p.epoch} of ${p.epochs})`).join(', ')}`
    : c.failed
      ? `${c.failed} could not be trained`
      : undefined;
  return (
    <div className="search-status" data-testid="search-status" data-phase={phase}>
      <Bar label="Costed" testId="stage-costed" value={cost.done} max={cost.expected} text={fmtStage(cost)} />
      <Bar label="Rejected before scoring" testId="stage-rejected" value={c.rejected} max={Math.max(1, c.costed)} text={formatCount(c.rejected)} />
      <Bar label="Scored" testId="stage-scored" value={score.done} max={score.expected} text={fmtStage(score)} />
      <Bar label="Trained" testId="stage-trained" value={train.done} max={train.expected} text={`${c.trained} / ${train.expected}${trainLeft !== null ? ` · ${eta(trainLeft)}` : ''}`} note={trainNote} />
      {phase === 'running' ? (
        <p className="panel-note search-eta" data-testid="search-eta" data-eta-s={runEta === null ? '' : Math.round(runEta)}>
          Whole run: {runEta === null ? 'estimating the time left…' : formatEta(runEta)}
        </p>
      ) : null}
      {model.failures.length ? (
        <ul className="train-failures" data-testid="train-failures" aria-label="Candidates that could not be trained">
          {model.failures.map((f) => (
            <li key={f.index} data-index={f.index}>
              <span className="genome">
                #{f.index + 1} {f.genome}
              </span>{' '}
              could not be trained: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="panel-note" aria-live="polite" data-testid="search-phase">
        {phase === 'starting'
          ? 'Starting the workers…'
          : phase === 'running'
            ? 'Searching…'
            : phase === 'done'
              ? `Done in ${((wallMs ?? 0) / 1000).toFixed(1)} s.`
              : phase === 'stopped'
                ? 'Stopped: what had arrived is kept.'
                : phase === 'error'
                  ? 'The search failed.'
                  : ''}
      </p>
      {notice ? (
        <p className="panel-note" role="status" data-testid="search-notice">
          {notice}
        </p>
      ) : null}
      {startedBy === 'link' ? (
        <p className="panel-note" data-testid="search-from-link">
          The link you opened shares this search: the same seeded search as its sender&apos;s runs here. Stop it any time.
        </p>
      ) : null}
      {crash ? (
        <div className="error-banner" role="alert" data-testid="search-crash">
          {crash}
        </div>
      ) : null}
      {error ? (
        <div className="error-banner" role="alert" data-testid="search-error">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function BackendBadge() {
  const b = useSearch((s) => s.backend);
  const scorers = useSearch((s) => s.scorers);
  const trainers = useSearch((s) => s.trainers);
  if (!b) return <p className="panel-note">The training backend is chosen when the first search starts.</p>;
  return (
    <div className="backend-badge" data-testid="backend-badge" data-backend={b.backend} title={b.renderer ?? undefined}>
      <div>
        <span className="badge">{b.backend}</span> trains and scores ({scorers === 1 ? '1 worker scores, then trains the top candidates one at a time' : `${scorers} workers score, then train the top candidates ${trainers === 1 ? 'one at a time' : `${trainers} at once`}${trainers === scorers ? '' : scorers === 2 ? ', both workers on each' : ', two workers to a candidate'}`})
      </div>
      <div className="help">{b.reason}</div>
      {b.softwareGpu ? (
        <div className="warning" role="note" data-testid="software-gpu">
          Only a software GPU{b.renderer ? ` (${b.renderer})` : ''} is available: WebGL here runs on the CPU, so GPU training is not on offer; expect CPU speeds.
        </div>
      ) : null}
    </div>
  );
}
