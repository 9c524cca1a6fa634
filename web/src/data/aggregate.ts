// Group aggregation for the compare view: the mean curve of a group of runs with its min/max band.
// Runs rarely share x values exactly (time axis, different downsampling), so each run is read by linear
// interpolation on a common grid, and only inside its own x range (a run that stopped early does not
// drag the mean of later steps).
import type { XY } from './downsample.ts';

export interface Aggregate {
  xs: Float64Array;
  mean: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** How many runs cover each x. */
  count: Uint32Array;
}

/** The common grid: every x of the group when few, else `maxPoints` evenly spaced over the union's range. */
export function commonGrid(series: readonly XY[], maxPoints: number): Float64Array {
  const all = new Set<number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    if (s.xs.length === 0) continue;
    lo = Math.min(lo, s.xs[0]!);
    hi = Math.max(hi, s.xs[s.xs.length - 1]!);
    if (all.size <= maxPoints) for (const x of s.xs) all.add(x);
  }
  if (lo > hi) return new Float64Array(0);
  if (all.size <= maxPoints) return Float64Array.from(all).sort();
  const n = Math.max(2, maxPoints);
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export function aggregateSeries(series: readonly XY[], maxPoints = 1000): Aggregate {
  const xs = commonGrid(series, maxPoints);
  const n = xs.length;
  const sum = new Float64Array(n);
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const count = new Uint32Array(n);
  for (const s of series) {
    const m = s.xs.length;
    if (m === 0) continue;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      if (x < s.xs[0]! || x > s.xs[m - 1]!) continue;
      while (j < m - 1 && s.xs[j + 1]! < x) j++;
      const y = interpolate(s, j, x);
      if (!Number.isFinite(y)) continue;
      sum[i]! += y;
      count[i]!++;
      if (y < min[i]!) min[i] = y;
      if (y > max[i]!) max[i] = y;
    }
  }
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (count[i] === 0) {
      mean[i] = min[i] = max[i] = NaN;
    } else {
      mean[i] = sum[i]! / count[i]!;
    }
  }
  return { xs, mean, min, max, count };
}

function interpolate(s: XY, j: number, x: number): number {
  const x0 = s.xs[j]!;
  if (x0 === x || j + 1 >= s.xs.length) return s.ys[j]!;
  const x1 = s.xs[j + 1]!;
  if (x1 === x) return s.ys[j + 1]!;
  const t = (x - x0) / (x1 - x0);
  return s.ys[j]! + t * (s.ys[j + 1]! - s.ys[j]!);
}
