// A short, searchable list of the newest training runs, to pick weights without copying an ID.
import { useEffect, useState } from 'react';
import { searchExperiments } from '../api/client.ts';
import { searchRuns } from '../api/searchRuns.ts';
import { useApi } from '../api/useApi.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { formatTime } from '../ui/format.ts';
import { Spinner } from '../ui/Spinner.tsx';
import { runName } from '../run/runData.ts';

const SHOWN = 20;

/** MLflow filter: training runs whose name contains `text` (LIKE has no escape, so % and _ match loosely). */
function filterFor(text: string): string {
  const base = "tags.`pixal.kind` = 'training'";
  const needle = text.trim().replace(/'/g, '');
  return needle ? `${base} and attributes.run_name ILIKE '%${needle}%'` : base;
}

export function RecentRuns({ selected, onPick }: { selected: string; onPick: (runId: string) => void }) {
  const [text, setText] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(text), 250);
    return () => window.clearTimeout(timer);
  }, [text]);
  const { data, error, loading, reload } = useApi(async (signal) => {
    const experiments = await searchExperiments('ACTIVE_ONLY', signal);
    return searchRuns(
      { experiment_ids: experiments.map((e) => e.experiment_id), filter: filterFor(debounced), order_by: ['attributes.start_time DESC'], max_results: SHOWN },
      signal,
    );
  }, [debounced]);
  return (
    <div className="recent-runs" data-testid="recent-runs">
      <input type="search" size={40} placeholder="Search training runs by name" value={text} onChange={(e) => setText(e.target.value)} data-testid="recent-runs-search" />
      {error && <ErrorBanner error={error} onRetry={reload} />}
      {loading && !data && <Spinner label="Loading recent runs" />}
      {data && data.length === 0 && <div className="empty">{debounced ? `No training run named like "${debounced}".` : 'No training runs yet.'}</div>}
      {data && data.length > 0 && (
        <ul className="plain-list pick-list">
          {data.map((run) => (
            <li key={run.info.run_id}>
              <button
                type="button"
                className={`pick-row${run.info.run_id === selected ? ' selected' : ''}`}
                data-testid="recent-run"
                data-run-id={run.info.run_id}
                onClick={() => onPick(run.info.run_id)}
              >
                <span className="pick-name">{runName(run)}</span>
                <span className={`status-${run.info.status}`}>{run.info.status}</span>
                <span className="muted">{formatTime(run.info.start_time)}</span>
                <code className="muted">{run.info.run_id.slice(0, 8)}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
