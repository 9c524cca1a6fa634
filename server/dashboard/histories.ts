// Metric histories of many runs at once, downsampled for drawing. A short series comes back whole;
// a long one is read from the rollups at the finest width that gives at most (maxPoints - 2) / 2
// buckets: each bucket's min and max point, plus the series' first and last point. So 100 runs x
// 5 metrics x 10k steps at 1000 points reads ~160k rows, not 5M. Where steps do not spread the
// points (every point logged at step 0, say), the series is read whole and downsampled here.
import type Database from 'better-sqlite3';
import { downsampleMinMax, type Point } from './downsample.ts';
import { COARSEST_WIDTH, ROLLUP_WIDTHS } from './rollup-buckets.ts';
import type { MetricRollups } from './rollups.ts';

export interface HistoryRequest {
  runIds: string[];
  keys: string[];
  maxPoints: number;
  x: 'step' | 'time';
}

export interface Series {
  run_id: string;
  key: string;
  /** Every logged point, NaN included (NaN points are not drawn, so they are not in `points`). */
  total_points: number;
  /** [x, y] with x ascending: the step, or the timestamp in ms. */
  points: Point[];
}

type Raw = [step: number, timestamp: number, value: number, isNan: number];
type BucketRow = [minStep: number, minTs: number, minValue: number | null, maxStep: number, maxTs: number, maxValue: number | null];

/** The finest width whose buckets between the two steps number at most `maxBuckets` (else the coarsest). */
export function widthFor(firstStep: number, lastStep: number, maxBuckets: number): number {
  return ROLLUP_WIDTHS.find((w) => Math.floor(lastStep / w) - Math.floor(firstStep / w) + 1 <= maxBuckets) ?? COARSEST_WIDTH;
}

export class MetricHistories {
  private readonly total;
  private readonly all;
  private readonly first;
  private readonly last;
  private readonly buckets;

  constructor(
    private readonly db: Database.Database,
    private readonly rollups: MetricRollups,
  ) {
    this.total = db.prepare<[string, string, number], number | null>('SELECT sum(points) FROM metric_rollups WHERE run_uuid = ? AND key = ? AND width = ?').pluck();
    const series = 'SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ?';
    this.all = db.prepare<[string, string]>(`${series} ORDER BY step, timestamp, id`).raw();
    this.first = db.prepare<[string, string]>(`${series} ORDER BY step, timestamp LIMIT 1`).raw();
    this.last = db.prepare<[string, string]>(`${series} ORDER BY step DESC, timestamp DESC LIMIT 1`).raw();
    this.buckets = db
      .prepare<[string, string, number]>(
        'SELECT min_step, min_timestamp, min_value, max_step, max_timestamp, max_value FROM metric_rollups WHERE run_uuid = ? AND key = ? AND width = ? ORDER BY bucket',
      )
      .raw();
  }

  async read(req: HistoryRequest): Promise<Series[]> {
    await this.rollups.upToDate();
    return this.db.transaction(() => req.runIds.flatMap((runId) => req.keys.map((key) => this.series(runId, key, req))))();
  }

  private series(runId: string, key: string, req: HistoryRequest): Series {
    const total = this.total.get(runId, key, COARSEST_WIDTH) ?? 0;
    const x = req.x === 'time' ? (step: number, timestamp: number) => timestamp : (step: number) => step;
    let points: Point[];
    const whole = () => (this.all.all(runId, key) as Raw[]).filter((r) => !r[3]).map((r): Point => [x(r[0], r[1]), r[2]]);
    if (total <= req.maxPoints) {
      points = whole();
    } else {
      const first = this.first.get(runId, key) as Raw;
      const last = this.last.get(runId, key) as Raw;
      const width = widthFor(first[0], last[0], Math.floor((req.maxPoints - 2) / 2));
      const candidates: Point[] = [];
      if (!first[3]) candidates.push([x(first[0], first[1]), first[2]]);
      for (const [minStep, minTs, minValue, maxStep, maxTs, maxValue] of this.buckets.all(runId, key, width) as BucketRow[]) {
        if (minValue === null || maxValue === null) continue; // only NaN in this bucket
        const low: Point = [x(minStep, minTs), minValue];
        const high: Point = [x(maxStep, maxTs), maxValue];
        if (minStep === maxStep && minTs === maxTs) candidates.push(low);
        else if (minStep < maxStep || (minStep === maxStep && minTs < maxTs)) candidates.push(low, high);
        else candidates.push(high, low);
      }
      if (!last[3]) candidates.push([x(last[0], last[1]), last[2]]);
      points = dedupe(candidates);
      if (points.length * 4 < req.maxPoints) points = whole();
    }
    // Timestamps usually grow with the step, but nothing makes them.
    if (req.x === 'time') points = sortedByX(points);
    if (points.length > req.maxPoints) points = downsampleMinMax(points, req.maxPoints);
    return { run_id: runId, key, total_points: total, points };
  }
}

/** Drops a point equal to the one before it (the first point is often also its bucket's min). */
function dedupe(points: Point[]): Point[] {
  return points.filter((p, i) => i === 0 || p[0] !== points[i - 1]![0] || p[1] !== points[i - 1]![1]);
}

function sortedByX(points: Point[]): Point[] {
  for (let i = 1; i < points.length; i++) if (points[i]![0] < points[i - 1]![0]) return points.slice().sort((a, b) => a[0] - b[0]);
  return points;
}
