// Section `detection`: how `pixal validate` / `pixal detect` turn error maps into image scores and decisions.
// Not in PIXAL (it thresholds pixels only, at plotting.loss_cut); see /work/notes and the README for the reasoning.
import { z } from 'zod';

export const DetectionOptions = z
  .object({
    /** Image score from the foreground of its error map: the largest pixel error, the mean, or the mean of the top k %. */
    image_score: z.enum(['max', 'mean', 'top_k']).default('top_k'),
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
