/**
 * "How good is the score?": the page's calibration run. Its controls sit
 * under the search's (the run's own few settings, the time it will take,
 * Run and Stop); its results beside the search's (a scatter per proxy that
 * fills as candidates are trained, then each proxy's τ and ρ with their
 * intervals, the accuracy noise and the verdict); its kept runs under Past
 * runs.
 */
import { useMemo, useState, type DragEvent } from 'react';
import { PROXIES, PROXY_NAMES, type ProxyName } from '../../core/calibration/proxies.ts';
import type { CalibrationDocument } from '../../core/calibration/document.ts';
import type { ProxyCorrelation } from '../../core/calibration/report.ts';
import { estimateCalibration, PAGE_CALIBRATION_LIMITS, type PageCalibrationKnobs } from '../../core/calibration/settings.ts';
import { describeDuration } from '../../core/search/estimate.ts';
import { pickCandidates } from '../../core/calibration/run.ts';
import { useStudio } from '../state/store.ts';
import { PARAMS } from '../../core/params.ts';
import { FilePickButton } from '../exchange/FilePickButton.tsx';
import { calibrationStore, useCalibration, type AccuracyTarget } from './controller.ts';
import type { KeptCalibration } from './calibration-db.ts';
import { useCalibrationController } from './context.ts';
import { formatWithInterval, ProxyScatter } from './ProxyScatter.tsx';
import './calibration.css';

const KNOB_LABELS: Record<Exclude<keyof PageCalibrationKnobs, 'proxies'>, { label: string; help: string }> = {
  candidates: { label: 'Candidates', help: 'Feasible candidates scored by every proxy and trained, one per parameter-count stratum' },
  epochs: { label: 'Epochs', help: 'Training epochs per candidate' },
  trainSamples: { label: 'Training images', help: 'Images each candidate learns from' },
  seedRepeats: { label: 'Seed repeats', help: 'Candidates trained again with the next seed: the accuracy’s seed-to-seed noise' },
};

function setKnob<K extends keyof PageCalibrationKnobs>(key: K, value: PageCalibrationKnobs[K]) {
  calibrationStore.setState((s) => ({ knobs: { ...s.knobs, [key]: value } }));
}

/** The up-front estimate, or why the run cannot start on these inputs. */
function useEstimate(): { text: string; seconds: number | null; error: boolean } {
  const ctl = useCalibrationController();
  const params = useStudio((s) => s.params);
  const hwEdits = useStudio((s) => s.hwEdits);
  const knobs = useCalibration((s) => s.knobs);
  // The picks (sampling and costing the pool, ≈ 0.2 s) depend on the inputs and the candidate count only.
  const picks = useMemo(() => {
    void params;
    void hwEdits;
    try {
      const s = ctl.settings();
      return { picked: pickCandidates(s).picked, error: null };
    } catch (e) {
      return { picked: null, error: e instanceof Error ? e.message : String(e) };
    }
  }, [ctl, params, hwEdits, knobs.candidates]);
  return useMemo(() => {
    try {
      if (!picks.picked) throw new Error(picks.error ?? '');
      const e = estimateCalibration(ctl.settings(), picks.picked);
      return { text: `${describeDuration(e.seconds)} on a 2-core computer (${Math.round(e.proxySeconds)} s of proxies, ${Math.round(e.trainSeconds)} s of training); one training worker does every step in turn.`, seconds: e.seconds, error: false };
    } catch (e) {
      return { text: e instanceof Error ? e.message : String(e), seconds: null, error: true };
    }
  }, [ctl, picks, knobs]);
}

