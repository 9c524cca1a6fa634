// Zero pruning: one crop box per image type, the union of every image's foreground, padded and clamped.
// Bounds are half-open, as in a numpy slice: rows y_min..y_max-1 and columns x_min..x_max-1 are kept, so
// y_max - y_min is the cropped height. (PIXAL stored the last foreground row as y_max and then sliced with it,
// dropping that row; it also let y_max run past the image.)
import { z } from 'zod';
import type { Image } from '../../image/image.ts';
import type { RgbPlanes } from './colour.ts';

const coordinate = z.number().int().nonnegative();
export const CropBox = z
  .object({
    y_min: coordinate,
    y_max: coordinate,
    x_min: coordinate,
    x_max: coordinate,
    padding: coordinate,
  })
  .strict()
  .refine((b) => b.y_max > b.y_min && b.x_max > b.x_min, { message: 'crop_box must have y_max > y_min and x_max > x_min' });
export type CropBox = z.infer<typeof CropBox>;

/** Half-open bounding box of foreground pixels. */
export interface Bounds {
  yMin: number;
  yMax: number;
  xMin: number;
  xMax: number;
}

/**
 * Foreground, as PIXAL defines it: alpha > 0 for an image with alpha (background removed), otherwise any
 * colour channel above bgThreshold. Returns null when the image has no foreground pixel.
 */
export function foregroundBounds(image: Image, bgThreshold: number): Bounds | null {
  const { width, height, channels, data } = image;
  let yMin = height;
  let yMax = -1;
  let xMin = width;
  let xMax = -1;
  for (let y = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    let p = y * width * channels;
    for (let x = 0; x < width; x++, p += channels) {
      let fg: boolean;
      if (channels === 4) fg = data[p + 3]! > 0;
      else if (channels === 3) fg = data[p]! > bgThreshold || data[p + 1]! > bgThreshold || data[p + 2]! > bgThreshold;
      else fg = data[p]! > bgThreshold;
      if (fg) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      if (yMin === height) yMin = y;
      yMax = y;
      if (first < xMin) xMin = first;
      if (last > xMax) xMax = last;
    }
  }
  return yMax < 0 ? null : { yMin, yMax: yMax + 1, xMin, xMax: xMax + 1 };
}

/** The whole image as a crop box (zero pruning off). */
export function fullCropBox(width: number, height: number): CropBox {
  return { y_min: 0, y_max: height, x_min: 0, x_max: width, padding: 0 };
}

/**
 * Union of the images' foreground bounds, grown by `padding` on every side and clamped to the image.
 * Images without foreground do not contribute; null when none has any.
 */
export function unionCropBox(bounds: readonly (Bounds | null)[], width: number, height: number, padding: number): CropBox | null {
  let u: Bounds | null = null;
  for (const b of bounds) {
    if (!b) continue;
    u = u
      ? { yMin: Math.min(u.yMin, b.yMin), yMax: Math.max(u.yMax, b.yMax), xMin: Math.min(u.xMin, b.xMin), xMax: Math.max(u.xMax, b.xMax) }
      : { ...b };
  }
  if (!u) return null;
  return {
    y_min: Math.max(u.yMin - padding, 0),
    y_max: Math.min(u.yMax + padding, height),
    x_min: Math.max(u.xMin - padding, 0),
    x_max: Math.min(u.xMax + padding, width),
    padding,
  };
}

/** Height and width of a crop box. */
export interface CropSize {
  height: number;
  width: number;
}

/** A box of `size` centred on (centreY, centreX), shifted to stay inside a width x height image. */
function centredBox(centreY: number, centreX: number, size: CropSize, width: number, height: number, padding: number): CropBox {
  const place = (centre: number, length: number, limit: number): number => Math.min(Math.max(Math.round(centre - length / 2), 0), limit - length);
  const y = place(centreY, size.height, height);
  const x = place(centreX, size.width, width);
  return { y_min: y, y_max: y + size.height, x_min: x, x_max: x + size.width, padding };
}

/**
 * The stored crop box moved onto a new image (validation): same size, centred on the new image's
 * foreground, shifted to stay inside the image. An image without foreground keeps the box where it was.
 * Throws when the image is smaller than the box, since the model needs the training input size.
 */
export function recentreCropBox(box: CropBox, image: Image, bgThreshold = 15): CropBox {
  const h = box.y_max - box.y_min;
  const w = box.x_max - box.x_min;
  if (image.height < h || image.width < w) {
    throw new Error(`image of ${image.width}x${image.height} is smaller than the ${w}x${h} crop box of the training images`);
  }
  const fg = foregroundBounds(image, bgThreshold) ?? { yMin: box.y_min, yMax: box.y_max, xMin: box.x_min, xMax: box.x_max };
  return centredBox((fg.yMin + fg.yMax) / 2, (fg.xMin + fg.xMax) / 2, { height: h, width: w }, image.width, image.height, box.padding);
}

/**
 * One-hot mode, where one model takes every type: a type's crop box grown to the size shared by all types,
 * around its own centre and shifted to stay inside its width x height images (a box of that size is kept as it is).
 */
export function growCropBox(box: CropBox, size: CropSize, width: number, height: number): CropBox {
  if (height < size.height || width < size.width) {
    throw new Error(`images of ${width}x${height} are smaller than the ${size.width}x${size.height} crop size`);
  }
  return centredBox((box.y_min + box.y_max) / 2, (box.x_min + box.x_max) / 2, size, width, height, box.padding);
}

/** Cropped image in planes; fully transparent pixels read as black, as in PIXAL's background-removed PNGs. */
export interface CroppedImage extends RgbPlanes {
  /** Alpha of the crop, or null when the image has none. */
  alpha: Uint8Array | null;
}

export function cropImage(image: Image, box: CropBox): CroppedImage {
  const { channels, data } = image;
  if (box.y_max > image.height || box.x_max > image.width) {
    throw new Error(`crop box y ${box.y_min}..${box.y_max}, x ${box.x_min}..${box.x_max} exceeds the ${image.width}x${image.height} image`);
  }
  const width = box.x_max - box.x_min;
  const height = box.y_max - box.y_min;
  const n = width * height;
  const r = new Uint8Array(n);
  const g = new Uint8Array(n);
  const b = new Uint8Array(n);
  const alpha = channels === 4 ? new Uint8Array(n) : null;
  // One loop per layout keeps the per-pixel path free of branches on `channels`.
  for (let y = box.y_min, o = 0; y < box.y_max; y++, o += width) {
    const p = (y * image.width + box.x_min) * channels;
    if (channels === 3) {
      for (let x = 0, q = p; x < width; x++, q += 3) {
        r[o + x] = data[q]!;
        g[o + x] = data[q + 1]!;
        b[o + x] = data[q + 2]!;
      }
    } else if (alpha) {
      for (let x = 0, q = p; x < width; x++, q += 4) {
        const a = data[q + 3]!;
        const keep = a === 0 ? 0 : 255;
        alpha[o + x] = a;
        r[o + x] = data[q]! & keep;
        g[o + x] = data[q + 1]! & keep;
        b[o + x] = data[q + 2]! & keep;
      }
    } else {
      const row = data.subarray(p, p + width);
      r.set(row, o);
      g.set(row, o);
      b.set(row, o);
    }
  }
  return { width, height, r, g, b, alpha };
}
