// Section `detection`: how `pixal validate` / `pixal detect` turn error maps into image scores and decisions.
// Not in PIXAL (it thresholds pixels only, at plotting.loss_cut); see /work/notes and the README for the reasoning.
import { z } from 'zod';

export const DetectionOptions = z
  .object({
    /**
     * Error maps in units of each pixel's usual error: per_pixel divides every pooled pixel's error by the model's
     * mean error there on its training images (+ ε) and scores only pixels that are foreground in nearly every
     * training image (support_share); none keeps the raw channel-weighted squared error. A model trained before
     * pixal stored the reference is scored raw, with a warning. Default per_pixel: on held-out synthetic flexes it
     * lifts image AUROC from 0.56-0.64 to 0.96 (BENCHMARKS.md), because raw maps peak where the model always errs.
     */
    normalisation: z.enum(['per_pixel', 'none']).default('per_pixel'),
    /**
     * per_pixel only: ε is this quantile (0 = smallest, 1 = largest) of the mean training errors over the support.
     * Default 0 (ε = the smallest): of 0, 0.01, 0.1 and 0.5 it ranked images best on the tuning seed (BENCHMARKS.md);
     * larger ε pulls quiet pixels' errors down, and small defects sit on quiet pixels.
     */
    normalisation_epsilon_quantile: z.number().min(0).max(1).default(0),
    /** per_pixel only: a pixel is scored when it is foreground in at least this share of the training images. */
    support_share: z.number().gt(0).max(1).default(0.95),
    /**
     * Image score from the foreground of its error map: the largest pixel error, the mean, or the mean of the top k %.
     * Default max: with per-pixel normalisation a defect is a few pixels far above their usual error, and the
     * largest one ranked images best (BENCHMARKS.md).
     */
    image_score: z.enum(['max', 'mean', 'top_k']).default('max'),
    /**
     * Gaussian sigma, in pixels of the model's (pooled) map, that smooths each error map after normalisation and
     * before scores, thresholds and figures (as anomalib smooths its anomaly maps); 0 leaves the maps as they are.
     * At full resolution (pool_size 1, tiling) single-pixel reconstruction noise otherwise ranks above the
     * few-pixel defects; on the tiling benchmark a tuned sigma (1-2) added 0.025-0.045 pixel AUROC at every
     * pool size, tiled or not (BENCHMARKS.md). Default 0: earlier thresholds and results stay as they were.
     */
    map_sigma: z.number().min(0).default(0),
    /** top_k only: the share of foreground pixels, in percent, whose mean error is the image score. */
    top_k_percent: z.number().gt(0).max(100).default(1),
    /**
     * adaptive: F1-optimal thresholds (image and pixel) from labelled images, stored on the training run so later
     * unlabelled batches reuse them; loss_cut: plotting.loss_cut for pixels and images (PIXAL's).
     */
    threshold: z.enum(['adaptive', 'loss_cut']).default('adaptive'),
    /** Anomaly overlay figures drawn at most (defective and highest-scoring images first); 0 draws none. */
    max_overlays: z.number().int().nonnegative().default(50),
  })
  .strict();
export type DetectionOptions = z.infer<typeof DetectionOptions>;
