import { describe, expect, it } from 'vitest';
import { minMaxDownsample, nearestIndex, relativeSeconds, toXY as columnsToXY } from '../../../web/src/data/downsample.ts';

/** Fixtures as [x, y] pairs. */
const toXY = (points: [number, number][]) => columnsToXY({ x: points.map((p) => p[0]), y: points.map((p) => p[1]) });

const series = (ys: number[]) => toXY(ys.map((y, i) => [i, y] as [number, number]));

describe('minMaxDownsample', () => {
  it('keeps short series whole', () => {
    const s = series([1, 2, 3]);
    expect(minMaxDownsample(s, 10)).toBe(s);
  });

  it('bounds the output and keeps first, last and every spike', () => {
    const ys = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 100));
    ys[1234] = 50;
    ys[8765] = -50;
    const out = minMaxDownsample(series(ys), 100);
    expect(out.xs.length).toBeLessThanOrEqual(400);
    expect(out.xs[0]).toBe(0);
    expect(out.xs[out.xs.length - 1]).toBe(9999);
    expect(Math.max(...out.ys)).toBe(50);
    expect(Math.min(...out.ys)).toBe(-50);
    expect([...out.xs]).toEqual([...out.xs].sort((a, b) => a - b));
  });

  it('clips to the requested x range', () => {
    const out = minMaxDownsample(series(Array.from({ length: 1000 }, (_, i) => i)), 10, 100, 199);
    expect(out.xs[0]).toBe(100);
    expect(out.xs[out.xs.length - 1]).toBe(199);
  });
});

describe('nearestIndex and relativeSeconds', () => {
  it('finds the closest x', () => {
    const xs = Float64Array.from([0, 10, 20, 30]);
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 14)).toBe(1);
    expect(nearestIndex(xs, 16)).toBe(2);
    expect(nearestIndex(xs, 99)).toBe(3);
    expect(nearestIndex(new Float64Array(0), 1)).toBe(-1);
  });

  it('turns timestamps into seconds since the first point', () => {
    expect([...relativeSeconds(toXY([[5000, 1], [6500, 2]])).xs]).toEqual([0, 1.5]);
  });
});
