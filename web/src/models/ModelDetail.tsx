// One registered model: its versions with their source runs and validation metrics, its aliases
// (set / move / remove with confirmation), and its promotion history. Alias events refresh it live.
import { useCallback, useState } from 'react';
import { getRegisteredModel, listPromotions, searchModelVersions } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { useServerEvents } from '../live/useServerEvents.ts';
import { href, Link } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { aliasChange, type AliasChange } from './aliasChange.ts';
import { AliasEditor } from './AliasEditor.tsx';
import { PromotionHistory } from './PromotionHistory.tsx';
import { fetchRuns } from './sourceRuns.ts';
import { VersionsTable } from './VersionsTable.tsx';

/** A filter string literal for MLflow's search (single quotes, the quote itself escaped). */
const quoted = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function ModelDetail({ name }: { name: string }) {
  const model = useApi((signal) => getRegisteredModel(name, signal), [name]);
  const versions = useApi(
    async (signal) => (await searchModelVersions(`name = ${quoted(name)}`, signal)).sort((a, b) => Number(b.version) - Number(a.version)),
    [name],
  );
  const runIds = (versions.data ?? []).map((v) => v.run_id ?? '').join(',');
  const runs = useApi((signal) => fetchRuns(runIds.split(','), signal), [runIds]);
  const promotions = useApi((signal) => listPromotions(name, signal), [name]);
  const [requested, setRequested] = useState<AliasChange | null>(null);

  const reloadAll = useCallback(() => {
    model.reload();
    versions.reload();
    promotions.reload();
  }, [model.reload, versions.reload, promotions.reload]);
  useServerEvents({ alias: (e) => e.model === name && reloadAll(), reconnect: reloadAll });

  if (model.error && !model.data) {
    if (model.error.status === 404 || model.error.code === 'RESOURCE_DOES_NOT_EXIST') {
      return (
        <div className="page" data-testid="model-not-found">
          <h2>Model {name} does not exist</h2>
          <p className="muted">
            {model.error.message} See the <Link to="/models">registered models</Link>.
          </p>
        </div>
      );
    }
    return (
      <div className="page">
        <ErrorBanner error={model.error} onRetry={reloadAll} />
      </div>
    );
  }
  if (!model.data) return <Spinner label={`Loading model ${name}`} />;

  const aliases = model.data.aliases ?? [];
  const productionVersion = aliases.find((a) => a.alias === 'production')?.version;
  const production = versions.data?.find((v) => v.version === productionVersion);

  return (
    <div className="page" data-testid="model-page" data-name={name}>
      <div className="toolbar">
        <h2>
          <Link to="/models">Models</Link> / {name}
        </h2>
        <span className="spacer" />
        {productionVersion && (
          <Link to={href('/validate', { model: `models:/${name}@production` })} className="button-link">
            Validate @production
          </Link>
        )}
        <Link to={href('/validations', { model: name })} className="button-link">
          Validation history
        </Link>
      </div>
      {model.data.description && <p>{model.data.description}</p>}

      <section className="panel model-section">
        <h3>Versions</h3>
        {versions.error && <ErrorBanner error={versions.error} onRetry={versions.reload} />}
        {runs.error && <ErrorBanner error={runs.error} onRetry={runs.reload} />}
        {!versions.data && !versions.error && <Spinner label="Loading versions" />}
        {versions.data && versions.data.length === 0 && <div className="empty">No versions registered.</div>}
        {versions.data && versions.data.length > 0 && (
          <VersionsTable versions={versions.data} aliases={aliases} runs={runs.data} production={production} onPromote={(v) => setRequested(aliasChange(aliases, 'production', v))} />
        )}
      </section>

      <div className="model-grid">
        <section className="panel model-section">
          <h3>Aliases</h3>
          <AliasEditor
            model={name}
            aliases={aliases}
            versions={versions.data ?? []}
            requested={requested}
            onRequestHandled={() => setRequested(null)}
            onChanged={reloadAll}
          />
        </section>
        <section className="panel model-section">
          <h3>Promotion history</h3>
          {promotions.error && <ErrorBanner error={promotions.error} onRetry={promotions.reload} />}
          {!promotions.data && !promotions.error && <Spinner label="Loading history" />}
          {promotions.data && <PromotionHistory events={promotions.data} />}
        </section>
      </div>
    </div>
  );
}
