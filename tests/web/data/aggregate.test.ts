import { describe, expect, it } from 'vitest';
import { aggregateSeries } from '../../../web/src/data/aggregate.ts';
import { toXY as columnsToXY } from '../../../web/src/data/downsample.ts';

/** Fixtures as [x, y] pairs. */
const toXY = (points: [number, number][]) => columnsToXY({ x: points.map((p) => p[0]), y: points.map((p) => p[1]) });

describe('aggregateSeries', () => {
  it('gives mean, min and max per step over the runs covering it', () => {
    const a = toXY([[0, 1], [1, 2], [2, 3]]);
    const b = toXY([[0, 3], [1, 4]]);
    const agg = aggregateSeries([a, b]);
    expect([...agg.xs]).toEqual([0, 1, 2]);
    expect([...agg.mean]).toEqual([2, 3, 3]);
    expect([...agg.min]).toEqual([1, 2, 3]);
    expect([...agg.max]).toEqual([3, 4, 3]);
    expect([...agg.count]).toEqual([2, 2, 1]);
  });

  it('interpolates runs that were sampled at other x', () => {
    const a = toXY([[0, 0], [10, 10]]);
    const b = toXY([[0, 2], [5, 2], [10, 2]]);
    const agg = aggregateSeries([a, b]);
    expect([...agg.xs]).toEqual([0, 5, 10]);
    expect(agg.mean[1]).toBeCloseTo((5 + 2) / 2);
  });

  it('uses an even grid when the union is too large', () => {
    const long = toXY(Array.from({ length: 5000 }, (_, i) => [i, i] as [number, number]));
    const agg = aggregateSeries([long], 100);
    expect(agg.xs.length).toBe(100);
    expect(agg.xs[99]).toBe(4999);
    expect(agg.mean[50]).toBeCloseTo(agg.xs[50]!);
  });

  it('skips NaN values and handles empty groups', () => {
    const agg = aggregateSeries([toXY([[0, NaN], [1, 1]])]);
    expect(agg.mean[0]).toBeNaN();
    expect(agg.count[0]).toBe(0);
    expect(aggregateSeries([]).xs.length).toBe(0);
  });
});
