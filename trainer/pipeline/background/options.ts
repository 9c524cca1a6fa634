// Keys of configs/parameters.yaml `preprocessing.remove_background`: PIXAL's max_workers plus the choice of
// method. Every key has a default so an empty section is valid.
import { z } from 'zod';

export const RemoveBackgroundOptions = z
  .object({
    /** Images whose background is removed in parallel (worker threads); PIXAL's default. */
    max_workers: z.number().int().min(1).default(8),
    /** classical: stage colour statistics, thresholds and morphology (fast, default); ml: segmentation network (slow). */
    method: z.enum(['classical', 'ml']).default('classical'),
    /** Classical method only: refine the mask's edge with OpenCV GrabCut (slower; needs @u4/opencv4nodejs). */
    grabcut: z.boolean().default(false),
    /** ML method only: network of @imgly/background-removal-node, small (quantised, faster) or medium. */
    ml_model: z.enum(['small', 'medium']).default('medium'),
  })
  .strict();
export type RemoveBackgroundOptions = z.infer<typeof RemoveBackgroundOptions>;
