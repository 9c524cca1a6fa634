import { describe, expect, it } from 'vitest';
import { cornerError, fromResized, invert, multiply, project, resizeMap } from '../../../../trainer/pipeline/align/homography.ts';

const H = [1.02, -0.03, 14, 0.025, 0.99, -9, 2e-5, -1e-5, 1];

describe('homography', () => {
  it('inverts', () => {
    const id = multiply(H, invert(H));
    [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(id[i]).toBeCloseTo(v, 12));
    expect(() => invert([1, 2, 3, 2, 4, 6, 0, 0, 1])).toThrow(/singular/);
  });

  it('projects with the perspective division', () => {
    const [x, y] = project([2, 0, 1, 0, 2, 1, 0, 0, 2], 3, 4);
    expect([x, y]).toEqual([3.5, 4.5]);
  });

  it('maps pixel centres like OpenCV resize', () => {
    // Halving: full-size pixels 0 and 1 average into small pixel 0, whose centre is full-size x = 0.5.
    expect(project(resizeMap(0.5, 0.5), 0.5, 0.5)).toEqual([0, 0]);
  });

  it('brings a homography found on resized copies back to full size', () => {
    const imageMap = resizeMap(0.5, 0.5);
    const referenceMap = resizeMap(0.4, 0.45);
    const small = multiply(referenceMap, multiply(H, invert(imageMap)));
    const back = fromResized(small, imageMap, referenceMap);
    expect(cornerError(back, H, 1920, 1080)).toBeLessThan(1e-9);
  });

  it('measures the mean corner displacement', () => {
    expect(cornerError(H, H, 100, 50)).toBe(0);
    expect(cornerError([1, 0, 3, 0, 1, 4, 0, 0, 1], [1, 0, 0, 0, 1, 0, 0, 0, 1], 100, 50)).toBeCloseTo(5, 12);
  });
});
