// `pixal preprocess -i <component>/`: all steps for every type folder, into out/<component>/<type>/ (paths.yaml).
// Exit code 0 when at least one type produced a dataset, 1 otherwise.
import type { Command } from 'commander';
import { existingDir, pipelineSettings, withPipelineOptions, type PipelineFlags } from '../pipeline-options.ts';

export function registerPreprocessCommand(program: Command): void {
  withPipelineOptions(
    program
      .command('preprocess')
      .description('Run every preprocessing step (remove_bg, align when apply_alignment, make_input) for each image type of a component')
      .requiredOption('-i, --input <component>', 'component folder: one sub-folder of images per type'),
  ).action(async (flags: PipelineFlags & { input: string }) => {
    const settings = pipelineSettings(flags);
    const componentDir = existingDir('-i', flags.input);
    const { preprocessComponent, summaryLines } = await import('../../pipeline/preprocess.ts');
    const outcome = await preprocessComponent({ componentDir, ...settings }).finally(() => settings.reporter.close());
    console.log(summaryLines('preprocess', outcome).join('\n'));
    process.exitCode = outcome.types.some((t) => t.dataset) ? 0 : 1;
  });
}
