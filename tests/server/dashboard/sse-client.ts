// Reads a server-sent event stream with a real fetch, frame by frame, as a browser's
// EventSource would: `event:` and `data:` lines, and `:` comments (heartbeats).
import { expect } from 'vitest';

export interface Frame {
  event?: string;
  data?: string;
  comments: string[];
}

export interface EventReader {
  headers: Headers;
  /** The next frame that satisfies `match`, skipping others; fails after `timeoutMs`. */
  next(match?: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** The next `event` frame of this type, its data parsed. */
  nextEvent<T = Record<string, unknown>>(type: string, timeoutMs?: number): Promise<T>;
  close(): void;
}

function parseFrame(text: string): Frame {
  const frame: Frame = { comments: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) frame.comments.push(line.slice(1).trim());
    else if (line.startsWith('event: ')) frame.event = line.slice(7);
    else if (line.startsWith('data: ')) frame.data = frame.data === undefined ? line.slice(6) : `${frame.data}\n${line.slice(6)}`;
  }
  return frame;
}

export async function openEvents(url: string): Promise<EventReader> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal, headers: { Accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  let ended = false;
  let wake: (() => void) | undefined;
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parseFrame(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
        wake?.();
      }
    } catch {
      // aborted by close()
    }
    ended = true;
    wake?.();
  })();

  async function next(match: (f: Frame) => boolean = () => true, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = frames.findIndex(match);
      if (i >= 0) return frames.splice(0, i + 1).pop()!;
      if (ended) throw new Error('the event stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, left);
      });
    }
  }

  return {
    headers: res.headers,
    next,
    async nextEvent<T>(type: string, timeoutMs?: number) {
      const frame = await next((f) => f.event === type, timeoutMs);
      return JSON.parse(frame.data!) as T;
    },
    close: () => abort.abort(),
  };
}

/** Whether the stream ends (the server closed it). */
export async function streamEnds(reader: EventReader, timeoutMs = 10_000): Promise<boolean> {
  try {
    await reader.next(() => false, timeoutMs);
    return false;
  } catch (err) {
    return (err as Error).message === 'the event stream ended';
  }
}
