// Min/max/count buckets of a metric series at every rollup width (pure): points go into the
// finest width, each coarser width merges the one below (the widths are powers of two).

/**
 * Powers of two from 16: a read finds a width whose bucket count lies within a factor of two of
 * what it wants. Width 16 already folds 16 points into one row; narrower widths would cost a row
 * per few points, and a series that short is read whole.
 */
export const ROLLUP_WIDTHS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536] as const;
export const COARSEST_WIDTH = ROLLUP_WIDTHS[ROLLUP_WIDTHS.length - 1]!;

export interface Extreme {
  step: number;
  timestamp: number;
  value: number;
}

export interface Bucket {
  /** Points in the bucket, NaN included. */
  points: number;
  /** null when every point is NaN. On ties the earlier point stays. */
  min: Extreme | null;
  max: Extreme | null;
}

/** Buckets by index (floor(step / width)), one map per entry of ROLLUP_WIDTHS. */
export type Levels = Map<number, Bucket>[];

export function mergeBucket(into: Bucket, from: Bucket): void {
  into.points += from.points;
  if (from.min && (!into.min || from.min.value < into.min.value)) into.min = from.min;
  if (from.max && (!into.max || from.max.value > into.max.value)) into.max = from.max;
}

/** Adds one point to the finest buckets. */
export function addPoint(finest: Map<number, Bucket>, step: number, timestamp: number, value: number, isNan: boolean): void {
  const bucket = Math.floor(step / ROLLUP_WIDTHS[0]);
  const extreme = isNan ? null : { step, timestamp, value };
  const existing = finest.get(bucket);
  if (existing) mergeBucket(existing, { points: 1, min: extreme, max: extreme });
  else finest.set(bucket, { points: 1, min: extreme, max: extreme });
}

/** Every width's buckets from the finest ones. */
export function withCoarserLevels(finest: Map<number, Bucket>): Levels {
  const levels: Levels = [finest];
  for (let l = 1; l < ROLLUP_WIDTHS.length; l++) {
    const factor = ROLLUP_WIDTHS[l]! / ROLLUP_WIDTHS[l - 1]!;
    const coarser = new Map<number, Bucket>();
    for (const [bucket, b] of levels[l - 1]!) {
      const target = Math.floor(bucket / factor);
      const existing = coarser.get(target);
      if (existing) mergeBucket(existing, b);
      else coarser.set(target, { points: b.points, min: b.min, max: b.max });
    }
    levels.push(coarser);
  }
  return levels;
}
