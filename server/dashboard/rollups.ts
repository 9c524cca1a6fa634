// Keeps metric_rollups (rollup-buckets.ts) up to date with the metric points, without touching
// the write path. Points are only appended, with increasing ids, so the rollups follow a
// watermark: the points after it are folded in, chunk by chunk, and the watermark moves in the
// same transaction. On a store that has none yet (a new store, or one from before rollups), a
// build reads each series through its (run, key, step) index up to the newest point, which costs
// half as much as reading every point with its run and key; the watermark is set when it ends.
// A history read first waits for the rollups to catch up; metric writes schedule a catch-up.
// Listeners hear which series changed (what was drawn from the old rollups is stale).
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { addPoint, ROLLUP_WIDTHS, withCoarserLevels, type Bucket, type Extreme, type Levels } from './rollup-buckets.ts';

/** Points per transaction while a history read waits; other requests are served between two. */
const CHUNK = 20_000;
/**
 * With nobody waiting (a catch-up after writes, or the build of a large store's rollups at start),
 * smaller transactions: pages opened meanwhile wait for at most one short transaction per turn.
 */
const BACKGROUND_CHUNK = 5_000;
/** What a series costs a build step at least, in points. */
const SERIES_COST = 64;
/** Metric writes come in bursts (one batch per epoch): a catch-up follows the burst. */
const BACKGROUND_DELAY_MS = 300;

/** A series' rollups changed; no arguments: all of them (rebuilt from scratch). */
export type SeriesChangeListener = (run?: string, key?: string) => void;

type PointRow = [id: number, run: string, key: string, step: number, timestamp: number, value: number, isNan: number];
type SeriesPoint = [step: number, timestamp: number, value: number, isNan: number];

interface Build {
  /** The newest point when the build began: later points are folded by the watermark. */
  upTo: number;
  series: [run: string, key: string][];
  next: number;
}

const extremeColumns = (e: Extreme | null) => (e ? [e.step, e.timestamp, e.value] : [null, null, null]);