function Settings() {
  const ctl = useCalibrationController();
  const knobs = useCalibration((s) => s.knobs);
  const phase = useCalibration((s) => s.phase);
  const estimate = useEstimate();
  const running = phase === 'running';
  return (
    <div className="calib-settings" data-testid="calib-settings">
      <div className="calib-knobs">
        {(Object.keys(KNOB_LABELS) as (keyof typeof KNOB_LABELS)[]).map((k) => (
          <label key={k} className="calib-knob" title={KNOB_LABELS[k].help}>
            <span>{KNOB_LABELS[k].label}</span>
            <input
              type="number"
              data-testid={`calib-${k}`}
              min={PAGE_CALIBRATION_LIMITS[k].min}
              max={PAGE_CALIBRATION_LIMITS[k].max}
              step={k === 'trainSamples' ? 100 : 1}
              value={knobs[k]}
              disabled={running}
              onChange={(e) => setKnob(k, Math.round(Number(e.currentTarget.value)))}
            />
          </label>
        ))}
      </div>
      <fieldset className="calib-proxies" disabled={running}>
        <legend>Proxies</legend>
        {PROXY_NAMES.map((p) => (
          <label key={p} className="check" title={PROXIES[p].source}>
            <input
              type="checkbox"
              data-testid={`calib-proxy-${p}`}
              checked={knobs.proxies.includes(p)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setKnob('proxies', PROXY_NAMES.filter((n) => (n === p ? on : knobs.proxies.includes(n))));
              }}
            />
            {PROXIES[p].label}
          </label>
        ))}
      </fieldset>
      <p className={estimate.error ? 'field-error' : 'panel-note'} data-testid="calib-estimate" data-seconds={estimate.seconds === null ? '' : Math.round(estimate.seconds)}>
        {estimate.error ? estimate.text : `Takes ${estimate.text}`}
      </p>
      <div className="calib-buttons">
        <button type="button" className="primary" data-testid="calib-run" disabled={running || estimate.error} onClick={() => ctl.start()}>
          Run calibration
        </button>
        <button type="button" data-testid="calib-stop" disabled={!running} onClick={() => ctl.stop()}>
          Stop
        </button>
        <FilePickButton label="Open file…" accept=".json,application/json" inputLabel="Open a calibration file" testId="calib-open-file" title="Show a neuronas-calibration file (from neuronas calibrate --json, or an export)" onFile={(f) => void ctl.importFile(f)} />
      </div>
    </div>
  );
}

function Status() {
  const s = useCalibration((x) => x);
  if (s.phase === 'idle') return null;
  const what =
    s.phase === 'running'
      ? `Running${s.backend ? ` (${s.backend})` : ''}: ${s.candidates.filter(Boolean).length} of ${s.total} candidates through the proxies, ${s.trained} trained${s.seedPairsTotal ? `, ${s.seedPairs} of ${s.seedPairsTotal} seed repeats` : ''}…`
      : s.phase === 'error'
        ? `Could not run: ${s.error}`
        : `${s.phase === 'stopped' ? 'Stopped' : 'Done'}: ${s.trained} of ${s.total} candidates trained${s.from === 'import' ? ' (opened from a file)' : s.from === 'stored' ? ' (kept in this browser)' : ''}.`;
  return (
    <>
      <p className={s.phase === 'error' ? 'field-error' : 'panel-note'} role="status" data-testid="calib-status" data-phase={s.phase}>
        {what}
      </p>
      {s.notice ? (
        <p className="panel-note" data-testid="calib-notice">
          {s.notice}
        </p>
      ) : null}
    </>
  );
}

/** The run's controls, under the search's. */
export function CalibrationControls() {
  const open = useCalibration((s) => s.open);
  return (
    <section className="panel calib-panel" aria-labelledby="calib-title" data-testid="calib-panel">
      <h2 id="calib-title">How good is the score?</h2>
      <p className="panel-note">
        Trains a few candidates spread over the space and measures how well each proxy (the score, the parameter count, …) ranked their accuracy, with 95 % intervals.
      </p>
      <button type="button" data-testid="calib-toggle" aria-expanded={open} onClick={() => calibrationStore.setState({ open: !open })}>
        {open ? 'Hide the calibration settings' : 'Calibrate the ranking…'}
      </button>
      {open ? <Settings /> : null}
      <Status />
    </section>
  );
}

