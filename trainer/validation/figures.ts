// The pictures of a validation, as PNG files in the run's staging folder (plots/ and overlays/), each switched by
// its plotting.* flag: ROC and PR curves (images and pixels), the image confusion matrix, score histogram by class,
// pixel loss histograms (linear and log), per-channel losses, true vs predicted value distributions, and one anomaly
// overlay per image for the most telling images (defective first, then the highest scores).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DetectionOptions } from '../config/detection.ts';
import type { PlottingOptions } from '../config/plotting.ts';
import { channelLossHistogramChart, confusionMatrixChart, pixelLossHistogramChart, prChart, proChart, rocChart, scoreHistogramChart, valueDistributionChart } from '../detection/charts.ts';
import { AUPRO_MAX_FPR } from '../detection/region-overlap.ts';
import { prCurve, rocCurve } from '../detection/metrics.ts';
import { figureTitle, renderAnomalyFigure } from '../detection/overlay.ts';
import { ReconstructionStats } from '../detection/reconstruction-stats.ts';
import { readImage } from '../image/image.ts';
import { writePlot } from '../plots/render.ts';
import { writeTileGridFigure } from '../tiling/grid-figure.ts';
import { cropMap, type TypeDetection } from './detect.ts';
import type { ImageRow, ValidationSummary } from './results.ts';
import type { Thresholds } from './thresholds.ts';

export interface FigureParams {
  stage: string;
  title: string;
  detections: readonly TypeDetection[];
  summary: ValidationSummary;
  thresholds: Thresholds;
  plotting: PlottingOptions;
  detection: DetectionOptions;
  onOverlay?: (done: number, total: number) => void;
}

const label = (l: 0 | 1 | null) => (l === null ? 'unlabelled' : l === 1 ? 'defective' : 'good');

/** The heatmap caption of a detection's maps when not raw errors: divided by per-tile thresholds, or normalised. */
function mapCaption(d: TypeDetection): { mapCaption?: string } {
  if (d.tiling?.thresholds) return { mapCaption: "pixel error (× its tile's threshold)" };
  return d.normalised ? { mapCaption: 'pixel error (× its usual error)' } : {};
}

/** Which images get an overlay: defective ones first, then by descending score; at most `max`. */
export function overlayOrder(rows: readonly ImageRow[], max: number): number[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (b.r.label === 1 ? 1 : 0) - (a.r.label === 1 ? 1 : 0) || b.r.score - a.r.score)
    .slice(0, max)
    .map(({ i }) => i);
}

