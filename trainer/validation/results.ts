// What a validation found, as numbers: per image (scores.csv) and for the set (metrics), from the detections of
// each type and the chosen thresholds. Metrics that need labels appear only where the labels exist: image AUROC/AP
// need good and defective images, pixel AUROC/AP need defect masks.
import { auroc, averagePrecision, confusionAt } from '../detection/metrics.ts';
import { PixelHistogram } from '../detection/pixel-histogram.ts';
import { RegionOverlap } from '../detection/region-overlap.ts';
import { normalisedScore } from '../detection/scores.ts';
import { anomalousFractions, type TypeDetection } from './detect.ts';
import type { Thresholds } from './thresholds.ts';

export interface ImageRow {
  type: string;
  file: string;
  name: string;
  label: 0 | 1 | null;
  defect: string | null;
  score: number;
  normalised_score: number;
  prediction: 0 | 1;
  anomalous_pixel_fraction: number;
}

export function imageRows(detections: readonly TypeDetection[], thresholds: Thresholds): ImageRow[] {
  return detections.flatMap((d) => {
    const fractions = anomalousFractions(d, thresholds.pixel);
    return d.items.map((item, i) => {
      const score = d.scores[i]!;
      return {
        type: d.type,
        file: item.file,
        name: item.name,
        label: item.label,
        defect: item.defect,
        score,
        normalised_score: normalisedScore(score, thresholds.image),
        prediction: score >= thresholds.image ? 1 : 0,
        anomalous_pixel_fraction: fractions[i]!,
      } satisfies ImageRow;
    });
  });
}

const CSV_COLUMNS = ['type', 'name', 'label', 'defect', 'score', 'normalised_score', 'prediction', 'anomalous_pixel_fraction', 'file'] as const;

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function scoresCsv(rows: readonly ImageRow[]): string {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))].join('\n') + '\n';
}

/** Metrics of one group of rows and its pixels; `prefix` names a type's own metrics (`front.image_auroc`). */
function groupMetrics(rows: readonly ImageRow[], pixels: PixelHistogram, regions: RegionOverlap, thresholds: Thresholds, prefix = ''): Record<string, number> {
  const m: Record<string, number> = {};
  const put = (key: string, value: number) => (m[`${prefix}${key}`] = value);
  const labelled = rows.filter((r) => r.label !== null);
  const scores = labelled.map((r) => r.score);
  const labels = labelled.map((r) => r.label!);
  put('images', rows.length);
  put('labelled_images', labelled.length);
  put('defective_images', labels.filter((l) => l === 1).length);
  put('predicted_defective', rows.filter((r) => r.prediction === 1).length);
  put('mean_anomalous_pixel_fraction', rows.reduce((s, r) => s + r.anomalous_pixel_fraction, 0) / Math.max(1, rows.length));
  if (labels.includes(1) && labels.includes(0)) {
    put('image_auroc', auroc(scores, labels));
    put('image_ap', averagePrecision(scores, labels));
  }
  if (labelled.length > 0) {
    const c = confusionAt(scores, labels, thresholds.image);
    put('tp', c.tp);
    put('fp', c.fp);
    put('tn', c.tn);
    put('fn', c.fn);
    put('precision', c.precision);
    put('recall', c.recall);
    put('f1', c.f1);
  }
  const counts = pixels.counts();
  if (counts.defect > 0 && counts.good > 0) {
    put('pixel_auroc', pixels.auroc());
    put('pixel_ap', pixels.averagePrecision());
    if (regions.count > 0) put('pixel_aupro', regions.aupro(pixels.good));
    const c = pixels.confusionAt(thresholds.pixel);
    put('pixel_precision', c.precision);
    put('pixel_recall', c.recall);
    put('pixel_f1', c.f1);
  }
  return m;
}

export interface ValidationSummary {
  rows: ImageRow[];
  /** All types' pixels together. */
  pixels: PixelHistogram;
  /** All types' defect regions together. */
  regions: RegionOverlap;
  metrics: Record<string, number>;
}

/** All types' pixel histograms in one. */
export function mergedPixels(detections: readonly TypeDetection[]): PixelHistogram {
  const pixels = new PixelHistogram();
  for (const d of detections) pixels.merge(d.pixels);
  return pixels;
}

export function summarise(detections: readonly TypeDetection[], thresholds: Thresholds): ValidationSummary {
  const rows = imageRows(detections, thresholds);
  const pixels = mergedPixels(detections);
  const regions = new RegionOverlap();
  for (const d of detections) regions.merge(d.regions);
  const metrics = { ...groupMetrics(rows, pixels, regions, thresholds), image_threshold: thresholds.image, pixel_threshold: thresholds.pixel };
  if (detections.length > 1) {
    for (const d of detections) Object.assign(metrics, groupMetrics(rows.filter((r) => r.type === d.type), d.pixels, d.regions, thresholds, `${d.type}.`));
  }
  return { rows, pixels, regions, metrics };
}

/** The metrics a training run carries from its latest validation, so runs sort by them. */
export const HEADLINE_METRICS = ['image_auroc', 'image_ap', 'pixel_auroc', 'pixel_ap', 'pixel_aupro', 'f1', 'precision', 'recall', 'pixel_f1'] as const;
