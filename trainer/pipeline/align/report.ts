// What an alignment run leaves for people to look at: results.csv, metric plots, overlays, match drawings.
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Image } from '../../image/image.ts';
import type { Homography } from './homography.ts';
import { barChart } from '../../plots/bar.ts';
import { writePlot } from '../../plots/render.ts';
import type { AlignmentOptions } from './options.ts';

/** One input file's outcome. Failed files (unreadable, or an error while aligning) carry NaN metrics. */
export interface ImageOutcome {
  /** The input file name (no folder). */
  image: string;
  status: 'accepted' | 'rejected' | 'failed';
  /** Why it was rejected or failed. */
  reason?: string;
  ssim: number;
  mse: number;
  inliers: number;
  inlierRatio: number;
  goodMatches: number;
  /** The warped PNG written for an accepted image. */
  output?: string;
  /** Image pixel → reference pixel, for an accepted image (validation warps its defect mask with it). */
  homography?: Homography;
}

export const CSV_COLUMNS = ['image', 'accepted', 'reason', 'score', 'mse', 'inliers', 'inlier_ratio', 'good_matches'] as const;

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '';
}

/** results.csv: one row per input file in input order; score is the SSIM; unknown numbers are empty. */
export function resultsCsv(outcomes: ImageOutcome[]): string {
  const rows = outcomes.map((o) =>
    [o.image, String(o.status === 'accepted'), o.reason ?? '', fixed(o.ssim, 4), fixed(o.mse, 2), o.status === 'failed' ? '' : String(o.inliers), fixed(o.inlierRatio, 4), o.status === 'failed' ? '' : String(o.goodMatches)]
      .map(csvField)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

export async function writeResultsCsv(file: string, outcomes: ImageOutcome[]): Promise<void> {
  await writeFile(file, resultsCsv(outcomes));
}

/**
 * score.png, mse.png and inlier_ratio.png in `dir`: one bar per image, coloured by outcome (failed
 * images have no bar), with the acceptance thresholds as guides.
 */
export async function writeMetricPlots(dir: string, outcomes: ImageOutcome[], options: AlignmentOptions): Promise<string[]> {
  const categories = outcomes.map((o) => (o.status === 'failed' ? `${o.image} (failed)` : o.image));
  const red = '#c0392b';
  const plots = [
    { file: 'score.png', title: 'Alignment score (SSIM) per image', y: { label: 'SSIM', max: 1 }, value: (o: ImageOutcome) => o.ssim, guides: [{ axis: 'y' as const, value: options.MIN_SCORE_THRESHOLD, label: `MIN_SCORE_THRESHOLD ${options.MIN_SCORE_THRESHOLD}`, color: red }] },
    { file: 'mse.png', title: 'Alignment MSE per image', y: { label: 'MSE', unit: 'grey levels²' }, value: (o: ImageOutcome) => o.mse, guides: [{ axis: 'y' as const, value: options.MAX_MSE_THRESHOLD, label: `MAX_MSE_THRESHOLD ${options.MAX_MSE_THRESHOLD}`, color: red }] },
    { file: 'inlier_ratio.png', title: 'Inlier ratio per image', y: { label: 'inliers / good matches', min: 0, max: 1 }, value: (o: ImageOutcome) => o.inlierRatio, guides: [] },
  ];
  const files: string[] = [];
  for (const p of plots) {
    const only = (status: ImageOutcome['status']) => outcomes.map((o) => (o.status === status ? p.value(o) : NaN));
    const series = [
      { name: 'accepted', values: only('accepted'), color: '#4e79a7' },
      { name: 'rejected', values: only('rejected'), color: '#f28e2b' },
    ];
    const file = `${dir}/${p.file}`;
    await writePlot(file, barChart({ title: p.title, width: 1000, height: 520, x: { label: 'image' }, y: p.y, categories, series, stacked: true, guides: p.guides, legend: 'always' }));
    files.push(file);
  }
  return files;
}

function rgb(image: Image, i: number): [number, number, number] {
  const p = i * image.channels;
  return image.channels === 1 ? [image.data[p]!, image.data[p]!, image.data[p]!] : [image.data[p]!, image.data[p + 1]!, image.data[p + 2]!];
}

/** Most pixels across an overlay (three panels side by side); larger ones are scaled down. */
const OVERLAY_WIDTH = 2400;

/**
 * reference | aligned image | 50/50 blend, side by side (alpha ignored): misalignment shows as ghosting
 * in the blend. `aligned` must have the reference's size.
 */
export async function writeOverlay(file: string, reference: Image, aligned: Image): Promise<void> {
  const { width, height } = reference;
  if (aligned.width !== width || aligned.height !== height) throw new RangeError('overlay: the aligned image must have the reference size');
  const out = new Uint8Array(width * 3 * height * 3);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const a = rgb(reference, i);
      const b = rgb(aligned, i);
      const o = (r * width * 3 + c) * 3;
      for (let k = 0; k < 3; k++) {
        out[o + k] = a[k]!;
        out[o + width * 3 + k] = b[k]!;
        out[o + width * 6 + k] = (a[k]! + b[k]! + 1) >> 1;
      }
    }
  }
  await sharp(out, { raw: { width: width * 3, height, channels: 3 } })
    .resize({ width: Math.min(width * 3, OVERLAY_WIDTH) })
    .png({ compressionLevel: 6 })
    .toFile(file);
}
