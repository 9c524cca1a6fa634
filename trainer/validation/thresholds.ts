// The image and pixel thresholds of a validation. `adaptive` takes the F1-optimal ones from this set's labels and
// stores them on the training run (tags below) so that a later, unlabelled batch reuses them; without labels it
// takes the stored ones; without those, PIXAL's loss_cut. Both are in pixel-error units (image scores are means
// or maxima of pixel errors), so loss_cut means the same for pixels and images. Stored thresholds carry the units
// of the maps they were learned on (per-pixel normalised or raw, and their smoothing sigma), and are reused only on
// maps in the same units.
import type { DetectionOptions } from '../config/detection.ts';
import type { PlottingOptions } from '../config/plotting.ts';
import { f1OptimalThreshold } from '../detection/metrics.ts';
import type { PixelHistogram } from '../detection/pixel-histogram.ts';
import { toLinearThreshold } from '../detection/scores.ts';

export const THRESHOLD_TAGS = {
  image: 'pixal.threshold.image',
  pixel: 'pixal.threshold.pixel',
  /** The validation run whose labelled images gave the stored thresholds. */
  from: 'pixal.threshold.validation_run_id',
  /** detection.normalisation of the maps they were learned on (absent: none, as before pixal normalised). */
  normalisation: 'pixal.threshold.normalisation',
  /** detection.map_sigma of the maps they were learned on (absent: 0, as before pixal smoothed maps). */
  mapSigma: 'pixal.threshold.map_sigma',
} as const;

/** The units of an error map: normalised per pixel by the model's error reference, or the raw error. */
export type MapUnits = 'per_pixel' | 'none';

export interface Thresholds {
  image: number;
  pixel: number;
  /** Where they come from, for a person: "F1-optimal on this set", "stored on run ...", "loss_cut 0.1". */
  origin: string;
  /** True when this set's labels chose them (then they are stored on the training run). */
  learned: boolean;
}

export interface StoredThresholds {
  image?: number;
  pixel?: number;
  from?: string;
  normalisation: MapUnits;
  mapSigma: number;
}

/** The thresholds a training run's tags hold, if any. */
export function storedThresholds(tags: Record<string, string>): StoredThresholds {
  const number = (key: string) => (tags[key] !== undefined && Number.isFinite(Number(tags[key])) ? Number(tags[key]) : undefined);
  const image = number(THRESHOLD_TAGS.image);
  const pixel = number(THRESHOLD_TAGS.pixel);
  return {
    ...(image !== undefined ? { image } : {}),
    ...(pixel !== undefined ? { pixel } : {}),
    ...(tags[THRESHOLD_TAGS.from] ? { from: tags[THRESHOLD_TAGS.from] } : {}),
    normalisation: tags[THRESHOLD_TAGS.normalisation] === 'per_pixel' ? 'per_pixel' : 'none',
    mapSigma: number(THRESHOLD_TAGS.mapSigma) ?? 0,
  };
}

export interface ThresholdInputs {
  detection: DetectionOptions;
  plotting: PlottingOptions;
  /** Image scores and labels (null = unlabelled) of the whole set. */
  scores: readonly number[];
  labels: readonly (0 | 1 | null)[];
  pixels: PixelHistogram;
  stored: StoredThresholds;
  /** The units of this set's maps: stored thresholds in other units are not used. */
  normalisation: MapUnits;
  /** The training run, to say where stored thresholds come from. */
  sourceRunId: string;
}

export function chooseThresholds(p: ThresholdInputs): Thresholds {
  const lossCut = toLinearThreshold(p.plotting.loss_cut, p.plotting.use_log_loss);
  const lossCutOrigin = `loss_cut ${p.plotting.loss_cut}${p.plotting.use_log_loss ? ' (log10)' : ''}`;
  if (p.detection.threshold === 'loss_cut') return { image: lossCut, pixel: lossCut, origin: lossCutOrigin, learned: false };

  const labelled = p.labels.map((l, i) => [p.scores[i]!, l] as const).filter((x): x is readonly [number, 0 | 1] => x[1] !== null);
  const hasBoth = labelled.some(([, l]) => l === 1) && labelled.some(([, l]) => l === 0);
  const counts = p.pixels.counts();
  const image = hasBoth ? f1OptimalThreshold(labelled.map(([s]) => s), labelled.map(([, l]) => l)).threshold : undefined;
  const pixel = counts.defect > 0 && counts.good > 0 ? p.pixels.f1OptimalThreshold().threshold : undefined;
  if (image !== undefined || pixel !== undefined) {
    return {
      image: image ?? p.stored.image ?? lossCut,
      pixel: pixel ?? p.stored.pixel ?? lossCut,
      origin: `F1-optimal on this set's labels${image === undefined ? ' (pixels only)' : pixel === undefined ? ' (images only: no defect masks)' : ''}`,
      learned: true,
    };
  }
  const storedAny = p.stored.image !== undefined || p.stored.pixel !== undefined;
  if (storedAny && p.stored.normalisation !== p.normalisation) {
    return { image: lossCut, pixel: lossCut, origin: `${lossCutOrigin}: the thresholds stored on training run ${p.sourceRunId} are for normalisation ${p.stored.normalisation} maps, these are ${p.normalisation}`, learned: false };
  }
  if (storedAny && p.stored.mapSigma !== p.detection.map_sigma) {
    return { image: lossCut, pixel: lossCut, origin: `${lossCutOrigin}: the thresholds stored on training run ${p.sourceRunId} are for maps smoothed with detection.map_sigma ${p.stored.mapSigma}, these with ${p.detection.map_sigma}`, learned: false };
  }
  if (storedAny) {
    const from = p.stored.from ? ` by validation run ${p.stored.from}` : '';
    return { image: p.stored.image ?? lossCut, pixel: p.stored.pixel ?? lossCut, origin: `stored on training run ${p.sourceRunId}${from}`, learned: false };
  }
  return { image: lossCut, pixel: lossCut, origin: `${lossCutOrigin}: no labelled images and no stored thresholds`, learned: false };
}
