// The microscope camera between the scene and the file: lens blur, fall-off of light towards the corners,
// exposure and white balance that drift from photo to photo, sensor noise (read noise plus shot noise that
// grows with the signal), and the camera's JPEG compression. Levels chosen to match the real photo (noise
// about 2-4 grey levels on the lit stage, 1-2 in the dark).
import sharp from 'sharp';
import type { Image } from '../image/image.ts';
import cv from '../image/opencv.ts';
import type { Random } from './random.ts';

export interface CameraSettings {
  /** Overall exposure factor. */
  gain: number;
  /** Per-channel factors (R, G, B). */
  whiteBalance: [number, number, number];
  /** Fraction of light lost in the frame's corners. */
  vignette: number;
  /** Gaussian lens blur, output pixels (0: none). */
  blurSigma: number;
  /** Noise standard deviation = sqrt(read² + shot x signal), grey levels. */
  readNoise: number;
  shotNoise: number;
  jpegQuality: number;
}

/** A random camera state; `scale` is output pixels per reference pixel (the blur follows it). */
export function sampleCamera(random: Random, scale: number): CameraSettings {
  const wb = (spread: number) => 1 + random.uniform(-spread, spread);
  return {
    gain: random.uniform(0.94, 1.06),
    whiteBalance: [wb(0.025), wb(0.035), wb(0.06)],
    vignette: random.uniform(0, 0.12),
    // Downscaled frames are sharper per pixel, as a smaller photo of the same scene would be.
    blurSigma: random.uniform(0.35, 0.8) * Math.max(scale, 0.35),
    readNoise: random.uniform(0.9, 1.6),
    shotNoise: random.uniform(0.015, 0.045),
    jpegQuality: random.int(86, 95),
  };
}

/** A table of standard normal deviates, read at random offsets: fast noise for millions of pixels. */
function normalTable(random: Random, size: number): Float32Array {
  const table = new Float32Array(size);
  for (let i = 0; i < size; i++) table[i] = random.normal();
  return table;
}

/** Lens blur, light fall-off, exposure, white balance and sensor noise on an RGB image (a new image). */
export function expose(image: Image, settings: CameraSettings, random: Random): Image {
  if (image.channels !== 3) throw new Error(`the camera works on RGB images, got ${image.channels} channels`);
  const { width, height } = image;
  let data = image.data;
  if (settings.blurSigma >= 0.3) {
    const mat = new cv.Mat(Buffer.from(data.buffer, data.byteOffset, data.byteLength), height, width, cv.CV_8UC3);
    const blurred = mat.gaussianBlur(new cv.Size(0, 0), settings.blurSigma, settings.blurSigma, cv.BORDER_REFLECT);
    data = new Uint8Array(blurred.getData());
  }
  const out = new Uint8Array(width * height * 3);
  const tableSize = 1 << 16;
  const normals = normalTable(random, tableSize);
  const gains = settings.whiteBalance.map((w) => w * settings.gain);
  // Noise level by signal, tabulated per grey level of the (exposed) signal.
  const levels = 512;
  const sdBySignal = new Float32Array(levels);
  for (let v = 0; v < levels; v++) sdBySignal[v] = Math.sqrt(settings.readNoise ** 2 + settings.shotNoise * v);
  const cx = width / 2;
  const cy = height / 2;
  const corner2 = cx * cx + cy * cy;
  const dx2 = new Float32Array(width);
  for (let x = 0; x < width; x++) dx2[x] = (x + 0.5 - cx) ** 2;
  const seed = random.uint32();
  const [gr, gg, gb] = gains as [number, number, number];
  for (let y = 0, p = 0, i = 0; y < height; y++) {
    const dy2 = (y + 0.5 - cy) ** 2;
    for (let x = 0; x < width; x++, p += 3) {
      const light = 1 - (settings.vignette * (dx2[x]! + dy2)) / corner2;
      // A random table offset per pixel (a counter hashed with murmur3's finaliser); channels read consecutive entries.
      let h = (seed + Math.imul(i++, 0x9e3779b9)) | 0;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      const offset = h ^ (h >>> 16);
      const r = data[p]! * gr * light;
      const g = data[p + 1]! * gg * light;
      const b = data[p + 2]! * gb * light;
      const vr = r + sdBySignal[r | 0]! * normals[offset & 0xffff]! + 0.5;
      const vg = g + sdBySignal[g | 0]! * normals[(offset + 1) & 0xffff]! + 0.5;
      const vb = b + sdBySignal[b | 0]! * normals[(offset + 2) & 0xffff]! + 0.5;
      out[p] = vr <= 0 ? 0 : vr >= 255 ? 255 : vr | 0;
      out[p + 1] = vg <= 0 ? 0 : vg >= 255 ? 255 : vg | 0;
      out[p + 2] = vb <= 0 ? 0 : vb >= 255 ? 255 : vb | 0;
    }
  }
  return { width, height, channels: 3, data: out };
}

/** The camera's JPEG compression (blockiness, chroma subsampling), decoded back to pixels. */
export async function jpegRoundTrip(image: Image, quality: number): Promise<Image> {
  const raw = { width: image.width, height: image.height, channels: image.channels };
  const jpeg = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw })
    .jpeg({ quality, chromaSubsampling: '4:2:0' })
    .toBuffer();
  const { data } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  return { ...image, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
