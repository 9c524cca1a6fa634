// Image scores against a sort-based reference, and the threshold conversions.
import { describe, expect, it } from 'vitest';
import { anomalousFraction, imageScore, normalisedScore, toLinearThreshold } from '../../../trainer/detection/scores.ts';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Reference top-k mean: sort the foreground values, average the k largest. */
function referenceTopK(map: Float32Array, foreground: Uint8Array, percent: number): number {
  const values = Array.from(map).filter((_, i) => foreground[i]).sort((a, b) => b - a);
  const k = Math.max(1, Math.ceil((values.length * percent) / 100 - 1e-9));
  return values.slice(0, k).reduce((a, v) => a + v, 0) / k;
}

describe('imageScore', () => {
  // 4 foreground pixels 0.1, 0.4, 0.2, 0.3; the background pixel (0.9) never counts.
  const map = Float32Array.from([0.1, 0.9, 0.4, 0.2, 0.3]);
  const fg = Uint8Array.from([1, 0, 1, 1, 1]);

  it('max, mean and top_k over the foreground only', () => {
    expect(imageScore(map, fg, 'max')).toBe(Math.fround(0.4));
    expect(imageScore(map, fg, 'mean')).toBeCloseTo(0.25, 7);
    expect(imageScore(map, fg, 'top_k', 50)).toBeCloseTo(0.35, 7); // ceil(50% of 4) = 2 → (0.4 + 0.3) / 2
    expect(imageScore(map, fg, 'top_k', 1)).toBe(Math.fround(0.4)); // ceil(1% of 4) = 1 → the max
    expect(imageScore(map, fg, 'top_k', 100)).toBeCloseTo(imageScore(map, fg, 'mean'), 7);
  });

  it('top_k matches a full sort on random maps, with ties and negative values', () => {
    for (const seed of [1, 2, 3, 4]) {
      const rand = random(seed);
      const n = 20_000;
      // Quantised values make many exact ties, also across the k-th largest.
      const m = Float32Array.from({ length: n }, () => Math.round((rand() - 0.1) ** 3 * 2000) / 1000);
      const f = Uint8Array.from({ length: n }, () => (rand() < 0.7 ? 1 : 0));
      for (const percent of [0.01, 1, 5, 37.5, 100]) {
        expect(imageScore(m, f, 'top_k', percent)).toBeCloseTo(referenceTopK(m, f, percent), 10);
      }
    }
  });

  it('top_k on an all-equal map (the whole foreground in one bucket)', () => {
    expect(imageScore(new Float32Array(1000), new Uint8Array(1000).fill(1), 'top_k', 1)).toBe(0);
    expect(imageScore(new Float32Array(1000).fill(0.125), new Uint8Array(1000).fill(1), 'top_k', 10)).toBe(0.125);
  });

  it('rejects an empty foreground, NaN, mismatched masks and a bad k', () => {
    expect(() => imageScore(map, new Uint8Array(5), 'max')).toThrow('no foreground pixel to score');
    expect(() => imageScore(Float32Array.from([0.1, NaN]), Uint8Array.from([1, 1]), 'top_k')).toThrow(/NaN/);
    expect(() => imageScore(Float32Array.from([0.1, -Infinity]), Uint8Array.from([1, 1]), 'top_k')).toThrow(/NaN or infinite/);
    expect(() => imageScore(Float32Array.from([0.1, NaN]), Uint8Array.from([1, 1]), 'max')).toThrow(/NaN or infinite/);
    expect(() => imageScore(map, new Uint8Array(4), 'mean')).toThrow(/foreground mask has 4 pixels, error map 5/);
    expect(() => imageScore(map, fg, 'top_k', 0)).toThrow(/top_k percent must be in \(0, 100\]/);
  });
});

describe('anomalousFraction', () => {
  it('counts foreground pixels at or above the threshold', () => {
    const map = Float32Array.from([0.1, 0.9, 0.4, 0.2, 0.3]);
    const fg = Uint8Array.from([1, 0, 1, 1, 1]);
    expect(anomalousFraction(map, fg, Math.fround(0.3))).toBe(0.5); // 0.4 and 0.3 of 4
    expect(anomalousFraction(map, new Uint8Array(5), 0.3)).toBe(0);
  });
});

describe('thresholds', () => {
  it('converts PIXAL loss_cut to linear error units', () => {
    expect(toLinearThreshold(0.1, false)).toBe(0.1);
    expect(toLinearThreshold(-2, true)).toBeCloseTo(0.01, 15); // log10(error) ≥ -2 ⇔ error ≥ 0.01
    expect(toLinearThreshold(0.7, true)).toBeCloseTo(10 ** 0.7, 12);
    expect(() => toLinearThreshold(-2, false)).toThrow(/≥ 0 for a linear loss/);
    expect(() => toLinearThreshold(NaN, true)).toThrow(/finite/);
  });

  it('normalises scores so the threshold sits at 1', () => {
    expect(normalisedScore(0.02, 0.02)).toBe(1);
    expect(normalisedScore(0.05, 0.02)).toBeCloseTo(2.5, 12);
    expect(() => normalisedScore(0.05, 0)).toThrow(/threshold must be > 0/);
  });
});
