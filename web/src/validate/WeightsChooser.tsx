// Which weights to validate: a training run (typed ID checked on the server, or picked from the newest
// runs) or a registered model's alias (models:/NAME@ALIAS). The choice lives in the URL (?run= / ?model=).
import { useEffect, useState } from 'react';
import { getRun, searchRegisteredModels } from '../api/client.ts';
import { useApi } from '../api/useApi.ts';
import { ModelOptions } from '../ui/ModelOptions.tsx';
import { setQuery } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { Tabs } from '../ui/Tabs.tsx';
import { isValidationRun, runName, tagMap } from '../run/runData.ts';
import { RecentRuns } from './RecentRuns.tsx';

/** `models:/NAME@ALIAS` → [NAME, ALIAS]; anything else → undefined. */
export function parseAliasUri(uri: string): [string, string] | undefined {
  const m = /^models:\/(.+)@([^@/]+)$/.exec(uri);
  return m ? [m[1]!, m[2]!] : undefined;
}

function RunWeights({ runId, onValid }: { runId: string; onValid: (valid: boolean) => void }) {
  const [typed, setTyped] = useState(runId);
  useEffect(() => setTyped(runId), [runId]);
  const check = useApi((signal) => (runId ? getRun(runId, signal) : Promise.resolve(undefined)), [runId]);
  const valid = !!runId && !!check.data && !check.loading && !check.error;
  useEffect(() => onValid(valid), [valid, onValid]);
  const commit = () => setQuery({ run: typed.trim(), model: null }, { replace: true });
  const tags = check.data ? tagMap(check.data.data.tags) : {};
  return (
    <div className="weights-run">
      <label className="field">
        Run ID
        <input
          type="text"
          className="mono"
          size={36}
          placeholder="32-character run ID"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
          data-testid="weights-run-id"
        />
      </label>
      <div className="field-status" data-testid="weights-run-status">
        {!runId && <span className="hint">Type a run ID, or pick one of the newest training runs below.</span>}
        {runId && check.loading && <span className="hint">Checking {runId}…</span>}
        {runId && check.error && (check.error.status === 404 || check.error.code === 'RESOURCE_DOES_NOT_EXIST') && (
          <span className="field-error" data-testid="weights-run-missing">
            No such run: {runId} does not exist on this server.
          </span>
        )}
        {runId && check.error && check.error.status !== 404 && check.error.code !== 'RESOURCE_DOES_NOT_EXIST' && <ErrorBanner error={check.error} onRetry={check.reload} />}
        {valid && check.data && (
          <span className="field-ok" data-testid="weights-run-ok">
            ✓ {runName(check.data)} ({check.data.info.status})
            {isValidationRun(tags) && <span className="field-error"> — this is a validation run; choose the training run it validated</span>}
          </span>
        )}
      </div>
      <RecentRuns selected={runId} onPick={(id) => setQuery({ run: id, model: null }, { replace: true })} />
    </div>
  );
}

function AliasWeights({ modelUri, onValid }: { modelUri: string; onValid: (valid: boolean) => void }) {
  const models = useApi((signal) => searchRegisteredModels(undefined, signal), []);
  const [name, alias] = parseAliasUri(modelUri) ?? ['', ''];
  const chosen = models.data?.find((m) => m.name === name);
  const aliases = chosen?.aliases ?? [];
  const target = aliases.find((a) => a.alias === alias);
  const valid = !!target;
  useEffect(() => onValid(valid), [valid, onValid]);
  const choose = (model: string, a: string) => setQuery({ model: model ? `models:/${model}@${a}` : null, run: null }, { replace: true });
  return (
    <div className="weights-alias toolbar">
      {models.error && <ErrorBanner error={models.error} onRetry={models.reload} />}
      <label>
        Model
        <select
          value={name}
          onChange={(e) => {
            const m = models.data?.find((x) => x.name === e.target.value);
            const first = m?.aliases?.find((a) => a.alias === 'production') ?? m?.aliases?.[0];
            choose(e.target.value, first?.alias ?? '');
          }}
          data-testid="weights-model"
        >
          <ModelOptions models={models.data} placeholder={models.data ? (models.data.length === 0 ? 'no registered models' : 'choose…') : 'loading…'} />
        </select>
      </label>
      <label>
        Alias
        <select value={alias} onChange={(e) => choose(name, e.target.value)} disabled={!chosen} data-testid="weights-alias">
          <option value="">{chosen && aliases.length === 0 ? 'no aliases' : 'choose…'}</option>
          {aliases.map((a) => (
            <option key={a.alias} value={a.alias}>
              @{a.alias} (v{a.version})
            </option>
          ))}
        </select>
      </label>
      {target && (
        <span className="field-ok" data-testid="weights-alias-ok">
          models:/{name}@{alias} → version {target.version}
        </span>
      )}
      {models.data && name && !chosen && <span className="field-error">No registered model named {name}.</span>}
      {chosen && alias && !target && <span className="field-error">{name} has no alias @{alias}.</span>}
    </div>
  );
}

export type WeightsMode = 'run' | 'alias';

export function WeightsChooser(props: { mode: WeightsMode; onMode: (mode: WeightsMode) => void; runId: string; modelUri: string; onValid: (valid: boolean) => void }) {
  return (
    <div data-testid="weights">
      <Tabs
        tabs={[
          { id: 'run', label: 'By run ID' },
          { id: 'alias', label: 'By model alias' },
        ]}
        active={props.mode}
        onChange={(id) => props.onMode(id as WeightsMode)}
        testId="weights-mode"
      />
      {props.mode === 'run' ? <RunWeights runId={props.runId} onValid={props.onValid} /> : <AliasWeights modelUri={props.modelUri} onValid={props.onValid} />}
    </div>
  );
}
