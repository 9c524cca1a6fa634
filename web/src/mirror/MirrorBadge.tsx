// The header's mirror badge ("Mirror of URL · synced 12s ago · Sync now") and, while the remote is
// unreachable, the read-only banner under the header. Both render nothing when the server mirrors nothing.
import { useState } from 'react';
import { toApiError } from '../api/useApi.ts';
import { ago, readOnlyBanner, syncSummary } from './describe.ts';
import { syncNow, useMirrorStatus, useNow } from './useMirror.ts';
import './mirror.css';

export function MirrorBadge() {
  const status = useMirrorStatus();
  const now = useNow(1000);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!status?.enabled) return null;
  const sync = async () => {
    setBusy(true);
    setError(null);
    try {
      await syncNow();
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  const title = [
    status.last_attempt ? `last attempt ${ago(status.last_attempt, now)}` : '',
    status.last_error ? `last error: ${status.last_error}` : '',
    status.last_pass ? `last pass: ${status.last_pass.runs_changed} runs, ${status.last_pass.points_added} points, ${status.last_pass.requests} requests` : '',
    error ? `sync failed: ${error}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span className={`mirror-badge mirror-${status.state}`} data-testid="mirror-badge" data-state={status.state} data-read-only={status.read_only} title={title}>
      <span>
        Mirror of <span data-testid="mirror-url">{status.url}</span>
      </span>
      <span className="mirror-sep">·</span>
      <span data-testid="mirror-synced">{syncSummary(status, now)}</span>
      <span className="mirror-sep">·</span>
      <button type="button" className="link mirror-sync" disabled={busy || status.state === 'syncing'} onClick={() => void sync()} data-testid="mirror-sync">
        Sync now
      </button>
    </span>
  );
}

export function MirrorBanner() {
  const text = readOnlyBanner(useMirrorStatus());
  if (!text) return null;
  return (
    <div className="mirror-banner" role="status" data-testid="mirror-read-only">
      {text}. Promotions and validation launches need the remote and are disabled until it is back.
    </div>
  );
}
