// Streaming pixel metrics: binned counts agree with the exact metrics, merge equals adding everything.
import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision, confusionAt, f1OptimalThreshold } from '../../../trainer/detection/metrics.ts';
import { binLowerEdge, binOf, PixelHistogram } from '../../../trainer/detection/pixel-histogram.ts';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Two images of log-normal-ish errors (defects larger), a defect mask, a foreground mask. */
function image(seed: number, n: number) {
  const rand = random(seed);
  const defect = Uint8Array.from({ length: n }, () => (rand() < 0.05 ? 1 : 0));
  const include = Uint8Array.from({ length: n }, () => (rand() < 0.8 ? 1 : 0));
  const errors = Float32Array.from(defect, (d) => 10 ** (-4 + 2.5 * rand() + 1.2 * d));
  errors[0] = 0; // exact zeros land in the underflow bin
  return { errors, defect, include };
}

/** The exact metrics' inputs: included pixels only, at float32 precision. */
function flatten(images: ReturnType<typeof image>[]) {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const { errors, defect, include } of images) {
    errors.forEach((e, i) => {
      if (include[i]) {
        scores.push(e);
        labels.push(defect[i]!);
      }
    });
  }
  return { scores, labels };
}

describe('PixelHistogram', () => {
  const images = [image(1, 4000), image(2, 3000), image(3, 2000)];
  const { scores, labels } = flatten(images);
  const all = new PixelHistogram();
  for (const im of images) all.add(im.errors, im.defect, im.include);

  it('AUROC and AP within 1e-3 of the exact values', () => {
    expect(Math.abs(all.auroc() - auroc(scores, labels))).toBeLessThan(1e-3);
    expect(Math.abs(all.averagePrecision() - averagePrecision(scores, labels))).toBeLessThan(1e-3);
    expect(all.auroc()).toBeGreaterThan(0.8); // the data separates: not a vacuous comparison
  });

  it('counts per class, background skipped', () => {
    expect(all.counts()).toEqual({ good: labels.filter((l) => l === 0).length, defect: labels.filter((l) => l === 1).length, unlabelled: 0 });
  });

  it('is exact at bin edges: the F1-optimal threshold reproduces the thresholded map', () => {
    const best = all.f1OptimalThreshold();
    const exact = confusionAt(scores, labels, best.threshold);
    expect(all.confusionAt(best.threshold)).toEqual(exact);
    expect(best.f1).toBe(exact.f1);
    // Within one bin of the exact optimum over all distinct pixel errors.
    expect(best.f1).toBeGreaterThan(f1OptimalThreshold(scores, labels).f1 - 1e-3);
  });

  it('merge equals adding every image to one histogram', () => {
    const a = new PixelHistogram().add(images[0]!.errors, images[0]!.defect, images[0]!.include);
    const b = new PixelHistogram().add(images[1]!.errors, images[1]!.defect, images[1]!.include).add(images[2]!.errors, images[2]!.defect, images[2]!.include);
    const merged = a.merge(b);
    expect(merged.good).toEqual(all.good);
    expect(merged.defect).toEqual(all.defect);
    expect(merged.auroc()).toBe(all.auroc());
  });

  it('keeps unlabelled pixels out of the metrics but in the plot histogram', () => {
    const h = new PixelHistogram().add(images[0]!.errors, images[0]!.defect, images[0]!.include);
    const before = h.auroc();
    h.add(Float32Array.from([0.5, 0.25, 0]), null);
    expect(h.auroc()).toBe(before);
    expect(h.counts().unlabelled).toBe(3);
    const plot = h.histogram(20, false);
    expect(plot.unlabelled.reduce((a, c) => a + c, 0)).toBe(3);
  });

  it('re-bins for plots without losing pixels (log leaves out zeros)', () => {
    const counts = all.counts();
    const linear = all.histogram(50, false);
    expect(linear.edges).toHaveLength(51);
    expect(linear.edges[0]).toBe(0);
    expect(linear.good.reduce((a, c) => a + c, 0)).toBe(counts.good);
    expect(linear.defect.reduce((a, c) => a + c, 0)).toBe(counts.defect);
    const log = all.histogram(40, true);
    const zeros = images.filter((im) => im.include[0]).length; // errors[0] = 0 in every image
    expect(log.good.reduce((a, c) => a + c, 0) + log.defect.reduce((a, c) => a + c, 0)).toBe(counts.good + counts.defect - zeros);
    expect(log.edges[0]).toBeGreaterThan(0);
    for (let i = 1; i < log.edges.length; i++) expect(log.edges[i]! / log.edges[i - 1]!).toBeCloseTo(log.edges[1]! / log.edges[0]!, 9);
    expect(new PixelHistogram().histogram(10, true).edges).toEqual([]);
  });

  it('bins by float32 bits: monotonic, fine, with under- and overflow', () => {
    expect(binOf(0)).toBe(0);
    expect(binOf(-0)).toBe(0);
    expect(binOf(1e-12)).toBe(0);
    expect(binOf(1e3)).toBe(binOf(Infinity));
    for (const v of [1e-9, 3.7e-6, 0.01, 0.5, 1, 99]) {
      const b = binOf(v);
      expect(binLowerEdge(b)).toBeLessThanOrEqual(Math.fround(v));
      expect(binLowerEdge(b + 1)).toBeGreaterThan(Math.fround(v));
      expect(binLowerEdge(b + 1) / binLowerEdge(b) - 1).toBeLessThanOrEqual(1 / 1024 + 1e-12);
      expect(binOf(binLowerEdge(b))).toBe(b);
    }
    expect(() => new PixelHistogram().add(Float32Array.from([0.1, -0.2]), null)).toThrow(/non-negative number, got -0.2/);
    expect(() => new PixelHistogram().add(Float32Array.from([NaN]), null)).toThrow(/got NaN/);
    expect(() => new PixelHistogram().add(new Float32Array(3), new Uint8Array(2))).toThrow(/defect mask has 2 pixels, error map 3/);
  });

  it('needs labelled pixels of both classes for AUROC', () => {
    const h = new PixelHistogram().add(Float32Array.from([0.1, 0.2]), new Uint8Array(2));
    expect(() => h.auroc()).toThrow(/got 2 good and 0 defective/);
  });
});
