// The per-image part of make_input: crop, channels, pooling and the pooled foreground mask. Pure and
// allocation-bounded, with plain typed arrays in and out, so it can run in a worker thread and transfer back.
import type { Image } from '../../image/image.ts';
import { poolChannels, type ChannelName, type Normalisation } from './channels.ts';
import { cropImage, type CropBox } from './crop-box.ts';
import { pooledForeground } from './mask.ts';
import { pooledSize } from './pool.ts';

export interface FeatureOptions {
  channels: readonly ChannelName[];
  pool_size: number;
  normalisation: Normalisation;
  bg_threshold: number;
}

export interface ImageFeatures {
  /** Pooled height and width. */
  height: number;
  width: number;
  /** (height * width, channels) float32, pixel-major, channels last, every value in [0,1]. */
  data: Float32Array;
  /** (height * width) float32: fraction of foreground in each pooled pixel. */
  mask: Float32Array;
}

export function imageFeatures(image: Image, box: CropBox, options: FeatureOptions): ImageFeatures {
  const crop = cropImage(image, box);
  const pool = options.pool_size;
  const { height, width } = pooledSize(crop.height, crop.width, pool);
  if (height === 0 || width === 0) {
    throw new Error(`the ${crop.width}x${crop.height} crop is smaller than pool_size ${pool}`);
  }
  const data = new Float32Array(height * width * options.channels.length);
  poolChannels(crop, options.channels, options.normalisation, pool, data);
  const mask = pooledForeground(crop, options.bg_threshold, pool);
  return { height, width, data, mask };
}
