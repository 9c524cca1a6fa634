// Metric points: one row per point in `metrics`, and the latest point per (run, key) kept in
// `latest_metrics` in the same transaction. "Latest" is MLflow's: the max of (step, timestamp,
// value). Values are stored as MLflow's SQL store keeps them: NaN as 0 with is_nan set, ±Infinity
// as ±DBL_MAX, so a read returns what MLflow would.
import type Database from 'better-sqlite3';
import { metricJson, type MetricRow } from './entities.ts';
import { createPageToken, parsePageToken } from './paging.ts';
import type { MetricPoint } from './validation.ts';

const DBL_MAX = 1.7976931348623157e308;

interface StoredPoint {
  key: string;
  value: number;
  isNan: 0 | 1;
  timestamp: number;
  step: number;
}

/** MLflow's `sanitize_metric_value`. */
function stored(p: MetricPoint): StoredPoint {
  const isNan = Number.isNaN(p.value);
  const value = isNan ? 0 : p.value === Infinity ? DBL_MAX : p.value === -Infinity ? -DBL_MAX : p.value;
  return { key: p.key, value, isNan: isNan ? 1 : 0, timestamp: p.timestamp, step: p.step };
}

/** (step, timestamp, value) strictly greater, as MLflow's `_compare_metrics`. */
function isLater(a: StoredPoint, b: StoredPoint): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

export interface MetricWithRunId {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
  run_id: string;
}

type SampleRow = Omit<MetricRow, 'key'>;

type PointParams = StoredPoint & { run: string };

export class MetricStore {
  private readonly insertPoint;
  private readonly upsertLatest;
  private readonly historyAll;
  private readonly historyPage;
  private readonly sampleAll;
  private readonly sampleRange;
  private readonly lastAll;
  private readonly lastRange;

  constructor(db: Database.Database) {
    // A point identical in every column to one already logged is dropped, as MLflow's primary key does.
    this.insertPoint = db.prepare<[PointParams]>(
      `INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan)
       SELECT @run, @key, @step, @timestamp, @value, @isNan WHERE NOT EXISTS (
         SELECT 1 FROM metrics WHERE run_uuid = @run AND key = @key AND step = @step AND timestamp = @timestamp AND value = @value AND is_nan = @isNan)`,
    );
    this.upsertLatest = db.prepare<[string, string, number, number, number, number]>(
      `INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
       WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
    );
    const history = 'SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, step, value, id';
    this.historyAll = db.prepare<[string, string], MetricRow>(history);
    this.historyPage = db.prepare<[string, string, number, number], MetricRow>(`${history} LIMIT ? OFFSET ?`);
    // MLflow's window-function sampling: NTILE(n) buckets over the ordered points, first row of each.
    const sample = (range: string) =>
      `WITH bucketed AS (
         SELECT value, timestamp, step, is_nan, ntile(?) OVER (ORDER BY step, timestamp, value, is_nan) AS bucket
         FROM metrics WHERE run_uuid = ? AND key = ? ${range}),
       ranked AS (
         SELECT value, timestamp, step, is_nan, row_number() OVER (PARTITION BY bucket ORDER BY step, timestamp, value, is_nan) AS rn FROM bucketed)
       SELECT value, timestamp, step, is_nan FROM ranked WHERE rn = 1 ORDER BY step, timestamp, value, is_nan`;
    const last = (range: string) =>
      `SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ${range}
       ORDER BY step DESC, timestamp DESC, value DESC, is_nan DESC LIMIT 1`;
    this.sampleAll = db.prepare<[number, string, string], SampleRow>(sample(''));
    this.sampleRange = db.prepare<[number, string, string, number, number], SampleRow>(sample('AND step >= ? AND step <= ?'));
    this.lastAll = db.prepare<[string, string], SampleRow>(last(''));
    this.lastRange = db.prepare<[string, string, number, number], SampleRow>(last('AND step >= ? AND step <= ?'));
  }

  /** Logs points of one run; the caller holds the transaction and has checked the run is active. Returns how many were new. */
  log(runUuid: string, points: MetricPoint[]): number {
    const latest = new Map<string, StoredPoint>();
    let added = 0;
    for (const p of points) {
      const s = stored(p);
      added += this.insertPoint.run({ run: runUuid, ...s }).changes;
      const current = latest.get(s.key);
      if (current === undefined || isLater(s, current)) latest.set(s.key, s);
    }
    for (const s of latest.values()) this.upsertLatest.run(runUuid, s.key, s.step, s.timestamp, s.value, s.isNan);
    return added;
  }

  /** Every point of a key in (timestamp, step, value) order; paged when maxResults is given. */
  history(runUuid: string, key: string, maxResults: number | undefined, pageToken: string | undefined): { metrics: object[]; nextPageToken?: string } {
    const offset = parsePageToken(pageToken);
    if (maxResults === undefined) {
      const rows = offset > 0 ? this.historyPage.all(runUuid, key, -1, offset) : this.historyAll.all(runUuid, key);
      return { metrics: rows.map(metricJson) };
    }
    const rows = this.historyPage.all(runUuid, key, maxResults + 1, offset);
    if (rows.length <= maxResults) return { metrics: rows.map(metricJson) };
    return { metrics: rows.slice(0, maxResults).map(metricJson), nextPageToken: createPageToken(offset + maxResults) };
  }

  /**
   * Up to `maxResults` points per run, evenly sampled over (step, timestamp, value) order within
   * the step range, always ending with the run's last point (MLflow's get_metric_history_bulk_interval).
   */
  sampledHistory(runIds: string[], key: string, maxResults: number, range?: { startStep: number; endStep: number }): MetricWithRunId[] {
    const n = Math.max(1, maxResults);
    const out: MetricWithRunId[] = [];
    for (const runId of runIds) {
      const rows = range ? this.sampleRange.all(n, runId, key, range.startStep, range.endStep) : this.sampleAll.all(n, runId, key);
      const last = range ? this.lastRange.get(runId, key, range.startStep, range.endStep) : this.lastAll.get(runId, key);
      if (last !== undefined && (rows.length === 0 || !samePoint(rows[rows.length - 1]!, last))) {
        if (rows.length >= n) rows[rows.length - 1] = last;
        else rows.push(last);
      }
      for (const row of rows) out.push({ ...metricJson({ ...row, key }), run_id: runId });
    }
    return out;
  }
}

function samePoint(a: SampleRow, b: SampleRow): boolean {
  return a.step === b.step && a.timestamp === b.timestamp && a.is_nan === b.is_nan && (a.is_nan === 1 || a.value === b.value);
}
