// Zero pruning: half-open bounds (no off-by-one), union over images, padding and clamping, re-centring, growing to a shared size.
import { describe, expect, it } from 'vitest';
import { CropBox, cropImage, foregroundBounds, fullCropBox, growCropBox, recentreCropBox, unionCropBox } from '../../../../trainer/pipeline/features/crop-box.ts';
import { makeImage } from './helpers.ts';

/** A black RGB image with white pixels at the given (x, y). */
const dots = (width: number, height: number, points: [number, number][]) =>
  makeImage(width, height, 3, (x, y) => (points.some(([px, py]) => px === x && py === y) ? [255, 255, 255] : [0, 0, 0]));

describe('foregroundBounds', () => {
  it('is half-open: a single foreground pixel at (x=3, y=2) gives rows 2..3 and columns 3..4', () => {
    expect(foregroundBounds(dots(8, 6, [[3, 2]]), 15)).toEqual({ yMin: 2, yMax: 3, xMin: 3, xMax: 4 });
  });

  it('uses bg_threshold on any channel (strictly above) for images without alpha', () => {
    const image = makeImage(4, 4, 3, (x, y) => (x === 1 && y === 1 ? [0, 16, 0] : x === 2 && y === 3 ? [15, 15, 15] : [0, 0, 0]));
    expect(foregroundBounds(image, 15)).toEqual({ yMin: 1, yMax: 2, xMin: 1, xMax: 2 });
  });

  it('uses alpha > 0 for RGBA, whatever the colour', () => {
    const image = makeImage(5, 5, 4, (x, y) => (x === 4 && y === 0 ? [0, 0, 0, 1] : [255, 255, 255, 0]));
    expect(foregroundBounds(image, 15)).toEqual({ yMin: 0, yMax: 1, xMin: 4, xMax: 5 });
  });

  it('is null without foreground', () => {
    expect(foregroundBounds(dots(4, 4, []), 15)).toBeNull();
  });
});

describe('unionCropBox', () => {
  it('unites the images, pads, and keeps the extreme foreground pixels inside the crop', () => {
    const a = foregroundBounds(dots(20, 10, [[5, 4]]), 15);
    const b = foregroundBounds(dots(20, 10, [[12, 6]]), 15);
    const box = unionCropBox([a, null, b], 20, 10, 0)!;
    expect(box).toEqual({ y_min: 4, y_max: 7, x_min: 5, x_max: 13, padding: 0 });
    // With padding 0 the crop still holds both dots: PIXAL's inclusive y_max sliced as exclusive lost the last row.
    const crop = cropImage(dots(20, 10, [[5, 4], [12, 6]]), box);
    expect(crop.r[0]).toBe(255);
    expect(crop.r[crop.r.length - 1]).toBe(255);
    expect(unionCropBox([a, b], 20, 10, 2)).toEqual({ y_min: 2, y_max: 9, x_min: 3, x_max: 15, padding: 2 });
  });

  it('clamps the padded box to the image', () => {
    const all = foregroundBounds(dots(10, 8, [[0, 0], [9, 7]]), 15);
    expect(unionCropBox([all], 10, 8, 5)).toEqual({ y_min: 0, y_max: 8, x_min: 0, x_max: 10, padding: 5 });
  });

  it('is null when no image has foreground', () => {
    expect(unionCropBox([null, null], 10, 8, 5)).toBeNull();
  });
});

describe('recentreCropBox', () => {
  const box: CropBox = { y_min: 10, y_max: 30, x_min: 20, x_max: 60, padding: 5 };

  it('keeps the size and centres the box on the new image’s foreground', () => {
    // Foreground block x 50..69, y 40..49: centre (60, 45).
    const image = makeImage(100, 80, 3, (x, y) => (x >= 50 && x < 70 && y >= 40 && y < 50 ? [200, 200, 200] : [0, 0, 0]));
    expect(recentreCropBox(box, image, 15)).toEqual({ y_min: 35, y_max: 55, x_min: 40, x_max: 80, padding: 5 });
  });

  it('on the training image it returns the same box', () => {
    const image = makeImage(100, 80, 3, (x, y) => (x >= 25 && x < 55 && y >= 15 && y < 25 ? [200, 200, 200] : [0, 0, 0]));
    expect(recentreCropBox(box, image, 15)).toEqual(box);
  });

  it('shifts the box back inside the image near an edge', () => {
    const image = makeImage(100, 80, 3, (x, y) => (x >= 95 && y >= 75 ? [200, 200, 200] : [0, 0, 0]));
    expect(recentreCropBox(box, image, 15)).toEqual({ y_min: 60, y_max: 80, x_min: 60, x_max: 100, padding: 5 });
  });

  it('keeps the stored position when the image has no foreground', () => {
    expect(recentreCropBox(box, makeImage(100, 80, 3, () => [0, 0, 0]), 15)).toEqual(box);
  });

  it('refuses an image smaller than the box', () => {
    expect(() => recentreCropBox(box, makeImage(30, 80, 3, () => [0, 0, 0]), 15)).toThrow(/30x80 is smaller than the 40x20 crop box/);
  });
});

describe('growCropBox', () => {
  const box: CropBox = { y_min: 10, y_max: 30, x_min: 20, x_max: 60, padding: 5 };

  it('keeps a box that already has the size', () => {
    expect(growCropBox(box, { height: 20, width: 40 }, 100, 80)).toEqual(box);
  });

  it('grows the box around its own centre, so it still holds the original box', () => {
    // Centre (40, 20); odd growth rounds the start half a pixel down the image.
    expect(growCropBox(box, { height: 25, width: 50 }, 100, 80)).toEqual({ y_min: 8, y_max: 33, x_min: 15, x_max: 65, padding: 5 });
  });

  it('shifts the grown box back inside the image near an edge', () => {
    const corner: CropBox = { y_min: 0, y_max: 10, x_min: 90, x_max: 100, padding: 0 };
    expect(growCropBox(corner, { height: 30, width: 30 }, 100, 80)).toEqual({ y_min: 0, y_max: 30, x_min: 70, x_max: 100, padding: 0 });
  });

  it('refuses images smaller than the size', () => {
    expect(() => growCropBox(box, { height: 90, width: 40 }, 100, 80)).toThrow(/images of 100x80 are smaller than the 40x90 crop size/);
  });
});

describe('cropImage', () => {
  it('copies exactly the box, in planes, with transparent pixels black and alpha kept', () => {
    const image = makeImage(4, 3, 4, (x, y) => [x * 10 + y, 100 + x, 200 + y, x === 1 ? 0 : 255]);
    const crop = cropImage(image, { y_min: 1, y_max: 3, x_min: 1, x_max: 4, padding: 0 });
    expect([crop.width, crop.height]).toEqual([3, 2]);
    expect([...crop.r]).toEqual([0, 21, 31, 0, 22, 32]);
    expect([...crop.g]).toEqual([0, 102, 103, 0, 102, 103]);
    expect([...crop.alpha!]).toEqual([0, 255, 255, 0, 255, 255]);
  });

  it('refuses a box that leaves the image', () => {
    expect(() => cropImage(dots(4, 4, []), fullCropBox(5, 4))).toThrow(/exceeds the 4x4 image/);
  });

  it('the metadata schema rejects an empty or negative box', () => {
    expect(CropBox.safeParse({ y_min: 5, y_max: 5, x_min: 0, x_max: 3, padding: 0 }).success).toBe(false);
    expect(CropBox.safeParse({ y_min: -1, y_max: 5, x_min: 0, x_max: 3, padding: 0 }).success).toBe(false);
  });
});
