// AUPRO on hand-worked maps: every region weighs the same whatever its size, ties run diagonally, the curve is
// cut at the false-positive limit, and pixels outside the foreground are not scored.
import { describe, expect, it } from 'vitest';
import { PixelHistogram } from '../../../trainer/detection/pixel-histogram.ts';
import { RegionOverlap } from '../../../trainer/detection/region-overlap.ts';

/** One image, width x 1 pixels: `truth` marks defect pixels (non-zero), the rest are good. */
function score(errors: number[], truth: number[], foreground?: number[]) {
  const e = Float32Array.from(errors);
  const t = Uint8Array.from(truth);
  const f = foreground ? Uint8Array.from(foreground) : undefined;
  const pixels = new PixelHistogram().add(e, t, f);
  const regions = new RegionOverlap().addImage(e, errors.length, 1, t, f);
  return { pixels, regions, aupro: regions.aupro(pixels.good) };
}

describe('RegionOverlap.aupro', () => {
  it('is 1 when every defect pixel outscores every good pixel', () => {
    expect(score([9, 9, 0.1, 0.1, 0.1, 9], [1, 1, 0, 0, 0, 1]).aupro).toBeCloseTo(1, 12);
  });

  it('weighs a one-pixel region as much as a three-pixel one (pixel AUROC weighs them by area)', () => {
    // Region A (1 px) above every good pixel, region B (3 px, apart from A) below every good pixel.
    const { pixels, regions, aupro } = score([10, 1, 1, 0.01, 0.01, 0.01, 1, 1], [1, 0, 0, 1, 1, 1, 0, 0]);
    expect(regions.count).toBe(2);
    expect(aupro).toBeCloseTo(0.5, 12);
    expect(pixels.auroc()).toBeCloseTo(0.25, 12);
  });

  it('cuts the curve at the false-positive limit', () => {
    // Ten good pixels: one at 10 (false-positive rate 0.1), nine at 1; one defect pixel at 5.
    // PRO is 0 up to 0.1, then 1: the area to 0.3 is 0.2, over 0.3.
    const errors = [10, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const truth = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(score(errors, truth).aupro).toBeCloseTo(0.2 / 0.3, 12);
    const { pixels, regions } = score(errors, truth);
    expect(regions.aupro(pixels.good, 1)).toBeCloseTo(0.9, 12);
  });

  it('draws the curve from (0, 0) to the limit, thinned for a plot without changing its ends', () => {
    const { pixels, regions } = score([10, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(regions.curve(pixels.good)).toEqual({ fpr: [0, 0.1, 0.1, 0.3], pro: [0, 0, 1, 1] });
    // Many regions and good pixels of distinct errors: hundreds of points to the limit, thinned to about 50.
    const n = 4000;
    const errors = Array.from({ length: 2 * n }, (_, i) => 0.001 * (1 + i));
    const truth = errors.map((_, i) => i % 2);
    const many = score(errors, truth.map((t, i) => (t && i % 4 === 1 ? 1 : 0)));
    const full = many.regions.curve(many.pixels.good);
    const thinned = many.regions.curve(many.pixels.good, 0.3, 50);
    expect(full.fpr.length).toBeGreaterThan(500);
    expect(thinned.fpr.length).toBeLessThan(120);
    expect([thinned.fpr[0], thinned.pro[0], thinned.fpr.at(-1)]).toEqual([0, 0, 0.3]);
    expect(thinned.pro.at(-1)).toBe(full.pro.at(-1));
  });

  it('runs straight across tied pixels', () => {
    // The defect pixel ties with two of ten good pixels: PRO rises 0 -> 1 while the rate goes 0 -> 0.2.
    const errors = [1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    const truth = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(score(errors, truth).aupro).toBeCloseTo((0.2 * 0.5 + 0.1 * 1) / 0.3, 12);
  });

  it('scores a region only within the foreground, which may split it', () => {
    // The 3-pixel defect loses its middle pixel to the background: two 1-pixel regions, one above the good pixels.
    const { regions, aupro } = score([10, 99, 0.01, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 1, 1]);
    expect(regions.count).toBe(2);
    expect(aupro).toBeCloseTo(0.5, 12);
  });

  it('joins 8-connected pixels into one region across rows, and merges images', () => {
    // 3x3 image: a diagonal defect of 3 pixels is one region.
    const errors = Float32Array.from([5, 1, 1, 1, 5, 1, 1, 1, 5]);
    const truth = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const regions = new RegionOverlap().addImage(errors, 3, 3, truth);
    expect(regions.count).toBe(1);
    const other = new RegionOverlap().addImage(Float32Array.from([0.5, 1]), 2, 1, Uint8Array.from([1, 0]));
    const pixels = new PixelHistogram().add(errors, truth).add(Float32Array.from([0.5, 1]), Uint8Array.from([1, 0]));
    expect(regions.merge(other).count).toBe(2);
    // One region entirely above the good pixels (PRO 0.5 from the start), the other below them all.
    expect(regions.aupro(pixels.good)).toBeCloseTo(0.5, 12);
  });

  it('is NaN without a region or a good pixel, and refuses bad input', () => {
    expect(new RegionOverlap().aupro(new PixelHistogram().good)).toBeNaN();
    expect(score([5, 5], [1, 1]).aupro).toBeNaN();
    expect(() => new RegionOverlap().addImage(new Float32Array(3), 2, 1, new Uint8Array(3))).toThrow(/3 errors for a 2x1 image/);
    expect(() => new RegionOverlap().aupro(new Float64Array(3))).toThrow(/expected/);
  });
});
