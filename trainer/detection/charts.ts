// Validation charts as SVG (render with trainer/plots/render.ts): ROC and PR curves, confusion matrix,
// score and loss histograms, value distributions. Each has a title, axis titles with units and a legend.
import type { AxisSpec } from '../plots/chart.ts';
import { binnedHistogramChart, histogramChart, type BinnedSeries } from '../plots/histogram.ts';
import { lineChart } from '../plots/line.ts';
import { matrixChart } from '../plots/matrix.ts';
import type { PrCurve, RocCurve } from './metrics.ts';
import type { PixelHistogram } from './pixel-histogram.ts';
import type { ProCurve } from './region-overlap.ts';

/** Counts in bins: bin i spans [edges[i], edges[i+1]). */
export interface BinnedCounts {
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
}

export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

const GOOD = '#4e79a7'; // blue
const DEFECT = '#e15759'; // red
const UNLABELLED = '#9c755f'; // brown
const GUIDE = '#333333';
/** Pixel errors are channel-weighted mean squared errors of values normalised to [0, 1]. */
const PIXEL_ERROR: AxisSpec = { label: 'pixel error', unit: 'weighted squared error' };
const SHARE = { label: 'share of pixels', unit: '%' };

const fmt = (v: number) => String(Number(v.toPrecision(3)));
const count = (n: number) => Math.round(n).toLocaleString('en-US');

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

/** Counts as % of their total, so classes of very different sizes share one axis. */
function percent(counts: ArrayLike<number>): number[] {
  const total = sum(counts);
  return Array.from(counts, (c) => (total > 0 ? (100 * c) / total : 0));
}

export function rocChart(curve: RocCurve, auroc: number, title: string): string {
  return lineChart({
    title,
    width: 640,
    height: 520,
    x: { label: 'false positive rate', unit: 'good flagged, fraction', min: 0, max: 1 },
    y: { label: 'true positive rate', unit: 'defects found, fraction', min: 0, max: 1 },
    series: [
      { name: `ROC (AUROC ${auroc.toFixed(3)})`, x: curve.fpr, y: curve.tpr, color: DEFECT },
      { name: 'chance (0.5)', x: [0, 1], y: [0, 1], dashed: true, color: '#999999' },
    ],
    legend: 'always',
  });
}

/** Mean per-region overlap against the good pixels' false-positive rate, to the rate AUPRO stops at. */
export function proChart(curve: ProCurve, aupro: number, maxFpr: number, regions: number, title: string): string {
  return lineChart({
    title,
    width: 640,
    height: 520,
    x: { label: 'false positive rate', unit: 'good pixels flagged, fraction', min: 0, max: maxFpr },
    y: { label: 'per-region overlap', unit: `mean over ${regions} defect regions`, min: 0, max: 1 },
    series: [{ name: `PRO (AUPRO ${aupro.toFixed(3)} to FPR ${maxFpr})`, x: curve.fpr, y: curve.pro, color: DEFECT }],
    legend: 'always',
  });
}

/**
 * The PR curve drawn as the step function whose area is the average precision, up to the first point of
 * full recall (lower thresholds only add false positives); the chance line is the prevalence.
 */
export function prChart(curve: PrCurve, ap: number, prevalence: number, title: string): string {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 1; i < curve.recall.length && curve.recall[i - 1]! < 1; i++) {
    x.push(curve.recall[i - 1]!, curve.recall[i]!);
    y.push(curve.precision[i]!, curve.precision[i]!);
  }
  return lineChart({
    title,
    width: 640,
    height: 520,
    x: { label: 'recall', unit: 'defects found, fraction', min: 0, max: 1 },
    y: { label: 'precision', unit: 'flagged that are defects, fraction', min: 0, max: 1.02 },
    series: [
      { name: `PR (AP ${ap.toFixed(3)})`, x, y, color: DEFECT },
      { name: `chance (prevalence ${fmt(prevalence)})`, x: [0, 1], y: [prevalence, prevalence], dashed: true, color: '#999999' },
    ],
    legend: 'always',
  });
}

/** 2x2 matrix, rows the true class, columns the prediction; colour and % are shares of the true class (row). */
export function confusionMatrixChart(counts: ConfusionCounts, title: string): string {
  const rows = [
    [counts.tn, counts.fp],
    [counts.fn, counts.tp],
  ];
  const shares = rows.map((r) => {
    const total = r[0]! + r[1]!;
    return r.map((v) => (total > 0 ? (100 * v) / total : NaN));
  });
  const names = [
    ['true negatives', 'false positives'],
    ['false negatives', 'true positives'],
  ];
  return matrixChart({
    title,
    width: 620,
    height: 480,
    x: { label: 'predicted class', categories: ['good', 'defective'] },
    y: { label: 'true class', categories: ['good', 'defective'] },
    values: shares,
    range: [0, 100],
    colorLabel: 'share of the true class (%)',
    cellText: rows.map((r, i) => r.map((v, j) => [count(v), Number.isFinite(shares[i]![j]!) ? `${shares[i]![j]!.toFixed(1)}%` : '–', names[i]![j]!])),
  });
}

