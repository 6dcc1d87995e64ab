/**
 * The question a long run=1 link asks before its search starts: how long it
 * would take here and where the time goes, with Start search and Not now.
 * Focus moves to the question (not to its Start button, so a stray Enter
 * starts nothing).
 */
import { useEffect, useId, useRef } from 'react';
import { describeDuration } from '../../core/search/estimate.ts';
import { PROXIES } from '../../core/calibration/proxies.ts';
import { RANK_LABELS } from './rank-labels.ts';
import { formatCount } from '../../core/metrics.ts';
import { useStudio } from '../state/store.ts';
import { useSearchController } from './context.ts';
import { answerLinkRun, useLinkRun } from './link-run.ts';
import './search.css';

export function LinkRunPrompt() {
  const asking = useLinkRun((s) => s.asking);
  const epochs = useStudio((s) => s.params.epochs);
  const rankBy = useStudio((s) => s.params.rankBy);
  const search = useSearchController();
  const id = useId();
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    if (asking) box.current?.focus();
  }, [asking]);
  if (!asking) return null;
  const parts = [
    // A cost-model ranking takes no scoring time worth naming; a network-running one says what it runs.
    asking.scored > 0 && asking.rankMsPerCandidate > 0
      ? `scoring about ${formatCount(asking.scored)} candidates by ${RANK_LABELS[rankBy].phrase} (${PROXIES[rankBy].needs === 'training' ? 'training steps on each, ' : ''}${describeDuration(asking.scoreSeconds)})`
      : '',
    asking.trained > 0 ? `training ${asking.trained} for ${epochs} epoch${epochs === 1 ? '' : 's'} each (${describeDuration(asking.trainSeconds)})` : '',
  ].filter(Boolean);
  return (
    <section
      ref={box}
      tabIndex={-1}
      className="banner banner-ask"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      data-testid="link-run-ask"
      data-seconds={Math.round(asking.seconds)}
    >
      <div className="banner-text">
        <strong id={`${id}-title`}>This link starts a search that would take {describeDuration(asking.seconds)} on this computer.</strong>
        <p id={`${id}-text`}>
          {parts.length ? `Most of it is ${parts.join(' and ')}. ` : ''}It has not started: start it now, or look at its settings first (Start search
          runs it any time).
        </p>
      </div>
      <div className="banner-actions">
        <button type="button" className="primary" data-testid="link-run-start" onClick={() => answerLinkRun(search, true)}>
          Start search
        </button>
        <button type="button" data-testid="link-run-cancel" onClick={() => answerLinkRun(search, false)}>
          Not now
        </button>
      </div>
    </section>
  );
}
