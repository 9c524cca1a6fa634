// Min/max downsampling of a metric curve for drawing: a chart a thousand pixels wide cannot show
// more points than that, but it must still show every spike (a loss that explodes for one step).

/** A curve as two arrays of equal length, x ascending: no array per point. */
export interface XY {
  x: number[];
  y: number[];
}

/** The fewest points downsampling accepts: first, last, and one bucket's min and max. */
export const MIN_POINTS = 4;

/**
 * At most `maxPoints` (≥ MIN_POINTS) of the curve's points, which are sorted by x: the first and
 * the last, and in between the minimum and the maximum of each of (maxPoints - 2) / 2 buckets of
 * equal count, in x order. The global extremes always survive. Fewer points come back as they are.
 */
export function downsampleMinMax({ x, y }: XY, maxPoints: number): XY {
  const n = x.length;
  if (n <= maxPoints) return { x: x.slice(), y: y.slice() };
  if (maxPoints < MIN_POINTS) throw new RangeError(`maxPoints must be at least ${MIN_POINTS}, got ${maxPoints}`);
  const buckets = Math.floor((maxPoints - 2) / 2);
  const inner = n - 2;
  const out: XY = { x: [x[0]!], y: [y[0]!] };
  const take = (i: number) => {
    out.x.push(x[i]!);
    out.y.push(y[i]!);
  };
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (start >= end) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (y[i]! < y[lo]!) lo = i;
      if (y[i]! > y[hi]!) hi = i;
    }
    take(Math.min(lo, hi));
    if (lo !== hi) take(Math.max(lo, hi));
  }
  take(n - 1);
  return out;
}
