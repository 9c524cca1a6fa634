// Progress for the terminal: one cli-progress bar with ETA per pipeline step on a TTY; elsewhere (CI, pipes,
// log files) no bars, one line per finished step; nothing at all with --quiet (the final summary still prints).
import cliProgress from 'cli-progress';
import type { Reporter, StepReport } from '../pipeline/report.ts';

export interface TerminalReporter extends Reporter {
  /** Stops the bars (restoring the cursor); call once when the command is done. */
  close(): void;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export function createTerminalReporter(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): TerminalReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { step: () => ({ progress: () => {}, end: () => {} }), warn: () => {}, close: () => {} };
  if (!stream.isTTY) {
    return {
      step(label): StepReport {
        const start = performance.now();
        return { progress: () => {}, end: (outcome) => stream.write(`${label}: ${outcome} (${seconds(start)})\n`) };
      },
      warn: (line) => stream.write(`warning: ${line}\n`),
      close: () => {},
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{label} [{bar}] {value}/{total} | ETA {eta_formatted} | {outcome}',
      barsize: 30,
      hideCursor: true,
      etaBuffer: 20,
      etaAsynchronousUpdate: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    step(label, total): StepReport {
      const start = performance.now();
      const bar = bars.create(total, 0, { label, outcome: '' });
      return {
        progress: (done, newTotal) => {
          if (newTotal !== bar.getTotal()) bar.setTotal(newTotal);
          bar.update(done);
        },
        end: (outcome) => {
          bar.update(bar.getTotal(), { outcome: `${outcome} (${seconds(start)})` });
          bar.stop();
        },
      };
    },
    warn: (line) => bars.log(`warning: ${line}\n`),
    close: () => bars.stop(),
  };
}
