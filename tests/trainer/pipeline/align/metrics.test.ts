import { describe, expect, it } from 'vitest';
import { foreground, intersect, luma, mse, ssim, type Gray } from '../../../../trainer/pipeline/align/metrics.ts';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function plane(width: number, height: number, f: (x: number, y: number) => number): Gray {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, data };
}

/** Direct SSIM from the definition (2-D window loop), the independent check of the filtered version. */
function naiveSsim(a: Gray, b: Gray, mask?: Uint8Array): number {
  const g = (d: number) => Math.exp(-(d * d) / (2 * 1.5 * 1.5));
  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let total = 0;
  let count = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (mask && !mask[y * a.width + x]) continue;
      let w = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let dy = -5; dy <= 5; dy++) {
        for (let dx = -5; dx <= 5; dx++) {
          const u = x + dx;
          const v = y + dy;
          if (u < 0 || v < 0 || u >= a.width || v >= a.height || (mask && !mask[v * a.width + u])) continue;
          const k = g(dx) * g(dy);
          const p = a.data[v * a.width + u]!;
          const q = b.data[v * a.width + u]!;
          w += k;
          sx += k * p;
          sy += k * q;
          sxx += k * p * p;
          syy += k * q * q;
          sxy += k * p * q;
        }
      }
      const mx = sx / w;
      const my = sy / w;
      const vx = sxx / w - mx * mx;
      const vy = syy / w - my * my;
      const cov = sxy / w - mx * my;
      total += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      count++;
    }
  }
  return total / count;
}

describe('ssim', () => {
  const rand = random(3);
  const a = plane(40, 30, (x, y) => 128 + 60 * Math.sin(x / 3) * Math.cos(y / 4) + 20 * rand());
  const b = plane(40, 30, (x, y) => a.data[y * 40 + x]! * 0.8 + 30 * rand());

  it('is 1 for identical images', () => {
    expect(ssim(a, a)).toBeCloseTo(1, 6);
  });

  it('matches the definition computed directly, with and without a mask', () => {
    expect(ssim(a, b)).toBeCloseTo(naiveSsim(a, b), 4);
    const mask = new Uint8Array(40 * 30).map((_, i) => ((i % 40) > 8 && i > 200 ? 1 : 0));
    expect(ssim(a, b, mask)).toBeCloseTo(naiveSsim(a, b, mask), 4);
    expect(ssim(a, b, mask)).not.toBeCloseTo(ssim(a, b), 2);
  });

  it('follows the closed form on flat images: (2μxμy + C1) / (μx² + μy² + C1)', () => {
    const C1 = (0.01 * 255) ** 2;
    const x = plane(20, 20, () => 100);
    const y = plane(20, 20, () => 150);
    expect(ssim(x, y)).toBeCloseTo((2 * 100 * 150 + C1) / (100 ** 2 + 150 ** 2 + C1), 6);
  });

  it('ignores what is outside the mask, and is NaN for an empty one', () => {
    const c = plane(40, 30, (x, y) => (x < 20 ? a.data[y * 40 + x]! : 0));
    const left = new Uint8Array(40 * 30).map((_, i) => (i % 40 < 20 ? 1 : 0));
    expect(ssim(a, c, left)).toBeCloseTo(1, 6);
    expect(ssim(a, c, new Uint8Array(40 * 30))).toBeNaN();
  });

  it('rejects images of different sizes', () => {
    expect(() => ssim(a, plane(10, 10, () => 0))).toThrow(/size mismatch/);
  });
});

describe('mse', () => {
  it('is exact in float, with no 8-bit wrap-around', () => {
    const black = plane(4, 4, () => 0);
    const white = plane(4, 4, () => 255);
    expect(mse(black, white)).toBe(65025);
    expect(mse(white, black)).toBe(65025);
    expect(mse(plane(2, 1, (x) => x * 10), plane(2, 1, () => 3))).toBe((9 + 49) / 2);
  });

  it('counts only masked pixels', () => {
    const x = plane(2, 1, (i) => (i ? 200 : 10));
    const y = plane(2, 1, () => 10);
    expect(mse(x, y, Uint8Array.of(1, 0))).toBe(0);
    expect(mse(x, y, Uint8Array.of(0, 0))).toBeNaN();
  });
});

describe('luma and masks', () => {
  it('uses the BT.601 weights', () => {
    const g = luma({ width: 2, height: 1, channels: 3, data: Uint8Array.of(255, 0, 0, 10, 20, 30) });
    expect(g.data[0]).toBeCloseTo(0.299 * 255, 4);
    expect(g.data[1]).toBeCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 4);
  });

  it('takes alpha > 127 as foreground, everything on RGB', () => {
    expect(Array.from(foreground({ width: 3, height: 1, channels: 4, data: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 0, 128) }))).toEqual([0, 0, 1]);
    expect(Array.from(foreground({ width: 2, height: 1, channels: 3, data: new Uint8Array(6) }))).toEqual([1, 1]);
    expect(Array.from(intersect(Uint8Array.of(1, 1, 0), Uint8Array.of(1, 0, 0)))).toEqual([1, 0, 0]);
  });
});
