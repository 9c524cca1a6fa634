// Ground-truth defect masks through the image's own geometry: read at the image's size, warped with the
// homography that aligned the image (nearest neighbour, so a mask stays 0/1), then cropped with its crop box.
import sharp from 'sharp';
import { invert, type Homography } from '../pipeline/align/homography.ts';

/** A mask pixel is defect when its grey level is at least this (masks are 0/255; JPEG-saved ones are close). */
const DEFECT_LEVEL = 128;

export class GroundTruthError extends Error {}

/** Reads a mask as 0/1, one byte per pixel; it must have the image's size. EXIF orientation is applied, as for images. */
export async function readGroundTruth(file: string, width: number, height: number): Promise<Uint8Array> {
  const decoded = await sharp(file, { failOn: 'truncated' })
    .rotate()
    .removeAlpha()
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw new GroundTruthError(`cannot read mask ${file} (${err instanceof Error ? err.message : String(err)})`);
    });
  const { data, info } = decoded;
  if (info.width !== width || info.height !== height) throw new GroundTruthError(`mask ${info.width}x${info.height} does not match image ${width}x${height}`);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i * info.channels]! >= DEFECT_LEVEL ? 1 : 0;
  return mask;
}

/**
 * The mask warped onto the reference frame (`width` x `height`) by `homography` (image pixel → reference
 * pixel), as OpenCV's warpPerspective with INTER_NEAREST and a zero border: each output pixel takes the source
 * pixel nearest to where the inverse homography sends it (pixel centres on integer coordinates).
 */
export function warpNearest(mask: Uint8Array, maskWidth: number, maskHeight: number, homography: Homography, width: number, height: number): Uint8Array {
  const [a, b, c, d, e, f, g, h, i] = invert(homography) as [number, number, number, number, number, number, number, number, number];
  const out = new Uint8Array(width * height);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o++) {
      const w = g * x + h * y + i;
      if (w === 0) continue;
      const sx = Math.round((a * x + b * y + c) / w);
      const sy = Math.round((d * x + e * y + f) / w);
      if (sx >= 0 && sy >= 0 && sx < maskWidth && sy < maskHeight) out[o] = mask[sy * maskWidth + sx]!;
    }
  }
  return out;
}
