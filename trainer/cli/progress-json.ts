// `--progress-json`: beside the usual progress (bars or step lines on stderr), one JSON line per
// update on stdout, {"stage", "done", "total"}, for a program that runs the command (the
// dashboard's validation jobs read them).
import type { Reporter } from '../pipeline/report.ts';
import type { TerminalReporter } from './progress.ts';

export function withJsonProgress(reporter: TerminalReporter, out: NodeJS.WritableStream = process.stdout): TerminalReporter {
  const line = (stage: string, done: number, total: number) => out.write(`${JSON.stringify({ stage, done, total })}\n`);
  const step: Reporter['step'] = (label, total) => {
    const inner = reporter.step(label, total);
    let last = total;
    line(label, 0, total);
    return {
      progress(done, newTotal) {
        last = newTotal;
        inner.progress(done, newTotal);
        line(label, done, newTotal);
      },
      end(outcome) {
        inner.end(outcome);
        line(label, last, last);
      },
    };
  };
  return { step, warn: (text) => reporter.warn(text), close: () => reporter.close() };
}