export interface ScoreHistogramOptions {
  /** x axis (default: image score in pixel-error units; pass one for normalised scores). */
  axis?: AxisSpec;
  bins?: number;
}

/** Image scores by class (1 defective, 0 good, null unlabelled) with the threshold as a guide line. */
export function scoreHistogramChart(scores: ArrayLike<number>, labels: ArrayLike<number | null>, threshold: number, title: string, options: ScoreHistogramOptions = {}): string {
  if (scores.length !== labels.length) throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  const groups: [string, number | null, string][] = [
    ['good', 0, GOOD],
    ['defective', 1, DEFECT],
    ['unlabelled', null, UNLABELLED],
  ];
  const series = groups
    .map(([name, label, color]) => {
      const values = Array.from(scores).filter((_, i) => labels[i] === label);
      return { name: `${name} images (${values.length})`, values, color };
    })
    .filter((s) => s.values.length > 0);
  return histogramChart({
    title,
    x: options.axis ?? { label: 'image score', unit: 'weighted squared error' },
    y: { label: 'images' },
    bins: options.bins ?? 30,
    series,
    guides: [{ axis: 'x', value: threshold, label: `threshold ${fmt(threshold)}`, color: GUIDE }],
    legend: 'always',
  });
}

export interface PixelLossHistogramOptions {
  title?: string;
  /** Pixel threshold drawn as a guide line. */
  threshold?: number;
  bins?: number;
}

/**
 * Pixel errors of good vs defective (and unlabelled) foreground pixels, each as % of its class so a few
 * defect pixels show beside millions of good ones. Linear x with a log y axis shows the tail; the log10 x
 * axis spreads the small errors where most pixels are.
 */
export function pixelLossHistogramChart(histogram: PixelHistogram, log: boolean, options: PixelLossHistogramOptions = {}): string {
  const h = histogram.histogram(options.bins ?? (log ? 80 : 60), log);
  const classes: [string, number[], string][] = [
    ['good pixels', h.good, GOOD],
    ['defect pixels', h.defect, DEFECT],
    ['unlabelled pixels', h.unlabelled, UNLABELLED],
  ];
  const series: BinnedSeries[] = classes
    .filter(([, counts]) => sum(counts) > 0)
    .map(([name, counts, color]) => ({ name: `${name} (${count(sum(counts))})`, edges: h.edges, counts: percent(counts), color }));
  const t = options.threshold;
  return binnedHistogramChart({
    title: options.title ?? `Pixel loss, ${log ? 'log' : 'linear'} error axis`,
    x: { ...PIXEL_ERROR, scale: log ? 'log' : 'linear' },
    y: { ...SHARE, scale: log ? 'linear' : 'log' },
    series,
    guides: t !== undefined && (!log || t > 0) ? [{ axis: 'x', value: t, label: `pixel threshold ${fmt(t)}`, color: GUIDE }] : [],
    legend: 'always',
  });
}

export interface ChannelLoss {
  channel: string;
  hist: BinnedCounts;
}

/** Squared error per channel, one outline per channel, as % of the channel's pixels. */
export function channelLossHistogramChart(channels: ChannelLoss[], log: boolean, title = 'Pixel loss per channel'): string {
  return binnedHistogramChart({
    title,
    x: { label: 'squared error', unit: 'normalised value²', scale: log ? 'log' : 'linear' },
    y: { ...SHARE, scale: log ? 'linear' : 'log' },
    series: channels.map((c) => ({ name: c.channel, edges: c.hist.edges, counts: percent(c.hist.counts) })),
    outline: true,
    legend: 'always',
  });
}

/** Distributions of one channel's true (input) and predicted (reconstructed) values. */
export function valueDistributionChart(truth: BinnedCounts, predicted: BinnedCounts, channel: string): string {
  return binnedHistogramChart({
    title: `Value distribution: ${channel}`,
    x: { label: `${channel} value`, unit: 'normalised, 0–1' },
    y: SHARE,
    series: [
      { name: 'true (input)', edges: truth.edges, counts: percent(truth.counts), color: GOOD },
      { name: 'predicted (reconstruction)', edges: predicted.edges, counts: percent(predicted.counts), color: '#f28e2b' },
    ],
    legend: 'always',
  });
}
