// Detection with a tiled model: the maps producer validation plugs in instead of the untiled errorMaps. For a batch
// of images at a time, every tile is cut out of the prepared (N, P, C) images and foreground, reconstructed by that
// tile's model (per_location) or the shared one (with the tile's position as its second input when it was trained
// with one), normalised by that tile's own reference (normalisation_scope per_tile), and each image's tiles are
// joined into one (H', W') map with the seams blended and smoothed (join.ts); joined scope then normalises the
// joined maps by the joined reference. threshold_scope per_tile finally divides the maps by the per-tile thresholds
// (tile-thresholds.ts). Everything after the maps (scores, pixel metrics, thresholds, overlays) is the untiled code.
//
// Memory: only one batch's tile maps live at a time, the batch sized so that they stay under TILE_MAPS_BUDGET; the
// tile models' reconstructions are dropped by errorMaps as it goes, batch by batch. The reconstruction statistics
// (true/predicted value histograms) count a pixel once per tile that covers it: overlaps weigh a little more.
import type * as tf from '@tensorflow/tfjs';
import type { DetectionOptions } from '../config/detection.ts';
import type { PlottingOptions } from '../config/plotting.ts';
import { errorMaps, FOREGROUND_MIN } from '../detection/error-map.ts';
import { normaliseMaps } from '../detection/normalisation.ts';
import type { MapsProducer, MapsRequest } from '../validation/detect.ts';
import type { TrainedModel } from '../validation/model-source.ts';
import type { PreparedSet } from '../validation/prepare.ts';
import type { Tile, TileGrid } from './grid.ts';
import { tileJoiner } from './join.ts';
import type { TiledModel } from './load.ts';
import type { TilingManifest } from './manifest.ts';
import { positionLabels } from './position.ts';
import { tileData } from './tile-data.ts';
import { chooseTileThresholds, divideByThresholds, thresholdMap, type StoredTileThresholds, type TileThresholds } from './tile-thresholds.ts';

/** What detection keeps of a tiled model: its grid for the tile-grid figure, its per-tile thresholds for storing. */
export interface TiledDetection {
  grid: TileGrid;
  tileSize: number;
  stride: number;
  mode: TilingManifest['mode'];
  /** threshold_scope per_tile: the thresholds the maps were divided by (the pixel threshold is then 1). */
  thresholds?: TileThresholds;
}

export interface TiledMapsContext {
  detection: DetectionOptions;
  plotting: PlottingOptions;
  /** The per-tile thresholds stored on the training run, for a set without labels. */
  stored?: StoredTileThresholds;
  sourceRunId: string;
}

/** Bytes of tile error maps one batch may hold (8 images of 1920x1080 with 30% overlap: ~90 MB). */
export const TILE_MAPS_BUDGET = 128 * 2 ** 20;
const MAX_BATCH = 8;

/** What detection runs for a trained model: its tiled maps producer when it is tiled, else its autoencoder. */
export function detectorOf(model: TrainedModel, context: TiledMapsContext): tf.LayersModel | MapsProducer {
  return model.tiled ? tiledMaps(model.tiled, context) : model.model;
}

export function tiledMaps(model: TiledModel, context: TiledMapsContext): MapsProducer {
  return { errorMaps: (set, request) => joinedMaps(model, context, set, request) };
}

/** Images `start` .. `start + count` of the set, cut to `tile`: (count, t·t, C) images and (count, t·t) foreground. */
function batchTile(set: PreparedSet, start: number, count: number, tile: Tile): { images: Float32Array; foreground: Float32Array } {
  const [height, width] = set.shape;
  const pixels = height * width;
  const channels = set.channels.length;
  const batch = {
    height,
    width,
    channels: set.channels,
    count,
    images: set.images.subarray(start * pixels * channels, (start + count) * pixels * channels),
    mask: set.foreground.subarray(start * pixels, (start + count) * pixels),
    types: [],
    files: [],
    metadata: [],
  };
  const { images, mask } = tileData(batch, tile);
  return { images, foreground: mask };
}

/** `row` repeated `count` times. */
function repeated(row: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count * row.length);
  for (let i = 0; i < count; i++) out.set(row, i * row.length);
  return out;
}

async function joinedMaps(model: TiledModel, context: TiledMapsContext, set: PreparedSet, r: MapsRequest): Promise<{ maps: Float32Array; tiling: TiledDetection }> {
  const { manifest, grid } = model;
  const [h, w] = set.shape;
  if (h !== grid.height || w !== grid.width) throw new Error(`${set.type}: the tiled model cuts ${grid.height}x${grid.width} maps into tiles, these images' maps are ${h}x${w}`);
  const n = set.items.length;
  const pixels = h * w;
  const channels = set.channels.length;
  const tileReferences = model.references.get(set.type);
  const perTile = manifest.normalisation_scope === 'per_tile';
  if (r.normalisation && perTile && !tileReferences) throw new Error(`${set.type}: the tiled model has no per-tile error references for this type`);
  const position = manifest.position_input;
  const join = tileJoiner(grid, manifest.seam_smoothing);
  const tilePixels = grid.tiles.reduce((sum, t) => sum + t.height * t.width, 0);
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(TILE_MAPS_BUDGET / (4 * tilePixels))));

  const maps = new Float32Array(n * pixels);
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    const tileMaps: Float32Array[] = [];
    for (const [k, tile] of grid.tiles.entries()) {
      const area = tile.height * tile.width;
      const { images, foreground } = batchTile(set, start, count, tile);
      const { maps: errors } = await errorMaps(model.modelOf(k), images, count, area, channels, {
        channelWeights: r.channelWeights,
        foreground,
        ...(position !== 'none' ? { labels: repeated(positionLabels(grid, k, position), count) } : {}),
        batchSize: count,
        stats: r.stats,
      });
      if (r.normalisation && perTile) normaliseMaps(errors, count, tileReferences![k]!, r.normalisation);
      tileMaps.push(errors);
      r.onProgress?.(start + Math.floor((count * (k + 1)) / grid.tiles.length), n);
    }
    for (let i = 0; i < count; i++) {
      const joined = join(tileMaps.map((m, k) => m.subarray(i * grid.tiles[k]!.height * grid.tiles[k]!.width, (i + 1) * grid.tiles[k]!.height * grid.tiles[k]!.width)));
      // Blending and seam smoothing spread errors a little past the part's edge: background stays 0, as untiled.
      const offset = (start + i) * pixels;
      for (let j = 0; j < pixels; j++) if (set.foreground[offset + j]! < FOREGROUND_MIN) joined[j] = 0;
      maps.set(joined, offset);
    }
  }
  if (r.normalisation && !perTile) normaliseMaps(maps, n, r.normalisation.reference, r.normalisation);

  const tiling: TiledDetection = { grid, tileSize: manifest.tile_size, stride: manifest.stride, mode: manifest.mode };
  if (manifest.threshold_scope === 'per_tile') {
    tiling.thresholds = chooseTileThresholds({
      maps,
      shape: set.shape,
      items: set.items,
      type: set.type,
      grid,
      detection: context.detection,
      plotting: context.plotting,
      units: r.normalisation ? 'per_pixel' : 'none',
      ...(context.stored ? { stored: context.stored } : {}),
      sourceRunId: context.sourceRunId,
    });
    divideByThresholds(maps, n, thresholdMap(tiling.thresholds.values, grid, manifest.seam_smoothing));
  }
  return { maps, tiling };
}
