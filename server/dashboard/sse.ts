// GET /api/pixal/events: the event bus as server-sent events (`event: run|metrics|alias|job`,
// JSON data), with a `: ping` comment every 15 s so proxies and browsers keep the stream open.
// A client that stops reading is dropped once its backlog is full; EventSource reconnects.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { DashboardEvent, EventBus } from './events.ts';

export const HEARTBEAT_MS = 15_000;
const MAX_BACKLOG = 10_000;
/** Browsers reconnect after this long when the stream ends (a restarting server, say). */
const RETRY_MS = 2_000;

export function eventStream(c: Context, bus: EventBus, heartbeatMs = HEARTBEAT_MS): Response {
  return streamSSE(c, async (stream) => {
    const backlog: DashboardEvent[] = [];
    let open = true;
    let pingDue = false;
    let wake: (() => void) | undefined;
    const nudge = () => wake?.();
    const end = () => {
      open = false;
      nudge();
    };
    const unsubscribe = bus.subscribe((event) => {
      if (backlog.length >= MAX_BACKLOG) return end();
      backlog.push(event);
      nudge();
    }, end);
    stream.onAbort(end);
    const heartbeat = setInterval(() => {
      pingDue = true;
      nudge();
    }, heartbeatMs);
    try {
      await stream.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      while (open) {
        if (backlog.length === 0 && !pingDue) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (pingDue) {
          pingDue = false;
          await stream.write(': ping\n\n');
        }
        for (const event of backlog.splice(0)) {
          if (!open) break;
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) });
        }
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  });
}
