// Training progress for the terminal: on a TTY a bar per epoch (batches done, ETA of the epoch), and after each
// epoch one line (loss, val_loss, samples/s, ETA of the whole training); elsewhere only those lines; nothing with --quiet.
import cliProgress from 'cli-progress';
import type { EpochReport } from '../training/train.ts';
import type { TrainingProgress } from '../runs/training-run.ts';

const fixed = (v: number) => (Math.abs(v) >= 0.01 ? v.toFixed(4) : v.toExponential(3));

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The line printed when an epoch ends. */
export function epochLine(report: EpochReport, maxEpochs: number, meanEpochSeconds: number): string {
  const mark = report.improved ? ' *' : report.rolled_back ? ` diverged: back to epoch ${report.best_epoch}'s weights` : '';
  const eta = duration((maxEpochs - report.epoch) * meanEpochSeconds);
  return (
    `epoch ${report.epoch}/${maxEpochs}  loss ${fixed(report.loss)}  val_loss ${fixed(report.val_loss)}${mark}  ` +
    `${Math.round(report.samples_per_second)} samples/s  ${report.epoch_seconds.toFixed(1)} s  ETA ${eta} (at most)`
  );
}

export function createTrainingProgress(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): TrainingProgress {
  const stream = options.stream ?? process.stderr;
  let maxEpochs = 0;
  let seconds = 0;
  let epochs = 0;
  let bar: cliProgress.SingleBar | undefined;
  if (options.quiet) return { start: () => {}, batch: () => {}, epoch: () => {}, end: () => {} };
  const newBar = () =>
    new cliProgress.SingleBar(
      { stream, format: 'epoch {epoch} [{bar}] {value}/{total} batches | ETA {eta_formatted}', barsize: 30, hideCursor: true, clearOnComplete: true, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
  return {
    start(runName, max) {
      maxEpochs = max;
      seconds = 0;
      epochs = 0;
      stream.write(`training ${runName} (at most ${max} epochs)\n`);
    },
    batch(done, total) {
      if (!stream.isTTY) return;
      if (!bar) {
        bar = newBar();
        bar.start(total, 0, { epoch: `${epochs + 1}/${maxEpochs}` });
      }
      bar.update(done);
    },
    epoch(report) {
      bar?.stop();
      bar = undefined;
      epochs++;
      seconds += report.epoch_seconds;
      stream.write(`${epochLine(report, maxEpochs, seconds / epochs)}\n`);
    },
    end() {
      bar?.stop();
      bar = undefined;
    },
  };
}
