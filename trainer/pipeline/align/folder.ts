// Aligns every image of one type to its reference and records each image's outcome; one bad file never
// stops the others (PIXAL exits, and its off-by-one skips an image and shifts the output names).
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { readImage, writePng, type Image } from '../../image/image.ts';
import { alignPrepared, prepareReference } from './align.ts';
import type { AlignmentOptions } from './options.ts';
import { writeMetricPlots, writeOverlay, writeResultsCsv, type ImageOutcome } from './report.ts';

export interface AlignFolderSummary {
  /** Where the aligned PNGs are (accepted images only). */
  outDir: string;
  /** `<outDir>/alignment`: results.csv, plots/, overlays/, matches/. */
  reportDir: string;
  resultsCsv: string;
  plots: string[];
  total: number;
  accepted: number;
  rejected: number;
  failed: number;
  /** One per input file, in input order. */
  outcomes: ImageOutcome[];
}

/** Reads a file keeping its alpha channel when it has one (background-removed PNGs). */
async function readAsStored(file: string): Promise<Image> {
  const hasAlpha = await sharp(file)
    .metadata()
    .then((m) => m.hasAlpha)
    .catch(() => false); // an unreadable file fails in readImage, with the file named
  return readImage(file, hasAlpha ? 4 : 3);
}

/** `<stem>.png` per input; inputs sharing a stem (a.jpg, a.png) keep their extension in the name. */
function outputNames(files: string[]): string[] {
  const stems = files.map((f) => basename(f, extname(f)));
  return files.map((f, i) => (stems.filter((s) => s === stems[i]).length > 1 ? `${stems[i]}_${extname(f).slice(1)}` : stems[i]!) + '.png');
}

function failed(image: string, reason: string): ImageOutcome {
  return { image, status: 'failed', reason, ssim: NaN, mse: NaN, inliers: 0, inlierRatio: NaN, goodMatches: 0 };
}

/**
 * Aligns each of `files` to `referenceFile` (the type's first image when training; the stored reference
 * at validation) and writes, under `outDir`: `<stem>.png` for every accepted image (RGBA stays RGBA;
 * rejected images are not written, so the next step only sees aligned ones), and under
 * `<outDir>/alignment/`: results.csv (always), plots/ (`save_metrics`), overlays/ (`save_overlays`),
 * matches/ (`draw_matches`). A file that cannot be read or aligned is reported as failed, with the
 * error, and the loop goes on. Throws only when the reference itself cannot be read.
 */
export async function alignFolder(files: string[], referenceFile: string, outDir: string, options: AlignmentOptions, onProgress?: (done: number, total: number) => void): Promise<AlignFolderSummary> {
  const reportDir = join(outDir, 'alignment');
  await mkdir(reportDir, { recursive: true });
  if (options.save_overlays) await mkdir(join(reportDir, 'overlays'), { recursive: true });
  if (options.draw_matches) await mkdir(join(reportDir, 'matches'), { recursive: true });
  const reference = prepareReference(await readAsStored(referenceFile), options);
  const names = outputNames(files);
  const outcomes: ImageOutcome[] = [];
  for (const [i, file] of files.entries()) {
    const image = basename(file);
    try {
      const { result, matchDrawing } = alignPrepared(reference, await readAsStored(file), options);
      const outcome: ImageOutcome = {
        image,
        status: result.accepted ? 'accepted' : 'rejected',
        ...(result.reason ? { reason: result.reason } : {}),
        ssim: result.ssim,
        mse: result.mse,
        inliers: result.inliers,
        inlierRatio: result.inlierRatio,
        goodMatches: result.goodMatches,
      };
      if (result.accepted && result.warped) {
        outcome.output = join(outDir, names[i]!);
        outcome.homography = result.homography;
        await writePng(outcome.output, result.warped);
      }
      if (options.save_overlays && result.warped) await writeOverlay(join(reportDir, 'overlays', names[i]!), reference.image, result.warped);
      if (matchDrawing) await writePng(join(reportDir, 'matches', names[i]!), matchDrawing);
      outcomes.push(outcome);
    } catch (err) {
      outcomes.push(failed(image, err instanceof Error ? err.message : String(err)));
    }
    onProgress?.(i + 1, files.length);
  }
  const resultsCsv = join(reportDir, 'results.csv');
  await writeResultsCsv(resultsCsv, outcomes);
  let plots: string[] = [];
  if (options.save_metrics && outcomes.length) {
    await mkdir(join(reportDir, 'plots'), { recursive: true });
    plots = await writeMetricPlots(join(reportDir, 'plots'), outcomes, options);
  }
  const count = (s: ImageOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return { outDir, reportDir, resultsCsv, plots, total: files.length, accepted: count('accepted'), rejected: count('rejected'), failed: count('failed'), outcomes };
}
