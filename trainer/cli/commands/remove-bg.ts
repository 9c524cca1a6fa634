// `pixal remove_bg -i DIR -o DIR`: background removal alone, `<stem>_no_bg.png` per image of DIR, in worker
// threads. Exit code 1 when no image could be processed.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.ts';
import { existingDir, pipelineSettings, withPipelineOptions, type PipelineFlags } from '../pipeline-options.ts';

export function registerRemoveBgCommand(program: Command): void {
  withPipelineOptions(
    program
      .command('remove_bg')
      .alias('remove-bg')
      .description('Remove the background of every image in a folder (RGBA PNGs with a transparent background)')
      .requiredOption('-i, --input <dir>', 'folder of images')
      .requiredOption('-o, --output <dir>', 'folder for the <stem>_no_bg.png files'),
  ).action(async (flags: PipelineFlags & { input: string; output: string }) => {
    const settings = pipelineSettings(flags);
    const inputDir = existingDir('-i', flags.input);
    const outDir = resolve(flags.output);
    const { listImages, outputNames } = await import('../../pipeline/preprocess.ts');
    const { removeBackgrounds } = await import('../../pipeline/steps/remove-background.ts');
    const { stepSummaryLines } = await import('../../pipeline/steps/outcome.ts');
    const { WorkerPool } = await import('../../pipeline/workers/pool.ts');
    const files = await listImages(inputDir);
    if (files.length === 0) throw new ConfigError([`-i ${flags.input}: no images in this folder`], 'invalid flag');
    const names = outputNames(files, '', false);
    const pool = new WorkerPool(settings.workers);
    const output = await removeBackgrounds(
      files.map((source, i) => ({ source, name: names[i]! })),
      outDir,
      settings.config.preprocessing.remove_background,
      pool,
      settings.reporter.step('remove_bg', files.length),
    ).finally(() => Promise.all([pool.close(), settings.reporter.close()]));
    console.log(stepSummaryLines('remove_bg', files.length, output, outDir).join('\n'));
    process.exitCode = output.kept.length > 0 ? 0 : 1;
  });
}
