// One shared EventSource on /api/pixal/events for the whole page. The browser retries a dropped stream
// by itself; when it gives up (the server answered an error while restarting) we reopen with backoff.
// After any reconnect, subscribers get `reconnect` so they can reload what they may have missed.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { AliasEvent, Job, MetricsEvent, RunEvent } from '../api/types.ts';
import type { MirrorStatus } from '../mirror/types.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface ServerEventHandlers {
  run?: (event: RunEvent) => void;
  metrics?: (event: MetricsEvent) => void;
  alias?: (event: AliasEvent) => void;
  job?: (job: Job) => void;
  mirror?: (status: MirrorStatus) => void;
  reconnect?: () => void;
}

type Kind = Exclude<keyof ServerEventHandlers, 'reconnect'>;
const KINDS: Kind[] = ['run', 'metrics', 'alias', 'job', 'mirror'];

const subscribers = new Set<{ current: ServerEventHandlers }>();
const stateListeners = new Set<() => void>();
let state: LiveState = 'connecting';
let source: EventSource | null = null;
let wasOpen = false;
let retryTimer: number | undefined;
let retryDelay = 1000;

function setState(next: LiveState): void {
  if (next === state) return;
  state = next;
  for (const listener of stateListeners) listener();
}

function dispatch(kind: Kind, data: string): void {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return; // a malformed event is dropped; the next reload corrects the view
  }
  for (const ref of subscribers) (ref.current[kind] as ((p: unknown) => void) | undefined)?.(payload);
}

function open(): void {
  if (source) return;
  const es = new EventSource('/api/pixal/events');
  source = es;
  es.onopen = () => {
    retryDelay = 1000;
    setState('live');
    if (wasOpen) for (const ref of subscribers) ref.current.reconnect?.();
    wasOpen = true;
  };
  es.onerror = () => {
    setState('reconnecting');
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    source = null;
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(open, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10_000);
  };
  for (const kind of KINDS) es.addEventListener(kind, (event) => dispatch(kind, (event as MessageEvent<string>).data));
}

function closeIfUnused(): void {
  if (subscribers.size > 0 || stateListeners.size > 0) return;
  window.clearTimeout(retryTimer);
  source?.close();
  source = null;
  wasOpen = false;
  state = 'connecting';
}

/** Calls the given handlers for server events while the component is mounted. */
export function useServerEvents(handlers: ServerEventHandlers): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    subscribers.add(ref);
    open();
    return () => {
      subscribers.delete(ref);
      closeIfUnused();
    };
  }, []);
}

function subscribeState(listener: () => void): () => void {
  stateListeners.add(listener);
  open();
  return () => {
    stateListeners.delete(listener);
    closeIfUnused();
  };
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(subscribeState, () => state);
}
