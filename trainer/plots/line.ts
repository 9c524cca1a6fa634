// Line chart: one polyline per series, points joined in the given order (e.g. epochs, ROC thresholds).
import { seriesColor, type NumericChartSpec } from './chart.ts';
import { el, pathThrough } from './svg.ts';
import { xyChart, type XYSeries } from './xy.ts';

export interface LineSeries extends XYSeries {
  dashed?: boolean;
  /** Also mark each point with a dot (useful for few points). */
  markers?: boolean;
}

export interface LineChartSpec extends NumericChartSpec {
  series: LineSeries[];
}

/** SVG of a line chart. Non-finite values (and non-positive ones on a log axis) break the line. */
export function lineChart(spec: LineChartSpec): string {
  const entries = spec.series.map((s, i) => ({ name: s.name, color: seriesColor(i, s.color), symbol: s.dashed ? ('dash' as const) : ('line' as const) }));
  return xyChart(spec, spec.series, entries, (x, y) =>
    spec.series
      .map((s, i) => {
        const color = seriesColor(i, s.color);
        const points = Array.from({ length: s.x.length }, (_, k) => [x.map(s.x[k]!), y.map(s.y[k]!)] as const);
        const line = el('path', { d: pathThrough(points), fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-dasharray': s.dashed ? '7 4' : undefined });
        const dots = s.markers
          ? points
              .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py))
              .map(([px, py]) => el('circle', { cx: px, cy: py, r: 3, fill: color }))
              .join('')
          : '';
        return line + dots;
      })
      .join(''),
  );
}
