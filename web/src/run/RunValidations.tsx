// The validations made with this run's weights (runs tagged pixal.source_run_id = this run).
import { listValidations } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { href, Link } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { formatTime, formatValue } from '../ui/format.ts';
import { Spinner } from '../ui/Spinner.tsx';

const HEADLINE = ['image_auroc', 'pixel_auroc', 'f1'];

export function RunValidations({ runId }: { runId: string }) {
  const { data, error, loading, reload } = useApi((signal) => listValidations({ source_run_id: runId }, signal), [runId]);
  if (error) return <ErrorBanner error={error} onRetry={reload} testId="run-validations-error" />;
  if (loading && !data) return <Spinner label="Loading validations" />;
  if (!data || data.length === 0) {
    return (
      <div className="empty" data-testid="run-validations-empty">
        Not validated yet. <Link to={href('/validate', { run: runId })}>Validate this run</Link>
      </div>
    );
  }
  return (
    <div data-testid="run-validations">
      <p>
        <Link to={href('/validations', { run: runId })} data-testid="run-validations-gallery">
          {data.length === 1 ? 'Its plots in the validation gallery' : `All ${data.length} validations in the gallery`}
        </Link>
      </p>
      <table className="kv-table">
        <thead>
          <tr>
            <th>Validation</th>
            <th>When</th>
            <th>Images</th>
            {HEADLINE.map((k) => (
              <th key={k}>{k}</th>
            ))}
            <th>Plots</th>
          </tr>
        </thead>
        <tbody>
          {data.map((v) => (
            <tr key={v.run_id} data-testid="run-validation" data-run-id={v.run_id}>
              <td>
                <Link to={`/runs/${v.run_id}`}>{v.run_name || v.run_id}</Link> <span className={`status-${v.status} muted`}>{v.status}</span>
              </td>
              <td>{formatTime(v.start_time)}</td>
              <td className="mono" title={v.input_dir ?? ''}>{v.input_dir ?? '—'}</td>
              {HEADLINE.map((k) => (
                <td key={k} className="num">
                  {v.metrics[k] === undefined ? '—' : formatValue(v.metrics[k])}
                </td>
              ))}
              <td>
                <Link to={href('/validations', { sel: v.run_id })}>{v.plots.length} plots</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
