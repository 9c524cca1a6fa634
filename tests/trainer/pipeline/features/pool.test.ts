// Average pooling: exact block means, the ragged edge dropped, and the pooled foreground mask.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../../trainer/image/image.ts';
import { CHANNEL_NAMES } from '../../../../trainer/pipeline/features/channels.ts';
import { fullCropBox } from '../../../../trainer/pipeline/features/crop-box.ts';
import { imageFeatures } from '../../../../trainer/pipeline/features/image-features.ts';
import { poolInto, pooledSize } from '../../../../trainer/pipeline/features/pool.ts';
import { PHOTO, makeImage } from './helpers.ts';

describe('poolInto', () => {
  it('averages non-overlapping blocks and drops the ragged last rows and columns', () => {
    // 5 wide x 3 high, values 0..14 row-major; pool 2 keeps columns 0..3 and rows 0..1.
    const plane = Float32Array.from({ length: 15 }, (_, i) => i);
    expect(pooledSize(3, 5, 2)).toEqual({ height: 1, width: 2 });
    const out = new Float32Array(2);
    poolInto(plane, 5, 3, 2, out);
    expect([...out]).toEqual([(0 + 1 + 5 + 6) / 4, (2 + 3 + 7 + 8) / 4]);
  });

  it('writes from a given pooled pixel on (a band of rows pooled into its place)', () => {
    const band = Float32Array.from([1, 1, 3, 3, 1, 1, 3, 3]); // 4x2: one pooled row
    const out = new Float32Array(6);
    poolInto(band, 4, 2, 2, out, 2);
    expect([...out]).toEqual([0, 0, 1, 3, 0, 0]);
  });

  it('pool 1 is the identity', () => {
    const plane = Float32Array.from({ length: 6 }, (_, i) => i / 7);
    const out = new Float32Array(6);
    poolInto(plane, 3, 2, 1, out);
    expect(out).toEqual(plane);
  });
});

describe('pooled features and mask', () => {
  it('the mask is the fraction of foreground (alpha coverage) in each pooled pixel', () => {
    // 4x2 RGBA: left block fully opaque, right block one opaque pixel of four.
    const alpha = [255, 255, 255, 0, 255, 255, 0, 0];
    const image = makeImage(4, 2, 4, (x, y) => [120, 60, 30, alpha[y * 4 + x]!]);
    const f = imageFeatures(image, fullCropBox(4, 2), { channels: ['R'], pool_size: 2, normalisation: 'fixed', bg_threshold: 15 });
    expect([f.width, f.height]).toEqual([2, 1]);
    expect([...f.mask]).toEqual([1, 0.25]);
    // R of the transparent pixels counts as 0: the right block averages one 120 and three 0.
    expect(f.data[1]).toBeCloseTo(120 / 255 / 4, 6);
  });

  it('without alpha, the mask follows bg_threshold', () => {
    const image = makeImage(2, 2, 3, (x, y) => (x === 0 && y === 0 ? [16, 0, 0] : [15, 15, 15]));
    const f = imageFeatures(image, fullCropBox(2, 2), { channels: ['R'], pool_size: 2, normalisation: 'fixed', bg_threshold: 15 });
    expect([...f.mask]).toEqual([0.25]);
  });

  it('refuses a crop smaller than the pool', () => {
    const image = makeImage(3, 1, 3, () => [1, 2, 3]);
    expect(() => imageFeatures(image, fullCropBox(3, 1), { channels: ['R'], pool_size: 2, normalisation: 'fixed', bg_threshold: 15 })).toThrow(
      /3x1 crop is smaller than pool_size 2/,
    );
  });
});

describe('pooled channels equal the pooled full-resolution channels', () => {
  it.each(['fixed', 'robust_per_image'] as const)('%s: all 23 channels on a region of the real photo', async (normalisation) => {
    const photo = await readImage(PHOTO, 3);
    const box = { y_min: 401, y_max: 560, x_min: 700, x_max: 931, padding: 0 }; // 231 x 159: ragged in both directions
    const options = { channels: CHANNEL_NAMES, normalisation, bg_threshold: 15 };
    const full = imageFeatures(photo, box, { ...options, pool_size: 1 });
    const pooled = imageFeatures(photo, box, { ...options, pool_size: 3 });
    expect([pooled.width, pooled.height]).toEqual([77, 53]);
    const C = CHANNEL_NAMES.length;
    let maxDiff = 0;
    for (let y = 0; y < pooled.height; y++) {
      for (let x = 0; x < pooled.width; x++) {
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) sum += full.data[((y * 3 + ky) * full.width + x * 3 + kx) * C + c]!;
          maxDiff = Math.max(maxDiff, Math.abs(sum / 9 - pooled.data[(y * pooled.width + x) * C + c]!));
        }
      }
    }
    expect(maxDiff).toBeLessThan(1e-6);
  });
});
