// Streamed NDJSON: lines come out whole however the bytes were cut, in order, one at a time when the
// reader waits for each; a connection lost halfway is an ApiError.
import { describe, expect, it } from 'vitest';
import { LineSplitter, readLines } from '../../../web/src/api/ndjson.ts';
import { ApiError } from '../../../web/src/api/types.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A response whose body arrives in the given pieces, then ends (or fails). */
function streamed(pieces: Uint8Array[], fail = false): Response {
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < pieces.length) controller.enqueue(pieces[i++]!);
        else if (fail) controller.error(new TypeError('network error'));
        else controller.close();
      },
    }),
  );
}

describe('LineSplitter', () => {
  it('joins lines cut across pieces and skips empty ones', () => {
    const lines: string[] = [];
    const split = new LineSplitter((line) => lines.push(line));
    for (const piece of ['{"a":', '1}\n{"b"', ':2}\n\n', '{"c":3}\n{"d":4}']) split.push(piece);
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    split.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}']);
  });
});

describe('readLines', () => {
  it('decodes characters whose bytes are cut between pieces', async () => {
    const text = bytes('{"name":"Größe µm"}\n{"name":"∅"}\n');
    const pieces = [text.slice(0, 12), text.slice(12, 13), text.slice(13, 26), text.slice(26)];
    const lines: string[] = [];
    await readLines(streamed(pieces), (line) => void lines.push(line));
    expect(lines.map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(['Größe µm', '∅']);
  });

  it('hands on the next line only after the last one was dealt with', async () => {
    const events: string[] = [];
    await readLines(streamed([bytes('1\n2\n3\n')]), async (line) => {
      events.push(`start ${line}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${line}`);
    });
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('turns a connection lost halfway into an ApiError after the lines that arrived', async () => {
    const lines: string[] = [];
    const read = readLines(streamed([bytes('{"a":1}\n{"b"')], true), (line) => void lines.push(line));
    await expect(read).rejects.toThrow(ApiError);
    await expect(read).rejects.toMatchObject({ status: 0, code: 'UNREACHABLE' });
    expect(lines).toEqual(['{"a":1}']);
  });

  it('stops when its signal aborts', async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    const read = readLines(streamed([bytes('1\n'), bytes('2\n'), bytes('3\n')]), (line) => {
      lines.push(line);
      if (line === '1') abort.abort(new Error('left the page'));
    }, abort.signal);
    await expect(read).rejects.toThrow('left the page');
    expect(lines).toEqual(['1']);
  });
});