function correlationOf(doc: CalibrationDocument | null, proxy: ProxyName, target: AccuracyTarget): ProxyCorrelation | null {
  return doc?.statistics.correlations.find((c) => c.proxy === proxy && c.target === target) ?? null;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)} %`);

function Verdict({ doc, target }: { doc: CalibrationDocument; target: AccuracyTarget }) {
  const r = doc.statistics.ranking.find((x) => x.target === target);
  const n = doc.statistics.noise;
  const q = target === 'quantized';
  const spread = q ? n.spread_quantized : n.spread_float;
  const noise = q ? n.noise_quantized : n.noise_float;
  const ratio = q ? n.spread_to_noise_quantized : n.spread_to_noise_float;
  const good = !!r?.reliable;
  return (
    <div className="calib-verdict" data-testid="calib-verdict" data-reliable={good ? 'yes' : 'no'} data-best={r?.best ?? ''}>
      <p className={`verdict ${good ? 'ok' : 'bad'}`}>
        {good
          ? `${PROXIES[r!.best!].label} ranks ${q ? '8-bit' : 'float'} accuracy best here: τ ${formatWithInterval(r!.best_tau, r!.best_tau_ci)}${r!.clearly_best ? ', clearly ahead of the others' : ', though not clearly ahead of every other proxy'}.`
          : `No proxy ranks ${q ? '8-bit' : 'float'} accuracy reliably on this evidence: do not read the search's ranking as a prediction of accuracy.`}
      </p>
      <p className="panel-note" data-testid="calib-noise">
        Accuracy noise: {pct(q ? n.binomial_se_quantized : n.binomial_se_float)} from the {n.test_samples} test images, {pct(q ? n.seed_sd_quantized : n.seed_sd_float)} between seeds ({n.seed_pairs.length} pair
        {n.seed_pairs.length === 1 ? '' : 's'}); the candidates spread {pct(spread)} against {pct(noise)} of noise
        {ratio === null || Number.isNaN(ratio) ? '' : ` (ratio ${ratio.toFixed(1)}${ratio < 1.5 ? ': barely above the noise, so wide intervals' : ''})`}.
      </p>
      {/* The recommendation repeats the quantized accuracy's verdict; the float one's is said apart. */}
      {q ? null : <p className="panel-note">{r?.verdict}</p>}
      <p className="panel-note" data-testid="calib-recommendation">
        Recommendation: {doc.recommendation}.
      </p>
    </div>
  );
}

/** The run's results, beside the search's: one scatter per proxy, then the statistics and the verdict. */
export function CalibrationResults() {
  const ctl = useCalibrationController();
  const s = useCalibration((x) => x);
  const [dragging, setDragging] = useState(false);
  const pointsFor = useMemo(
    () => (p: ProxyName) => s.candidates.filter(Boolean).map((c) => ({ genome: c.genome, x: c.proxies[p] ?? null, y: s.target === 'quantized' ? c.accuracy_quantized : c.accuracy_float })),
    [s.candidates, s.target],
  );
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void ctl.importFile(f);
  };
  const bits = s.doc?.settings.space.weight_bits.join('/') ?? '8';
  const accuracyLabel = s.target === 'quantized' ? `${bits}-bit test accuracy` : 'Float test accuracy';
  const shown = s.phase !== 'idle' && s.phase !== 'error';
  if (!shown && !s.problem) return null;
  return (
    <section
      className={`panel calib-results${dragging ? ' dragging' : ''}`}
      aria-labelledby="calib-results-title"
      data-testid="calib-results"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div className="calib-results-head">
        <h2 id="calib-results-title">How good is the score?{s.dataset ? ` (${PARAMS.dataset.optionLabels?.[s.dataset as 'mnist'] ?? s.dataset})` : ''}</h2>
        <div className="calib-results-actions">
          <label className="check" title="Show the float network's accuracy instead of the quantized one's">
            <input type="checkbox" data-testid="calib-float" checked={s.target === 'float'} onChange={(e) => calibrationStore.setState({ target: e.currentTarget.checked ? 'float' : 'quantized' })} />
            Float accuracy
          </label>
          <button type="button" data-testid="calib-export" disabled={!s.doc} onClick={() => ctl.exportFile()}>
            Export JSON
          </button>
          <FilePickButton label="Open file…" accept=".json,application/json" inputLabel="Open a calibration file" testId="calib-import" title="Open a neuronas-calibration file (neuronas calibrate --json, or an export); you can also drop it here" onFile={(f) => void ctl.importFile(f)} />
        </div>
      </div>
      {s.problem ? (
        <p className="field-error" role="alert" data-testid="calib-problem">
          {s.problem}{' '}
          <button type="button" onClick={() => calibrationStore.setState({ problem: null })}>
            Dismiss
          </button>
        </p>
      ) : null}
      {!shown ? (
        <p className="panel-note">No calibration shown: run one under “How good is the score?”, or drop a calibration file here.</p>
      ) : (
        <>
          <div className="calib-grid" data-testid="calib-grid">
            {s.proxies.map((p) => (
              <ProxyScatter key={p} def={PROXIES[p]} points={pointsFor(p)} correlation={correlationOf(s.doc, p, s.target)} accuracyLabel={accuracyLabel} testId={`calib-scatter-${p}`} />
            ))}
          </div>
          {s.doc ? <Verdict doc={s.doc} target={s.target} /> : <p className="panel-note">τ, ρ, their intervals and the verdict come when the run ends (or is stopped).</p>}
        </>
      )}
    </section>
  );
}

