// Step 2 for a list of images: alignment to the reference (trainer/pipeline/align/folder.ts, run in a worker).
// Rejected and failed images are skipped with their reason; results.csv and the plots land in `metricsDir`
// when given (preprocess: paths.yaml aligned_metrics_path), else in <outDir>/alignment.
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Homography } from '../align/homography.ts';
import type { AlignmentOptions } from '../align/options.ts';
import type { StepReport } from '../report.ts';
import type { WorkerPool } from '../workers/pool.ts';
import { keptOf, reasonFor, type StepImage, type StepOutput } from './outcome.ts';

/** An aligned image and the homography that warped it (validation carries its defect mask along). */
export interface AlignedImage extends StepImage {
  homography: Homography;
}

export interface AlignOutput extends StepOutput {
  kept: AlignedImage[];
  /** Folder of results.csv and the plots. */
  metricsDir: string;
}

export async function alignImages(
  images: readonly StepImage[],
  referenceFile: string,
  outDir: string,
  options: AlignmentOptions,
  pool: WorkerPool,
  report: StepReport,
  metricsDir?: string,
): Promise<AlignOutput> {
  const files = images.map((i) => i.file);
  const summary = await pool.run('alignFolder', { files, referenceFile, outDir, options }, { opencv: true, onProgress: (done, total) => report.progress(done, total) });
  const output: AlignOutput = { kept: [], skipped: [], metricsDir: summary.reportDir };
  summary.outcomes.forEach((outcome, i) => {
    const { source, file } = images[i]!;
    if (outcome.status === 'accepted' && outcome.output && outcome.homography) output.kept.push({ source, file: outcome.output, homography: outcome.homography });
    else output.skipped.push({ file: source, step: 'align', reason: `${outcome.status}: ${reasonFor(file, new Error(outcome.reason ?? 'no aligned image'))}` });
  });
  if (metricsDir) {
    await rm(metricsDir, { recursive: true, force: true });
    await mkdir(dirname(metricsDir), { recursive: true });
    await rename(summary.reportDir, metricsDir);
    output.metricsDir = metricsDir;
  }
  report.end(keptOf(images.length, output.skipped.length));
  return output;
}
