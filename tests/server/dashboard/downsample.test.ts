// Min/max downsampling: spikes survive, first and last stay, x order is kept, the budget holds.
import { describe, expect, it } from 'vitest';
import { downsampleMinMax as downsampleXY, MIN_POINTS, type XY } from '../../../server/dashboard/downsample.ts';

type Point = [number, number];
const curve = (n: number, y: (i: number) => number): Point[] => Array.from({ length: n }, (_, i) => [i, y(i)]);
const xy = (points: Point[]): XY => ({ x: points.map((p) => p[0]), y: points.map((p) => p[1]) });
const pairs = ({ x, y }: XY): Point[] => x.map((v, i) => [v, y[i]!]);
/** The same checks as on [x, y] pairs, through the two-array form. */
const downsampleMinMax = (points: Point[], maxPoints: number): Point[] => pairs(downsampleXY(xy(points), maxPoints));

describe('downsampleMinMax', () => {
  it('returns short series as they are', () => {
    const points = curve(10, (i) => i * i);
    expect(downsampleMinMax(points, 10)).toEqual(points);
    expect(downsampleMinMax([], 100)).toEqual([]);
  });

  it('keeps a one-step spike and a one-step dip among 10k points', () => {
    const points = curve(10_000, (i) => (i === 7777 ? 100 : i === 1234 ? -50 : Math.sin(i / 500)));
    const out = downsampleMinMax(points, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).toContainEqual([7777, 100]);
    expect(out).toContainEqual([1234, -50]);
    expect(out[0]).toEqual([0, 0]);
    expect(out[out.length - 1]).toEqual(points[points.length - 1]);
  });

  it('keeps x ascending and takes only points of the input', () => {
    const points = curve(5_003, (i) => Math.cos(i) * i);
    const out = downsampleMinMax(points, 101);
    expect(out.length).toBeLessThanOrEqual(101);
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
    for (const [x, y] of out) expect(points[x]).toEqual([x, y]);
  });

  it('gives each bucket its min and max in x order', () => {
    // Two buckets of 4 inner points: [1, 5, -1, 2] and [0, 9, 3, -2].
    const ys = [0, 1, 5, -1, 2, 0, 9, 3, -2, 7];
    const out = downsampleMinMax(curve(ys.length, (i) => ys[i]!), 6);
    expect(out).toEqual([
      [0, 0],
      [2, 5],
      [3, -1],
      [6, 9],
      [8, -2],
      [9, 7],
    ]);
  });

  it('keeps both arrays the same length', () => {
    const out = downsampleXY(xy(curve(1_000, (i) => (i % 7) - (i % 3))), 50);
    expect(out.x).toHaveLength(out.y.length);
  });

  it('refuses a budget too small to keep the extremes', () => {
    expect(() => downsampleMinMax(curve(10, (i) => i), MIN_POINTS - 1)).toThrow(/at least 4/);
  });
});
