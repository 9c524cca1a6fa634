import { describe, expect, it } from 'vitest';
import { blurBands, gaussianBlurMaps } from '../../../trainer/detection/blur.ts';

const H = 41;
const W = 61;

/** n maps of H x W, each with one spike of 1 at (cy, cx[i]). */
function spikes(cx: readonly number[], cy = 20): Float32Array {
  const maps = new Float32Array(cx.length * H * W);
  cx.forEach((x, i) => (maps[i * H * W + cy * W + x] = 1));
  return maps;
}

describe('gaussianBlurMaps', () => {
  it('keeps a constant map constant (edges clamped)', () => {
    const maps = new Float32Array(2 * H * W).fill(0.7);
    gaussianBlurMaps(maps, 2, H, W, 3);
    for (const v of maps) expect(v).toBeCloseTo(0.7, 5);
  });

  it('spreads a spike into a normalised Gaussian of the given sigma, each map on its own', () => {
    const sigma = 2.5;
    const maps = spikes([30, 10]);
    gaussianBlurMaps(maps, 2, H, W, sigma);
    const first = maps.subarray(0, H * W);
    let sum = 0;
    let varianceX = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = first[y * W + x]!;
        sum += v;
        varianceX += v * (x - 30) ** 2;
      }
    }
    expect(sum).toBeCloseTo(1, 4);
    expect(Math.sqrt(varianceX / sum)).toBeCloseTo(sigma, 1);
    expect(first[20 * W + 30]).toBeLessThan(0.05);
    expect(first[20 * W + 33]).toBeCloseTo(first[20 * W + 27]!, 6);
    // The second map's spike (x = 10) leaves the first map untouched there, and vice versa.
    expect(first[20 * W + 10]).toBe(0);
    expect(maps[H * W + 20 * W + 30]).toBe(0);
  });
});

describe('blurBands', () => {
  it('leaves pixels outside every band as they were', () => {
    const map = spikes([5]);
    const before = map.slice();
    const rows = new Float32Array(H);
    const cols = new Float32Array(W);
    cols.fill(1, 40, 50);
    blurBands(map, H, W, rows, cols, 2);
    for (let y = 0; y < H; y++) for (let x = 0; x < 40; x++) expect(map[y * W + x]).toBe(before[y * W + x]);
  });
});
