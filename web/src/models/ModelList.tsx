// Every registered model with its aliases and newest version; live alias changes refresh the list.
import { useState } from 'react';
import { searchRegisteredModels } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useServerEvents } from '../live/useServerEvents.ts';
import { Link } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { formatTime } from '../ui/format.ts';
import { Spinner } from '../ui/Spinner.tsx';

export function ModelList() {
  const { data, error, loading, reload } = useApi((signal) => searchRegisteredModels(undefined, signal), []);
  const [filter, setFilter] = useState('');
  useServerEvents({ alias: reload, reconnect: reload });
  const needle = filter.trim().toLowerCase();
  const models = (data ?? []).filter((m) => !needle || m.name.toLowerCase().includes(needle));
  return (
    <div className="page" data-testid="models-page">
      <div className="toolbar">
        <h2>Registered models</h2>
        <span className="spacer" />
        <input type="search" placeholder="Filter by name" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="models-filter" />
      </div>
      {error && <ErrorBanner error={error} onRetry={reload} />}
      {loading && !data && <Spinner label="Loading models" />}
      {data && data.length === 0 && (
        <div className="empty" data-testid="models-empty">
          No registered models yet. Register a run's model with <code>pixal register --run RUN_ID --name NAME</code>.
        </div>
      )}
      {models.length > 0 && (
        <table className="kv-table" data-testid="models-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Aliases</th>
              <th>Latest version</th>
              <th>Updated</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => {
              const latest = Math.max(0, ...(m.latest_versions ?? []).map((v) => Number(v.version)));
              return (
                <tr key={m.name} data-testid="model-row" data-name={m.name}>
                  <td>
                    <Link to={`/models/${encodeURIComponent(m.name)}`} data-testid="model-link">
                      {m.name}
                    </Link>
                  </td>
                  <td>
                    {(m.aliases ?? []).map((a) => (
                      <span key={a.alias} className="badge alias-badge">
                        @{a.alias} → v{a.version}
                      </span>
                    ))}
                  </td>
                  <td>{latest > 0 ? `v${latest}` : '—'}</td>
                  <td>{formatTime(m.last_updated_timestamp ?? m.creation_timestamp)}</td>
                  <td className="muted">{m.description ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
