// Client-side re-bucketing of an already downsampled series (e.g. when a chart is narrower than what
// the server sent): per x-bucket keep the first, minimum, maximum and last points, in x order, so
// spikes survive — a plain stride would drop exactly the divergences a physicist looks for.

export interface XY {
  xs: Float64Array;
  ys: Float64Array;
}

/** Keeps at most ~4 points per bucket of `buckets` equal x-intervals over [x0, x1]; points outside are dropped. */
export function minMaxDownsample(series: XY, buckets: number, x0 = series.xs[0] ?? 0, x1 = series.xs[series.xs.length - 1] ?? 0): XY {
  const { xs, ys } = series;
  const n = xs.length;
  if (n <= buckets * 4 || buckets < 1) return clip(series, x0, x1);
  const outX: number[] = [];
  const outY: number[] = [];
  const span = x1 - x0 || 1;
  let i = 0;
  while (i < n && xs[i]! < x0) i++;
  while (i < n && xs[i]! <= x1) {
    const bucket = Math.min(buckets - 1, Math.floor(((xs[i]! - x0) / span) * buckets));
    const first = i;
    let min = i;
    let max = i;
    for (; i < n && xs[i]! <= x1 && Math.min(buckets - 1, Math.floor(((xs[i]! - x0) / span) * buckets)) === bucket; i++) {
      if (ys[i]! < ys[min]! || Number.isNaN(ys[min]!)) min = i;
      if (ys[i]! > ys[max]! || Number.isNaN(ys[max]!)) max = i;
    }
    const last = i - 1;
    for (const k of [...new Set([first, min, max, last])].sort((a, b) => a - b)) {
      outX.push(xs[k]!);
      outY.push(ys[k]!);
    }
  }
  return { xs: Float64Array.from(outX), ys: Float64Array.from(outY) };
}

function clip(series: XY, x0: number, x1: number): XY {
  const { xs, ys } = series;
  let start = 0;
  while (start < xs.length && xs[start]! < x0) start++;
  let end = xs.length;
  while (end > start && xs[end - 1]! > x1) end--;
  if (start === 0 && end === xs.length) return series;
  return { xs: xs.slice(start, end), ys: ys.slice(start, end) };
}

/** A history as the server sends it (x and y arrays) → typed arrays, the form every chart draws from. */
export function toXY(series: { x: readonly number[]; y: readonly number[] }): XY {
  return { xs: Float64Array.from(series.x), ys: Float64Array.from(series.y) };
}

/** x relative to the first point, in seconds (the compare view's "relative time" axis). */
export function relativeSeconds(series: XY): XY {
  const x0 = series.xs[0] ?? 0;
  return { xs: series.xs.map((x) => (x - x0) / 1000), ys: series.ys };
}

/** Index of the point whose x is closest to `x` (xs ascending); -1 when empty. */
export function nearestIndex(xs: Float64Array, x: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo]! - x) <= Math.abs(xs[hi]! - x) ? lo : hi;
}
