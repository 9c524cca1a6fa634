// make_input end to end on the real photo: union crop box, out.npz read by numpy, metadata, errors, validation.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../../trainer/image/image.ts';
import { foregroundBounds, unionCropBox } from '../../../../trainer/pipeline/features/crop-box.ts';
import { buildDataset } from '../../../../trainer/pipeline/features/dataset.ts';
import { optionsOf, readPreprocessingMetadata } from '../../../../trainer/pipeline/features/metadata.ts';
import { PreprocessorOptions } from '../../../../trainer/pipeline/features/options.ts';
import { PHOTO, REMBG, python, scratch } from './helpers.ts';

const root = scratch();
const options = PreprocessorOptions.parse({ pool_size: 2, channels: ['LAB_a', 'LAB_b', 'GradMag'], weights: [3, 3, 1] });

/** PIXAL's background-removed photo on a larger transparent canvas, its content offset by (left, top). */
async function placed(file: string, left: number, top: number): Promise<void> {
  await sharp(REMBG)
    .extend({ left, top, right: 200 - left, bottom: 200 - top, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png({ compressionLevel: 1 })
    .toFile(file);
}

/** What numpy sees in an .npz: dtype, shape, and a few summaries per array. */
function inspect(file: string): Record<string, { dtype: string; shape: number[]; min: number; max: number; nan: boolean; sum: number; values?: unknown }> {
  return JSON.parse(
    python([
      '-c',
      `import json, sys, numpy as np
z = np.load(sys.argv[1])
out = {}
for k in z.files:
    a = z[k]
    num = a.dtype.kind in 'fi'
    out[k] = {'dtype': a.dtype.str, 'shape': list(a.shape),
              'min': float(a.min()) if num and a.size else 0, 'max': float(a.max()) if num and a.size else 0,
              'nan': bool(np.isnan(a).any()) if a.dtype.kind == 'f' else False,
              'sum': float(a.astype(np.float64).sum()) if num else 0}
    if k in ('shape', 'files', 'labels'): out[k]['values'] = a.tolist()
print(json.dumps(out))`,
      file,
    ]),
  );
}

describe('buildDataset on background-removed images', () => {
  const input = join(root, 'front');
  const out = join(root, 'out', 'flex', 'front');
  beforeAll(async () => {
    mkdirSync(input, { recursive: true });
    await placed(join(input, 'img_a.png'), 100, 100);
    await placed(join(input, 'img_b.png'), 60, 150);
    writeFileSync(join(input, 'img_c.png'), 'not a png at all');
    writeFileSync(join(input, 'notes.txt'), 'ignored');
  });

  it('writes out.npz that numpy reads, and metadata that reproduces the preprocessing', async () => {
    const progress: number[] = [];
    const { npzFile, metadataFile, metadata } = await buildDataset({ inputDir: input, outDir: out, options, onProgress: (d) => progress.push(d) });
    expect(npzFile).toBe(join(out, 'out.npz'));
    expect(progress).toEqual([1, 2, 3, 4, 5]);

    // The crop box is the padded union of both images' alpha > 0 boxes.
    const bounds = await Promise.all(['img_a.png', 'img_b.png'].map(async (f) => foregroundBounds(await readImage(join(input, f), 4), 15)));
    const box = unionCropBox(bounds, 2120, 1280, 5)!;
    expect(metadata.crop_box).toEqual(box);
    const [h, w] = [Math.floor((box.y_max - box.y_min) / 2), Math.floor((box.x_max - box.x_min) / 2)];
    expect(metadata.shape).toEqual([h, w]);
    expect(metadata.input_dim).toBe(h * w * 3);
    expect(metadata.files).toEqual(['img_a.png', 'img_b.png']);
    expect(metadata.skipped).toHaveLength(1);
    expect(metadata.skipped[0]!.file).toBe('img_c.png');
    expect(metadata.normalisation).toEqual({
      mode: 'fixed',
      ranges: { LAB_a: { min: 0, max: 255 }, LAB_b: { min: 0, max: 255 }, GradMag: { min: 0, max: Math.sqrt(20) } },
    });

    const z = inspect(npzFile);
    expect(Object.keys(z).sort()).toEqual(['data', 'files', 'mask', 'shape']);
    expect(z.data).toMatchObject({ dtype: '<f4', shape: [2, h * w, 3], nan: false });
    expect(z.data!.min).toBeGreaterThanOrEqual(0);
    expect(z.data!.max).toBeLessThanOrEqual(1);
    expect(z.shape).toMatchObject({ dtype: '<i8', shape: [2], values: [h, w] });
    expect(z.mask).toMatchObject({ dtype: '<f4', shape: [2, h * w], nan: false, min: 0, max: 1 });
    expect(z.files).toMatchObject({ dtype: '<U9', shape: [2], values: ['img_a.png', 'img_b.png'] });
    // The photo's foreground covers a good part of the crop, not all of it.
    const coverage = z.mask!.sum / (2 * h * w);
    expect(coverage).toBeGreaterThan(0.15);
    expect(coverage).toBeLessThan(0.95);

    const stored = await readPreprocessingMetadata(metadataFile);
    expect(stored).toEqual(metadata);
    expect(optionsOf(stored)).toEqual(options);
  });

  it('one-hot mode adds labels (N, n_types) with this type’s column set', async () => {
    const { npzFile } = await buildDataset({ inputDir: input, outDir: join(root, 'onehot'), options, oneHotTypes: ['back', 'front'] });
    expect(inspect(npzFile).labels).toMatchObject({ dtype: '<f4', shape: [2, 2], values: [[0, 1], [0, 1]] });
    await expect(buildDataset({ inputDir: input, outDir: join(root, 'onehot'), options, oneHotTypes: ['back'] })).rejects.toThrow(
      /type "front" is not among the one-hot types/,
    );
  });
});

describe('validation: the stored crop box re-centred on each image', () => {
  it('a shifted copy of a training image gives exactly the training features', async () => {
    const train = join(root, 'single', 'train');
    const valid = join(root, 'single', 'valid');
    mkdirSync(train, { recursive: true });
    mkdirSync(valid, { recursive: true });
    await placed(join(train, 'x.png'), 100, 100);
    await placed(join(valid, 'x.png'), 170, 35);
    const trained = await buildDataset({ inputDir: train, outDir: join(root, 'single', 'out'), options });
    const validated = await buildDataset({ inputDir: valid, outDir: join(root, 'single', 'val'), options, cropBox: trained.metadata.crop_box });
    expect(validated.metadata.shape).toEqual(trained.metadata.shape);
    const sums = python([
      '-c',
      `import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
print(float(np.abs(a['data'] - b['data']).max()), float(np.abs(a['mask'] - b['mask']).max()))`,
      trained.npzFile,
      validated.npzFile,
    ]);
    expect(sums.trim()).toBe('0.0 0.0');
  });
});

describe('plain photos and bad folders', () => {
  it('plain RGB images use bg_threshold for the crop box and the mask', async () => {
    const dir = join(root, 'plain');
    mkdirSync(dir, { recursive: true });
    copyFileSync(PHOTO, join(dir, 'p.jpg'));
    const { metadata, npzFile } = await buildDataset({ inputDir: dir, outDir: join(root, 'plain-out'), options: PreprocessorOptions.parse({}) });
    const bounds = foregroundBounds(await readImage(PHOTO, 3), 15)!;
    expect(metadata.crop_box).toEqual(unionCropBox([bounds], 1920, 1080, 5));
    expect(inspect(npzFile).mask!.max).toBe(1);
  });

  it('a folder with images of two sizes is an error naming the odd file', async () => {
    const dir = join(root, 'mixed');
    mkdirSync(dir, { recursive: true });
    copyFileSync(PHOTO, join(dir, 'a.jpg'));
    await sharp(PHOTO).resize(960, 540).toFile(join(dir, 'b.jpg'));
    await expect(buildDataset({ inputDir: dir, outDir: join(root, 'mixed-out'), options })).rejects.toThrow(
      /b\.jpg: 960x540 differs from 1920x1080 of a\.jpg/,
    );
  });

  it('an empty folder, or one of unreadable files only, is an error', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    await expect(buildDataset({ inputDir: empty, outDir: join(root, 'e-out'), options })).rejects.toThrow(/no images/);
    writeFileSync(join(empty, 'broken.jpg'), 'garbage');
    await expect(buildDataset({ inputDir: empty, outDir: join(root, 'e-out'), options })).rejects.toThrow(/none of the 1 images could be read/);
  });

  it('a folder without foreground is an error, not an empty crop', async () => {
    const dir = join(root, 'dark');
    mkdirSync(dir, { recursive: true });
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 10, b: 10 } } }).png().toFile(join(dir, 'd.png'));
    await expect(buildDataset({ inputDir: dir, outDir: join(root, 'd-out'), options })).rejects.toThrow(/no image has a foreground pixel/);
  });
});
