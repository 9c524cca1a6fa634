// `pixal` CLI: one subcommand per file in ./commands.
import { Command } from 'commander';
import { registerServerCommand } from './commands/server.ts';

const program = new Command()
  .name('pixal')
  .description('Pixel-level anomaly detection experiments on detector hardware photos, tracked with MLflow')
  .showHelpAfterError()
  .enablePositionalOptions();

registerServerCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`pixal: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
