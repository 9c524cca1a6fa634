import { describe, expect, it } from 'vitest';
import cv from '../../../trainer/image/opencv.ts';
import { downsampleMax, upsampleBilinear } from '../../../trainer/detection/upsample.ts';
import { Random } from '../../../trainer/synth/random.ts';

function randomMap(h: number, w: number, seed: string): Float32Array {
  const random = new Random('upsample', seed);
  return Float32Array.from({ length: h * w }, () => random.next());
}

/** OpenCV's own bilinear resize of the same float map. */
function opencvResize(map: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const mat = new cv.Mat(Buffer.from(map.buffer, map.byteOffset, map.byteLength), h, w, cv.CV_32F);
  const data = mat.resize(outH, outW, 0, 0, cv.INTER_LINEAR).getData();
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('upsampleBilinear', () => {
  for (const [h, w, outH, outW] of [
    [4, 6, 8, 12], // pool 2 back to the crop
    [5, 7, 13, 23], // non-integer factors
    [3, 3, 12, 12],
    [1, 5, 4, 17], // a single row
    [6, 9, 6, 9], // same size
    [9, 11, 5, 7], // shrinking (sampled)
  ] as const) {
    it(`matches OpenCV INTER_LINEAR from ${h}x${w} to ${outH}x${outW} within 1e-5`, () => {
      const map = randomMap(h, w, `${h}x${w}`);
      const ours = upsampleBilinear(map, h, w, outH, outW);
      expect(ours.length).toBe(outH * outW);
      expect(maxDifference(ours, opencvResize(map, h, w, outH, outW))).toBeLessThan(1e-5);
    });
  }

  it('keeps a constant map constant and refuses a wrong size', () => {
    expect([...new Set(upsampleBilinear(new Float32Array(6).fill(0.25), 2, 3, 5, 7))]).toEqual([0.25]);
    expect(() => upsampleBilinear(new Float32Array(5), 2, 3, 4, 6)).toThrow(/map has 5 values, expected h x w = 2 x 3 = 6/);
    expect(() => upsampleBilinear(new Float32Array(6), 2, 3, 0, 6)).toThrow(/outH must be a positive integer/);
  });
});

describe('downsampleMax', () => {
  it('keeps the maximum of each covered block, so a single hot pixel survives', () => {
    const map = new Float32Array(6 * 9);
    map[4 * 9 + 7] = 0.8;
    const small = downsampleMax(map, 6, 9, 2, 3);
    expect(small).toBeInstanceOf(Float32Array);
    expect([...small]).toEqual([0, 0, 0, 0, 0, Math.fround(0.8)]);
  });

  it('covers every source pixel when the factor is not an integer (masks stay masks)', () => {
    const mask = new Uint8Array(7 * 10);
    mask[6 * 10 + 9] = 255; // last pixel
    mask[3 * 10 + 4] = 1;
    const small = downsampleMax(mask, 7, 10, 3, 4);
    expect(small).toBeInstanceOf(Uint8Array);
    expect(small[2 * 4 + 3]).toBe(255);
    expect(small.reduce((a, v) => a + (v > 0 ? 1 : 0), 0)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...small)).toBe(255);
  });
});