/** Writes every enabled figure; returns the files written, relative to the stage. */
export async function writeFigures(p: FigureParams): Promise<string[]> {
  const written: string[] = [];
  const plots = join(p.stage, 'plots');
  await mkdir(plots, { recursive: true });
  const plot = async (name: string, svg: string) => {
    await writePlot(join(plots, name), svg, 2);
    written.push(`plots/${name}`);
  };
  const { rows, metrics, pixels, regions } = p.summary;
  const labelled = rows.filter((r) => r.label !== null);
  const scores = labelled.map((r) => r.score);
  const labels = labelled.map((r) => r.label!);

  if (p.plotting.plot_roc_recall) {
    if (metrics.image_auroc !== undefined) {
      await plot('roc_images.png', rocChart(rocCurve(scores, labels), metrics.image_auroc, `${p.title}: image ROC`));
      await plot('pr_images.png', prChart(prCurve(scores, labels), metrics.image_ap!, labels.filter((l) => l === 1).length / labels.length, `${p.title}: image precision-recall`));
    }
    if (metrics.pixel_auroc !== undefined) {
      const counts = pixels.counts();
      await plot('roc_pixels.png', rocChart(pixels.rocCurve(), metrics.pixel_auroc, `${p.title}: pixel ROC`));
      await plot('pr_pixels.png', prChart(pixels.prCurve(), metrics.pixel_ap!, counts.defect / (counts.defect + counts.good), `${p.title}: pixel precision-recall`));
      if (metrics.pixel_aupro !== undefined) {
        const curve = regions.curve(pixels.good, AUPRO_MAX_FPR, 1000);
        await plot('pro_pixels.png', proChart(curve, metrics.pixel_aupro, AUPRO_MAX_FPR, regions.count, `${p.title}: per-region overlap`));
      }
    }
  }
  if (p.plotting.plot_confusion_matrix && metrics.tp !== undefined) {
    await plot('confusion_matrix.png', confusionMatrixChart({ tp: metrics.tp, fp: metrics.fp!, tn: metrics.tn!, fn: metrics.fn! }, `${p.title}: images at threshold ${p.thresholds.image.toPrecision(3)}`));
  }
  if (p.plotting.plot_distributions) {
    // Normalised maps are in units of each pixel's usual training error, not squared-error units: say so.
    const normalised = p.detections.some((d) => d.normalised);
    const units = normalised ? ', errors / each pixel\'s usual training error' : '';
    const axis = normalised ? { axis: { label: 'image score', unit: "× the pixel's usual error" } } : {};
    await plot('score_histogram.png', scoreHistogramChart(rows.map((r) => r.score), rows.map((r) => r.label), p.thresholds.image, `${p.title}: image scores (${p.detection.image_score})`, axis));
    await plot('pixel_loss_histogram.png', pixelLossHistogramChart(pixels, false, { title: `${p.title}: pixel loss${units}`, threshold: p.thresholds.pixel }));
    await plot('pixel_loss_histogram_log.png', pixelLossHistogramChart(pixels, true, { title: `${p.title}: pixel loss (log)${units}`, threshold: p.thresholds.pixel }));
  }
  const stats = p.detections.map((d) => d.stats.summary());
  const merged = stats.length === 1 ? stats[0]! : mergeSummaries(p.detections.map((d) => d.stats));
  if (p.plotting.plot_distributions) {
    await plot('channel_loss_histogram.png', channelLossHistogramChart(merged.squaredErrors.map((h) => ({ channel: h.channel, hist: h })), true, `${p.title}: squared error per channel`));
  }
  if (p.plotting.plot_pixel_predictions) {
    for (const [k, truth] of merged.trueValues.entries()) await plot(`values_${truth.channel}.png`, valueDistributionChart(truth, merged.predictedValues[k]!, truth.channel));
  }

  if (p.plotting.plot_anomaly_heatmap && p.detection.max_overlays > 0) {
    const order = overlayOrder(rows, p.detection.max_overlays);
    const offsets = new Map<TypeDetection, number>();
    let offset = 0;
    for (const d of p.detections) {
      offsets.set(d, offset);
      offset += d.items.length;
    }
    let done = 0;
    for (const index of order) {
      const d = p.detections.find((x) => index >= offsets.get(x)! && index < offsets.get(x)! + x.items.length)!;
      const i = index - offsets.get(d)!;
      const item = d.items[i]!;
      const row = rows[index]!;
      const png = await renderAnomalyFigure({
        image: await readImage(item.croppedFile, 4),
        map: cropMap(d, i),
        threshold: p.thresholds.pixel,
        ...mapCaption(d),
        ...(item.groundTruth ? { groundTruth: item.groundTruth } : {}),
        title: figureTitle({ file: `${d.type}/${item.name}`, score: row.score, normalisedScore: row.normalised_score, label: label(row.label), prediction: row.prediction ? 'defective' : 'good' }),
      });
      const name = `overlays/${d.type}/${item.name.replace(/\.[^.]+$/, '')}.png`;
      await mkdir(join(p.stage, name, '..'), { recursive: true });
      await writeFile(join(p.stage, name), png);
      written.push(name);
      p.onOverlay?.(++done, order.length);
    }
  }
  if (p.plotting.plot_anomaly_heatmap) {
    let offset = 0;
    for (const d of p.detections) {
      const typeRows = rows.slice(offset, (offset += d.items.length));
      if (d.tiling) written.push(await writeTileGridFigure({ stage: p.stage, detection: d, tiling: d.tiling, rows: typeRows, image: overlayOrder(typeRows, 1)[0]!, threshold: p.thresholds.pixel, ...mapCaption(d) }));
    }
  }
  return written;
}

/** One summary over several types' statistics (same channels). */
function mergeSummaries(all: ReconstructionStats[]) {
  const summaries = all.map((s) => s.summary());
  const add = (pick: (s: (typeof summaries)[number]) => { channel: string; edges: number[]; counts: number[] }[]) =>
    pick(summaries[0]!).map((h, k) => ({ ...h, counts: h.counts.map((_, b) => summaries.reduce((sum, s) => sum + pick(s)[k]!.counts[b]!, 0)) }));
  return { trueValues: add((s) => s.trueValues), predictedValues: add((s) => s.predictedValues), squaredErrors: add((s) => s.squaredErrors) };
}
