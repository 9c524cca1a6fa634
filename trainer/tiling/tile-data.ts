// Training data per tile: a tile's window of every image's pooled map (N, t·t, C) with its mask, and, for shared
// mode, every tile of every image as one dataset whose split keeps an image's tiles on the same side (a validation
// image's tiles never train the model) and whose labels, when asked, say where each tile lies.
import type { TrainingData } from '../training/dataset.ts';
import type { Split } from '../training/split.ts';
import { tileGrid, type Tile, type TileGrid } from './grid.ts';
import { positionLabels, positionLabelTypes, type PositionInput } from './position.ts';

export class TilingError extends Error {}

/** The grid of a type's pooled maps; a map smaller than a tile is an error naming the type, the map and the key. */
export function dataGrid(data: TrainingData, tileSize: number, stride: number): TileGrid {
  if (data.height < tileSize || data.width < tileSize) {
    const type = [...new Set(data.types)].join(', ');
    throw new TilingError(
      `type ${type}: its pooled map is ${data.height}x${data.width} (H'xW'), smaller than tiling.tile_size ${tileSize}; ` +
        'lower tiling.tile_size, or preprocessing.preprocessor.pool_size to train on a larger map',
    );
  }
  return tileGrid(data.height, data.width, tileSize, stride);
}

/** Rows y..y+h, columns x..x+w of each of `n` (H, W, k) row-major maps: (n, h·w, k). */
function window(source: Float32Array, n: number, height: number, width: number, k: number, tile: Tile): Float32Array {
  const out = new Float32Array(n * tile.height * tile.width * k);
  const rowLength = tile.width * k;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const image = i * height * width * k;
    for (let y = tile.y; y < tile.y + tile.height; y++) {
      const from = image + (y * width + tile.x) * k;
      out.set(source.subarray(from, from + rowLength), o);
      o += rowLength;
    }
  }
  return out;
}

/** The tile's window of every image (and of its mask); types, files, metadata and labels kept. */
export function tileData(data: TrainingData, tile: Tile): TrainingData {
  if (tile.y + tile.height > data.height || tile.x + tile.width > data.width) {
    throw new TilingError(`tile r${tile.row} c${tile.col} (${tile.y},${tile.x} ${tile.height}x${tile.width}) leaves the ${data.height}x${data.width} map`);
  }
  return {
    ...data,
    height: tile.height,
    width: tile.width,
    images: window(data.images, data.count, data.height, data.width, data.channels.length, tile),
    mask: window(data.mask, data.count, data.height, data.width, 1, tile),
  };
}

/** The data with every image labelled by tile `index`'s position (shared mode's second input). */
export function withPosition(data: TrainingData, grid: TileGrid, index: number, kind: Exclude<PositionInput, 'none'>): TrainingData {
  const row = positionLabels(grid, index, kind);
  const labels = new Float32Array(data.count * row.length);
  for (let i = 0; i < data.count; i++) labels.set(row, i * row.length);
  return { ...data, labels, labelTypes: positionLabelTypes(grid, kind) };
}

export interface SharedTiles {
  /** N·T samples, tile-major: sample k·N + i is tile k of image i. */
  data: TrainingData;
  /** Per sample, its tile index (for per-tile val_loss). */
  tileOf: number[];
  /** The images' split, carried to their tiles. */
  split: Split;
}

/** Every tile of every image as one dataset, for one shared model; `imageSplit` holds image indices. */
export function sharedTileData(data: TrainingData, grid: TileGrid, position: PositionInput, imageSplit: Split): SharedTiles {
  const n = data.count;
  const parts = grid.tiles.map((tile, k) => {
    const part = tileData(data, tile);
    return position === 'none' ? part : withPosition(part, grid, k, position);
  });
  const concat = (arrays: Float32Array[]): Float32Array => {
    const out = new Float32Array(arrays.reduce((sum, a) => sum + a.length, 0));
    let offset = 0;
    for (const a of arrays) {
      out.set(a, offset);
      offset += a.length;
    }
    return out;
  };
  const first = parts[0]!;
  const samples = (indices: readonly number[]) => grid.tiles.flatMap((_, k) => indices.map((i) => k * n + i));
  return {
    data: {
      ...first,
      count: n * parts.length,
      images: concat(parts.map((p) => p.images)),
      mask: concat(parts.map((p) => p.mask)),
      ...(position === 'none' ? {} : { labels: concat(parts.map((p) => p.labels!)) }),
      types: parts.flatMap((p) => p.types),
      files: parts.flatMap((p) => p.files),
    },
    tileOf: grid.tiles.flatMap((_, k) => Array.from({ length: n }, () => k)),
    split: { train: samples(imageSplit.train), validation: samples(imageSplit.validation) },
  };
}
