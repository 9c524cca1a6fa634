// A tiled run's model files, beside the untiled ones in model/: the tile models (per_location: tiles/rRR_cCC/ in
// saveModel's format; shared: the one model where an untiled run puts its model), each tile's error reference
// (error_reference/<type>/rRR_cCC.npz, arrays as trainer/detection/normalisation-file.ts stores a type's), the
// manifest tiling.json that ties them together, and plots/tile_val_loss.png, each tile's best val_loss on the grid.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TilingOptions } from '../config/tiling.ts';
import { ERROR_REFERENCE_DIR } from '../detection/normalisation-file.ts';
import type { ErrorReference } from '../detection/normalisation.ts';
import { saveModel } from '../model/io.ts';
import { writeNpz } from '../pipeline/features/npz.ts';
import { matrixChart } from '../plots/matrix.ts';
import { TILING_MANIFEST_FILE, TilingManifest } from './manifest.ts';
import type { TiledTrainResult } from './train-tiles.ts';

export const TILES_DIR = 'tiles';

/** The manifest of a tiled run of `type`; `references` in grid order. */
export function tilingManifest(tiled: TiledTrainResult, tiling: TilingOptions, type: string, references: readonly ErrorReference[]): TilingManifest {
  return TilingManifest.parse({
    format: 1,
    mode: tiled.mode,
    tile_size: tiling.tile_size,
    stride: tiling.stride,
    position_input: tiling.position_input,
    normalisation_scope: tiling.normalisation_scope,
    threshold_scope: tiling.threshold_scope,
    seam_smoothing: tiling.seam_smoothing,
    map: { height: tiled.grid.height, width: tiled.grid.width },
    grid: { rows: tiled.grid.rows, cols: tiled.grid.cols },
    tiles: tiled.tiles.map((t, k) => ({
      row: t.tile.row,
      col: t.tile.col,
      y: t.tile.y,
      x: t.tile.x,
      height: t.tile.height,
      width: t.tile.width,
      ...(tiled.mode === 'per_location' ? { model: `${TILES_DIR}/${t.name}` } : {}),
      reference: `${ERROR_REFERENCE_DIR}/${type}/${t.name}.npz`,
      reference_images: references[k]!.images,
      best_val_loss: Number.isFinite(t.bestValLoss) ? t.bestValLoss : null,
      best_epoch: t.bestEpoch,
      stop_reason: t.stopReason,
    })),
  });
}

/** Writes the tile models, their references and tiling.json into `modelDir`; returns the manifest. */
export async function writeTiledModel(modelDir: string, tiled: TiledTrainResult, tiling: TilingOptions, type: string, references: readonly ErrorReference[]): Promise<TilingManifest> {
  const manifest = tilingManifest(tiled, tiling, type, references);
  if (tiled.shared) await saveModel(tiled.shared.model, modelDir, tiled.shared.info);
  for (const [k, t] of tiled.tiles.entries()) {
    const entry = manifest.tiles[k]!;
    if (t.result && entry.model) await saveModel(t.result.model, join(modelDir, entry.model), t.result.info);
    const shape = [t.tile.height, t.tile.width];
    await writeNpz(join(modelDir, entry.reference), {
      mean_error: { dtype: 'float32', shape, data: references[k]!.meanError },
      foreground_share: { dtype: 'float32', shape, data: references[k]!.foregroundShare },
    });
  }
  await writeFile(join(modelDir, TILING_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Grids wider than this get no text in their cells: it would not fit. */
const MAX_LABELLED_COLUMNS = 10;

/** SVG heatmap of each tile's best val_loss on the grid (darker = higher), with its best epoch. */
export function tileValLossChart(tiled: TiledTrainResult, title: string): string {
  const { rows, cols } = tiled.grid;
  const at = (r: number, c: number) => tiled.tiles[r * cols + c]!;
  const values = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => at(r, c).bestValLoss));
  const finite = values.flat().filter(Number.isFinite);
  const labelled = cols <= MAX_LABELLED_COLUMNS;
  return matrixChart({
    title,
    width: Math.max(520, Math.min(1700, 160 + cols * (labelled ? 150 : 40))),
    height: Math.max(400, Math.min(1100, 120 + rows * (labelled ? 70 : 32))),
    x: { label: 'tile column', categories: Array.from({ length: cols }, (_, c) => String(c)) },
    y: { label: 'tile row', categories: Array.from({ length: rows }, (_, r) => String(r)) },
    values,
    range: finite.length > 0 ? [Math.min(...finite), Math.max(...finite)] : [0, 1],
    colorLabel: 'best val_loss',
    cellText: values.map((row, r) =>
      row.map((v, c) => (labelled ? [Number.isFinite(v) ? v.toPrecision(3) : '–', `epoch ${at(r, c).bestEpoch}`] : [])),
    ),
  });
}
