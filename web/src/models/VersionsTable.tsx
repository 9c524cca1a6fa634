// A model's versions, newest first: source run, aliases, the validation metrics of the source run,
// and the shortcuts (promote to production, compare with production).
import type { ApiError, ModelVersion, Run } from '../api/types.ts';
import { href, Link } from '../router.ts';
import { formatTime, formatValue } from '../ui/format.ts';
import { runName } from '../run/runData.ts';
import { useMirrorReadOnly } from '../mirror/useMirror.ts';
import { validationMetrics } from './sourceRuns.ts';
import { PREFERRED_METRICS } from '../validations/validationSets.ts';

const MAX_METRIC_COLUMNS = 6;

export interface VersionsTableProps {
  versions: ModelVersion[];
  /** The model's aliases (a version search does not return them). */
  aliases: { alias: string; version: string }[];
  runs: Map<string, Run | ApiError> | undefined;
  /** The version @production points at, if any. */
  production: ModelVersion | undefined;
  onPromote: (version: string) => void;
}

export function VersionsTable({ versions, aliases, runs, production, onPromote }: VersionsTableProps) {
  const readOnly = useMirrorReadOnly();
  const metricsByVersion = new Map(versions.map((v) => [v.version, validationMetrics(runs?.get(v.run_id ?? ''))]));
  const keys = new Set([...metricsByVersion.values()].flatMap((m) => Object.keys(m)));
  const columns = [...PREFERRED_METRICS.filter((k) => keys.has(k)), ...[...keys].filter((k) => !PREFERRED_METRICS.includes(k)).sort()].slice(0, MAX_METRIC_COLUMNS);
  return (
    <table className="kv-table" data-testid="versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>Aliases</th>
          <th>Source run</th>
          <th>Registered</th>
          {columns.map((k) => (
            <th key={k} className="num" title={`validation.${k} on the source run`}>
              {k}
            </th>
          ))}
          <th />
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => {
          const run = runs?.get(v.run_id ?? '');
          const metrics = metricsByVersion.get(v.version) ?? {};
          const isProduction = production?.version === v.version;
          return (
            <tr key={v.version} data-testid="version" data-version={v.version}>
              <td>
                <strong>v{v.version}</strong> {v.current_stage && v.current_stage !== 'None' && <span className="muted">{v.current_stage}</span>}
              </td>
              <td>
                {aliases
                  .filter((a) => a.version === v.version)
                  .map((a) => (
                    <span key={a.alias} className="badge alias-badge" data-testid="version-alias">
                      @{a.alias}
                    </span>
                  ))}
              </td>
              <td>
                {v.run_id ? (
                  <>
                    <Link to={`/runs/${v.run_id}`} data-testid="version-source-run">
                      {run && 'info' in run ? runName(run) : v.run_id.slice(0, 8)}
                    </Link>
                    {run && !('info' in run) && <span className="field-error"> {run.status === 404 ? 'run deleted' : run.message}</span>}
                  </>
                ) : (
                  <span className="muted">{v.source}</span>
                )}
              </td>
              <td>{formatTime(v.creation_timestamp)}</td>
              {columns.map((k) => (
                <td key={k} className="num">
                  {metrics[k] === undefined ? '—' : formatValue(metrics[k])}
                </td>
              ))}
              <td>
                <div className="row-actions">
                  {!isProduction && (
                    <button type="button" data-testid={`promote-${v.version}`} disabled={readOnly !== null} title={readOnly ?? undefined} onClick={() => onPromote(v.version)}>
                      Make production…
                    </button>
                  )}
                  {production && !isProduction && production.run_id && v.run_id && (
                    <Link to={href('/compare', { runs: `${v.run_id},${production.run_id}` })} className="button-link" data-testid={`compare-production-${v.version}`}>
                      Compare with production
                    </Link>
                  )}
                  {v.run_id && (
                    <Link to={href('/validations', { run: v.run_id })} className="button-link">
                      Validations
                    </Link>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
