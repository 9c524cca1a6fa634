// model/tiling.json: what a tiled model is made of, written by training (trainer/tiling/train-tiles.ts via
// trainer/runs/artifacts.ts) and read by detection (trainer/validation/model-source.ts). Paths are relative to the
// model/ folder. A model without this file is untiled.
import { z } from 'zod';
import type { TileGrid } from './grid.ts';

export const TILING_MANIFEST_FILE = 'tiling.json';

const count = z.number().int().nonnegative();
const positive = z.number().int().positive();

export const ManifestTile = z
  .object({
    row: count,
    col: count,
    /** Top-left corner and size in pooled-map pixels. */
    y: count,
    x: count,
    height: positive,
    width: positive,
    /** per_location: the tile's model folder (saveModel format), e.g. `tiles/r00_c00`; absent in shared mode. */
    model: z.string().min(1).optional(),
    /**
     * The tile's error reference (always written), e.g. `error_reference/<type>/r00_c00.npz`: mean_error and
     * foreground_share, float32 (height, width), as trainer/detection/normalisation-file.ts stores a type's.
     */
    reference: z.string().min(1),
    /** Training images the reference was measured on (ErrorReference.images). */
    reference_images: positive,
    /** Lowest val_loss of this tile (shared: of the shared model's validation error on this tile); null if no epoch ran. */
    best_val_loss: z.number().nullable(),
    /** 1-based epoch of best_val_loss; 0 if no epoch ran. */
    best_epoch: count,
    stop_reason: z.enum(['completed', 'early_stopping', 'aborted']),
  })
  .strict();
export type ManifestTile = z.infer<typeof ManifestTile>;

export const TilingManifest = z
  .object({
    format: z.literal(1),
    mode: z.enum(['per_location', 'shared']),
    tile_size: positive,
    stride: positive,
    position_input: z.enum(['none', 'one_hot', 'coordinates']),
    normalisation_scope: z.enum(['per_tile', 'joined']),
    threshold_scope: z.enum(['joined', 'per_tile']),
    seam_smoothing: z.object({ apply: z.boolean(), width: positive, sigma: z.number().positive() }).strict(),
    /** The pooled map the grid cuts, (H', W'). */
    map: z.object({ height: positive, width: positive }).strict(),
    grid: z.object({ rows: positive, cols: positive }).strict(),
    /** Row-major: tiles[row * cols + col]. */
    tiles: z.array(ManifestTile).min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.tiles.length !== m.grid.rows * m.grid.cols) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tiles'], message: `${m.tiles.length} tiles for a ${m.grid.rows}x${m.grid.cols} grid` });
    }
    m.tiles.forEach((t, k) => {
      if (t.row * m.grid.cols + t.col !== k) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tiles', k], message: `tile r${t.row} c${t.col} is out of row-major order` });
      if (t.y + t.height > m.map.height || t.x + t.width > m.map.width) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tiles', k], message: `tile r${t.row} c${t.col} leaves the ${m.map.height}x${m.map.width} map` });
      if ((m.mode === 'per_location') !== (t.model !== undefined)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tiles', k, 'model'], message: m.mode === 'per_location' ? 'per_location tiles name their model' : 'shared tiles have no model of their own' });
      }
    });
  });
export type TilingManifest = z.infer<typeof TilingManifest>;

/** The manifest's grid as trainer/tiling/grid.ts has it. */
export function manifestGrid(m: TilingManifest): TileGrid {
  return { height: m.map.height, width: m.map.width, rows: m.grid.rows, cols: m.grid.cols, tiles: m.tiles.map(({ row, col, y, x, height, width }) => ({ row, col, y, x, height, width })) };
}
