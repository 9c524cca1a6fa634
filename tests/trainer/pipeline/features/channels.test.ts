// The 23 channels against opencv-python + numpy on the real photo, their fixed ranges, and edge cases.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage, type Image } from '../../../../trainer/image/image.ts';
import {
  CHANNEL_NAMES,
  MAX_LOCAL_STD,
  MAX_SOBEL_MAGNITUDE,
  PER_IMAGE_SCALING,
  percentiles,
  type ChannelName,
  type Normalisation,
} from '../../../../trainer/pipeline/features/channels.ts';
import { fullCropBox } from '../../../../trainer/pipeline/features/crop-box.ts';
import { imageFeatures } from '../../../../trainer/pipeline/features/image-features.ts';
import { PHOTO, makeImage, python, scratch } from './helpers.ts';

const COLOUR_CHANNELS = CHANNEL_NAMES.slice(0, 12);
const ROBUST = Object.keys(PER_IMAGE_SCALING) as ChannelName[];

/** Full-resolution channels (pool 1, no crop) as (pixels, channels). */
function fullRes(image: Image, channels: readonly ChannelName[], normalisation: Normalisation = 'fixed'): Float32Array {
  return imageFeatures(image, fullCropBox(image.width, image.height), { channels, pool_size: 1, normalisation, bg_threshold: 15 }).data;
}

function maxAbsDiff(ours: Float32Array, count: number, c: number, ref: Float32Array, plane: number): number {
  const n = ours.length / count;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(ours[i * count + c]! - ref[plane * n + i]!));
  return max;
}

describe('channels on the real photo', () => {
  const dir = scratch();
  let photo: Image;
  let reference: Float32Array;
  beforeAll(async () => {
    photo = await readImage(PHOTO, 3);
    writeFileSync(join(dir, 'rgb.raw'), photo.data);
    python([join(import.meta.dirname, 'reference_features.py'), join(dir, 'rgb.raw'), String(photo.height), String(photo.width), join(dir, 'ref.raw')]);
    const bytes = readFileSync(join(dir, 'ref.raw'));
    reference = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  });

  it('colour channels match cv2.cvtColor within 1/255 (R, G, B, H, S, V, Y, Cr, Cb, LAB_L, LAB_a, LAB_b)', () => {
    const ours = fullRes(photo, COLOUR_CHANNELS);
    const diffs = COLOUR_CHANNELS.map((_, c) => maxAbsDiff(ours, COLOUR_CHANNELS.length, c, reference, c));
    for (const d of diffs) expect(d).toBeLessThanOrEqual(1 / 255);
    // In fact they are bit-exact: the conversions reproduce OpenCV's fixed-point code.
    for (const d of diffs) expect(d).toBeLessThan(1e-6);
  });

  it('derived channels match the numpy formulas (chroma, hue, chromaticity, opponent, Sobel, Laplacian, local std)', () => {
    const derived = CHANNEL_NAMES.slice(12);
    const ours = fullRes(photo, derived);
    derived.forEach((name, c) => expect(maxAbsDiff(ours, derived.length, c, reference, 12 + c), name).toBeLessThan(2e-6));
  });

  it("robust_per_image reproduces PIXAL's per-image percentile / max scaling", () => {
    const ours = fullRes(photo, ROBUST, 'robust_per_image');
    ROBUST.forEach((name, c) => expect(maxAbsDiff(ours, ROBUST.length, c, reference, CHANNEL_NAMES.length + c), name).toBeLessThan(1e-4));
  });

  it('the LAB_L channel uses the 8-bit range 0..255, not 0..100: the photo does not saturate', () => {
    const ours = fullRes(photo, ['LAB_L']);
    const saturated = ours.filter((v) => v >= 1).length;
    expect(saturated / ours.length).toBeLessThan(0.01);
  });
});

