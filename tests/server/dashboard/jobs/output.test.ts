// What a validation child prints, read into progress, result runs, log tail and error.
import { describe, expect, it } from 'vitest';
import { ChildOutput } from '../../../../server/dashboard/jobs/output.ts';

const RUN = '0123456789abcdef0123456789abcdef';

describe('ChildOutput', () => {
  it('reads --progress-json lines as progress and keeps them out of the log', () => {
    const out = new ChildOutput();
    expect(out.progress).toEqual({ done: 0, total: 0, stage: 'starting' });
    expect(out.stdoutLine('{"stage":"front: detect","done":3,"total":10}')).toBe(true);
    expect(out.progress).toEqual({ stage: 'front: detect', done: 3, total: 10 });
    expect(out.logTail).toBe('');
  });

  it('treats other JSON-looking lines as text', () => {
    const out = new ChildOutput();
    expect(out.stdoutLine('{"stage": 3}')).toBe(false);
    expect(out.stdoutLine('{not json')).toBe(false);
    expect(out.logTail).toBe('{"stage": 3}\n{not json');
  });

  it('finds the validation runs the summary names, once each', () => {
    const out = new ChildOutput();
    out.stdoutLine(`run ${RUN} on flex/front: FINISHED, 5 images`);
    out.stdoutLine(`  validation run ${RUN}; files: /tmp/v`);
    out.stdoutLine(`  validation run ${RUN}; files: /tmp/v`);
    expect(out.runIds).toEqual([RUN]);
  });

  it('explains a failure with the last stderr lines, else the summary errors, else the exit', () => {
    const quiet = new ChildOutput();
    expect(quiet.failure('code 3')).toBe('validation exited with code 3');
    const summary = new ChildOutput();
    summary.stdoutLine('run x on flex/front: FAILED');
    summary.stdoutLine('  error: no images in front');
    expect(summary.failure('code 1')).toBe('run x on flex/front: FAILED\n  error: no images in front');
    const loud = new ChildOutput();
    for (let i = 0; i < 20; i++) loud.stderrLine(`line ${i}`);
    expect(loud.failure('code 1').split('\n')).toEqual(Array.from({ length: 8 }, (_, i) => `line ${12 + i}`));
    expect(loud.logTail.split('\n')).toHaveLength(20);
  });
});
