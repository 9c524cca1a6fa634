// Alignment of an image to its type's reference: keypoints, ratio-test matches, RANSAC homography,
// perspective warp onto the reference frame, then PIXAL's three acceptance rules.
import type { Image } from '../../image/image.ts';
import { cv, fromMat, homographyMat, toMat, withAlpha, withoutAlpha, type DescriptorMatch } from './cv.ts';
import { detectFeatures, goodMatches, type Features } from './features.ts';
import { fromResized, type Homography } from './homography.ts';
import { foreground, intersect, luma, mse, ssim, type Gray } from './metrics.ts';
import type { AlignmentOptions } from './options.ts';

export interface AlignResult {
  accepted: boolean;
  /** Why the image was rejected: every failed rule, separated by "; ". Absent when accepted. */
  reason?: string;
  /** Row-major 3x3, image pixel → reference pixel (full size); empty when none was found. */
  homography: Homography;
  /** Good matches the homography estimate kept as inliers (within ransac_threshold). */
  inliers: number;
  /** inliers / goodMatches (0 when no homography was estimated). */
  inlierRatio: number;
  /** Matches passing Lowe's ratio test. */
  goodMatches: number;
  /** SSIM of reference and warped image over their overlap (see metrics.ts ssim); NaN without a warp. */
  ssim: number;
  /** MSE in grey levels² (0-255 scale) over the same overlap (see metrics.ts mse); NaN without a warp. */
  mse: number;
  /** The image warped onto the reference frame (reference size, same channels as the input; uncovered
   *  pixels black, or transparent on RGBA). Present whenever a homography was found, accepted or not. */
  warped?: Image;
}

/** What is computed once per reference and reused for every image aligned to it. */
export interface PreparedReference {
  image: Image;
  features: Features;
  gray: Gray;
  foreground: Uint8Array;
  /** The options the features were found with; alignment must use the same detector and scale. */
  options: AlignmentOptions;
}

export interface AlignDetails {
  result: AlignResult;
  /** Side-by-side drawing of the inlier matches on the detection copies (image | reference), when `draw_matches`. */
  matchDrawing?: Image;
}

export function prepareReference(reference: Image, options: AlignmentOptions): PreparedReference {
  return { image: reference, features: detectFeatures(reference, options), gray: luma(reference), foreground: foreground(reference), options };
}

function rejected(reason: string, goodMatchCount: number): AlignResult {
  return { accepted: false, reason, homography: [], inliers: 0, inlierRatio: 0, goodMatches: goodMatchCount, ssim: NaN, mse: NaN };
}

/** OpenCV's flags: cv.RANSAC, and USAC_MAGSAC (MAGSAC++, OpenCV ≥ 4.5; the binding has no constant for it). */
const ESTIMATORS = { RANSAC: cv.RANSAC, MAGSAC: 38 } as const;

/** The most inlier lines a match drawing shows (more is unreadable). */
const DRAWN_MATCHES = 150;

/** Aligns `image` to a prepared reference; see alignToReference. */
export function alignPrepared(reference: PreparedReference, image: Image, options: AlignmentOptions): AlignDetails {
  if (options.detector !== reference.options.detector || options.detection_scale !== reference.options.detection_scale || options.max_features !== reference.options.max_features) {
    throw new Error('the reference was prepared with other detector options than this alignment uses');
  }
  const features = detectFeatures(image, options);
  const good = goodMatches(features, reference.features, options.detector, options.knn_ratio);
  if (good.length < options.number_of_points) return { result: rejected(`good matches ${good.length} < number_of_points ${options.number_of_points}`, good.length) };

  const src = good.map((m) => features.keypoints[m.queryIdx]!.pt);
  const dst = good.map((m) => reference.features.keypoints[m.trainIdx]!.pt);
  // The estimate runs on the detection copies, so its threshold shrinks with them (the option is in full-size px).
  const scale = reference.features.toDetection[0]!;
  const found = cv.findHomography(src, dst, ESTIMATORS[options.homography_method], options.ransac_threshold * scale);
  if (found.homography.empty) return { result: rejected(`${options.homography_method} found no homography`, good.length) };
  const inlierFlags = found.mask.getData();
  const inlierMatches: DescriptorMatch[] = good.filter((_, i) => inlierFlags[i] !== 0);
  const inliers = inlierMatches.length;
  const homography = fromResized(found.homography.getDataAsArray().flat(), features.toDetection, reference.features.toDetection);

  const { width, height } = reference.image;
  const warpedRgba = fromMat(toMat(withAlpha(image)).warpPerspective(homographyMat(homography), new cv.Size(width, height), cv.INTER_LINEAR, cv.BORDER_CONSTANT));
  const overlap = intersect(reference.foreground, foreground(warpedRgba));
  const warpedGray = luma(warpedRgba);
  const score = ssim(reference.gray, warpedGray, overlap);
  const error = mse(reference.gray, warpedGray, overlap);

  const reasons: string[] = [];
  if (Number.isNaN(score)) reasons.push('the warped image does not overlap the reference');
  else {
    if (!(score >= options.MIN_SCORE_THRESHOLD)) reasons.push(`ssim ${score.toFixed(3)} < MIN_SCORE_THRESHOLD ${options.MIN_SCORE_THRESHOLD}`);
    if (!(error <= options.MAX_MSE_THRESHOLD)) reasons.push(`mse ${error.toFixed(1)} > MAX_MSE_THRESHOLD ${options.MAX_MSE_THRESHOLD}`);
  }
  if (inliers < options.MIN_GOOD_MATCHES) reasons.push(`inliers ${inliers} < MIN_GOOD_MATCHES ${options.MIN_GOOD_MATCHES}`);

  const result: AlignResult = {
    accepted: reasons.length === 0,
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    homography,
    inliers,
    inlierRatio: inliers / good.length,
    goodMatches: good.length,
    ssim: score,
    mse: error,
    warped: image.channels === 4 ? warpedRgba : withoutAlpha(warpedRgba),
  };
  if (!options.draw_matches) return { result };
  const drawn = inlierMatches.slice(0, DRAWN_MATCHES);
  return { result, matchDrawing: fromMat(cv.drawMatches(features.gray, reference.features.gray, features.keypoints, reference.features.keypoints, drawn)) };
}

/**
 * Aligns `image` onto `reference` (PIXAL preprocessing step 2). Keypoints from `options.detector` on
 * grayscale copies (resized by `detection_scale`), kNN (k = 2) matches with Lowe's ratio `knn_ratio`,
 * at least `number_of_points` good matches, a robust homography (`homography_method`: MAGSAC++ by
 * default, or PIXAL's RANSAC; inliers within `ransac_threshold` px), and a bilinear perspective warp to
 * the reference size. Accepted when SSIM ≥ MIN_SCORE_THRESHOLD and MSE ≤
 * MAX_MSE_THRESHOLD and inliers ≥ MIN_GOOD_MATCHES; otherwise `reason` names every rule that failed.
 * SSIM and MSE are taken on grayscale over the pixels both images show (foregrounds of RGBA images,
 * the covered part of the warp). An image that cannot be aligned is rejected, not thrown.
 */
export function alignToReference(reference: Image, image: Image, options: AlignmentOptions): AlignResult {
  return alignPrepared(prepareReference(reference, options), image, options).result;
}
