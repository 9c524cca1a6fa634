import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createTerminalReporter } from '../../../trainer/cli/progress.ts';

/** A stream that records what is written to it, posing as a terminal or not. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  const chunks: string[] = [];
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  Object.assign(s, { isTTY, columns: 120, rows: 40, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, text: () => chunks.join('') });
  return s;
}

describe('createTerminalReporter', () => {
  it('prints one line per finished step when the stream is not a terminal', () => {
    const out = stream(false);
    const reporter = createTerminalReporter({ stream: out });
    const step = reporter.step('front: remove_bg', 4);
    step.progress(1, 4);
    step.progress(4, 4);
    reporter.warn('front: skipped broken.jpg at remove_bg: cannot read image');
    step.end('3 of 4 images, 1 skipped');
    reporter.close();
    expect(out.text()).toMatch(/^warning: front: skipped broken\.jpg at remove_bg: cannot read image\nfront: remove_bg: 3 of 4 images, 1 skipped \(\d+\.\d s\)\n$/);
  });

  it('draws a bar with its count and ETA on a terminal', () => {
    const out = stream(true);
    const reporter = createTerminalReporter({ stream: out });
    const step = reporter.step('back: align', 3);
    step.progress(1, 3);
    step.end('3 of 3 images');
    reporter.close();
    expect(out.text()).toMatch(/back: align \[[█░]+\] 3\/3 \| ETA \S+ \| 3 of 3 images \(\d+\.\d s\)/);
  });

  it('prints nothing with --quiet', () => {
    const out = stream(false);
    const reporter = createTerminalReporter({ stream: out, quiet: true });
    reporter.step('x', 1).end('done');
    reporter.warn('w');
    reporter.close();
    expect(out.text()).toBe('');
  });
});
