// The run's latest metric values, each with a sparkline of its history and a link to the compare view.
import { metricHistories } from '../api/client.ts';
import type { Metric } from '../api/types.ts';
import { useApi } from '../api/useApi.ts';
import { href, Link } from '../router.ts';
import { formatValue } from '../ui/format.ts';
import { Sparkline } from '../ui/Sparkline.tsx';

/** The histories endpoint takes at most this many keys per call. */
const MAX_SPARKLINES = 50;

export function RunMetrics({ runId, metrics }: { runId: string; metrics: Metric[] }) {
  const sorted = [...metrics].sort((a, b) => a.key.localeCompare(b.key));
  const keys = sorted.slice(0, MAX_SPARKLINES).map((m) => m.key);
  const histories = useApi(
    (signal) => (keys.length === 0 ? Promise.resolve([]) : metricHistories({ run_ids: [runId], metric_keys: keys, max_points: 80 }, signal)),
    [runId, keys.join('\u0000')],
  );
  if (sorted.length === 0) return <div className="empty">No metrics logged.</div>;
  const series = new Map((histories.data ?? []).map((s) => [s.key, s]));
  return (
    <table className="kv-table" data-testid="run-metrics">
      <thead>
        <tr>
          <th>Metric</th>
          <th>Latest</th>
          <th>Step</th>
          <th>History</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((m) => {
          const s = series.get(m.key);
          return (
            <tr key={m.key} data-testid="run-metric" data-key={m.key}>
              <td className="mono">{m.key}</td>
              <td className="num">{formatValue(m.value)}</td>
              <td className="num muted">{m.step}</td>
              <td>
                <Link to={href('/compare', { runs: runId, metrics: m.key })} title="open in the compare view" className="spark-link">
                  {s && s.points.length > 1 ? <Sparkline points={s.points} /> : <span className="muted">{s ? '1 point' : histories.error ? 'chart' : ''}</span>}
                  {s && <span className="muted"> {s.total_points} pts</span>}
                </Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