describe('fixed ranges', () => {
  // Each maximum is reached at a vertex of [0,1]^9 (the magnitude and the std are convex), so 512 patches decide it.
  const patches = Array.from({ length: 512 }, (_, m) => Array.from({ length: 9 }, (_, k) => (m >> k) & 1));

  it('Sobel magnitude on a [0,1] image never exceeds sqrt(20), and reaches it', () => {
    const mags = patches.map(([nw, nn, ne, ww, , ee, sw, ss, se]) => {
      const gx = ne! + 2 * ee! + se! - nw! - 2 * ww! - sw!;
      const gy = sw! + 2 * ss! + se! - nw! - 2 * nn! - ne!;
      return Math.hypot(gx, gy);
    });
    expect(Math.max(...mags)).toBeCloseTo(MAX_SOBEL_MAGNITUDE, 12);
  });

  it('3x3 local std on a [0,1] image never exceeds sqrt(20)/9, and reaches it', () => {
    const stds = patches.map((p) => {
      const mean = p.reduce((a, b) => a + b, 0) / 9;
      return Math.sqrt(p.reduce((a, b) => a + (b - mean) ** 2, 0) / 9);
    });
    expect(Math.max(...stds)).toBeCloseTo(MAX_LOCAL_STD, 12);
  });

  it('a checkerboard reaches the top of GradMag / LocalStd ranges without passing 1', () => {
    const board = makeImage(16, 16, 3, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const data = fullRes(board, ['GradMag', 'Laplacian', 'LocalStd']);
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
  });

  it('a defect does not rescale its own image under fixed normalisation', () => {
    const plain = makeImage(32, 32, 3, () => [200, 100, 120]);
    const defect = makeImage(32, 32, 3, (x, y) => (x < 4 && y < 4 ? [10, 240, 10] : [200, 100, 120]));
    for (const normalisation of ['fixed', 'robust_per_image'] as const) {
      const a = fullRes(plain, ['Opp_O1'], normalisation);
      const b = fullRes(defect, ['Opp_O1'], normalisation);
      const same = a[32 * 32 - 1] === b[32 * 32 - 1]; // a pixel far from the defect
      expect(same, normalisation).toBe(normalisation === 'fixed');
    }
  });
});

describe('edge cases', () => {
  const images: [string, Image][] = [
    ['1x1 black', makeImage(1, 1, 3, () => [0, 0, 0])],
    ['1x7 white', makeImage(1, 7, 3, () => [255, 255, 255])],
    ['7x1 gray', makeImage(7, 1, 3, () => [128, 128, 128])],
    ['constant colour', makeImage(9, 5, 3, () => [30, 200, 90])],
    ['noise', makeImage(33, 17, 3, () => [Math.random() * 256, Math.random() * 256, Math.random() * 256])],
    ['gray (1 channel)', makeImage(5, 5, 1, (x) => [x * 60])],
    ['transparent RGBA', makeImage(6, 6, 4, () => [255, 0, 0, 0])],
  ];
  it.each(images)('%s: every channel in [0,1], never NaN, in both normalisations', (_, image) => {
    for (const normalisation of ['fixed', 'robust_per_image'] as const) {
      const data = fullRes(image, CHANNEL_NAMES, normalisation);
      expect(data.some(Number.isNaN), normalisation).toBe(false);
      expect(Math.min(...data), normalisation).toBeGreaterThanOrEqual(0);
      expect(Math.max(...data), normalisation).toBeLessThanOrEqual(1);
    }
  });

  it('achromatic pixels have no hue: sinH = cosH = 0.5; black has r_chroma = g_chroma = 0', () => {
    const data = fullRes(makeImage(1, 1, 3, () => [0, 0, 0]), ['LCh_sinH', 'LCh_cosH', 'r_chroma', 'g_chroma']);
    expect([...data]).toEqual([0.5, 0.5, 0, 0]);
  });

  it('fully transparent pixels read as black (PIXAL reads rembg output without its alpha)', () => {
    const data = fullRes(makeImage(2, 2, 4, () => [200, 150, 100, 0]), ['R', 'G', 'B']);
    expect([...data].every((v) => v === 0)).toBe(true);
  });
});

describe('percentiles', () => {
  it('equals numpy.percentile (linear interpolation)', () => {
    const values = Float32Array.from({ length: 1001 }, (_, i) => Math.round(Math.sin(i) * 1000) / 7);
    const qs = [0, 1, 37.5, 50, 99, 100];
    const numpy = JSON.parse(python(['-c', `import json, sys, numpy as np; v = np.array(json.load(sys.stdin), dtype=np.float32).astype(np.float64); print(json.dumps([float(np.percentile(v, q)) for q in ${JSON.stringify(qs)}]))`], JSON.stringify([...values]))) as number[];
    percentiles(values, qs).forEach((p, i) => expect(p).toBeCloseTo(numpy[i]!, 9));
  });
});
