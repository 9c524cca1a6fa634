// `pixal align -i DIR -o DIR [--reference FILE]`: alignment alone, every image of DIR onto the reference
// (default: DIR's first image by name), whatever apply_alignment says. Accepted images go to -o, results.csv
// and plots to <-o>/alignment/. Exit code 1 when no image was accepted.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.ts';
import { existingDir, existingFile, pipelineSettings, withPipelineOptions, type PipelineFlags } from '../pipeline-options.ts';

export function registerAlignCommand(program: Command): void {
  withPipelineOptions(
    program
      .command('align')
      .description('Align every image in a folder to a reference image (keypoints, RANSAC homography, warp)')
      .requiredOption('-i, --input <dir>', 'folder of images (e.g. background removed)')
      .requiredOption('-o, --output <dir>', 'folder for the aligned images and alignment/ (results.csv, plots)')
      .option('--reference <file>', "reference image (default: the input folder's first image by name)"),
  ).action(async (flags: PipelineFlags & { input: string; output: string; reference?: string }) => {
    const settings = pipelineSettings(flags);
    const inputDir = existingDir('-i', flags.input);
    const reference = flags.reference === undefined ? undefined : existingFile('--reference', flags.reference);
    const outDir = resolve(flags.output);
    const { listImages } = await import('../../pipeline/preprocess.ts');
    const { alignImages } = await import('../../pipeline/steps/align.ts');
    const { stepSummaryLines } = await import('../../pipeline/steps/outcome.ts');
    const { WorkerPool } = await import('../../pipeline/workers/pool.ts');
    const files = await listImages(inputDir);
    if (files.length === 0) throw new ConfigError([`-i ${flags.input}: no images in this folder`], 'invalid flag');
    const pool = new WorkerPool(1);
    const output = await alignImages(
      files.map((f) => ({ source: f, file: f })),
      reference ?? files[0]!,
      outDir,
      settings.config.preprocessing.alignment,
      pool,
      settings.reporter.step('align', files.length),
    ).finally(() => Promise.all([pool.close(), settings.reporter.close()]));
    console.log([...stepSummaryLines('align', files.length, output, outDir), `results: ${output.metricsDir}/results.csv`].join('\n'));
    process.exitCode = output.kept.length > 0 ? 0 : 1;
  });
}
