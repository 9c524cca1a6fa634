// OpenCV's Mat and our Image, converted both ways. OpenCV itself comes from the shared loader
// (trainer/image/opencv.ts); like it, this module may only be loaded on the pool's OpenCV lane.
import type * as OpenCV from '@u4/opencv4nodejs';
import opencv from '../../image/opencv.ts';
import type { Image } from '../../image/image.ts';

export const cv = opencv.cv;
export type Mat = OpenCV.Mat;
export type KeyPoint = OpenCV.KeyPoint;
export type DescriptorMatch = OpenCV.DescriptorMatch;

const MAT_TYPE = { 1: cv.CV_8UC1, 3: cv.CV_8UC3, 4: cv.CV_8UC4 } as const;

/** The image's bytes as a Mat (channel order kept: RGB stays RGB). */
export function toMat(image: Image): Mat {
  const { width, height, channels, data } = image;
  return new cv.Mat(Buffer.from(data.buffer, data.byteOffset, data.byteLength), height, width, MAT_TYPE[channels]);
}

export function fromMat(mat: Mat): Image {
  const channels = mat.channels;
  if (mat.depth !== cv.CV_8U || (channels !== 1 && channels !== 3 && channels !== 4)) throw new TypeError(`expected an 8-bit 1, 3 or 4 channel Mat, got depth ${mat.depth} with ${channels} channels`);
  const data = mat.getData();
  return { width: mat.cols, height: mat.rows, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** RGBA copy of an image: alpha kept, or 255 where the image has none (so a warp's alpha marks coverage). */
export function withAlpha(image: Image): Image {
  if (image.channels === 4) return image;
  const n = image.width * image.height;
  const out = new Uint8Array(n * 4);
  const c = image.channels;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    out[i * 4] = image.data[s]!;
    out[i * 4 + 1] = image.data[s + (c === 3 ? 1 : 0)]!;
    out[i * 4 + 2] = image.data[s + (c === 3 ? 2 : 0)]!;
    out[i * 4 + 3] = 255;
  }
  return { width: image.width, height: image.height, channels: 4, data: out };
}

/** Drops the alpha channel of an RGBA image. */
export function withoutAlpha(image: Image): Image {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = image.data[i * 4]!;
    out[i * 3 + 1] = image.data[i * 4 + 1]!;
    out[i * 3 + 2] = image.data[i * 4 + 2]!;
  }
  return { width: image.width, height: image.height, channels: 3, data: out };
}

export function homographyMat(h: number[]): Mat {
  return new cv.Mat([h.slice(0, 3), h.slice(3, 6), h.slice(6, 9)], cv.CV_64F);
}
