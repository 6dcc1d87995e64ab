/**
 * What the last import did: refused (with every problem, nothing changed) or shown (with any warnings); for shard
 * files, where each shard stands (a search still running on a cluster: which shards are done, which missing).
 */
import type { ShardProgress } from '../../core/files/shard-file.ts';
import { useImportStatus } from './run-actions.ts';
import './exchange.css';

export function ImportBanner() {
  const status = useImportStatus((s) => s.status);
  const clear = useImportStatus((s) => s.set);
  if (!status || (status.kind === 'imported' && status.warnings.length === 0 && !status.shards)) return null;
  const refused = status.kind === 'refused';
  const list = refused ? status.problems : status.warnings;
  return (
    <div className={refused ? 'banner banner-error' : 'banner banner-warn'} role={refused ? 'alert' : 'status'} data-testid="import-banner">
      <div className="banner-text">
        <strong>
          {refused
            ? status.shards
              ? `${status.fileName} do not make a whole run yet; nothing changed.`
              : `${status.fileName} was not imported; nothing changed.`
            : status.shards
              ? `${status.fileName} merged into one run of ${status.count} candidates.`
              : `${status.fileName} was imported with warnings.`}
        </strong>
        {list.length ? (
          <ul>
            {list.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        ) : null}
        {status.shards ? <ShardTable progress={status.shards} /> : null}
      </div>
      <button type="button" onClick={() => clear(null)} aria-label="Dismiss the import message">
        Dismiss
      </button>
    </div>
  );
}

/** One row per shard given, one per shard missing, for each phase. */
function ShardTable({ progress }: { progress: readonly ShardProgress[] }) {
  return (
    <table className="shard-table" data-testid="shard-table">
      <thead>
        <tr>
          <th scope="col">Shard</th>
          <th scope="col">File</th>
          <th scope="col">Costed</th>
          <th scope="col">Scored / trained</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {progress.flatMap((p) => [
          ...p.shards.map((s) => (
            <tr key={`${p.phase}-${s.shard}-${s.name}`} data-testid="shard-row" data-state={s.done ? 'done' : 'running'}>
              <td>
                {p.phase} {s.shard}
              </td>
              <td>{s.name}</td>
              <td>{p.phase === 'search' ? s.costed : '—'}</td>
              <td>
                {p.phase === 'search' ? `${s.evaluated} scored` : `${s.evaluated} of ${s.owned} trained`}
              </td>
              <td>{s.done ? 'done' : s.torn ? 'running (last line cut off)' : 'running or stopped'}</td>
            </tr>
          )),
          ...p.missing.map((i) => (
            <tr key={`${p.phase}-missing-${i}`} data-testid="shard-row" data-state="missing">
              <td>
                {p.phase} {i}/{p.count}
              </td>
              <td colSpan={3}>not given</td>
              <td>missing</td>
            </tr>
          )),
        ])}
      </tbody>
    </table>
  );
}
