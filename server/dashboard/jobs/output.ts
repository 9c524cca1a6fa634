// What a validation child process says, line by line: `--progress-json` lines on stdout
// ({"stage", "done", "total"}), the human summary (which names each validation run it logged),
// and problems on stderr. Kept as the job's progress, result runs, log tail and error.
import { z } from 'zod';
import type { JobProgress } from './job.ts';

const ProgressLine = z.object({ stage: z.string(), done: z.number().finite().nonnegative(), total: z.number().finite().nonnegative() });

/** `validationLines` in trainer/validation/validate.ts: "  validation run <id>; files: ...". */
const RESULT_RUN = /\bvalidation run ([0-9a-f]{32})\b/g;

const TAIL_LINES = 40;
const ERROR_LINES = 8;

function push(lines: string[], line: string, keep: number): void {
  lines.push(line);
  if (lines.length > keep) lines.splice(0, lines.length - keep);
}

export class ChildOutput {
  progress: JobProgress = { done: 0, total: 0, stage: 'starting' };
  readonly runIds: string[] = [];
  private readonly tail: string[] = [];
  private readonly stderr: string[] = [];
  private readonly stdout: string[] = [];

  /** Returns true when the line moved the progress. */
  stdoutLine(line: string): boolean {
    if (line.startsWith('{')) {
      const parsed = ProgressLine.safeParse(safeJson(line));
      if (parsed.success) {
        this.progress = { stage: parsed.data.stage, done: parsed.data.done, total: parsed.data.total };
        return true;
      }
    }
    for (const match of line.matchAll(RESULT_RUN)) if (!this.runIds.includes(match[1]!)) this.runIds.push(match[1]!);
    if (line.trim() !== '') {
      push(this.tail, line, TAIL_LINES);
      push(this.stdout, line, TAIL_LINES);
    }
    return false;
  }

  stderrLine(line: string): void {
    if (line.trim() === '') return;
    push(this.tail, line, TAIL_LINES);
    push(this.stderr, line, ERROR_LINES);
  }

  get logTail(): string {
    return this.tail.join('\n');
  }

  /** Why the child failed: its last stderr lines, else the summary's error lines, else its exit. */
  failure(exit: string): string {
    if (this.stderr.length > 0) return this.stderr.join('\n');
    const errors = this.stdout.filter((l) => /\berror\b|FAILED/.test(l));
    if (errors.length > 0) return errors.slice(-ERROR_LINES).join('\n');
    return `validation exited with ${exit}`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