export class MetricRollups {
  private readonly newPoints;
  private readonly seriesPoints;
  private readonly watermark;
  private readonly setWatermark;
  private readonly upsert;
  private build?: Build;
  private started = false;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  /** A reader waits for the current catch-up: it goes at full speed. */
  private urgent = false;
  private stopped = false;
  private readonly listeners = new Set<SeriesChangeListener>();
  private readonly totalChanges;
  /** Rows this connection changed in the rollup tables: derived data, not a change to the store's runs. */
  ownChanges = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly logger?: Logger,
  ) {
    this.newPoints = db.prepare<[number, number]>('SELECT id, run_uuid, key, step, timestamp, value, is_nan FROM metrics WHERE id > ? ORDER BY id LIMIT ?').raw();
    this.seriesPoints = db.prepare<[string, string, number]>('SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND id <= ? ORDER BY step, timestamp').raw();
    this.totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.watermark = db.prepare<[], number>('SELECT last_metric_id FROM metric_rollup_state WHERE id = 1').pluck();
    this.setWatermark = db.prepare<[number]>(
      'INSERT INTO metric_rollup_state (id, last_metric_id) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last_metric_id = excluded.last_metric_id',
    );
    const takeMin = 'excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value)';
    const takeMax = 'excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value)';
    const pick = (take: string, column: string) => `${column} = CASE WHEN ${take} THEN excluded.${column} ELSE ${column} END`;
    this.upsert = db.prepare<unknown[]>(
      `INSERT INTO metric_rollups (run_uuid, key, width, bucket, points, min_step, min_timestamp, min_value, max_step, max_timestamp, max_value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_uuid, key, width, bucket) DO UPDATE SET points = points + excluded.points,
       ${['min_step', 'min_timestamp', 'min_value'].map((c) => pick(takeMin, c)).join(', ')},
       ${['max_step', 'max_timestamp', 'max_value'].map((c) => pick(takeMax, c)).join(', ')}`,
    );
  }

  /**
   * Resolves once every point logged so far is folded in. The work goes in chunks with other
   * requests served between them, so a long build (a store of millions of points opened for the
   * first time) never freezes the server; callers waiting meanwhile share it.
   */
  upToDate(): Promise<void> {
    this.urgent = true;
    return this.catchUp();
  }

  /** Catches up soon: metric writes come in bursts, and the next read should find nothing to do. */
  schedule(delayMs = BACKGROUND_DELAY_MS): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.catchUp().catch((err: unknown) => this.logger?.error({ err }, 'metric rollups: catch-up failed'));
    }, delayMs);
  }

  private catchUp(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      this.urgent = false;
    });
    return this.draining;
  }

  /** Calls `listener` after each transaction that changes a series' rollups; returns the unsubscribe function. */
  onSeriesChange(listener: SeriesChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async drain(): Promise<void> {
    if (this.stopped) return;
    this.start();
    while (this.step(this.urgent ? CHUNK : BACKGROUND_CHUNK)) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.stopped) return;
    }
  }

  /** Without a watermark, rollups (perhaps half built by a stopped server) are built afresh. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.watermark.get() !== undefined) return;
    this.notify([undefined]);
    const before = this.totalChanges.get()!;
    this.db.transaction(() => {
      const upTo = this.db.prepare<[], number | null>('SELECT max(id) FROM metrics').pluck().get() ?? 0;
      this.db.prepare('DELETE FROM metric_rollups').run();
      if (upTo === 0) this.setWatermark.run(0);
      else this.build = { upTo, series: this.db.prepare<[], [string, string]>('SELECT run_uuid, key FROM latest_metrics').raw().all(), next: 0 };
    })();
    this.ownChanges += this.totalChanges.get()! - before;
  }

  /** About `points` points in one transaction; true when more may follow. */
  private step(points: number): boolean {
    const changed: [string, string][] = [];
    const before = this.totalChanges.get()!;
    const more = this.db.transaction(() => (this.build ? this.buildSome(this.build, points, changed) : this.foldNew(points, changed)))();
    this.ownChanges += this.totalChanges.get()! - before;
    this.notify(changed);
    return more;
  }

  private notify(changed: ([string, string] | undefined)[]): void {
    for (const listener of this.listeners)
      for (const series of changed) {
        try {
          if (series) listener(series[0], series[1]);
          else listener();
        } catch (err) {
          this.logger?.error({ err }, 'metric rollups: a change listener failed');
        }
      }
  }

  private write(run: string, key: string, levels: Levels): void {
    levels.forEach((buckets, l) => {
      for (const [bucket, b] of buckets) this.upsert.run(run, key, ROLLUP_WIDTHS[l], bucket, b.points, ...extremeColumns(b.min), ...extremeColumns(b.max));
    });
  }

  private buildSome(build: Build, points: number, changed: [string, string][]): boolean {
    let read = 0;
    while (build.next < build.series.length && read < points) {
      const [run, key] = build.series[build.next++]!;
      const finest = new Map<number, Bucket>();
      const rows = this.seriesPoints.all(run, key, build.upTo) as SeriesPoint[];
      for (const [step, timestamp, value, isNan] of rows) addPoint(finest, step, timestamp, value, isNan === 1);
      // Writing a series' buckets at every width costs about as much as reading a few dozen points:
      // a step of many one-point series must not run for a second.
      read += Math.max(rows.length, SERIES_COST);
      this.write(run, key, withCoarserLevels(finest));
      changed.push([run, key]);
    }
    if (build.next < build.series.length) return true;
    this.setWatermark.run(build.upTo);
    this.build = undefined;
    return true; // points logged during the build follow
  }

  private foldNew(points: number, changed: [string, string][]): boolean {
    const rows = this.newPoints.all(this.watermark.get() ?? 0, points) as PointRow[];
    if (rows.length === 0) return false;
    const bySeries = new Map<string, Map<number, Bucket>>();
    for (const [, run, key, step, timestamp, value, isNan] of rows) {
      const series = `${run}\u0000${key}`;
      let finest = bySeries.get(series);
      if (!finest) bySeries.set(series, (finest = new Map()));
      addPoint(finest, step, timestamp, value, isNan === 1);
    }
    for (const [series, finest] of bySeries) {
      const [run, key] = series.split('\u0000') as [string, string];
      this.write(run, key, withCoarserLevels(finest));
      changed.push([run, key]);
    }
    this.setWatermark.run(rows[rows.length - 1]![0]);
    return rows.length === points;
  }
}
