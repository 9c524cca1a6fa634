// Every validation's plots: a gallery filterable by model or source run, any number of validations
// side by side on one plot, and a timeline per model of a validation metric over time.
import { useState } from 'react';
import { listValidations, searchModelVersions, searchRegisteredModels } from '../api/client.ts';
import type { Validation } from '../api/types.ts';
import { useApi } from '../api/useApi.ts';
import { useServerEvents } from '../live/useServerEvents.ts';
import { href, Link, setQuery, useRoute } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { Lightbox, type LightboxImage } from './Lightbox.tsx';
import { SideBySide } from './SideBySide.tsx';
import { Timeline } from './Timeline.tsx';
import { ValidationCard } from './ValidationCard.tsx';
import { defaultMetric, metricKeys, parseIds, timelinesByModel } from './validationSets.ts';
import '../ui/pages.css';
import './validations.css';
import { ModelOptions } from '../ui/ModelOptions.tsx';

const PAGE = 40;
const LIMIT = 500;

const captionOf = (v: Validation, path: string) => `${v.run_name || v.run_id} · ${path}`;

export function ValidationsPage() {
  const { query } = useRoute();
  const model = query.get('model') ?? '';
  const run = query.get('run') ?? '';
  const sel = parseIds(query.get('sel'));
  const plot = query.get('plot');
  const size = Math.min(640, Math.max(120, Number(query.get('size')) || 240));

  const models = useApi((signal) => searchRegisteredModels(undefined, signal), []);
  const versions = useApi((signal) => searchModelVersions(undefined, signal), []);
  const list = useApi((signal) => listValidations({ model: model || undefined, source_run_id: run || undefined, limit: LIMIT }, signal), [model, run]);
  useServerEvents({ job: (job) => job.status === 'FINISHED' && list.reload(), reconnect: list.reload });
  const [shown, setShown] = useState(PAGE);
  const [lightbox, setLightbox] = useState<{ images: LightboxImage[]; index: number } | null>(null);
  const [runTyped, setRunTyped] = useState(run);
  const reloadModels = () => {
    models.reload();
    versions.reload();
  };

  const validations = list.data ?? [];
  const keys = metricKeys(validations);
  const metric = query.get('metric') ?? defaultMetric(keys);
  const byId = new Map(validations.map((v) => [v.run_id, v]));
  const chosen = sel.map((id) => byId.get(id)).filter((v): v is Validation => v !== undefined);
  const missing = list.data ? sel.filter((id) => !byId.has(id)) : [];
  const toggle = (id: string) => setQuery({ sel: (sel.includes(id) ? sel.filter((s) => s !== id) : [...sel, id]).join(',') || null });
  const timelines = timelinesByModel(validations, (versions.data ?? []).filter((v) => !model || v.name === model));

  const open = (images: LightboxImage[], runId: string, path: string) =>
    setLightbox({ images, index: Math.max(0, images.findIndex((i) => i.runId === runId && i.path === path)) });
  const openInChosen = (runId: string, path: string) =>
    open(
      plot ? chosen.filter((v) => v.plots.includes(plot)).map((v) => ({ runId: v.run_id, path: plot, caption: captionOf(v, plot) })) : chosen.flatMap((v) => v.plots.map((p) => ({ runId: v.run_id, path: p, caption: captionOf(v, p) }))),
      runId,
      path,
    );
  const openInCard = (v: Validation, path: string) =>
    open(
      v.plots.map((p) => ({ runId: v.run_id, path: p, caption: captionOf(v, p) })),
      v.run_id,
      path,
    );

  return (
    <div className="page validations-page" data-testid="validations-page">
      <div className="toolbar">
        <h2>Validation history</h2>
        <label>
          Model
          <select value={model} onChange={(e) => setQuery({ model: e.target.value || null, run: null })} data-testid="filter-model">
            <ModelOptions models={models.data} placeholder="all" />
          </select>
        </label>
        <label>
          Source run
          <input
            type="text"
            className="mono"
            size={34}
            placeholder="run ID"
            value={runTyped}
            onChange={(e) => setRunTyped(e.target.value)}
            onBlur={() => setQuery({ run: runTyped.trim() || null, model: null })}
            onKeyDown={(e) => e.key === 'Enter' && setQuery({ run: runTyped.trim() || null, model: null })}
            data-testid="filter-run"
          />
        </label>
        {(model || run) && (
          <button
            type="button"
            onClick={() => {
              setRunTyped('');
              setQuery({ model: null, run: null });
            }}
          >
            Show all
          </button>
        )}
        {keys.length > 0 && (
          <label>
            Metric
            <select value={metric} onChange={(e) => setQuery({ metric: e.target.value })} data-testid="metric-choice">
              {keys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="spacer" />
        {run && <Link to={`/runs/${run}`}>source run page</Link>}
        <Link to={href('/validate', { run: run || undefined, model: model ? `models:/${model}@production` : undefined })} className="button-link">
          New validation
        </Link>
      </div>
      {list.error && <ErrorBanner error={list.error} onRetry={list.reload} testId="validations-error" />}
      {(models.error ?? versions.error) && <ErrorBanner error={(models.error ?? versions.error)!} onRetry={reloadModels} />}
      {list.loading && !list.data && <Spinner label="Loading validations" />}

      {sel.length > 0 && list.data && <SideBySide chosen={chosen} missing={missing} plot={plot} metric={metric} size={size} onToggle={toggle} onOpenPlot={openInChosen} />}

      {list.data && validations.length === 0 && (
        <div className="empty" data-testid="validations-empty">
          No validations{model ? ` of ${model}` : run ? ` of run ${run}` : ''} yet. <Link to="/validate">Validate a model</Link>.
        </div>
      )}

      {metric && timelines.length > 0 && (
        <section className="panel timelines" data-testid="timelines">
          <h3>{metric} over time, per model</h3>
          <div className="timeline-grid">
            {timelines.map((t) => (
              <div key={t.model}>
                <h4>
                  <Link to={`/models/${encodeURIComponent(t.model)}`}>{t.model}</Link> <span className="muted">({t.validations.length})</span>
                </h4>
                <Timeline timeline={t} metric={metric} />
              </div>
            ))}
          </div>
        </section>
      )}

      {validations.length > 0 && (
        <section className="gallery" data-testid="gallery">
          <h3>
            {validations.length}
            {validations.length === LIMIT ? '+' : ''} validation{validations.length === 1 ? '' : 's'}, newest first
            <span className="muted"> — tick any number to compare them side by side</span>
          </h3>
          {validations.slice(0, shown).map((v) => (
            <ValidationCard key={v.run_id} validation={v} selected={sel.includes(v.run_id)} onToggle={() => toggle(v.run_id)} onOpenPlot={(p) => openInCard(v, p)} />
          ))}
          {validations.length > shown && (
            <button type="button" onClick={() => setShown((n) => n + PAGE)} data-testid="gallery-more">
              Show {Math.min(PAGE, validations.length - shown)} more of {validations.length - shown}
            </button>
          )}
        </section>
      )}
      {lightbox && <Lightbox images={lightbox.images} index={lightbox.index} onIndex={(index) => setLightbox({ ...lightbox, index })} onClose={() => setLightbox(null)} />}
    </div>
  );
}
