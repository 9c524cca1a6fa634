// Set, move or remove any alias of a model. Every change is confirmed first, naming what it changes.
import { useEffect, useState } from 'react';
import { deleteAlias, setAlias } from '../api/client.ts';
import type { ApiError, ModelVersion } from '../api/types.ts';
import { toApiError } from '../api/useApi.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { useMirrorReadOnly } from '../mirror/useMirror.ts';
import { aliasChange, aliasProblem, describeAliasChange, SUGGESTED_ALIASES, type AliasChange } from './aliasChange.ts';

export interface AliasEditorProps {
  model: string;
  aliases: { alias: string; version: string }[];
  versions: ModelVersion[];
  /** A change asked for elsewhere (a version row's "make production"), confirmed here. */
  requested: AliasChange | null;
  onRequestHandled: () => void;
  onChanged: () => void;
}

export function AliasEditor({ model, aliases, versions, requested, onRequestHandled, onChanged }: AliasEditorProps) {
  const [alias, setAliasName] = useState('production');
  const [version, setVersion] = useState('');
  const [pending, setPending] = useState<AliasChange | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // A mirror whose remote is away cannot promote (the remote takes the change first): no change is offered.
  const readOnly = useMirrorReadOnly();
  useEffect(() => {
    if (readOnly && requested) onRequestHandled();
  }, [readOnly, requested, onRequestHandled]);
  const shown = readOnly ? null : (requested ?? pending);
  const problem = aliasProblem(alias.trim());
  const chosenVersion = version || versions[0]?.version || '';

  const close = () => {
    setPending(null);
    onRequestHandled();
  };
  const apply = async (change: AliasChange) => {
    setBusy(true);
    setError(null);
    try {
      if (change.kind === 'remove') await deleteAlias(model, change.alias);
      else if (change.kind !== 'none') await setAlias(model, change.alias, change.to);
      close();
      onChanged();
    } catch (e) {
      setError(toApiError(e));
      close();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="alias-editor">
      {aliases.length === 0 ? (
        <p className="muted">No aliases yet.</p>
      ) : (
        <table className="kv-table alias-table">
          <tbody>
            {aliases.map((a) => (
              <tr key={a.alias} data-testid="alias" data-alias={a.alias} data-version={a.version}>
                <td>
                  <span className="badge alias-badge">@{a.alias}</span>
                </td>
                <td>version {a.version}</td>
                <td>
                  <button type="button" className="link" disabled={readOnly !== null} title={readOnly ?? undefined} data-testid={`alias-remove-${a.alias}`} onClick={() => setPending(aliasChange(aliases, a.alias, null))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="toolbar section-gap"
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem && chosenVersion) setPending(aliasChange(aliases, alias.trim(), chosenVersion));
        }}
      >
        <label>
          Alias
          <input type="text" list="alias-suggestions" value={alias} onChange={(e) => setAliasName(e.target.value)} data-testid="alias-name" size={14} />
        </label>
        <datalist id="alias-suggestions">
          {[...new Set([...SUGGESTED_ALIASES, ...aliases.map((a) => a.alias)])].map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <label>
          → version
          <select value={chosenVersion} onChange={(e) => setVersion(e.target.value)} data-testid="alias-version">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={problem !== null || !chosenVersion || readOnly !== null} title={readOnly ?? undefined} data-testid="alias-apply">
          Set alias…
        </button>
        {problem && alias !== '' && <span className="field-error">{problem}</span>}
        {readOnly && (
          <span className="field-error" data-testid="alias-read-only">
            {readOnly}
          </span>
        )}
      </form>
      {error && <ErrorBanner error={error} testId="alias-error" />}
      {shown && (
        <ConfirmDialog
          title={shown.kind === 'remove' ? 'Remove alias?' : shown.kind === 'move' ? 'Move alias?' : 'Set alias?'}
          confirmLabel={shown.kind === 'remove' ? 'Remove' : shown.kind === 'none' ? 'OK' : shown.kind === 'move' ? 'Move' : 'Set'}
          danger={shown.kind === 'remove'}
          busy={busy}
          onConfirm={() => void apply(shown)}
          onCancel={close}
        >
          <p data-testid="alias-change">{describeAliasChange(shown, model)}</p>
          {shown.kind !== 'none' && <p className="muted">Clients loading models:/{model}@{shown.alias} get the new version from now on. The change is recorded in the promotion history.</p>}
        </ConfirmDialog>
      )}
    </div>
  );
}
