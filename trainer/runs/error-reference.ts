// At the end of training: what the trained model errs on its own training images, per pooled pixel and per type
// (one-hot models serve several), for detection's per-pixel normalisation (trainer/detection/normalisation.ts).
// All the dataset's images count, train and validation split alike: the reference is the model's usual error
// on good parts, and the split's few validation images would make a noisy one on their own.
import type * as tf from '@tensorflow/tfjs';
import { errorMaps } from '../detection/error-map.ts';
import { referenceFromMaps, type ErrorReference } from '../detection/normalisation.ts';
import type { PositionInput } from '../tiling/position.ts';
import { tileData, withPosition } from '../tiling/tile-data.ts';
import type { TiledTrainResult } from '../tiling/train-tiles.ts';
import type { TrainingData } from '../training/dataset.ts';

/** The rows of (N, width) `source` at `indices`, copied. */
function rows(source: Float32Array, width: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * width);
  indices.forEach((i, k) => out.set(source.subarray(i * width, (i + 1) * width), k * width));
  return out;
}

export async function measureErrorReferences(model: tf.LayersModel, data: TrainingData, channelWeights: readonly number[]): Promise<Map<string, ErrorReference>> {
  const pixels = data.height * data.width;
  const channels = data.channels.length;
  const references = new Map<string, ErrorReference>();
  for (const { type } of data.metadata) {
    const indices = data.types.flatMap((t, i) => (t === type ? [i] : []));
    const foreground = rows(data.mask, pixels, indices);
    const labels = data.labels && rows(data.labels, data.labelTypes!.length, indices);
    const { maps } = await errorMaps(model, rows(data.images, pixels * channels, indices), indices.length, pixels, channels, {
      channelWeights: [...channelWeights],
      foreground,
      ...(labels ? { labels } : {}),
    });
    references.set(type, referenceFromMaps(maps, foreground, indices.length, [data.height, data.width]));
  }
  return references;
}

/**
 * A tiled run's references, one per tile in grid order: each tile model's error on its window of the training
 * images (shared mode: the one model, fed the tile's position when it takes one). A tiled run trains one type.
 */
export async function measureTileErrorReferences(tiled: TiledTrainResult, data: TrainingData, channelWeights: readonly number[], position: PositionInput): Promise<ErrorReference[]> {
  const references: ErrorReference[] = [];
  for (const [k, t] of tiled.tiles.entries()) {
    const window = tileData(data, t.tile);
    const part = tiled.shared && position !== 'none' ? withPosition(window, tiled.grid, k, position) : window;
    const measured = await measureErrorReferences(t.result?.model ?? tiled.shared!.model, part, channelWeights);
    references.push(measured.get(data.types[0]!)!);
  }
  return references;
}
