// Config section preprocessing.alignment: PIXAL's keys and defaults, plus the few this implementation adds.
import { z } from 'zod';

export const DETECTORS = ['SIFT', 'ORB', 'AKAZE'] as const;
export type Detector = (typeof DETECTORS)[number];

export const AlignmentOptions = z
  .object({
    /**
     * Align every image to its type's reference before make_input (false: images are used as they are; read by the
     * preprocess orchestrator). Default true, not PIXAL's false: without it the part's position varies by more than
     * a defect's size and detection fails (pixel AUROC 0.19 unaligned on synthetic flexes, BENCHMARKS.md).
     */
    apply_alignment: z.boolean().default(true),
    /** Keypoint detector: SIFT (float descriptors, L2), ORB or AKAZE (binary descriptors, Hamming). */
    detector: z.enum(DETECTORS).default('SIFT'),
    /** Most keypoints kept per image (strongest responses first); bounds matching time. */
    max_features: z.number().int().min(10).default(5000),
    /** Downscale of the grayscale copy keypoints are found on (1 = full size; never below 960 px on the long side); the homography is rescaled. 0.5 kept SIFT within 0.2 px at about twice the speed. */
    detection_scale: z.number().gt(0).max(1).default(0.5),
    /** Lowe's ratio: a match is kept when its distance < knn_ratio × the second-best distance. */
    knn_ratio: z.number().gt(0).max(1).default(0.8),
    /** Fewest good (ratio-test) matches needed to estimate a homography (at least 4). */
    number_of_points: z.number().int().min(4).default(5),
    /** RANSAC reprojection threshold in pixels of the full-size image (the inlier limit of either estimator). */
    ransac_threshold: z.number().positive().default(7.0),
    /** Robust homography estimator: MAGSAC (OpenCV's MAGSAC++, more accurate) or plain RANSAC (PIXAL's). */
    homography_method: z.enum(['MAGSAC', 'RANSAC']).default('MAGSAC'),
    /** Accept only when the SSIM of reference and warped image (grayscale, over their overlap) is at least this. */
    MIN_SCORE_THRESHOLD: z.number().min(-1).max(1).default(0.5),
    /** Accept only when the MSE (grayscale, grey levels² on 0-255, over the overlap) is at most this: 400 = RMS 20 grey levels. */
    MAX_MSE_THRESHOLD: z.number().nonnegative().default(400),
    /** Accept only when the homography estimate keeps at least this many inlier matches. */
    MIN_GOOD_MATCHES: z.number().int().nonnegative().default(20),
    /** Write the score, MSE and inlier-ratio plots beside results.csv (results.csv is always written). */
    save_metrics: z.boolean().default(true),
    /** Write a reference | image | blend overlay per image. */
    save_overlays: z.boolean().default(false),
    /** Write a drawing of the inlier matches per image. */
    draw_matches: z.boolean().default(false),
  })
  .strict();

export type AlignmentOptions = z.infer<typeof AlignmentOptions>;
