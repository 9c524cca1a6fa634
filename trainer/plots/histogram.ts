// Histogram: values binned on shared edges, one translucent bar set per series (e.g. loss of normal vs
// anomalous pixels), counts on a linear or log y axis.
import { numericChart, seriesColor, type NumericChartSpec } from './chart.ts';
import { el, num } from './svg.ts';

export interface HistogramSeries {
  name: string;
  values: ArrayLike<number>;
  color?: string;
}

/** `x` is the binned quantity (linear axis); `y` the counts (or densities), `scale: 'log'` shows long tails. */
export interface HistogramSpec extends NumericChartSpec {
  series: HistogramSeries[];
  /** Number of equal-width bins (default 50). */
  bins?: number;
  /** Binned range; values outside it are left out. Default: min..max over all series. */
  range?: [number, number];
  /** Divide counts by (series size × bin width) so series of different sizes compare. */
  density?: boolean;
}

export interface Histogram {
  /** bins + 1 ascending edges; bin i is [edges[i], edges[i+1]), the last bin includes its right edge. */
  edges: number[];
  /** One array of bin heights per series. */
  counts: number[][];
}

/** Bins every series on the same edges. Non-finite values are skipped. */
export function histogram(series: ArrayLike<number>[], bins: number, range?: [number, number], density = false): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  let [lo, hi] = range ?? [Infinity, -Infinity];
  if (!range) {
    for (const values of series) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (lo > hi) [lo, hi] = [0, 1];
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = series.map((values) => {
    const c = new Array<number>(bins).fill(0);
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= lo && v <= hi)) continue; // also skips NaN
      c[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
      n++;
    }
    return density && n > 0 ? c.map((k) => k / (n * width)) : c;
  });
  return { edges, counts };
}

/** SVG of a histogram. */
export function histogramChart(spec: HistogramSpec): string {
  const h = histogram(
    spec.series.map((s) => s.values),
    spec.bins ?? 50,
    spec.range,
    spec.density,
  );
  return binnedHistogramChart({ ...spec, series: spec.series.map((s, i) => ({ name: s.name, color: s.color, edges: h.edges, counts: h.counts[i]! })) });
}

/** A series already binned (e.g. streamed pixel counts): bin i spans [edges[i], edges[i+1]). */
export interface BinnedSeries {
  name: string;
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
  color?: string;
}

export interface BinnedHistogramSpec extends NumericChartSpec {
  series: BinnedSeries[];
  /** Draw each series as an unfilled step outline: many overlapping series stay readable. */
  outline?: boolean;
}

/** SVG of a histogram of pre-binned counts; the x axis may be log (positive edges). */
export function binnedHistogramChart(spec: BinnedHistogramSpec): string {
  for (const s of spec.series) {
    if (s.edges.length !== s.counts.length + 1) throw new RangeError(`series "${s.name}": ${s.edges.length} edges for ${s.counts.length} bins`);
  }
  const entries = spec.series.map((s, i) => ({ name: s.name, color: seriesColor(i, s.color), symbol: spec.outline ? ('line' as const) : ('box' as const) }));
  const opacity = spec.series.length > 1 ? 0.45 : 0.75;
  return numericChart(
    spec,
    () => spec.series.flatMap((s) => (s.edges.length ? [s.edges[0]!, s.edges[s.edges.length - 1]!] : [])),
    () => spec.series.flatMap((s) => Array.from(s.counts)),
    entries,
    (x, y, frame) => {
      const base = frame.top + frame.height;
      return spec.series
        .map((s, si) => {
          const color = seriesColor(si, s.color);
          let d = '';
          for (let i = 0; i < s.counts.length; i++) {
            const c = s.counts[i]!;
            const x0 = x.map(s.edges[i]!);
            const x1 = x.map(s.edges[i + 1]!);
            if (!Number.isFinite(x0) || !Number.isFinite(x1)) continue; // e.g. an edge at 0 on a log axis
            if (spec.outline) {
              const py = c > 0 || y.kind === 'linear' ? y.map(c) : base; // empty bins drop to the axis
              d += `${d ? 'L' : 'M'}${num(x0)} ${num(py)}H${num(x1)}`;
            } else if (c > 0) {
              // empty bins draw nothing (and have no place on a log axis)
              d += `M${num(x0)} ${num(base)}V${num(y.map(c))}H${num(x1)}V${num(base)}Z`;
            }
          }
          return spec.outline
            ? el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-linejoin': 'round' })
            : el('path', { d, fill: color, 'fill-opacity': opacity, stroke: color, 'stroke-width': 0.8 });
        })
        .join('');
    },
    spec.y.scale === 'log' ? [] : [0],
  );
}
