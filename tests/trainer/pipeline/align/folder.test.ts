// A whole type folder: good, bad and broken files; every outcome reported, names kept, the loop goes on.
import { mkdtempSync, readFileSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePng, type Image } from '../../../../trainer/image/image.ts';
import { cv, fromMat, homographyMat, toMat } from '../../../../trainer/pipeline/align/cv.ts';
import { alignFolder, type AlignFolderSummary } from '../../../../trainer/pipeline/align/folder.ts';
import { AlignmentOptions } from '../../../../trainer/pipeline/align/options.ts';

const dir = mkdtempSync(join(tmpdir(), 'pixal-align-'));
const inDir = join(dir, 'in');
const outDir = join(dir, 'out');

function shifted(image: Image, dx: number, dy: number, degrees: number): Image {
  const t = (degrees * Math.PI) / 180;
  const h = [Math.cos(t), -Math.sin(t), dx, Math.sin(t), Math.cos(t), dy, 0, 0, 1];
  return fromMat(toMat(image).warpPerspective(homographyMat(h), new cv.Size(image.width, image.height), cv.INTER_LINEAR, cv.BORDER_CONSTANT));
}

let summary: AlignFolderSummary;
const progress: [number, number][] = [];
const files = ['a_ref.jpg', 'b_moved.png', 'c_broken.png', 'd_noise.png', 'e_moved.png'].map((f) => join(inDir, f));

beforeAll(async () => {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(inDir, { recursive: true });
  // Half-size copies of the real photo keep this quick.
  const { data, info } = await sharp('/work/shared/data/pixal-sample/flex_f1_front_raw.jpg').resize(960, 540).raw().toBuffer({ resolveWithObject: true });
  const ref: Image = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  await sharp(data, { raw: { width: 960, height: 540, channels: 3 } }).jpeg({ quality: 95 }).toFile(files[0]!);
  await writePng(files[1]!, shifted(ref, 8, -5, 1));
  writeFileSync(files[2]!, 'not a png');
  let s = 99;
  await writePng(files[3]!, { ...ref, data: ref.data.map(() => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24)) });
  await writePng(files[4]!, shifted(ref, -6, 4, -1.5));
  const options = AlignmentOptions.parse({ detector: 'SIFT', detection_scale: 0.5, save_overlays: true, draw_matches: true });
  summary = await alignFolder(files, files[0]!, outDir, options, (done, total) => progress.push([done, total]));
}, 300_000);

describe('alignFolder', () => {
  it('reports every file, in order, and keeps going after a broken one', () => {
    expect(summary.outcomes.map((o) => [o.image, o.status])).toEqual([
      ['a_ref.jpg', 'accepted'],
      ['b_moved.png', 'accepted'],
      ['c_broken.png', 'failed'],
      ['d_noise.png', 'rejected'],
      ['e_moved.png', 'accepted'],
    ]);
    expect(summary).toMatchObject({ total: 5, accepted: 3, rejected: 1, failed: 1 });
    expect(summary.outcomes[2]!.reason).toContain('c_broken.png: cannot read image');
    expect(progress).toEqual([1, 2, 3, 4, 5].map((d) => [d, 5]));
  });

  it('writes the accepted images under their own names (no shift), at the reference size', async () => {
    expect(readdirSync(outDir).sort()).toEqual(['a_ref.png', 'alignment', 'b_moved.png', 'e_moved.png']);
    const meta = await sharp(join(outDir, 'e_moved.png')).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([960, 540, 3]);
  });

  it('writes results.csv with one row per file', () => {
    const lines = readFileSync(summary.resultsCsv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('image,accepted,reason,score,mse,inliers,inlier_ratio,good_matches');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^a_ref\.jpg,true,,1\.0000,0\.00,\d+,1\.0000,\d+$/); // the reference aligns to itself exactly
    expect(lines[2]).toMatch(/^b_moved\.png,true,,0\.\d{4},\d+\.\d{2},\d+,0\.\d{4},\d+$/);
    expect(lines[3]).toMatch(/^c_broken\.png,false,[^,]*c_broken\.png: cannot read image [^,]*,,,,,$/);
    expect(lines[4]).toMatch(/^d_noise\.png,false,/);
  });

  it('draws the metric plots, overlays and match drawings', async () => {
    expect(summary.plots.map((p) => p.split('/').pop())).toEqual(['score.png', 'mse.png', 'inlier_ratio.png']);
    for (const plot of summary.plots) expect((await sharp(plot).metadata()).width).toBe(1000);
    const overlay = await sharp(join(summary.reportDir, 'overlays', 'b_moved.png')).metadata();
    expect([overlay.width, overlay.height]).toEqual([2400, 450]); // three 960x540 panels, scaled to 2400 wide
    expect(existsSync(join(summary.reportDir, 'matches', 'b_moved.png'))).toBe(true);
    expect(existsSync(join(summary.reportDir, 'matches', 'c_broken.png'))).toBe(false);
  });
});
