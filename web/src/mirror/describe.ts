// What the mirror badge and banner say, from a status and the current time (pure, tested in tests/web/mirror).
import { formatTime } from '../ui/format.ts';
import type { MirrorStatus } from './types.ts';

/** "12s ago", "4 min ago", "3 h ago", "2 d ago". */
export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.floor((now - then) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** The badge's middle part: the sync state in a few words. */
export function syncSummary(status: MirrorStatus, now: number): string {
  if (status.state === 'syncing') return status.last_success ? `syncing… (last ${ago(status.last_success, now)})` : 'syncing…';
  if (status.read_only) return 'remote unreachable';
  return status.last_success ? `synced ${ago(status.last_success, now)}` : 'not synced yet';
}

/** The read-only banner's text, or null while the remote answers. */
export function readOnlyBanner(status: MirrorStatus | null): string | null {
  if (!status?.enabled || !status.read_only) return null;
  const since = status.unreachable_since ?? status.last_attempt;
  const asOf = status.last_success ? formatTime(status.last_success) : 'never (no sync has completed yet)';
  return `remote unreachable${since ? ` since ${formatTime(since)}` : ''}, showing the mirror as of ${asOf}`;
}

/** Why a write that needs the remote (a promotion, a validation launch) is disabled now, or null when it is not. */
export function readOnlyReason(status: MirrorStatus | null): string | null {
  if (!status?.enabled || !status.read_only) return null;
  return `read-only: the remote MLflow at ${status.url ?? '?'} is unreachable`;
}
