// Lines of a streamed NDJSON answer as they arrive: each complete line is handed on at once, so a
// page draws the first chunk while the rest is still on the wire.
import { ApiError } from './types.ts';

/** Takes text in pieces as they arrive; calls `onLine` with every complete, non-empty line. */
export class LineSplitter {
  private pending: string[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.pending.push(text.slice(start, end));
      this.flush();
      start = end + 1;
    }
    if (start < text.length) this.pending.push(text.slice(start));
  }

  /** The answer ended: its last line may lack the newline. */
  end(): void {
    this.flush();
  }

  private flush(): void {
    const line = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    if (line) this.onLine(line);
  }
}

/**
 * Reads a response's body to its end, line by line; a connection lost halfway is an ApiError.
 * `onLine` may return a promise: the next lines wait for it (a page draws one chunk before the next).
 */
export async function readLines(response: Response, onLine: (line: string) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!response.body) throw new ApiError(response.status, 'EMPTY_ANSWER', 'the server answered without a body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const ready: string[] = [];
  const lines = new LineSplitter((line) => ready.push(line));
  const handOn = async () => {
    for (let line = ready.shift(); line !== undefined; line = ready.shift()) {
      await onLine(line);
      if (signal?.aborted) throw signal.reason;
    }
  };
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel);
  try {
    for (;;) {
      let piece: Awaited<ReturnType<typeof reader.read>>;
      try {
        piece = await reader.read();
      } catch {
        if (signal?.aborted) throw signal.reason;
        throw new ApiError(0, 'UNREACHABLE', 'the connection closed before the answer was complete');
      }
      if (signal?.aborted) throw signal.reason;
      if (piece.done) break;
      lines.push(decoder.decode(piece.value, { stream: true }));
      await handOn();
    }
    lines.push(decoder.decode());
    lines.end();
    await handOn();
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
