// Section `tiling`: full-resolution training and detection on a grid of tiles of the pooled feature maps (issue 8).
// A tile is a tile_size x tile_size window of the (H', W') map make_input writes; nothing in preprocessing changes.
// Off by default, so untiled runs behave exactly as before.
import { z } from 'zod';

/** Smallest tile side: the conv autoencoder's encoder halves the map per layer and crops any size back. */
export const MIN_TILE_SIZE = 16;

export const SeamSmoothingOptions = z
  .object({
    /** Blur the bands around interior seams after blending the overlaps (false: plain average, no blur). */
    apply: z.boolean().default(true),
    /** Pixels on each side of a seam that are blended (and blurred, when apply). */
    width: z.number().int().positive().default(16),
    /** Gaussian sigma (pixels) of the blur across the seam band. */
    sigma: z.number().positive().default(4),
  })
  .strict();
export type SeamSmoothingOptions = z.infer<typeof SeamSmoothingOptions>;

export const TilingOptions = z
  .object({
    /** Train and detect per tile. */
    enabled: z.boolean().default(false),
    /** Side of a square tile, in pooled-map pixels (= image pixels at pool_size 1). */
    tile_size: z.number().int().default(256),
    /** Step between tile origins; below tile_size the tiles overlap. */
    stride: z.number().int().positive().default(224),
    /** per_location: one model per tile position (anomalib's tiled ensemble); shared: one model for every tile. */
    mode: z.enum(['per_location', 'shared']).default('per_location'),
    /** shared only: the tile's position as a second input (one-hot tile index, or its centre's y, x in [0, 1]). */
    position_input: z.enum(['none', 'one_hot', 'coordinates']).default('none'),
    /** per_tile: each tile's map ÷ its own error reference, then join; joined: join the raw maps, then ÷ the joined reference. */
    normalisation_scope: z.enum(['per_tile', 'joined']).default('per_tile'),
    /** joined: one pixel threshold on the joined map; per_tile: an F1-optimal pixel threshold per tile location. */
    threshold_scope: z.enum(['joined', 'per_tile']).default('joined'),
    seam_smoothing: SeamSmoothingOptions.default({}),
  })
  .strict()
  .superRefine((t, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    if (t.tile_size < MIN_TILE_SIZE) problem('tile_size', `tiling.tile_size must be at least ${MIN_TILE_SIZE} pixels (the conv autoencoder's smallest map)`);
    if (t.stride > t.tile_size) problem('stride', `tiling.stride (${t.stride}) must not exceed tiling.tile_size (${t.tile_size}): tiles would leave gaps`);
    if (t.position_input !== 'none' && t.mode !== 'shared') problem('position_input', `tiling.position_input ${t.position_input} needs tiling.mode shared (a per_location model sees one position only)`);
  });
export type TilingOptions = z.infer<typeof TilingOptions>;

/** The cross-section rule, run on the whole config (trainer/config/schema.ts): tiling trains one model per type. */
export function refineTilingAgainstTraining(config: { tiling: TilingOptions; model_training: { one_hot_encoding: boolean } }, ctx: z.RefinementCtx): void {
  if (config.tiling.enabled && config.model_training.one_hot_encoding) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tiling', 'enabled'], message: 'tiling trains per type; set model_training.one_hot_encoding false' });
  }
}
