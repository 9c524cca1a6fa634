// Every validation chart rendered for real to PNG through sharp: it decodes, has its size, is not blank,
// and carries its title, axis titles with units and legend entries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  channelLossHistogramChart,
  confusionMatrixChart,
  pixelLossHistogramChart,
  prChart,
  rocChart,
  scoreHistogramChart,
  valueDistributionChart,
} from '../../../trainer/detection/charts.ts';
import { auroc, averagePrecision, confusionAt, prCurve, rocCurve } from '../../../trainer/detection/metrics.ts';
import { PixelHistogram } from '../../../trainer/detection/pixel-histogram.ts';
import { writePlot } from '../../../trainer/plots/render.ts';
import { histogram } from '../../../trainer/plots/histogram.ts';

const OUT = mkdtempSync(join(tmpdir(), 'pixal-detection-charts-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const rand = random(11);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// 120 images, a third defective, defects scoring higher; 6 unlabelled images.
const labels = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? 1 : 0));
const scores = labels.map((l) => Math.exp(gauss() * 0.4 + (l ? 0.9 : 0)) * 0.004);
const threshold = 0.008;

const pixels = new PixelHistogram();
for (let im = 0; im < 4; im++) {
  const n = 50_000;
  const defect = Uint8Array.from({ length: n }, (_, i) => (i < 1500 ? 1 : 0));
  pixels.add(Float32Array.from(defect, (d) => 10 ** (gauss() * 0.5 - 3.5 + 1.5 * d)), defect, Uint8Array.from({ length: n }, () => (rand() < 0.85 ? 1 : 0)));
}
pixels.add(Float32Array.from({ length: 5000 }, () => 10 ** (gauss() * 0.5 - 3.3)), null);

const channelValues = ['LAB_L', 'LAB_a', 'LAB_b'].map((channel, c) => ({ channel, values: Array.from({ length: 20_000 }, () => 10 ** (gauss() * 0.5 - 3.5 + c * 0.4)) }));
const edges = Array.from({ length: 41 }, (_, i) => 10 ** (-6 + i * 0.15));
const binCounts = (values: number[]) => edges.slice(1).map((hi, i) => values.filter((v) => v >= edges[i]! && v < hi).length);
const truth = histogram([Array.from({ length: 20_000 }, () => Math.min(1, Math.max(0, 0.55 + 0.15 * gauss())))], 50, [0, 1]);
const predicted = histogram([Array.from({ length: 20_000 }, () => Math.min(1, Math.max(0, 0.55 + 0.1 * gauss())))], 50, [0, 1]);
const cm = confusionAt(scores, labels, threshold);

const charts: Record<string, { svg: string; expects: string[] }> = {
  roc: { svg: rocChart(rocCurve(scores, labels), auroc(scores, labels), 'Image ROC'), expects: ['Image ROC', 'false positive rate', 'AUROC 0.', 'chance'] },
  pr: {
    svg: prChart(prCurve(scores, labels), averagePrecision(scores, labels), 40 / 120, 'Image precision-recall'),
    expects: ['recall', 'precision', 'AP 0.', 'prevalence 0.333'],
  },
  confusion: { svg: confusionMatrixChart(cm, `Confusion matrix at threshold ${threshold}`), expects: ['predicted class', 'true class', 'true positives', 'share of the true class (%)'] },
  scores: {
    svg: scoreHistogramChart([...scores, 0.003, 0.005, 0.007, 0.009, 0.011, 0.02], [...labels, null, null, null, null, null, null], threshold, 'Image scores by class'),
    expects: ['good images (80)', 'defective images (40)', 'unlabelled images (6)', 'threshold 0.008', 'image score (weighted squared error)'],
  },
  'pixel-loss-linear': { svg: pixelLossHistogramChart(pixels, false, { threshold: 0.01 }), expects: ['good pixels', 'defect pixels', 'unlabelled pixels (5,000)', 'share of pixels (%)', 'pixel threshold 0.01'] },
  'pixel-loss-log': { svg: pixelLossHistogramChart(pixels, true, { threshold: 0.01 }), expects: ['Pixel loss, log error axis', 'pixel error (weighted squared error)'] },
  'channel-loss': {
    svg: channelLossHistogramChart(channelValues.map((c) => ({ channel: c.channel, hist: { edges, counts: binCounts(c.values) } })), true),
    expects: ['LAB_L', 'LAB_a', 'LAB_b', 'squared error (normalised value²)'],
  },
  'value-distribution': {
    svg: valueDistributionChart({ edges: truth.edges, counts: truth.counts[0]! }, { edges: predicted.edges, counts: predicted.counts[0]! }, 'LAB_L'),
    expects: ['Value distribution: LAB_L', 'true (input)', 'predicted (reconstruction)', 'LAB_L value (normalised, 0–1)'],
  },
};

describe('detection charts', () => {
  for (const [name, { svg, expects }] of Object.entries(charts)) {
    it(`renders the ${name} chart to a PNG that decodes`, async () => {
      const file = join(OUT, `${name}.png`);
      await writePlot(file, svg);
      const meta = await sharp(file).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(500);
      const stats = await sharp(file).stats();
      expect(stats.channels[0]!.stdev).toBeGreaterThan(10); // not blank
      for (const text of expects) expect(svg).toContain(text.replace('&', '&amp;'));
    });
  }

  it('puts the counts and row shares in the confusion matrix cells', () => {
    const svg = confusionMatrixChart({ tp: 30, fn: 10, fp: 4, tn: 76 }, 'cm');
    for (const t of ['>30<', '>75.0%<', '>10<', '>25.0%<', '>4<', '>5.0%<', '>76<', '>95.0%<']) expect(svg).toContain(t);
  });

  it('draws the PR curve as the step function whose area is the AP', () => {
    // recall 0 → ½ at precision 1, ½ → 1 at precision ⅔: area ½ + ⅓ = AP 5/6.
    const svg = prChart({ recall: [0, 0.5, 0.5, 1], precision: [1, 1, 0.5, 2 / 3], thresholds: [Infinity, 0.8, 0.4, 0.35] }, 5 / 6, 0.5, 'PR');
    expect(svg).toContain('AP 0.833');
  });
});
