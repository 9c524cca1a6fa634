// Similarity of a reference and an aligned image: SSIM and MSE on grayscale, over the pixels both show.
import type { Image } from '../../image/image.ts';
import { cv } from './cv.ts';

/** A grayscale plane, float grey levels on 0-255. */
export interface Gray {
  width: number;
  height: number;
  data: Float32Array;
}

/** ITU-R BT.601 luma (the weights of OpenCV's RGB→GRAY), unrounded, 0-255. Alpha is ignored. */
export function luma(image: Image): Gray {
  const { width, height, channels, data } = image;
  const out = new Float32Array(width * height);
  if (channels === 1) out.set(data);
  else for (let i = 0, p = 0; i < out.length; i++, p += channels) out[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
  return { width, height, data: out };
}

/** 1 where a pixel is foreground: alpha > 127 on 4-channel images, everywhere on 1- and 3-channel ones. */
export function foreground(image: Image): Uint8Array {
  const n = image.width * image.height;
  if (image.channels !== 4) return new Uint8Array(n).fill(1);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = image.data[i * 4 + 3]! > 127 ? 1 : 0;
  return mask;
}

/** Pixel-wise AND of two 0/1 masks. */
export function intersect(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! & b[i]!;
  return out;
}

function checkSameSize(a: Gray, b: Gray, mask: Uint8Array | undefined): void {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`size mismatch: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  if (mask && mask.length !== a.width * a.height) throw new RangeError(`mask has ${mask.length} pixels, images ${a.width * a.height}`);
}

/**
 * Mean squared error of two grayscale planes in grey levels² (0-255 scale, so 0 ≤ MSE ≤ 65025), over the
 * pixels where `mask` is 1 (all pixels without a mask), accumulated in float64: no 8-bit wrap-around.
 * NaN when the mask is empty.
 */
export function mse(a: Gray, b: Gray, mask?: Uint8Array): number {
  checkSameSize(a, b, mask);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (mask && !mask[i]) continue;
    const d = a.data[i]! - b.data[i]!;
    sum += d * d;
    n++;
  }
  return n ? sum / n : NaN;
}

const SIGMA = 1.5;
const RADIUS = 5; // 11x11 window, as Wang et al. (2004)
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const KERNEL = (() => {
  const k = Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA * SIGMA)));
  const sum = k.reduce((acc, v) => acc + v, 0);
  return new cv.Mat([k.map((v) => v / sum)], cv.CV_64F);
})();

/**
 * Separable Gaussian sum over each pixel's window, in float64 (float32 loses about 1e-4 of SSIM to
 * cancellation in E[x²] − E[x]²); outside the image counts as 0 (zero padding).
 */
function gaussianSum(plane: Float64Array, width: number, height: number): Float64Array {
  const mat = new cv.Mat(Buffer.from(plane.buffer, plane.byteOffset, plane.byteLength), height, width, cv.CV_64FC1);
  // Options as an object: the binding takes a positional Point2 anchor for one and drops the border type.
  const out = mat.sepFilter2D(cv.CV_64F, KERNEL, KERNEL, { borderType: cv.BORDER_CONSTANT }).getData();
  return out.byteOffset % 8 === 0 ? new Float64Array(out.buffer, out.byteOffset, out.length / 8) : new Float64Array(Uint8Array.from(out).buffer);
}

/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) of two grayscale planes on 0-255:
 * Gaussian window σ = 1.5 truncated to 11x11, K1 = 0.01, K2 = 0.03, L = 255; the mean of the SSIM map.
 * With a mask, the local means, variances and covariance are taken over masked pixels only
 * (normalised convolution: each window's Gaussian weights renormalised over the pixels the mask keeps),
 * and the map is averaged over masked pixels; so a transparent background or the empty border of a warp
 * counts neither in the statistics nor in the mean. Outside the image counts as masked out, so windows
 * at the border are truncated rather than padded. NaN when the mask is empty.
 * (The window sums are OpenCV Gaussian filters: 30x faster than the same loops in JS.)
 */
export function ssim(a: Gray, b: Gray, mask?: Uint8Array): number {
  checkSameSize(a, b, mask);
  const { width, height } = a;
  const n = width * height;
  // The weighted products w, w·x, w·y, w·x², w·y², w·x·y (w = mask) whose window sums give the moments.
  const products = Array.from({ length: 6 }, () => new Float64Array(n));
  const [pw, px, py, pxx, pyy, pxy] = products as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    const x = a.data[i]!;
    const y = b.data[i]!;
    pw[i] = 1;
    px[i] = x;
    py[i] = y;
    pxx[i] = x * x;
    pyy[i] = y * y;
    pxy[i] = x * y;
  }
  const [sw, sx, sy, sxx, syy, sxy] = products.map((p) => gaussianSum(p, width, height)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  let total = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    const k = sw[i]!;
    const mx = sx[i]! / k;
    const my = sy[i]! / k;
    const vx = Math.max(0, sxx[i]! / k - mx * mx);
    const vy = Math.max(0, syy[i]! / k - my * my);
    const cov = sxy[i]! / k - mx * my;
    total += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    count++;
  }
  return count ? total / count : NaN;
}