const KEPT_DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One kept calibration as the list says it: what it is, how it ended, and its best proxy once it has statistics. */
function keptSummary(k: KeptCalibration, runningHere: boolean): { title: string; status: string; detail: string } {
  const s = k.doc ? k.doc.settings : null;
  const c = k.cutOff;
  const dataset = k.doc?.dataset ?? c?.settings.dataset ?? '?';
  const count = s ? k.doc!.candidates.length : (c?.settings.candidates ?? 0);
  const epochs = s ? s.epochs : (c?.settings.epochs ?? 0);
  const images = s ? s.train_samples : (c?.settings.trainSamples ?? 0);
  const title = `${dataset}: ${count} candidates, ${epochs} epoch${epochs === 1 ? '' : 's'} on ${images} images`;
  if (k.doc) {
    const best = k.doc.statistics.ranking.find((r) => r.target === 'quantized');
    return { title, status: k.doc.stopped ? 'stopped' : 'done', detail: best?.best ? `best: ${best.best}, τ ${formatWithInterval(best.best_tau, best.best_tau_ci)}${best.reliable ? '' : ' (not reliable)'}` : 'no proxy ranked' };
  }
  const trained = c ? c.candidates.filter((x) => x && !Number.isNaN(x.accuracy_quantized)).length : 0;
  return { title, status: runningHere ? 'running' : 'cut off', detail: `${trained} of ${count} trained when last kept` };
}

/** The latest calibration kept with run `runId` (made while that run was on the page), or null. */
function runCalibration(kept: readonly KeptCalibration[], runId: string): KeptCalibration | null {
  let latest: KeptCalibration | null = null;
  for (const k of kept) if (k.runId === runId && (k.doc || k.cutOff?.pool) && (!latest || k.createdAt > latest.createdAt)) latest = k;
  return latest;
}

/**
 * A kept run's calibration, for its row under Past runs: what it measured, and `open`, which shows it (opening the
 * run opens its calibration with it).
 */
export function useRunCalibration(runId: string): { summary: string; open(): Promise<void> } | null {
  const ctl = useCalibrationController();
  const k = useCalibration((s) => runCalibration(s.kept, runId));
  if (!k) return null;
  const sum = keptSummary(k, false);
  return { summary: `How good is the score? ${sum.title} (${sum.status}; ${sum.detail})`, open: () => ctl.openKept(k.id) };
}

/** The calibrations kept in this browser, under Past runs. */
export function KeptCalibrations({ runNames }: { runNames: ReadonlyMap<string, string> }) {
  const ctl = useCalibrationController();
  const kept = useCalibration((s) => s.kept);
  const keptId = useCalibration((s) => s.keptId);
  const running = useCalibration((s) => s.phase === 'running');
  if (kept.length === 0) return null;
  return (
    <div className="kept-calibrations" data-testid="kept-calibrations">
      <h3>Calibrations</h3>
      <ul className="kept-runs">
        {kept.map((k) => {
          const here = running && k.id === keptId;
          const sum = keptSummary(k, here);
          // Cut off before its candidates were picked: nothing was measured to show.
          const empty = !k.doc && !k.cutOff?.pool;
          return (
            <li key={k.id} className="kept-run" data-testid="kept-calibration" data-id={k.id} data-status={sum.status} data-shown={k.id === keptId ? 'yes' : 'no'}>
              <div className="kept-run-head">
                <span className="kept-run-name">{sum.title}</span>
                <span className="kept-run-status">{sum.status}</span>
              </div>
              <p className="panel-note">
                {sum.detail} · {KEPT_DATE.format(k.createdAt)}
                {k.runId && runNames.has(k.runId) ? ` · with the run “${runNames.get(k.runId)}”` : ''}
              </p>
              <div className="kept-run-actions">
                <button type="button" data-testid="kept-calibration-open" disabled={here || empty} onClick={() => void ctl.openKept(k.id)}>
                  Open
                </button>
                <button type="button" disabled={here || empty} onClick={() => void ctl.exportKept(k.id)}>
                  Export JSON
                </button>
                <button type="button" disabled={here} onClick={() => window.confirm('Delete this calibration from this browser? Export it first to keep a copy.') && void ctl.deleteKept(k.id)}>
                  Delete
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
