import { describe, expect, it } from 'vitest';
import { smoothEma } from '../../../web/src/data/ema.ts';

describe('smoothEma', () => {
  it('returns the input unchanged at weight 0', () => {
    expect([...smoothEma([3, 1, 4, 1, 5], 0)]).toEqual([3, 1, 4, 1, 5]);
  });

  it('is debiased: a constant series stays constant from the first point', () => {
    for (const y of [...smoothEma([7, 7, 7, 7], 0.9)]) expect(y).toBeCloseTo(7, 12);
  });

  it('matches the debiased EMA formula', () => {
    const w = 0.6;
    const ys = [1, 3, 2];
    const out = smoothEma(ys, w);
    const e1 = (1 - w) * 1;
    const e2 = w * e1 + (1 - w) * 3;
    const e3 = w * e2 + (1 - w) * 2;
    expect(out[0]).toBeCloseTo(e1 / (1 - w), 12);
    expect(out[1]).toBeCloseTo(e2 / (1 - w ** 2), 12);
    expect(out[2]).toBeCloseTo(e3 / (1 - w ** 3), 12);
  });

  it('lets NaN and infinities through without disturbing the average', () => {
    const out = smoothEma([2, NaN, 2, Infinity, 2], 0.5);
    expect(out[0]).toBeCloseTo(2);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(2);
    expect(out[3]).toBe(Infinity);
    expect(out[4]).toBeCloseTo(2);
  });

  it('damps noise around a trend', () => {
    const ys = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const out = smoothEma(ys, 0.95);
    expect(Math.abs(out[199]!)).toBeLessThan(0.1);
  });
});
