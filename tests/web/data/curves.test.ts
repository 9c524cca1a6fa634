import { describe, expect, it } from 'vitest';
import { buildCurves, groupByParam, type CurveRun } from '../../../web/src/data/curves.ts';
import { toXY as columnsToXY, type XY } from '../../../web/src/data/downsample.ts';

/** Fixtures as [x, y] pairs. */
const toXY = (points: [number, number][]) => columnsToXY({ x: points.map((p) => p[0]), y: points.map((p) => p[1]) });

const runs: CurveRun[] = [
  { id: 'a', label: 'A', color: 'red', params: { channels: 'RGB', pool: '2' } },
  { id: 'b', label: 'B', color: 'blue', params: { channels: 'HSV', pool: '2' } },
  { id: 'c', label: 'C', color: 'green', params: { channels: 'RGB', pool: '4' } },
  { id: 'd', label: 'D', color: 'black', params: {} },
];
const histories = new Map<string, XY>([
  ['a', toXY([[0, 1], [1, 2]])],
  ['b', toXY([[0, 5], [1, 5]])],
  ['c', toXY([[0, 3], [1, 4]])],
]);

describe('buildCurves', () => {
  it('gives one series per run that has the metric, raw when not smoothed', () => {
    const curves = buildCurves({ runs, histories, smooth: 0, groupColor: () => '' });
    expect(curves.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(curves[0]!.faint).toBeUndefined();
    expect([...curves[0]!.ys]).toEqual([1, 2]);
  });

  it('keeps the raw curve to draw faintly behind a smoothed one', () => {
    const [a] = buildCurves({ runs, histories, smooth: 0.5, groupColor: () => '' });
    expect([...a!.faint!.ys]).toEqual([1, 2]);
    expect(a!.ys[1]).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 2) / (1 - 0.25));
  });

  it('aggregates per param value: mean line with a min/max band, labelled with the count', () => {
    const curves = buildCurves({ runs, histories, smooth: 0, group: 'channels', groupColor: (i) => `c${i}` });
    expect(curves.map((c) => c.label)).toEqual(['channels=HSV (1)', 'channels=RGB (2)']);
    const rgb = curves[1]!;
    expect([...rgb.ys]).toEqual([2, 3]);
    expect([...rgb.band!.lo]).toEqual([1, 2]);
    expect([...rgb.band!.hi]).toEqual([3, 4]);
    expect(rgb.color).toBe('c1');
    // a group of one run has no band to draw
    expect(curves[0]!.band).toBeUndefined();
  });
});

describe('groupByParam', () => {
  it('orders values naturally and puts runs without the param last', () => {
    expect(groupByParam(runs, 'pool').map((g) => [g.value, g.runs.length])).toEqual([
      ['2', 2],
      ['4', 1],
      ['∅', 1],
    ]);
  });
});
