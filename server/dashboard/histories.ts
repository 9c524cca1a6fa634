// Metric histories of many runs at once, downsampled for drawing. A short series comes back whole;
// a long one is read from the rollups at the finest width that gives at most (maxPoints - 2) / 2
// buckets: each bucket's min and max point, plus the series' first and last point. So 100 runs x
// 5 metrics x 10k steps at 1000 points reads ~160k rows, not 5M. Where steps do not spread the
// points (every point logged at step 0, say), the series is read whole and downsampled here.
// Curves are built as x and y arrays (no array per point); the default answer pairs them up.
// Drawn series are kept (with their JSON) until their rollups change: a page opened again, a live
// refresh where one run of a hundred trains, or another run picked beside the same ones reads only
// what changed.
import type Database from 'better-sqlite3';
import { downsampleMinMax, type XY } from './downsample.ts';
import { COARSEST_WIDTH, ROLLUP_WIDTHS } from './rollup-buckets.ts';
import type { MetricRollups } from './rollups.ts';

/** Points of drawn series kept: about 30 MB. */
const KEPT_POINTS = 2_000_000;

export interface HistoryRequest {
  runIds: string[];
  keys: string[];
  maxPoints: number;
  x: 'step' | 'time';
}

/** One history: `x` the step or the timestamp in ms, ascending. */
export interface Series extends XY {
  run_id: string;
  key: string;
  /** Every logged point, NaN included (NaN points are not drawn, so they are not in x and y). */
  total_points: number;
}

type Raw = [step: number, timestamp: number, value: number, isNan: number];
type BucketRow = [minStep: number, minTs: number, minValue: number | null, maxStep: number, maxTs: number, maxValue: number | null];

/** The finest width whose buckets between the two steps number at most `maxBuckets` (else the coarsest). */
export function widthFor(firstStep: number, lastStep: number, maxBuckets: number): number {
  return ROLLUP_WIDTHS.find((w) => Math.floor(lastStep / w) - Math.floor(firstStep / w) + 1 <= maxBuckets) ?? COARSEST_WIDTH;
}

/** Appends points to a curve, leaving out one equal to the point before (a bucket's min is often the series' first point). */
class CurveBuilder {
  readonly x: number[] = [];
  readonly y: number[] = [];

  constructor(private readonly byTime: boolean) {}

  add(step: number, timestamp: number, value: number): void {
    const x = this.byTime ? timestamp : step;
    const n = this.x.length;
    if (n > 0 && this.x[n - 1] === x && this.y[n - 1] === value) return;
    this.x.push(x);
    this.y.push(value);
  }
}

interface Kept {
  series: Series;
  /** The series as the columns answer writes it, made on first use. */
  json?: string;
}

/** Drawn series by (run, key, maxPoints, x), least recently used first, dropped when their rollups change. */
class KeptSeries {
  private readonly entries = new Map<string, Kept>();
  /** Entry ids of each (run, key). */
  private readonly ofSeries = new Map<string, Set<string>>();
  private points = 0;

  get(id: string): Kept | undefined {
    const kept = this.entries.get(id);
    if (kept) {
      this.entries.delete(id);
      this.entries.set(id, kept);
    }
    return kept;
  }

  set(id: string, series: Series): Kept {
    const kept: Kept = { series };
    this.delete(id);
    this.entries.set(id, kept);
    this.points += series.x.length;
    const ofSeries = seriesId(series.run_id, series.key);
    let ids = this.ofSeries.get(ofSeries);
    if (!ids) this.ofSeries.set(ofSeries, (ids = new Set()));
    ids.add(id);
    for (const old of this.entries.keys()) {
      if (this.points <= KEPT_POINTS) break;
      this.delete(old);
    }
    return kept;
  }

  /** Forgets one series' entries, or all. */
  drop(run?: string, key?: string): void {
    if (run === undefined || key === undefined) {
      this.entries.clear();
      this.ofSeries.clear();
      this.points = 0;
      return;
    }
    for (const id of this.ofSeries.get(seriesId(run, key)) ?? []) this.delete(id);
  }

  private delete(id: string): void {
    const kept = this.entries.get(id);
    if (!kept) return;
    this.entries.delete(id);
    this.points -= kept.series.x.length;
    const ofSeries = seriesId(kept.series.run_id, kept.series.key);
    const ids = this.ofSeries.get(ofSeries)!;
    ids.delete(id);
    if (ids.size === 0) this.ofSeries.delete(ofSeries);
  }
}

