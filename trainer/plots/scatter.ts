// Scatter chart: one dot per (x, y) pair, series told apart by colour.
import { seriesColor, type NumericChartSpec } from './chart.ts';
import { el } from './svg.ts';
import { xyChart, type XYSeries } from './xy.ts';

export interface ScatterSeries extends XYSeries {
  /** Dot radius in px (default 3). */
  radius?: number;
}

export interface ScatterChartSpec extends NumericChartSpec {
  series: ScatterSeries[];
  /**
   * Most dots drawn per series (default 20,000): longer series are thinned with a fixed stride so the
   * SVG stays renderable (pixel-level scatters have millions of points). The axes still span all points.
   */
  maxPoints?: number;
}

/** SVG of a scatter chart. Points with a non-finite coordinate are skipped. */
export function scatterChart(spec: ScatterChartSpec): string {
  const maxPoints = spec.maxPoints ?? 20_000;
  const entries = spec.series.map((s, i) => ({ name: s.name, color: seriesColor(i, s.color), symbol: 'dot' as const }));
  return xyChart(spec, spec.series, entries, (x, y) =>
    spec.series
      .map((s, i) => {
        const stride = Math.max(1, Math.ceil(s.x.length / maxPoints));
        let dots = '';
        for (let k = 0; k < s.x.length; k += stride) {
          const px = x.map(s.x[k]!);
          const py = y.map(s.y[k]!);
          if (Number.isFinite(px) && Number.isFinite(py)) dots += el('circle', { cx: px, cy: py, r: s.radius ?? 3 });
        }
        return el('g', { fill: seriesColor(i, s.color), 'fill-opacity': 0.7 }, dots);
      })
      .join(''),
  );
}
