// Tiled models and prepared sets built in memory for the tiled-detection tests: real (small) conv autoencoders from
// the project's builder, saved with saveModel where a folder is needed, and a manifest that passes the real schema.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelTrainingOptions } from '../../../trainer/config/model-training.ts';
import type { ErrorReference } from '../../../trainer/detection/normalisation.ts';
import { buildAutoencoder } from '../../../trainer/model/build.ts';
import { saveModel, type ModelInfo } from '../../../trainer/model/io.ts';
import { writeNpz } from '../../../trainer/pipeline/features/npz.ts';
import { tileGrid, tileName, type TileGrid } from '../../../trainer/tiling/grid.ts';
import { TiledModel } from '../../../trainer/tiling/load.ts';
import { TilingManifest } from '../../../trainer/tiling/manifest.ts';
import type { PreparedImage, PreparedSet } from '../../../trainer/validation/prepare.ts';

export const CHANNELS = ['R', 'G', 'B'] as const;

/** Deterministic values in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export interface SetOptions {
  n: number;
  shape: [number, number];
  seed?: number;
  /** (N, P) foreground fractions; default: all foreground but a 2-pixel border. */
  foreground?: Float32Array;
  /** Per image, its defect mask at map size (pool 1: the crop is the map), or null for an unlabelled image. */
  groundTruth?: (Uint8Array | null)[];
  /** The images' values; default random. */
  images?: Float32Array;
}

/** A prepared set at pool size 1 (crop = map), with random images unless given. */
export function preparedSet(o: SetOptions): PreparedSet {
  const [h, w] = o.shape;
  const pixels = h * w;
  const next = random(o.seed ?? 7);
  const images = o.images ?? Float32Array.from({ length: o.n * pixels * CHANNELS.length }, next);
  const foreground = o.foreground ?? Float32Array.from({ length: o.n * pixels }, (_, i) => {
    const j = i % pixels;
    const y = Math.floor(j / w);
    const x = j % w;
    return y >= 2 && x >= 2 && y < h - 2 && x < w - 2 ? 1 : 0;
  });
  const items: PreparedImage[] = Array.from({ length: o.n }, (_, i) => {
    const groundTruth = o.groundTruth ? o.groundTruth[i]! : null;
    return {
      file: `/nowhere/${i}.png`,
      name: `${i}.png`,
      label: groundTruth === null ? null : groundTruth.some((v) => v > 0) ? 1 : 0,
      defect: groundTruth?.some((v) => v > 0) ? 'scratch' : null,
      maskFile: null,
      cropBox: { y_min: 0, y_max: h, x_min: 0, x_max: w, padding: 0 },
      croppedFile: `/nowhere/${i}.png`,
      cropSize: { height: h, width: w },
      groundTruth,
      foregroundCrop: Uint8Array.from(foreground.subarray(i * pixels, (i + 1) * pixels), (f) => (f >= 0.5 ? 1 : 0)),
    };
  });
  return { type: 'front', images, foreground, shape: o.shape, channels: [...CHANNELS], items, skipped: [], problems: [], datasetFile: '/nowhere/dataset.npz' };
}

const OPTIONS = ModelTrainingOptions.parse({ model_kind: 'conv', conv_filters: [4], conv_latent_channels: 2, seed: 3 });

/** A small conv autoencoder for side x side maps; `zero`: every weight 0, so it reconstructs 0.5 everywhere. */
export function convModel(height: number, width: number, o: { labelCount?: number; seed?: number; zero?: boolean } = {}): tf.LayersModel {
  const { model } = buildAutoencoder({ height, width, channels: CHANNELS.length, ...(o.labelCount ? { labelCount: o.labelCount } : {}) }, { ...OPTIONS, seed: o.seed ?? OPTIONS.seed });
  if (o.zero) model.setWeights(model.getWeights().map((w) => tf.zerosLike(w)));
  return model;
}

export interface TilingSetup {
  shape: [number, number];
  tileSize: number;
  stride: number;
  mode?: 'per_location' | 'shared';
  position_input?: 'none' | 'one_hot' | 'coordinates';
  normalisation_scope?: 'per_tile' | 'joined';
  threshold_scope?: 'joined' | 'per_tile';
  seams?: { apply: boolean; width: number; sigma: number };
}

export function manifestOf(s: TilingSetup, type = 'front'): { manifest: TilingManifest; grid: TileGrid } {
  const grid = tileGrid(s.shape[0], s.shape[1], s.tileSize, s.stride);
  const mode = s.mode ?? 'per_location';
  const manifest = TilingManifest.parse({
    format: 1,
    mode,
    tile_size: s.tileSize,
    stride: s.stride,
    position_input: s.position_input ?? 'none',
    normalisation_scope: s.normalisation_scope ?? 'per_tile',
    threshold_scope: s.threshold_scope ?? 'joined',
    seam_smoothing: s.seams ?? { apply: false, width: 4, sigma: 2 },
    map: { height: s.shape[0], width: s.shape[1] },
    grid: { rows: grid.rows, cols: grid.cols },
    tiles: grid.tiles.map((t) => ({ ...t, ...(mode === 'per_location' ? { model: `tiles/${tileName(t)}` } : {}), reference: `error_reference/${type}/${tileName(t)}.npz`, reference_images: 10, best_val_loss: 0.01, best_epoch: 1, stop_reason: 'completed' })),
  });
  return { manifest, grid };
}

/** A reference of constant mean error `level` over a whole (foreground everywhere) tile. */
export function constantReference(shape: [number, number], level: number, images = 10): ErrorReference {
  const pixels = shape[0] * shape[1];
  return { shape, images, meanError: new Float32Array(pixels).fill(level), foregroundShare: new Float32Array(pixels).fill(1) };
}

export function infoOf(tileSize: number, labelTypes?: string[]): ModelInfo {
  return { model_kind: 'conv', shape: [tileSize, tileSize], channels: [...CHANNELS], ...(labelTypes ? { one_hot_types: labelTypes as [string, ...string[]] } : {}) };
}

/** A TiledModel in memory: `models` per tile (per_location) or one (shared); references per tile for type front. */
export function tiledModel(s: TilingSetup, models: tf.LayersModel[], references?: ErrorReference[]): TiledModel {
  const { manifest, grid } = manifestOf(s);
  const refs = references ?? grid.tiles.map((t) => constantReference([t.height, t.width], 0.01));
  return new TiledModel(manifest, grid, infoOf(s.tileSize), models, new Map([['front', refs]]));
}

/** Writes a tiled model folder as training leaves it: tiling.json, the tile models or the shared one, the references. */
export async function saveTiledModel(dir: string, s: TilingSetup, models: tf.LayersModel[], references: ErrorReference[], labelTypes?: string[]): Promise<TilingManifest> {
  const parsed = manifestOf(s).manifest;
  const manifest = { ...parsed, tiles: parsed.tiles.map((t, k) => ({ ...t, reference_images: references[k]!.images })) };
  const info = infoOf(s.tileSize, labelTypes);
  if (manifest.mode === 'shared') await saveModel(models[0]!, dir, info);
  for (const [k, tile] of manifest.tiles.entries()) {
    if (tile.model) await saveModel(models[k]!, join(dir, tile.model), info);
    const shape = [tile.height, tile.width];
    await writeNpz(join(dir, tile.reference), { mean_error: { dtype: 'float32', shape, data: references[k]!.meanError }, foreground_share: { dtype: 'float32', shape, data: references[k]!.foregroundShare } });
  }
  await writeFile(join(dir, 'tiling.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
