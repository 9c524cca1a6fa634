// Series of (x, y) pairs, shared by the line and scatter charts.
import { numericChart, type LegendEntry, type Frame, type NumericChartSpec } from './chart.ts';
import type { Scale } from './scale.ts';

export interface XYSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
}

function* values(series: XYSeries[], key: 'x' | 'y'): Generator<number> {
  for (const s of series) {
    const a = s[key];
    for (let i = 0; i < a.length; i++) yield a[i]!;
  }
}

export function xyChart(spec: NumericChartSpec, series: XYSeries[], entries: LegendEntry[], marks: (x: Scale, y: Scale, frame: Frame) => string): string {
  for (const s of series) {
    if (s.x.length !== s.y.length) throw new RangeError(`series "${s.name}": x has ${s.x.length} values, y has ${s.y.length}`);
  }
  return numericChart(
    spec,
    () => values(series, 'x'),
    () => values(series, 'y'),
    entries,
    marks,
  );
}
