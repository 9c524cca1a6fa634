// `pixal doctor`: what this machine has for training and tracking, whether it loads, and what to do when it
// does not (the probing is trainer/doctor/checks.ts; this file only formats). Exit code 0 when the default
// `pixal train` works: native TensorFlow on the CPU, or its wasm fallback.
import type { Command } from 'commander';
import type { CheckResult, CheckStatus } from '../../doctor/checks.ts';

const COLOURS: Record<CheckStatus, string> = { OK: '\x1b[32m', MISSING: '\x1b[33m', BROKEN: '\x1b[31m' };

const TRAINING = {
  native: 'default training: native TensorFlow on the CPU (@tensorflow/tfjs-node)',
  wasm: 'default training: the wasm fallback (dense models only: model_kind conv needs @tensorflow/tfjs-node)',
  none: 'default training: no backend works, so `pixal train` cannot run',
};

/** One line per check (status, name, detail), the fix indented below it, then how training would run. */
export function formatReport(results: readonly CheckResult[], training: 'native' | 'wasm' | null, colour = false): string {
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  const paint = (status: CheckStatus) => (colour ? `${COLOURS[status]}${status.padEnd(7)}\x1b[0m` : status.padEnd(7));
  const lines = results.flatMap((r) => {
    const line = `${paint(r.status)}  ${r.name.padEnd(nameWidth)}  ${r.detail}`;
    return r.fix && r.status !== 'OK' ? [line, `${' '.repeat(9 + nameWidth + 2)}→ ${r.fix}`] : [line];
  });
  return [...lines, '', TRAINING[training ?? 'none']].join('\n');
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Check what is installed for training and tracking (TensorFlow backends, GPU, OpenCV, SQLite, MLflow) and what to do about what is not')
    .action(async () => {
      const { defaultTraining, runChecks } = await import('../../doctor/checks.ts');
      const results = await runChecks();
      const training = defaultTraining(results);
      console.log(formatReport(results, training, process.stdout.isTTY === true));
      process.exitCode = training ? 0 : 1;
    });
}
