// Per-pixel reconstruction error maps of a dataset, batch by batch through the model: the raw material of every
// detection score, pixel metric and anomaly figure.
import * as tf from '@tensorflow/tfjs';
import { reconstruct } from '../model/reconstruct.ts';
import type { ReconstructionStats } from './reconstruction-stats.ts';

/**
 * Pooled pixels with less foreground than this are background: error 0 in the maps and outside every pixel
 * metric (background cannot hold a defect, and the model was not asked to reconstruct it well).
 */
export const FOREGROUND_MIN = 0.5;

export interface ErrorMapOptions {
  /** Per channel (the preprocessing weights, as in the training loss); their sum must be positive. */
  channelWeights: number[];
  /** (N, P) foreground fraction of each pooled pixel (the dataset's mask). */
  foreground: Float32Array;
  /** (N, T) one-hot image types, for a model conditioned on the type (one-hot mode). */
  labels?: Float32Array;
  /** Images per forward pass (default 8: a conv decoder's activations on 960x540 maps are ~100 MB per image). */
  batchSize?: number;
  /** Fed each batch's truth and reconstruction, so the distributions need no second forward pass. */
  stats?: ReconstructionStats;
}

export interface ErrorMaps {
  /** (N, P): Σ_c w_c (x_c − x̂_c)² / Σ_c w_c per pooled pixel, 0 on the background. */
  maps: Float32Array;
}

/**
 * Error maps of `n` images (N, P = H'·W', C) as the datasets store them. `onBatch(done, total)` counts images.
 * Tensors are freed batch by batch: memory stays at one batch whatever N is.
 */
export async function errorMaps(
  model: tf.LayersModel,
  images: Float32Array,
  n: number,
  pixels: number,
  channels: number,
  options: ErrorMapOptions,
  onBatch?: (done: number, total: number) => void,
): Promise<ErrorMaps> {
  const { channelWeights, foreground, labels, batchSize = 8, stats } = options;
  const types = model.inputs.length === 2 ? (model.inputs[1]!.shape[1] as number) : 0;
  checkInputs(images, n, pixels, channels, options, types);
  const maps = new Float32Array(n * pixels);
  const size = pixels * channels;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const batchImages = images.subarray(start * size, (start + count) * size);
    const batchForeground = foreground.subarray(start * pixels, (start + count) * pixels);
    const x = tf.tensor3d(batchImages, [count, pixels, channels]);
    const inForeground = tf.tensor2d(batchForeground, [count, pixels]);
    const batchLabels = labels && tf.tensor2d(labels.subarray(start * types, (start + count) * types), [count, types]);
    const [map, reconstruction] = tf.tidy(() => {
      const predicted = reconstruct(model, x, batchLabels, count);
      const masked = weightedErrors(predicted, x, channelWeights, inForeground);
      return stats ? [masked, predicted] : [masked];
    });
    try {
      maps.set(await map!.data(), start * pixels);
      if (stats) stats.add(batchImages, (await reconstruction!.data()) as Float32Array, batchForeground);
    } finally {
      tf.dispose([x, inForeground, ...(batchLabels ? [batchLabels] : []), map!, ...(reconstruction ? [reconstruction] : [])]);
    }
    onBatch?.(start + count, n);
  }
  return { maps };
}

/**
 * Per pixel (N, P): Σ_c w_c (x_c − x̂_c)² / Σ_c w_c of the reconstruction `predicted` against `truth` (N, P, C),
 * 0 where `foreground` (N, P) is below FOREGROUND_MIN. Call inside tf.tidy.
 */
export function weightedErrors(predicted: tf.Tensor3D, truth: tf.Tensor3D, channelWeights: readonly number[], foreground: tf.Tensor2D): tf.Tensor2D {
  const sum = channelWeights.reduce((a, b) => a + b, 0);
  const error = tf.sum(tf.mul(tf.squaredDifference(predicted, truth), tf.tensor1d(channelWeights.map((w) => w / sum))), 2) as tf.Tensor2D;
  return tf.where(tf.greaterEqual(foreground, FOREGROUND_MIN), error, tf.zerosLike(error));
}

function checkInputs(images: Float32Array, n: number, pixels: number, channels: number, options: ErrorMapOptions, types: number): void {
  const { channelWeights, foreground, labels, batchSize = 8, stats } = options;
  for (const [name, v] of [['n', n], ['pixels', pixels], ['channels', channels], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(v) || v < (name === 'n' ? 0 : 1)) throw new RangeError(`errorMaps: ${name} must be a ${name === 'n' ? 'non-negative' : 'positive'} integer, got ${v}`);
  }
  if (images.length !== n * pixels * channels) throw new RangeError(`errorMaps: images has ${images.length} values, expected N x P x C = ${n} x ${pixels} x ${channels}`);
  if (foreground.length !== n * pixels) throw new RangeError(`errorMaps: foreground has ${foreground.length} values, expected N x P = ${n} x ${pixels}`);
  if (channelWeights.length !== channels) throw new RangeError(`errorMaps: ${channelWeights.length} channel weights for ${channels} channels`);
  if (channelWeights.some((w) => !(w >= 0)) || !(channelWeights.reduce((a, b) => a + b, 0) > 0)) {
    throw new RangeError(`errorMaps: channel weights must be non-negative with a positive sum, got [${channelWeights.join(', ')}]`);
  }
  if (types > 0 && !labels) throw new RangeError('errorMaps: this model is conditioned on the image type (one-hot mode): labels are required');
  if (types === 0 && labels) throw new RangeError('errorMaps: labels were given but this model is not conditioned on the image type');
  if (labels && labels.length !== n * types) throw new RangeError(`errorMaps: labels has ${labels.length} values, expected N x T = ${n} x ${types}`);
  if (stats && stats.channels.length !== channels) throw new RangeError(`errorMaps: stats has ${stats.channels.length} channels, the images ${channels}`);
}
