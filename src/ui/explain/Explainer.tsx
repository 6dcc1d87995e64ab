/** A short note beside the thing it explains, dismissed with one click (and remembered). */
import { EXPLAINERS, type ExplainerId } from './explainers.ts';
import { dismissExplainer, restoreExplainers, useDismissed } from './dismissed.ts';
import './explain.css';

export function Explainer({ id }: { id: ExplainerId }) {
  const dismissed = useDismissed();
  if (dismissed.has(id)) return null;
  const { title, text } = EXPLAINERS[id];
  return (
    <aside className="explainer" data-testid={`explainer-${id}`} aria-label={title}>
      <p>
        <strong>{title}.</strong> {text}
      </p>
      <button type="button" className="explainer-close" aria-label={`Dismiss: ${title}`} onClick={() => dismissExplainer(id)}>
        Got it
      </button>
    </aside>
  );
}

/** Brings back every dismissed explainer. */
export function ExplainAgainButton() {
  const dismissed = useDismissed();
  if (dismissed.size === 0) return null;
  return (
    <button type="button" data-testid="explain-again" onClick={restoreExplainers} title="Show the short notes on points, budgets, score and front again">
      Explain the page
    </button>
  );
}
