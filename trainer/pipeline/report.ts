// How a long pipeline run tells the outside world how far it got, without knowing about terminals:
// the CLI turns this into progress bars (trainer/cli/progress.ts); tests pass a silent one.

export interface StepReport {
  /** `done` of `total` items finished (each step calls it after every item). */
  progress(done: number, total: number): void;
  /** The step is over; `outcome` is a short summary such as "3 of 4 images, 1 skipped". */
  end(outcome: string): void;
}

export interface Reporter {
  step(label: string, total: number): StepReport;
  /** A problem with one item that does not stop the run (it is repeated in the final summary). */
  warn(line: string): void;
}

export const silentReporter: Reporter = {
  step: () => ({ progress: () => {}, end: () => {} }),
  warn: () => {},
};
