// Min/max downsampling of a metric curve for drawing: a chart a thousand pixels wide cannot show
// more points than that, but it must still show every spike (a loss that explodes for one step).

export type Point = [x: number, y: number];

/** The fewest points downsampling accepts: first, last, and one bucket's min and max. */
export const MIN_POINTS = 4;

/**
 * At most `maxPoints` (≥ MIN_POINTS) of `points`, which are sorted by x: the first and the last,
 * and in between the minimum and the maximum of each of (maxPoints - 2) / 2 buckets of equal
 * count, in x order. The global extremes always survive. Fewer points come back as they are.
 */
export function downsampleMinMax(points: readonly Point[], maxPoints: number): Point[] {
  const n = points.length;
  if (n <= maxPoints) return points.slice();
  if (maxPoints < MIN_POINTS) throw new RangeError(`maxPoints must be at least ${MIN_POINTS}, got ${maxPoints}`);
  const buckets = Math.floor((maxPoints - 2) / 2);
  const inner = n - 2;
  const out: Point[] = [points[0]!];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (start >= end) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      const y = points[i]![1];
      if (y < points[lo]![1]) lo = i;
      if (y > points[hi]![1]) hi = i;
    }
    if (lo === hi) out.push(points[lo]!);
    else out.push(points[Math.min(lo, hi)]!, points[Math.max(lo, hi)]!);
  }
  out.push(points[n - 1]!);
  return out;
}
