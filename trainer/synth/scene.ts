// The part laid on the stage at its pose: the part (premultiplied by its coverage) and its defect mask go through the same homography — bilinear for the pixels,
// nearest neighbour for the mask — and the part is composited over the empty stage.
import type { Image } from '../image/image.ts';
import cv from '../image/opencv.ts';

export interface Scene {
  /** RGB. */
  image: Image;
  /** 255 where the part covers at least half of the pixel, else 0. */
  foreground: Uint8Array;
  /** The defect mask in the output frame (0/255, inside the foreground); null for a good part. */
  mask: Uint8Array | null;
}

function warp(data: Uint8Array, width: number, height: number, type: number, homography: readonly number[], interpolation: number): Uint8Array {
  const mat = new cv.Mat(Buffer.from(data.buffer, data.byteOffset, data.byteLength), height, width, type);
  const h = new cv.Mat([homography.slice(0, 3), homography.slice(3, 6), homography.slice(6, 9)] as number[][], cv.CV_64F);
  const warped = mat.warpPerspective(h, new cv.Size(width, height), interpolation, cv.BORDER_CONSTANT);
  return new Uint8Array(warped.getData());
}

/** times[a << 8 | v] = round(v * a / 255): premultiplying and blending with table look-ups instead of divisions. */
const times = new Uint8Array(256 * 256);
for (let a = 0; a < 256; a++) for (let v = 0; v < 256; v++) times[(a << 8) | v] = Math.round((v * a) / 255);

/**
 * The part's colours multiplied by its coverage (RGBA), so its edge blends with the stage without a dark fringe.
 * With `box`, only that box of `out` is recomputed (after a defect was painted there).
 */
export function premultiply(part: Image, out = new Uint8Array(part.data.length), box = { x0: 0, y0: 0, x1: part.width, y1: part.height }): Uint8Array {
  if (part.channels !== 4) throw new Error('the part must be RGBA');
  const src = part.data;
  for (let y = box.y0; y < box.y1; y++) {
    for (let i = 4 * (y * part.width + box.x0), end = 4 * (y * part.width + box.x1); i < end; i += 4) {
      const row = src[i + 3]! << 8;
      out[i] = times[row | src[i]!]!;
      out[i + 1] = times[row | src[i + 1]!]!;
      out[i + 2] = times[row | src[i + 2]!]!;
      out[i + 3] = src[i + 3]!;
    }
  }
  return out;
}

/** Lays the (premultiplied) part over the stage through the homography; the mask goes the same way. */
export function composeScene(stage: Image, premultiplied: Uint8Array, defectMask: Uint8Array | null, homography: readonly number[]): Scene {
  const { width, height } = stage;
  if (premultiplied.length !== width * height * 4) throw new Error('the part must be RGBA and as large as the stage');
  const n = width * height;
  const placed = warp(premultiplied, width, height, cv.CV_8UC4, homography, cv.INTER_LINEAR);
  const image = new Uint8Array(n * 3);
  const foreground = new Uint8Array(n);
  const back = stage.data;
  for (let i = 0, p = 0, q = 0; i < n; i++, p += 3, q += 4) {
    const a = placed[q + 3]!;
    if (a === 0) {
      image[p] = back[p]!;
      image[p + 1] = back[p + 1]!;
      image[p + 2] = back[p + 2]!;
      continue;
    }
    const rest = (255 - a) << 8;
    image[p] = Math.min(255, placed[q]! + times[rest | back[p]!]!);
    image[p + 1] = Math.min(255, placed[q + 1]! + times[rest | back[p + 1]!]!);
    image[p + 2] = Math.min(255, placed[q + 2]! + times[rest | back[p + 2]!]!);
    foreground[i] = a >= 128 ? 255 : 0;
  }
  let mask: Uint8Array | null = null;
  if (defectMask) {
    mask = warp(defectMask, width, height, cv.CV_8UC1, homography, cv.INTER_NEAREST);
    for (let i = 0; i < n; i++) mask[i] = mask[i] && foreground[i] ? 255 : 0;
  }
  return { image: { width, height, channels: 3, data: image }, foreground, mask };
}
