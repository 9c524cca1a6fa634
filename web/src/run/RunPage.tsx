// One run: what it was (params, metrics, tags, where it ran), what it made (artifacts), and how it
// was validated, with links to its source run, its validations and a new validation.
import { useCallback, useMemo, useRef } from 'react';
import { getRun, searchExperiments } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { isTileMetric, tileLayout, tileMetric } from '../data/tiles.ts';
import { useServerEvents } from '../live/useServerEvents.ts';
import { href, Link, useRoute } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { formatDuration, formatTime } from '../ui/format.ts';
import { Spinner } from '../ui/Spinner.tsx';
import { ArtifactBrowser } from './ArtifactBrowser.tsx';
import { KeyValueTable } from './KeyValueTable.tsx';
import { RunMetrics } from './RunMetrics.tsx';
import { RunValidations } from './RunValidations.tsx';
import { TileView } from './TileView.tsx';
import { isValidationRun, runName, SYSTEM_TAGS, tagMap } from './runData.ts';
import '../ui/pages.css';
import './run.css';

/** Live metric points arrive in bursts while a run trains; reload at most this often. */
const LIVE_RELOAD_MS = 2000;

export function RunPage({ runId }: { runId: string }) {
  const { query } = useRoute();
  const { data: run, error, loading, reload } = useApi((signal) => getRun(runId, signal), [runId]);
  const experiments = useApi((signal) => searchExperiments('ALL', signal), []);
  const lastReload = useRef(0);
  const liveReload = useCallback(() => {
    if (Date.now() - lastReload.current < LIVE_RELOAD_MS) return;
    lastReload.current = Date.now();
    reload();
  }, [reload]);
  const tiles = useMemo(() => {
    const layout = run && tileLayout((run.data.metrics ?? []).map((m) => m.key), tagMap(run.data.tags)['pixal.tile_grid']);
    const metric = layout && tileMetric(layout);
    return layout && metric ? { layout, metric } : undefined;
  }, [run]);
  useServerEvents({
    run: (e) => e.run_id === runId && liveReload(),
    metrics: (e) => e.run_id === runId && liveReload(),
    reconnect: reload,
  });

  if (error && !run) {
    if (error.status === 404 || error.code === 'RESOURCE_DOES_NOT_EXIST') {
      return (
        <div className="page" data-testid="run-not-found">
          <h2>Run {runId} does not exist</h2>
          <p className="muted">The server has no run with this ID ({error.message}). Check the ID, or find the run in the <Link to="/runs">runs table</Link>.</p>
        </div>
      );
    }
    return (
      <div className="page">
        <ErrorBanner error={error} onRetry={reload} testId="run-error" />
      </div>
    );
  }
  if (loading && !run) return <Spinner label={`Loading run ${runId}`} />;
  if (!run) return null;

  const tags = tagMap(run.data.tags);
  const validation = isValidationRun(tags);
  const sourceRunId = tags['pixal.source_run_id'];
  const parentRunId = tags['mlflow.parentRunId'];
  const experiment = experiments.data?.find((e) => e.experiment_id === run.info.experiment_id);
  const systemKeys = new Set(SYSTEM_TAGS.map((t) => t.key));
  const system = SYSTEM_TAGS.filter((t) => tags[t.key] !== undefined);
  const userTags = Object.entries(tags)
    .filter(([k]) => !systemKeys.has(k) && k !== 'mlflow.runName')
    .sort(([a], [b]) => a.localeCompare(b));
  // A tiled run's per-tile curves live in the tile view; listing them here would bury the aggregate.
  const metrics = (run.data.metrics ?? []).filter((m) => !isTileMetric(m.key));
  const tileMetricCount = (run.data.metrics?.length ?? 0) - metrics.length;
  const params = (run.data.params ?? []).map((p) => [p.key, p.value] as [string, string]).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div className="page run-page" data-testid="run-page" data-run-id={runId}>
      <div className="run-header">
        <div>
          <h2 data-testid="run-name">{runName(run)}</h2>
          <div className="run-facts muted">
            <span className={`status-${run.info.status}`} data-testid="run-status">
              {run.info.status}
            </span>
            <span>
              experiment <Link to={href('/runs', { exp: run.info.experiment_id })}>{experiment?.name ?? run.info.experiment_id}</Link>
            </span>
            <span>started {formatTime(run.info.start_time)}</span>
            <span>{formatDuration(run.info.start_time, run.info.end_time)}</span>
            <code>{runId}</code>
            {run.info.lifecycle_stage === 'deleted' && <span className="badge">deleted</span>}
          </div>
          {(validation || parentRunId) && (
            <div className="run-links">
              {validation && sourceRunId && (
                <span data-testid="run-source">
                  Validation of{' '}
                  <Link to={`/runs/${sourceRunId}`} data-testid="run-source-link">
                    source run {sourceRunId.slice(0, 8)}
                  </Link>
                  {tags['pixal.model_uri'] && <> with <code>{tags['pixal.model_uri']}</code></>}
                  {' · '}
                  <Link to={href('/validations', { sel: runId })}>plots in the gallery</Link>
                </span>
              )}
              {parentRunId && (
                <span>
                  Part of <Link to={`/runs/${parentRunId}`}>parent run {parentRunId.slice(0, 8)}</Link>
                </span>
              )}
            </div>
          )}
        </div>
        <span className="spacer" />
        <div className="toolbar">
          {!validation && (
            <Link to={href('/validate', { run: runId })} className="button-link primary" data-testid="run-validate">
              Validate this run
            </Link>
          )}
          <Link to={href('/compare', { runs: runId })} className="button-link">
            Compare
          </Link>
        </div>
      </div>
      {error && <ErrorBanner error={error} onRetry={reload} />}

      <div className="run-grid">
        <section className="panel run-section">
          <h3>Parameters ({params.length})</h3>
          <KeyValueTable entries={params} testId="run-params" empty="No parameters logged." />
        </section>
        <section className="panel run-section">
          <h3>Metrics ({metrics.length})</h3>
          <RunMetrics runId={runId} metrics={metrics} />
          {tileMetricCount > 0 && <p className="muted">and {tileMetricCount} per-tile metrics, shown under Tiles.</p>}
        </section>
        <section className="panel run-section">
          <h3>System</h3>
          {system.length === 0 ? (
            <div className="empty">No system information recorded.</div>
          ) : (
            <table className="kv-table" data-testid="run-system">
              <tbody>
                {system.map((t) => (
                  <tr key={t.key} data-key={t.key}>
                    <td className="kv-key">{t.label}</td>
                    <td className="kv-value mono">{tags[t.key]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {(run.inputs?.dataset_inputs?.length ?? 0) > 0 && (
            <>
              <h3>Datasets</h3>
              <ul className="plain-list">
                {run.inputs!.dataset_inputs!.map((d, i) => (
                  <li key={i}>
                    {d.dataset.name} <code className="muted">{d.dataset.digest}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section className="panel run-section">
          <h3>Tags ({userTags.length})</h3>
          <KeyValueTable entries={userTags} testId="run-tags" empty="No tags." />
        </section>
      </div>

      {tiles && (
        <section className="panel run-section" data-testid="run-tiles">
          <h3>
            Tiles ({tiles.layout.rows}×{tiles.layout.cols}
            {tags['pixal.tiling'] ? `, ${tags['pixal.tiling'].replace('_', ' ')}` : ''})
          </h3>
          <TileView runId={runId} layout={tiles.layout} metric={tiles.metric} metrics={run.data.metrics ?? []} />
        </section>
      )}

      <section className="run-section">
        <h3>Artifacts</h3>
        <ArtifactBrowser runId={runId} selected={query.get('artifact')} />
      </section>

      {!validation && (
        <section className="panel run-section">
          <h3>Validations</h3>
          <RunValidations runId={runId} />
        </section>
      )}
    </div>
  );
}
