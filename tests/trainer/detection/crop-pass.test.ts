// The fused crop pass gives exactly (to the bit) what the straightforward steps give: upsampleBilinear, then
// imageScore, then PixelHistogram.add.
import { describe, expect, it } from 'vitest';
import { CropPass, type CropImage } from '../../../trainer/detection/crop-pass.ts';
import { PixelHistogram } from '../../../trainer/detection/pixel-histogram.ts';
import { anomalousFraction, imageScore, type ScoreMethod } from '../../../trainer/detection/scores.ts';
import { upsampleBilinear } from '../../../trainer/detection/upsample.ts';
import { Random } from '../../../trainer/synth/random.ts';

/** A pooled error map with exact zeros (background) and heavy-tailed errors, masks at the crop size. */
function cropImage(seed: string, h: number, w: number, cropHeight: number, cropWidth: number, labelled: boolean): CropImage {
  const random = new Random('crop-pass', seed);
  const map = Float32Array.from({ length: h * w }, () => (random.next() < 0.2 ? 0 : 10 ** (-5 + 4 * random.next())));
  const size = cropHeight * cropWidth;
  // Foreground: an off-centre ellipse, so whole rows and runs of pixels are background.
  const foreground = Uint8Array.from({ length: size }, (_, i) => {
    const y = Math.floor(i / cropWidth) / cropHeight - 0.55;
    const x = (i % cropWidth) / cropWidth - 0.45;
    return x * x + y * y < 0.16 ? 1 : 0;
  });
  const groundTruth = labelled ? Uint8Array.from({ length: size }, () => (random.next() < 0.03 ? 255 : 0)) : null;
  return { map, h, w, cropHeight, cropWidth, foreground, groundTruth };
}

function straightforward(image: CropImage, pixels: PixelHistogram, method: ScoreMethod, percent: number): number {
  const map = upsampleBilinear(image.map, image.h, image.w, image.cropHeight, image.cropWidth);
  const score = imageScore(map, image.foreground, method, percent);
  pixels.add(map, image.groundTruth, image.foreground);
  return score;
}

/** The non-empty bins, [bin, count] per class (a deep compare of the full ~38k bins is slow). */
function filled(pixels: PixelHistogram): Record<string, [number, number][]> {
  const of = (counts: Float64Array) => [...counts].flatMap((c, bin): [number, number][] => (c > 0 ? [[bin, c]] : []));
  return { good: of(pixels.good), defect: of(pixels.defect), unlabelled: of(pixels.unlabelled) };
}

function expectSameHistograms(a: PixelHistogram, b: PixelHistogram): void {
  expect(filled(a)).toEqual(filled(b));
}

describe('CropPass', () => {
  const sizes = [
    [6, 9, 24, 36], // pool 4
    [7, 5, 13, 11], // non-integer factors
    [1, 8, 3, 31], // a single source row
    [5, 5, 5, 5], // same size
  ] as const;

  for (const method of ['top_k', 'max', 'mean'] as const) {
    it(`${method}: the same scores and histogram as upsample → score → histogram, over a batch reusing one pass`, () => {
      const pass = new CropPass();
      const fused = new PixelHistogram();
      const reference = new PixelHistogram();
      for (const [h, w, cropHeight, cropWidth] of sizes) {
        for (const labelled of [true, false]) {
          for (const percent of [1, 12.5, 100]) {
            const image = cropImage(`${h}x${w}-${labelled}-${percent}`, h, w, cropHeight, cropWidth, labelled);
            expect(Object.is(pass.score(image, fused, method, percent), straightforward(image, reference, method, percent))).toBe(true);
          }
        }
      }
      expectSameHistograms(fused, reference);
      expect(fused.counts().defect).toBeGreaterThan(0);
      expect(fused.counts().unlabelled).toBeGreaterThan(0);
    });
  }

  it('ties: an all-zero and an all-equal map', () => {
    for (const value of [0, 0.125]) {
      const image = { ...cropImage('flat', 4, 4, 16, 16, true), map: new Float32Array(16).fill(value) };
      const fused = new PixelHistogram();
      const reference = new PixelHistogram();
      expect(new CropPass().score(image, fused, 'top_k', 1)).toBe(straightforward(image, reference, 'top_k', 1));
      expectSameHistograms(fused, reference);
    }
  });

  it('NaN, infinite or negative pooled values behave as the straightforward steps do', () => {
    const base = cropImage('bad', 4, 4, 16, 16, true);
    for (const bad of [NaN, Infinity, -0.5]) {
      const map = Float32Array.from(base.map);
      map[5] = bad;
      const image = { ...base, map };
      const fused = new PixelHistogram();
      const reference = new PixelHistogram();
      let expected: unknown;
      try {
        expected = straightforward(image, reference, 'top_k', 1);
      } catch (error) {
        expected = (error as Error).message;
      }
      let got: unknown;
      try {
        got = new CropPass().score(image, fused, 'top_k', 1);
      } catch (error) {
        got = (error as Error).message;
      }
      expect(got).toEqual(expected);
      expectSameHistograms(fused, reference);
    }
    // -0 everywhere is plain zero to the straightforward steps.
    const zeros = { ...base, map: new Float32Array(16).fill(-0) };
    expect(new CropPass().score(zeros, new PixelHistogram(), 'max')).toBe(straightforward(zeros, new PixelHistogram(), 'max', 1));
  });

  it('anomalous fraction equals the one of the upsampled map', () => {
    const pass = new CropPass();
    for (const [h, w, cropHeight, cropWidth] of sizes) {
      const image = cropImage(`fraction-${h}x${w}`, h, w, cropHeight, cropWidth, false);
      const odd = Float32Array.from(image.map, (v, i) => (i % 7 === 3 ? NaN : i % 7 === 5 ? -v : v));
      for (const map of [image.map, odd]) {
        const upsampled = upsampleBilinear(map, h, w, cropHeight, cropWidth);
        for (const threshold of [0, 1e-4, 1e-2]) expect(pass.anomalousFraction({ ...image, map }, threshold)).toBe(anomalousFraction(upsampled, image.foreground, threshold));
      }
    }
  });

  it('refuses what the straightforward steps refuse, before counting anything', () => {
    const image = cropImage('sizes', 4, 4, 16, 16, true);
    const pixels = new PixelHistogram();
    const pass = new CropPass();
    expect(() => pass.score({ ...image, foreground: new Uint8Array(16 * 16) }, pixels, 'top_k')).toThrow('no foreground pixel to score');
    expect(() => pass.score({ ...image, foreground: new Uint8Array(10) }, pixels, 'max')).toThrow(/foreground mask has 10 pixels, error map 256/);
    expect(() => pass.score({ ...image, groundTruth: new Uint8Array(10) }, pixels, 'max')).toThrow(/defect mask has 10 pixels, error map 256/);
    expect(() => pass.score(image, pixels, 'top_k', 0)).toThrow(/top_k percent must be in \(0, 100\]/);
    expect(() => pass.score({ ...image, h: 5 }, pixels, 'max')).toThrow(/map has 16 values, expected h x w = 5 x 4 = 20/);
    expect(pixels.counts()).toEqual({ good: 0, defect: 0, unlabelled: 0 });
  });
});
