/** What the last import did: refused (with every problem, nothing changed) or shown (with any warnings). */
import { useImportStatus } from './run-actions.ts';
import './exchange.css';

export function ImportBanner() {
  const status = useImportStatus((s) => s.status);
  const clear = useImportStatus((s) => s.set);
  if (!status || (status.kind === 'imported' && status.warnings.length === 0)) return null;
  const refused = status.kind === 'refused';
  return (
    <div className={refused ? 'banner banner-error' : 'banner banner-warn'} role={refused ? 'alert' : 'status'} data-testid="import-banner">
      <div className="banner-text">
        <strong>{refused ? `${status.fileName} was not imported; nothing changed.` : `${status.fileName} was imported with warnings.`}</strong>
        <ul>
          {(refused ? status.problems : status.warnings).map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={() => clear(null)} aria-label="Dismiss the import message">
        Dismiss
      </button>
    </div>
  );
}
