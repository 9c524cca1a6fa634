// Parts cut out of a real photo instead of drawn: the part is the photo's foreground (the pipeline's own
// background removal), the empty stage is the photo with the part painted out (from the stage's radially
// symmetric back light), and the defect zones are read from the foreground's shape, as the flex has
// it: a narrow middle of straight traces between two taller ends whose tips carry the fingers.
import sharp from 'sharp';
import { readImage, type Image } from '../image/image.ts';
import cv from '../image/opencv.ts';
import { removeBackground } from '../pipeline/background/index.ts';
import { PART_WIDTH } from './flex/geometry.ts';
import { Random } from './random.ts';
import type { Box, DefectZones, PartTemplate } from './template.ts';

/** The middle traces of the flex span this share of its length (as the drawn part's TRACE_BAND does). */
const TRACE_SPAN = [0.25, 0.75] as const;
/** The fingers take this share of the length at each end. */
const FINGER_SPAN = 0.055;
/** Rows of the foreground this close to its top or bottom (share of its height) are left out of the zones. */
const INSET = 0.06;
/** A pixel this bright (max of R, G, B) is lit stage. */
const LIT = 100;
/** Width of the band where the painted-out stage blends into the photo's, pixels. */
const FEATHER = 2;
/** Noise of the photo's stage (grey levels), given to the painted-out stage. */
const STAGE_NOISE = 2.5;

function rowsAt(mask: Uint8Array, width: number, height: number, x: number): [number, number] {
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    if (!mask[y * width + x]) continue;
    if (top < 0) top = y;
    bottom = y;
  }
  return [top, bottom];
}

/** Trace band and finger zones from the foreground's extent (the part lies roughly horizontal). */
export function zonesFromMask(mask: Uint8Array, width: number, height: number): { zones: DefectZones; length: number } {
  let x0 = width;
  let x1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
  }
  if (x1 < 0) throw new Error('the foreground is empty');
  const length = x1 - x0 + 1;
  const band = (xa: number, xb: number, probe: number): Box => {
    const [top, bottom] = rowsAt(mask, width, height, Math.round(probe));
    const inset = INSET * (bottom - top);
    return { x0: xa, x1: xb, y0: top + inset, y1: bottom - inset };
  };
  const finger = FINGER_SPAN * length;
  return {
    length,
    zones: {
      traceBands: [band(x0 + TRACE_SPAN[0] * length, x0 + TRACE_SPAN[1] * length, x0 + length / 2)],
      fingerZones: [band(x0, x0 + finger, x0 + finger / 2), band(x1 + 1 - finger, x1 + 1, x1 + 1 - finger / 2)],
    },
  };
}

/**
 * The photo with the part painted out. The back-lit stage is radially symmetric about the lit disc's centre,
 * so the hidden stage is the photo's own median stage colour at the same distance from that centre, with noise
 * like the photo's, feathered into the visible stage over a few pixels.
 */
function paintOut(image: Image, mask: Uint8Array, grow: number): Image {
  const { width, height } = image;
  const n = width * height;
  const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(2 * grow + 1, 2 * grow + 1));
  const hole = new Uint8Array(new cv.Mat(Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength), height, width, cv.CV_8UC1).dilate(kernel).getData());
  // The disc: bright pixels and the part on it; its centre is their centroid.
  const value = (i: number) => Math.max(image.data[3 * i]!, image.data[3 * i + 1]!, image.data[3 * i + 2]!);
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!hole[i] && value(i) < LIT) continue;
    sx += i % width;
    sy += Math.floor(i / width);
    count++;
  }
  const cx = count ? sx / count : width / 2;
  const cy = count ? sy / count : height / 2;
  // Median colour of the visible stage in rings one pixel wide.
  const rings = Math.ceil(Math.hypot(width, height)) + 1;
  const samples: number[][][] = Array.from({ length: rings }, () => [[], [], []]);
  const ringOf = (i: number) => Math.round(Math.hypot((i % width) + 0.5 - cx, Math.floor(i / width) + 0.5 - cy));
  for (let i = 0; i < n; i += 3) {
    if (hole[i]) continue;
    const ring = samples[ringOf(i)]!;
    for (let c = 0; c < 3; c++) ring[c]!.push(image.data[3 * i + c]!);
  }
  const profile = samples.map((ring) => (ring[0]!.length ? ring.map((v) => v.sort((a, b) => a - b)[v.length >> 1]!) : null));
  // Rings the stage never shows (all under the part) take the nearest ring that it does.
  for (let r = 1; r < rings; r++) profile[r] ??= profile[r - 1]!;
  for (let r = rings - 2; r >= 0; r--) profile[r] ??= profile[r + 1]!;
  if (!profile[0]) return image;
  // Feather: distance to the hole, in pixels, up to FEATHER (a second dilation).
  const wider = new Uint8Array(new cv.Mat(Buffer.from(hole.buffer), height, width, cv.CV_8UC1).dilate(cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(2 * FEATHER + 1, 2 * FEATHER + 1))).getData());
  const noise = new Random('stage-noise');
  const data = image.data.slice();
  for (let i = 0; i < n; i++) {
    if (!wider[i]) continue;
    const model = profile[ringOf(i)]!;
    const weight = hole[i] ? 1 : 0.5;
    for (let c = 0; c < 3; c++) {
      const v = model[c]! + noise.normal(0, STAGE_NOISE);
      data[3 * i + c] = Math.min(255, Math.max(0, Math.round(weight * v + (1 - weight) * image.data[3 * i + c]!)));
    }
  }
  return { width, height, channels: 3, data };
}

/** A template from a real photo; `size` resizes the photo first (default: its own size). */
export async function baseImageTemplate(file: string, size?: { width: number; height: number }): Promise<PartTemplate> {
  let image = await readImage(file, 3);
  if (size && (size.width !== image.width || size.height !== image.height)) {
    const { data } = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(size.width, size.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    image = { ...size, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  let mask: Uint8Array;
  try {
    ({ mask } = await removeBackground(image));
  } catch (err) {
    throw new Error(`${file}: cannot find the part in the photo (${err instanceof Error ? err.message : String(err)})`);
  }
  const { width, height } = image;
  const { zones, length } = zonesFromMask(mask, width, height);
  // Defect sizes follow the part's size in this photo, compared with the drawn part's.
  const scale = length / PART_WIDTH;
  const part = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    part.set(image.data.subarray(3 * i, 3 * i + 3), 4 * i);
    part[4 * i + 3] = mask[i] ? 255 : 0;
  }
  return {
    part: { width, height, channels: 4, data: part },
    stage: paintOut(image, mask, Math.max(2, Math.round(10 * scale))),
    zones,
    scale,
    scaleBar: false,
  };
}
