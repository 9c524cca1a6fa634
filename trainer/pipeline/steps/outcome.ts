// What a pipeline step hands to the next one: the images it produced, and the ones it had to leave out.

export type StepName = 'remove_bg' | 'align' | 'make_input';

/** One image on its way through the steps: the input it came from and the file the last step wrote. */
export interface StepImage {
  source: string;
  file: string;
}

export interface Skipped {
  /** The input file (as given), so the user can find it. */
  file: string;
  step: StepName;
  reason: string;
}

export interface StepOutput {
  kept: StepImage[];
  skipped: Skipped[];
}

/** An error's message without a leading `<file>: `, which the summary already shows. */
export function reasonFor(file: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

export function keptOf(total: number, skipped: number): string {
  return `${total - skipped} of ${total} images${skipped ? `, ${skipped} skipped` : ''}`;
}

/** Summary of a single-step command: how many images it wrote where, and each skipped image with its reason. */
export function stepSummaryLines(step: StepName, total: number, output: StepOutput, outDir: string): string[] {
  return [`${step}: ${keptOf(total, output.skipped.length)} -> ${outDir}`, ...output.skipped.map((s) => `  skipped ${s.file}: ${s.reason}`)];
}
