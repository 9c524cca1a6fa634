// Detection on prepared images: error maps through the model, normalised per pixel by the model's error reference
// (detection.normalisation) and smoothed (detection.map_sigma), each upsampled to its crop, an image score over the crop's foreground, and every
// foreground pixel into the pixel histogram (labelled where a ground-truth mask exists). Thresholds come afterwards
// (thresholds.ts), so what depends on them (decisions, anomalous fractions, overlays) is computed from the kept
// pooled maps in a second, cheap pass.
import type * as tf from '@tensorflow/tfjs';
import type { DetectionOptions } from '../config/detection.ts';
import { gaussianBlurMaps } from '../detection/blur.ts';
import { errorMaps } from '../detection/error-map.ts';
import { normaliseMaps, type ErrorReference, type NormalisationOptions } from '../detection/normalisation.ts';
import { PixelHistogram } from '../detection/pixel-histogram.ts';
import { ReconstructionStats } from '../detection/reconstruction-stats.ts';
import { RegionOverlap } from '../detection/region-overlap.ts';
import { anomalousFraction } from '../detection/scores.ts';
import { CropPass } from '../detection/crop-pass.ts';
import { upsampleBilinear } from '../detection/upsample.ts';
import type { TiledDetection } from '../tiling/detect.ts';
import type { PreparedImage, PreparedSet } from './prepare.ts';

export interface TypeDetection {
  type: string;
  items: PreparedImage[];
  /** Image scores, in item order. */
  scores: number[];
  /** (N, P) pooled error maps, kept for the threshold-dependent second pass. */
  maps: Float32Array;
  /** Whether the maps are in units of each pixel's usual training error (detection.normalisation per_pixel). */
  normalised: boolean;
  shape: [number, number];
  pixels: PixelHistogram;
  /** The defect regions of the labelled images, for the per-region overlap (AUPRO). */
  regions: RegionOverlap;
  stats: ReconstructionStats;
  /** A tiled model's grid (and per-tile thresholds), for its figure and the thresholds it stores. */
  tiling?: TiledDetection;
}

/** What a maps producer is asked for. */
export interface MapsRequest {
  /** Loss weights per channel, as at training. */
  channelWeights: number[];
  /** Set when the maps are to be normalised per pixel, with the model's (joined) reference for this type. */
  normalisation?: NormalisationOptions & { reference: ErrorReference };
  stats: ReconstructionStats;
  /** Counts images: (done, N). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What makes a prepared set's (N, P) pooled error maps: an untiled model's errorMaps by default; a tiled model
 * plugs in its own (trainer/tiling/detect.ts). Everything after the maps is the same for both.
 */
export interface MapsProducer {
  errorMaps(set: PreparedSet, request: MapsRequest): Promise<{ maps: Float32Array; tiling?: TiledDetection }>;
}

/** The untiled producer: the model's error maps, normalised by the type's reference when asked. */
function untiledMaps(model: tf.LayersModel): MapsProducer {
  return {
    async errorMaps(set, r) {
      const [h, w] = set.shape;
      const n = set.items.length;
      const { maps } = await errorMaps(
        model,
        set.images,
        n,
        h * w,
        set.channels.length,
        { channelWeights: r.channelWeights, foreground: set.foreground, ...(set.labels ? { labels: set.labels } : {}), stats: r.stats },
        r.onProgress,
      );
      if (r.normalisation) {
        const { reference } = r.normalisation;
        if (reference.shape.join() !== set.shape.join()) throw new Error(`${set.type}: the model's error reference is ${reference.shape.join('x')}, the images ${set.shape.join('x')}`);
        normaliseMaps(maps, n, reference, r.normalisation);
      }
      return { maps };
    },
  };
}

export interface DetectParams {
  /** An untiled model, or a producer of the maps (a tiled model's, trainer/tiling/detect.ts). */
  model: tf.LayersModel | MapsProducer;
  set: PreparedSet;
  /** Loss weights per channel, as at training. */
  channelWeights: number[];
  options: DetectionOptions;
  /** The model's error reference for this type, when it has one; used when options.normalisation is per_pixel. */
  reference?: ErrorReference;
  onProgress?: (done: number, total: number) => void;
}

/** The upsampled error map of item i at its crop size. */
export function cropMap(detection: Pick<TypeDetection, 'maps' | 'shape' | 'items'>, i: number): Float32Array {
  const [h, w] = detection.shape;
  const pixels = h * w;
  const { height, width } = detection.items[i]!.cropSize;
  return upsampleBilinear(detection.maps.subarray(i * pixels, (i + 1) * pixels), h, w, height, width);
}

export async function detectType(p: DetectParams): Promise<TypeDetection> {
  const { set } = p;
  const [h, w] = set.shape;
  const n = set.items.length;
  const stats = new ReconstructionStats(set.channels);
  const normalised = p.options.normalisation === 'per_pixel' && p.reference !== undefined;
  const producer = 'errorMaps' in p.model ? p.model : untiledMaps(p.model);
  const { maps, tiling } = await producer.errorMaps(set, {
    channelWeights: p.channelWeights,
    ...(normalised ? { normalisation: { reference: p.reference!, epsilonQuantile: p.options.normalisation_epsilon_quantile, supportShare: p.options.support_share } } : {}),
    stats,
    onProgress: (done, total) => p.onProgress?.(done, 2 * total),
  });
  if (p.options.map_sigma > 0) gaussianBlurMaps(maps, n, h, w, p.options.map_sigma);
  const detection: TypeDetection = { type: set.type, items: set.items, scores: [], maps, normalised, shape: set.shape, pixels: new PixelHistogram(), regions: new RegionOverlap(), stats, ...(tiling ? { tiling } : {}) };
  // One fused pass per crop (upsample, score, pixel histogram), the same numbers as cropMap → imageScore → add.
  const pass = new CropPass();
  for (let i = 0; i < n; i++) {
    const item = set.items[i]!;
    const image = { map: maps.subarray(i * h * w, (i + 1) * h * w), h, w, cropHeight: item.cropSize.height, cropWidth: item.cropSize.width, foreground: item.foregroundCrop, groundTruth: item.groundTruth };
    detection.scores.push(pass.score(image, detection.pixels, p.options.image_score, p.options.top_k_percent));
    if (item.label === 1 && item.groundTruth) {
      detection.regions.addImage(cropMap(detection, i), item.cropSize.width, item.cropSize.height, item.groundTruth, item.foregroundCrop);
    }
    p.onProgress?.(n + i + 1, 2 * n);
  }
  return detection;
}

/** Per item, the share of its foreground pixels over the pixel threshold. */
export function anomalousFractions(detection: TypeDetection, pixelThreshold: number): number[] {
  return detection.items.map((item, i) => anomalousFraction(cropMap(detection, i), item.foregroundCrop, pixelThreshold));
}
