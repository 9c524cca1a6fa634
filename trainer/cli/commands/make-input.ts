// `pixal make_input -i <component>/ -o DIR`: make_input alone for every type folder of a component
// (images as they are, e.g. already aligned), into DIR/<type>/. Exit code 1 when no type produced a dataset.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { existingDir, pipelineSettings, withPipelineOptions, type PipelineFlags } from '../pipeline-options.ts';

export function registerMakeInputCommand(program: Command): void {
  withPipelineOptions(
    program
      .command('make_input')
      .alias('make-input')
      .description('Crop, compute channel features and pool the images of each type folder into <type>/out.npz')
      .requiredOption('-i, --input <component>', 'component folder: one sub-folder of images per type')
      .requiredOption('-o, --output <dir>', 'output folder: receives <type>/<file_name> and <type>/metadata/'),
  ).action(async (flags: PipelineFlags & { input: string; output: string }) => {
    const settings = pipelineSettings(flags);
    const componentDir = existingDir('-i', flags.input);
    const { makeInputComponent, summaryLines } = await import('../../pipeline/preprocess.ts');
    const outcome = await makeInputComponent({ componentDir, outDir: resolve(flags.output), ...settings }).finally(() => settings.reporter.close());
    console.log(summaryLines('make_input', outcome).join('\n'));
    process.exitCode = outcome.types.some((t) => t.dataset) ? 0 : 1;
  });
}
