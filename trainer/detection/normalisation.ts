// Per-pixel error normalisation: each pooled pixel's error divided by what the same model typically errs there on
// the training images. An autoencoder errs most where it always errs (the part's outline, connector fans,
// lettering), so a raw error map's largest values are rarely the defect; in units of "times this pixel's usual
// error" those places flatten and a defect stands out (held-out synthetic flexes: image AUROC 0.56-0.77 raw,
// 0.97 normalised; BENCHMARKS.md). Pure functions: the reference is measured at training (trainer/runs/
// error-reference.ts), stored with the model (normalisation-file.ts) and applied at detection.
import { FOREGROUND_MIN } from './error-map.ts';

/** What the model errs on its own training images, per pooled pixel, for one image type. */
export interface ErrorReference {
  /** Pooled map size (H', W'). */
  shape: [number, number];
  /** Training images it was measured on. */
  images: number;
  /** (P) mean error of each pooled pixel over the training images in which it is foreground; 0 where it never is. */
  meanError: Float32Array;
  /** (P) share of the training images in which the pixel is foreground (mask ≥ FOREGROUND_MIN). */
  foregroundShare: Float32Array;
}

export interface NormalisationOptions {
  /** ε = this quantile of the mean error over the support: keeps near-zero references from blowing errors up. */
  epsilonQuantile: number;
  /** A pixel is scored only when it is foreground in at least this share of the training images. */
  supportShare: number;
}

/** Smallest ε, so that the division stays defined when the quantile lands on a zero reference. */
export const MIN_EPSILON = 1e-12;

/**
 * The reference of `n` error maps (N, P) with their foreground fractions (N, P), as errorMaps computes them
 * (0 on the background): per pixel, the mean over the images where it is foreground, and that share.
 */
export function referenceFromMaps(maps: Float32Array, foreground: Float32Array, n: number, shape: [number, number]): ErrorReference {
  const pixels = shape[0] * shape[1];
  if (n < 1) throw new RangeError('an error reference needs at least one training image');
  if (maps.length !== n * pixels || foreground.length !== n * pixels) {
    throw new RangeError(`error reference: ${maps.length} errors and ${foreground.length} foreground values for ${n} images of ${shape.join('x')}`);
  }
  const sums = new Float64Array(pixels);
  const counts = new Uint32Array(pixels);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < pixels; j++) {
      if (foreground[i * pixels + j]! < FOREGROUND_MIN) continue;
      sums[j]! += maps[i * pixels + j]!;
      counts[j]!++;
    }
  }
  return {
    shape,
    images: n,
    meanError: Float32Array.from(sums, (s, j) => (counts[j]! > 0 ? s / counts[j]! : 0)),
    foregroundShare: Float32Array.from(counts, (c) => c / n),
  };
}

/**
 * Pixels foreground in (nearly) every training image. Elsewhere, at the part's outline, the edge moves by a pixel
 * or two after alignment and background removal, so neither the error nor its reference means anything there.
 */
export function supportOf(reference: ErrorReference, supportShare: number): Uint8Array {
  // shares are k/images: compare counts, so that 0.95 of 20 images accepts 19 despite float rounding
  const needed = Math.ceil(supportShare * reference.images - 1e-9);
  return Uint8Array.from(reference.foregroundShare, (share) => (Math.round(share * reference.images) >= needed ? 1 : 0));
}

/** ε: the `quantile` (0 = smallest, 1 = largest) of the mean errors over the support, at least MIN_EPSILON. */
export function epsilonOf(reference: ErrorReference, support: Uint8Array, quantile: number): number {
  const values = Float32Array.from(reference.meanError.filter((_, j) => support[j] === 1)).sort();
  if (values.length === 0) return MIN_EPSILON;
  return Math.max(values[Math.floor(quantile * (values.length - 1))]!, MIN_EPSILON);
}

/**
 * Normalises `n` pooled error maps (N, P) in place: error / (mean training error + ε) inside the support, 0
 * outside it. A normalised error of 1 is what the model usually errs at that pixel.
 */
export function normaliseMaps(maps: Float32Array, n: number, reference: ErrorReference, options: NormalisationOptions): void {
  const pixels = reference.shape[0] * reference.shape[1];
  if (maps.length !== n * pixels) throw new RangeError(`normaliseMaps: ${maps.length} errors for ${n} maps of ${reference.shape.join('x')}`);
  const support = supportOf(reference, options.supportShare);
  const epsilon = epsilonOf(reference, support, options.epsilonQuantile);
  const scale = Float32Array.from(reference.meanError, (m, j) => (support[j] === 1 ? 1 / (m + epsilon) : 0));
  for (let i = 0; i < n; i++) for (let j = 0; j < pixels; j++) maps[i * pixels + j]! *= scale[j]!;
}
