// `pixal` CLI: one subcommand per file in ./commands.
import { Command } from 'commander';
import { registerServerCommand } from './commands/server.ts';
import { registerPreprocessCommand } from './commands/preprocess.ts';
import { registerRemoveBgCommand } from './commands/remove-bg.ts';
import { registerAlignCommand } from './commands/align.ts';
import { registerMakeInputCommand } from './commands/make-input.ts';
import { registerSynthCommand } from './commands/synth.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerTrainCommand } from './commands/train.ts';
import { registerSweepCommand } from './commands/sweep.ts';
import { registerRegisterCommand } from './commands/register.ts';
import { registerValidateCommands } from './commands/validate.ts';

const program = new Command()
  .name('pixal')
  .description('Pixel-level anomaly detection experiments on detector hardware photos, tracked with MLflow')
  .showHelpAfterError()
  .enablePositionalOptions();

registerServerCommand(program);
registerPreprocessCommand(program);
registerRemoveBgCommand(program);
registerAlignCommand(program);
registerMakeInputCommand(program);
registerSynthCommand(program);
registerTrainCommand(program);
registerSweepCommand(program);
registerRegisterCommand(program);
registerValidateCommands(program);
registerDemoCommand(program);
registerDoctorCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`pixal: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
