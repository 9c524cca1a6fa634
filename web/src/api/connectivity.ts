// Whether the last calls reached the server; the header shows "server unreachable — retrying" from this.
import { useSyncExternalStore } from 'react';

let unreachableSince: number | null = null;
const listeners = new Set<() => void>();

export function markReachable(reachable: boolean): void {
  const next = reachable ? null : (unreachableSince ?? Date.now());
  if (next === unreachableSince) return;
  unreachableSince = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Milliseconds-since-epoch when calls started failing to connect, or null while the server answers. */
export function useUnreachableSince(): number | null {
  return useSyncExternalStore(subscribe, () => unreachableSince);
}
