// A tiled model as detection uses it, from a model folder with model/tiling.json: the manifest and its grid, the
// tile models (per_location: one per tile, from tiles/rRR_cCC/; shared: the one model beside the manifest) and each
// type's per-tile error references (error_reference/<type>/rRR_cCC.npz), with, per type, those references joined
// over the map (what joined-scope normalisation divides by, and what says the model has references at all).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ErrorReference } from '../detection/normalisation.ts';
import { loadModel, type ModelInfo } from '../model/io.ts';
import { readNpz } from '../training/npz.ts';
import type { TileGrid } from './grid.ts';
import { joinTiles } from './join.ts';
import { manifestGrid, TILING_MANIFEST_FILE, TilingManifest } from './manifest.ts';

export class TiledModelError extends Error {}

export class TiledModel {
  constructor(
    readonly manifest: TilingManifest,
    readonly grid: TileGrid,
    /** The tiles' model description (every tile model has the same: a tile-sized input). */
    readonly info: ModelInfo,
    /** per_location: one per tile in grid order; shared: one. */
    private readonly models: readonly tf.LayersModel[],
    /** Per type (a tiled run trains one): each tile's reference, in grid order. */
    readonly references: ReadonlyMap<string, readonly ErrorReference[]>,
  ) {}

  /** The model that reconstructs tile k. */
  modelOf(k: number): tf.LayersModel {
    return this.models.length === 1 ? this.models[0]! : this.models[k]!;
  }

  /**
   * Per type: the tiles' references joined over the map as error maps are (mean errors blended and smoothed across
   * seams; foreground shares, the same in every tile covering a pixel, averaged without blur).
   */
  joinedReferences(): Map<string, ErrorReference> {
    const joined = new Map<string, ErrorReference>();
    for (const [type, tiles] of this.references) {
      joined.set(type, {
        shape: [this.grid.height, this.grid.width],
        images: tiles[0]!.images,
        meanError: joinTiles(tiles.map((r) => r.meanError), this.grid, this.manifest.seam_smoothing),
        foregroundShare: joinTiles(tiles.map((r) => r.foregroundShare), this.grid, { ...this.manifest.seam_smoothing, apply: false }),
      });
    }
    return joined;
  }

  dispose(): void {
    for (const model of this.models) model.dispose();
  }
}

async function readManifest(file: string): Promise<TilingManifest> {
  try {
    return TilingManifest.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    const reason = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : err instanceof Error ? err.message : String(err);
    throw new TiledModelError(`${file}: not a pixal tiling manifest (${reason})`);
  }
}

/** The tile's reference file: float32 (tile.height, tile.width) arrays, measured on `images` training images. */
async function readTileReference(file: string, shape: [number, number], images: number): Promise<ErrorReference> {
  const arrays = await readNpz(file).catch((err: unknown) => {
    throw new TiledModelError(`${file}: cannot read the tile's error reference (${err instanceof Error ? err.message : String(err)})`);
  });
  const array = (name: string): Float32Array => {
    const value = arrays[name];
    if (value?.dtype !== 'float32' || value.shape.join() !== shape.join()) throw new TiledModelError(`${file}: "${name}" must be float32 of shape (${shape.join(', ')})`);
    return value.data;
  };
  return { shape, images, meanError: array('mean_error'), foregroundShare: array('foreground_share') };
}

/** Whether the model folder holds a tiled model (model/tiling.json). */
export function isTiledModelDir(dir: string): boolean {
  return existsSync(join(dir, TILING_MANIFEST_FILE));
}

/** Loads the tiled model in `dir` (isTiledModelDir); `types`: the types the model has preprocessing for. */
export async function loadTiledModel(dir: string, types: readonly string[]): Promise<TiledModel> {
  const file = join(dir, TILING_MANIFEST_FILE);
  const manifest = await readManifest(file);
  const grid = manifestGrid(manifest);
  const models: tf.LayersModel[] = [];
  try {
    // A tiled run trains one type: every tile's reference lies in that type's folder.
    const type = basename(dirname(manifest.tiles[0]!.reference));
    if (!types.includes(type)) throw new TiledModelError(`${file}: the tiles' references are for type '${type}', which the model has no preprocessing for`);
    const stray = manifest.tiles.find((t) => basename(dirname(t.reference)) !== type);
    if (stray) throw new TiledModelError(`${file}: tile r${stray.row} c${stray.col}'s reference ${stray.reference} is not in ${type}'s folder like the others`);
    const folders = manifest.mode === 'shared' ? [dir] : manifest.tiles.map((t) => join(dir, t.model!));
    let info: ModelInfo | undefined;
    for (const folder of folders) {
      const loaded = await loadModel(folder);
      models.push(loaded.model);
      if (loaded.info.shape.join() !== [manifest.tile_size, manifest.tile_size].join()) {
        throw new TiledModelError(`${folder}: the model is for ${loaded.info.shape.join('x')} maps, the manifest's tiles are ${manifest.tile_size}x${manifest.tile_size}`);
      }
      info ??= loaded.info;
    }
    const references: ErrorReference[] = [];
    for (const tile of manifest.tiles) references.push(await readTileReference(join(dir, tile.reference), [tile.height, tile.width], tile.reference_images));
    return new TiledModel(manifest, grid, info!, models, new Map([[type, references]]));
  } catch (err) {
    for (const model of models) model.dispose();
    throw err;
  }
}