const seriesId = (run: string, key: string) => `${run}\u0000${key}`;

export class MetricHistories {
  private readonly kept = new KeptSeries();
  /** Another connection's commit (a process writing the store file) could change anything. */
  private dataVersion = -1;
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
    rollups.onSeriesChange((run, key) => this.kept.drop(run, key));
  }

  /** The series, in request order (run by run, key by key). They may be shared: callers must not change them. */
  async read(req: HistoryRequest): Promise<Series[]> {
    return (await this.readKept(req)).map((k) => k.series);
  }

  /** The answer of `format: 'columns'` as JSON text: `{"series": [{run_id, key, total_points, x, y}]}`. */
  async columnsJson(req: HistoryRequest): Promise<string> {
    const kept = await this.readKept(req);
    return `{"series":[${kept.map((k) => (k.json ??= JSON.stringify(k.series))).join(',')}]}`;
  }

  private async readKept(req: HistoryRequest): Promise<Kept[]> {
    await this.rollups.upToDate();
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.kept.drop();
      this.dataVersion = version;
    }
    return this.db.transaction(() =>
      req.runIds.flatMap((runId) =>
        req.keys.map((key) => {
          const id = `${seriesId(runId, key)}\u0000${req.maxPoints}\u0000${req.x}`;
          return this.kept.get(id) ?? this.kept.set(id, this.series(runId, key, req));
        }),
      ),
    )();
  }

  /** Every point but NaN ones, repeats included. */
  private whole(runId: string, key: string, byTime: boolean): XY {
    const curve: XY = { x: [], y: [] };
    for (const [step, timestamp, value, isNan] of this.all.all(runId, key) as Raw[]) {
      if (isNan) continue;
      curve.x.push(byTime ? timestamp : step);
      curve.y.push(value);
    }
    return curve;
  }

  private series(runId: string, key: string, req: HistoryRequest): Series {
    const total = this.total.get(runId, key, COARSEST_WIDTH) ?? 0;
    const byTime = req.x === 'time';
    let curve: XY;
    if (total <= req.maxPoints) {
      curve = this.whole(runId, key, byTime);
    } else {
      const first = this.first.get(runId, key) as Raw;
      const last = this.last.get(runId, key) as Raw;
      const width = widthFor(first[0], last[0], Math.floor((req.maxPoints - 2) / 2));
      const picked = new CurveBuilder(byTime);
      if (!first[3]) picked.add(first[0], first[1], first[2]);
      for (const [minStep, minTs, minValue, maxStep, maxTs, maxValue] of this.buckets.all(runId, key, width) as BucketRow[]) {
        if (minValue === null || maxValue === null) continue; // only NaN in this bucket
        if (minStep === maxStep && minTs === maxTs) {
          picked.add(minStep, minTs, minValue);
        } else if (minStep < maxStep || (minStep === maxStep && minTs < maxTs)) {
          picked.add(minStep, minTs, minValue);
          picked.add(maxStep, maxTs, maxValue);
        } else {
          picked.add(maxStep, maxTs, maxValue);
          picked.add(minStep, minTs, minValue);
        }
      }
      if (!last[3]) picked.add(last[0], last[1], last[2]);
      curve = picked.x.length * 4 < req.maxPoints ? this.whole(runId, key, byTime) : picked;
    }
    // Timestamps usually grow with the step, but nothing makes them.
    if (byTime) curve = sortedByX(curve);
    if (curve.x.length > req.maxPoints) curve = downsampleMinMax(curve, req.maxPoints);
    return { run_id: runId, key, total_points: total, x: curve.x, y: curve.y };
  }
}

/** The curve's points in x order (stable: points at one x keep their order). */
function sortedByX(curve: XY): XY {
  const { x, y } = curve;
  let sorted = true;
  for (let i = 1; i < x.length && sorted; i++) sorted = x[i]! >= x[i - 1]!;
  if (sorted) return curve;
  const order = x.map((_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
  return { x: order.map((i) => x[i]!), y: order.map((i) => y[i]!) };
}

/** The `[x, y]` pairs of the default answer. */
export function asPairs({ run_id, key, total_points, x, y }: Series): { run_id: string; key: string; total_points: number; points: [number, number][] } {
  return { run_id, key, total_points, points: x.map((v, i) => [v, y[i]!]) };
}
