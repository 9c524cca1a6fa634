// Keypoints, descriptors and ratio-test matches with OpenCV, on a (possibly downscaled) grayscale copy.
import type { Image } from '../../image/image.ts';
import { cv, toMat, type DescriptorMatch, type KeyPoint, type Mat } from './cv.ts';
import { resizeMap, type Homography } from './homography.ts';
import type { AlignmentOptions, Detector } from './options.ts';

export interface Features {
  /** The grayscale copy the keypoints were found on (for match drawings). */
  gray: Mat;
  keypoints: KeyPoint[];
  /** One row per keypoint. */
  descriptors: Mat;
  /** Full-size pixel coordinates → coordinates on `gray`. */
  toDetection: Homography;
}

export class DetectorUnavailableError extends Error {}

function createDetector(detector: Detector, maxFeatures: number) {
  switch (detector) {
    case 'SIFT':
      // SIFT lives in features2d since OpenCV 4.4, but the binding only exposes it when built with the
      // patch applied by setup (it otherwise looks for it in the contrib module xfeatures2d).
      if (typeof cv.SIFTDetector !== 'function') throw new DetectorUnavailableError('SIFT is not available in this OpenCV binding (rebuild @u4/opencv4nodejs with the SIFT patch, or choose detector ORB or AKAZE)');
      return new cv.SIFTDetector({ nFeatures: maxFeatures });
    case 'ORB':
      return new cv.ORBDetector({ maxFeatures });
    case 'AKAZE':
      return new cv.AKAZEDetector();
  }
}

/** Detection keeps at least this many pixels along the long side, so small images keep enough keypoints. */
export const MIN_DETECTION_SIDE = 960;

/** `detection_scale`, raised where it would shrink the long side below MIN_DETECTION_SIDE (never above 1). */
export function effectiveDetectionScale(width: number, height: number, scale: number): number {
  return Math.min(1, Math.max(scale, MIN_DETECTION_SIDE / Math.max(width, height)));
}

/**
 * Finds up to `max_features` keypoints (strongest first) and their descriptors on a grayscale copy of
 * `image` resized by `detection_scale` (see effectiveDetectionScale). On RGBA images only the foreground (alpha > 127) is searched.
 */
export function detectFeatures(image: Image, options: AlignmentOptions): Features {
  const mat = toMat(image);
  let gray = image.channels === 1 ? mat : mat.cvtColor(image.channels === 4 ? cv.COLOR_RGBA2GRAY : cv.COLOR_RGB2GRAY);
  let mask: Mat | undefined;
  if (image.channels === 4) {
    const alpha = mat.splitChannels()[3]!;
    mask = alpha.threshold(127, 255, cv.THRESH_BINARY);
  }
  const s = effectiveDetectionScale(image.width, image.height, options.detection_scale);
  let toDetection = resizeMap(1, 1);
  if (s < 1) {
    const w = Math.max(1, Math.round(image.width * s));
    const h = Math.max(1, Math.round(image.height * s));
    gray = gray.resize(h, w, 0, 0, cv.INTER_AREA);
    mask = mask?.resize(h, w, 0, 0, cv.INTER_NEAREST);
    toDetection = resizeMap(w / image.width, h / image.height);
  }
  const detector = createDetector(options.detector, options.max_features);
  let keypoints = mask ? detector.detect(gray, mask) : detector.detect(gray);
  if (keypoints.length > options.max_features) keypoints = [...keypoints].sort((a, b) => b.response - a.response).slice(0, options.max_features);
  const descriptors = detector.compute(gray, keypoints);
  // The binding does not hand back the keypoint list compute() may have pruned: rows must still line up.
  if (keypoints.length > 0 && descriptors.rows !== keypoints.length) throw new Error(`${options.detector} computed ${descriptors.rows} descriptors for ${keypoints.length} keypoints`);
  return { gray, keypoints, descriptors, toDetection };
}

/**
 * Good matches of `image` (query) against `reference` (train): the two nearest reference descriptors by
 * brute force (L2 for SIFT, Hamming for the binary ORB and AKAZE descriptors), kept when the nearest is
 * closer than `knnRatio` × the second (Lowe's ratio test).
 */
export function goodMatches(image: Features, reference: Features, detector: Detector, knnRatio: number): DescriptorMatch[] {
  if (image.keypoints.length === 0 || reference.keypoints.length < 2) return [];
  const knn = detector === 'SIFT' ? cv.matchKnnBruteForce(image.descriptors, reference.descriptors, 2) : cv.matchKnnBruteForceHamming(image.descriptors, reference.descriptors, 2);
  const good: DescriptorMatch[] = [];
  for (const pair of knn) {
    const [best, second] = pair;
    if (best && second && best.distance < knnRatio * second.distance) good.push(best);
  }
  return good;
}
