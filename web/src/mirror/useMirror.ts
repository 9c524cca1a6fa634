// The mirror's status, shared by every component of the page: loaded once from GET /api/pixal/mirror,
// then kept current by the `mirror` server event (and reloaded after the event stream reconnects).
import { useEffect, useState, useSyncExternalStore } from 'react';
import { call } from '../api/client.ts';
import { useServerEvents } from '../live/useServerEvents.ts';
import { readOnlyReason } from './describe.ts';
import type { MirrorStatus } from './types.ts';

let status: MirrorStatus | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

function set(next: MirrorStatus): void {
  status = next;
  for (const listener of listeners) listener();
}

function load(): Promise<void> {
  loading ??= call<MirrorStatus>('/api/pixal/mirror')
    .then(set, () => undefined) // the header shows an unreachable server already; the next event corrects this
    .finally(() => (loading = null));
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (status === null) void load();
  return () => listeners.delete(listener);
}

/** The current status; null until the first answer. */
export function useMirrorStatus(): MirrorStatus | null {
  useServerEvents({ mirror: set, reconnect: () => void load() });
  return useSyncExternalStore(subscribe, () => status);
}

/** Why writes that need the remote are disabled now (the remote is unreachable), or null. */
export function useMirrorReadOnly(): string | null {
  return readOnlyReason(useMirrorStatus());
}

/** Starts (or joins) a sync pass; the status it answers shows at once. */
export async function syncNow(): Promise<void> {
  set((await call<{ status: MirrorStatus }>('/api/pixal/mirror/sync', { method: 'POST', body: {} })).status);
}

/** The current time, re-read every `everyMs` while mounted (for "synced 12s ago"). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
