// New metric points of the (run, key) series whose latest point differs from the replica's, in as
// few requests as the remote allows, one key and up to 100 runs each:
// - a series that grew: `get-history-bulk-interval` over the step range from the replica's last step
//   (inclusive: points logged at that step since are new too; those already here are dropped by the
//   store) to the remote's. MLflow's SQL store samples that answer per run (NTILE over the run's rows
//   in the range) when the rows exceed `max_results`, capped at 2500: a run is asked for a range of
//   at most 2500 steps, and a run's answer of 2500 rows (maybe a sample) is set aside and fetched
//   whole with `get-history`, paged. A wider range goes to `get-history` at once.
// - a new series: `get-history-bulk` (the whole histories of up to 100 runs, 25,000 points at most,
//   ordered by run): one query on the remote where the interval endpoint runs a few per run, so a
//   first mirror of many runs is several times faster. An answer cut at 25,000 points keeps the runs
//   it holds whole and asks again for the rest. A remote without that endpoint gets the interval one.
//
// Each answer is written in one transaction through the store's MetricStore (the code log-batch
// uses), which keeps latest_metrics with the points: latest_metrics is the watermark of what was
// copied, so a pass cut short anywhere leaves every series as it was or complete up to a point the
// next pass starts from, with nothing lost or doubled.
import { metricsEvent } from '../dashboard/events.ts';
import { trackingStore } from '../tracking/store.ts';
import type { MetricPoint } from '../tracking/validation.ts';
import { RemoteError } from './remote.ts';
import type { PassContext } from './sync-context.ts';
import { readMetricPoints, type RemotePoint } from './wire.ts';

/** A series that needs new points: the replica's last step (none: a new series) and the remote's. */
export interface MetricJob {
  runId: string;
  key: string;
  from?: number;
  to: number;
}

/** MLflow's MAX_RESULTS_PER_RUN of get-history-bulk-interval; both bulk endpoints take 100 runs. */
export const INTERVAL_MAX_RESULTS = 2500;
export const BULK_MAX_RUNS = 100;
/** MLflow's MAX_HISTORY_RESULTS of get-history-bulk (over all the runs of a request). */
export const WHOLE_MAX_RESULTS = 25_000;
/** Runs whose replicas stopped at different steps share a request when they are this close: the older points come twice and are dropped. */
const STEP_SLACK = 100;
const HISTORY_PAGE = 25_000;
/** Requests in flight at once: the remote answers one while the replica writes another. */
const CONCURRENCY = 4;

const INTERVAL_ENDPOINT = '/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval';
const WHOLE_ENDPOINT = '/ajax-api/2.0/mlflow/metrics/get-history-bulk';
const HISTORY_ENDPOINT = '/api/2.0/mlflow/metrics/get-history';

export type Fetch =
  | { kind: 'interval'; key: string; runIds: string[]; range?: { start: number; end: number } }
  | { kind: 'whole'; key: string; runIds: string[] }
  | { kind: 'history'; key: string; runId: string };

function byKey(jobs: MetricJob[]): Map<string, MetricJob[]> {
  const m = new Map<string, MetricJob[]>();
  for (const j of jobs) m.set(j.key, [...(m.get(j.key) ?? []), j]);
  return m;
}

/** Points a new series likely holds (one per step from 0), to fill a get-history-bulk answer without cutting it. */
const estimate = (j: MetricJob) => Math.max(1, j.to + 1);

/** New series through get-history-bulk, runs in id order (the answer's order), each request likely under its cap. */
function planWhole(key: string, jobs: MetricJob[]): Fetch[] {
  const fetches: Fetch[] = [];
  let batch: string[] = [];
  let points = 0;
  for (const j of [...jobs].sort((a, b) => (a.runId < b.runId ? -1 : 1))) {
    if (estimate(j) > WHOLE_MAX_RESULTS) {
      fetches.push({ kind: 'history', key, runId: j.runId });
      continue;
    }
    if (batch.length === BULK_MAX_RUNS || points + estimate(j) > WHOLE_MAX_RESULTS) {
      fetches.push({ kind: 'whole', key, runIds: batch });
      [batch, points] = [[], 0];
    }
    batch.push(j.runId);
    points += estimate(j);
  }
  if (batch.length > 0) fetches.push({ kind: 'whole', key, runIds: batch });
  return fetches;
}

/** Grown series (or new ones, where get-history-bulk is missing) through get-history-bulk-interval. */
function planInterval(key: string, jobs: MetricJob[]): Fetch[] {
  const fetches: Fetch[] = [];
  const fresh: string[] = [];
  const grown: MetricJob[] = [];
  for (const j of jobs) {
    if (j.from === undefined) {
      // Whole (no range), unless its steps go past what one answer holds unsampled.
      if (j.to < INTERVAL_MAX_RESULTS) fresh.push(j.runId);
      else fetches.push({ kind: 'history', key, runId: j.runId });
    } else if (j.to >= j.from && j.to - j.from + 1 <= INTERVAL_MAX_RESULTS) grown.push(j);
    else fetches.push({ kind: 'history', key, runId: j.runId });
  }
  for (let i = 0; i < fresh.length; i += BULK_MAX_RUNS) fetches.push({ kind: 'interval', key, runIds: fresh.slice(i, i + BULK_MAX_RUNS) });
  grown.sort((a, b) => a.from! - b.from!);
  let batch: MetricJob[] = [];
  let end = 0;
  const flush = () => {
    if (batch.length > 0) fetches.push({ kind: 'interval', key, runIds: batch.map((j) => j.runId), range: { start: batch[0]!.from!, end } });
    batch = [];
  };
  for (const j of grown) {
    const start = batch[0]?.from;
    const fits = start !== undefined && batch.length < BULK_MAX_RUNS && j.from! - start <= STEP_SLACK && Math.max(end, j.to) - start + 1 <= INTERVAL_MAX_RESULTS;
    if (!fits) flush();
    end = batch.length === 0 ? j.to : Math.max(end, j.to);
    batch.push(j);
  }
  flush();
  return fetches;
}

/** The requests for `jobs`; `whole`: whether the remote has get-history-bulk. */
export function planFetches(jobs: MetricJob[], whole = true): Fetch[] {
  const fetches: Fetch[] = [];
  for (const [key, list] of byKey(jobs)) {
    const fresh = list.filter((j) => j.from === undefined);
    if (whole) fetches.push(...planWhole(key, fresh), ...planInterval(key, list.filter((j) => j.from !== undefined)));
    else fetches.push(...planInterval(key, list));
  }
  return fetches;
}

const asPoint = (m: RemotePoint): MetricPoint => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step });

/** The latest of some points by MLflow's (step, timestamp, value) order. */
function latestOf(points: MetricPoint[]): MetricPoint {
  return points.reduce((a, b) => (b.step !== a.step ? (b.step > a.step ? b : a) : b.timestamp !== a.timestamp ? (b.timestamp > a.timestamp ? b : a) : b.value > a.value ? b : a));
}

function groupByRun(metrics: RemotePoint[]): Map<string, MetricPoint[]> {
  const byRun = new Map<string, MetricPoint[]>();
  for (const m of metrics) {
    const points = byRun.get(m.run_id);
    if (points) points.push(asPoint(m));
    else byRun.set(m.run_id, [asPoint(m)]);
  }
  return byRun;
}

export class MetricSync {
  private readonly store;
  /** Runs that gained points, with the newest point per key, for the events. */
  private readonly fresh = new Map<string, Map<string, MetricPoint>>();
  /** Whether the remote answers get-history-bulk (MLflow's server does; other implementations may not). */
  private whole = true;

  constructor(private readonly ctx: PassContext) {
    this.store = trackingStore(ctx.db.$client).metrics;
  }

  /** Fetches and writes the new points of `jobs`; `changed` gets the runs that gained points. */
  async run(jobs: MetricJob[], changed: Set<string>): Promise<void> {
    const queue = planFetches(jobs, this.whole);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (!failure && next < queue.length) {
        const fetch = queue[next++]!;
        try {
          this.ctx.checkpoint();
          queue.push(...(await this.fetch(fetch, changed)));
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    // Workers that find the queue empty end; a follow-up pushed later is taken by the worker that pushed it.
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    this.publish();
    if (failure) throw failure.error;
  }

  /** One request, its answer written; returns the requests still needed for what it did not hold. */
  private fetch(fetch: Fetch, changed: Set<string>): Promise<Fetch[]> {
    if (fetch.kind === 'whole') return this.wholeHistories(fetch, changed);
    if (fetch.kind === 'interval') return this.interval(fetch, changed);
    return this.history(fetch.runId, fetch.key, changed).then(() => []);
  }

  private async wholeHistories(fetch: Extract<Fetch, { kind: 'whole' }>, changed: Set<string>): Promise<Fetch[]> {
    let body: unknown;
    try {
      body = await this.ctx.remote.get(WHOLE_ENDPOINT, { run_id: fetch.runIds, metric_key: fetch.key, max_results: WHOLE_MAX_RESULTS });
    } catch (err) {
      if (!(err instanceof RemoteError && err.remoteStatus === 404)) throw err;
      this.whole = false; // not on this remote: the interval endpoint, with no range, serves new series too
      return planInterval(
        fetch.key,
        fetch.runIds.map((runId) => ({ runId, key: fetch.key, to: 0 })),
      );
    }
    const { points } = readMetricPoints(body, WHOLE_ENDPOINT);
    this.ctx.counts.points_received += points.length;
    const byRun = groupByRun(points);
    const rest: Fetch[] = [];
    if (points.length >= WHOLE_MAX_RESULTS) {
      // Cut at the cap: the last run it reached may be partial (it comes through get-history), the runs after it are asked again.
      const last = points[points.length - 1]!.run_id;
      byRun.delete(last);
      rest.push({ kind: 'history', key: fetch.key, runId: last });
      const after = fetch.runIds.filter((id) => id > last);
      if (after.length > 0) rest.push({ kind: 'whole', key: fetch.key, runIds: after });
    }
    this.write(byRun, changed);
    return rest;
  }

  private async interval(fetch: Extract<Fetch, { kind: 'interval' }>, changed: Set<string>): Promise<Fetch[]> {
    const query = { run_ids: fetch.runIds, metric_key: fetch.key, max_results: INTERVAL_MAX_RESULTS, start_step: fetch.range?.start, end_step: fetch.range?.end };
    let body: unknown;
    try {
      body = await this.ctx.remote.get(INTERVAL_ENDPOINT, query);
    } catch (err) {
      // A run deleted for good since the listing fails the whole request: ask for each run alone.
      if (err instanceof RemoteError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST' && fetch.runIds.length > 1)
        return fetch.runIds.map((runId) => ({ kind: 'history', key: fetch.key, runId }));
      throw err;
    }
    const { points } = readMetricPoints(body, INTERVAL_ENDPOINT);
    this.ctx.counts.points_received += points.length;
    const byRun = groupByRun(points);
    const rest: Fetch[] = [];
    for (const [runId, points] of byRun) {
      if (points.length >= INTERVAL_MAX_RESULTS) {
        rest.push({ kind: 'history', key: fetch.key, runId });
        byRun.delete(runId);
      }
    }
    this.write(byRun, changed);
    return rest;
  }

  /** The whole series, page by page, written at once when every page is in. */
  private async history(runId: string, key: string, changed: Set<string>): Promise<void> {
    const points: MetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      this.ctx.checkpoint();
      let body: unknown;
      try {
        body = await this.ctx.remote.get(HISTORY_ENDPOINT, { run_id: runId, metric_key: key, max_results: HISTORY_PAGE, page_token: pageToken });
      } catch (err) {
        if (err instanceof RemoteError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return; // deleted for good since the listing
        throw err;
      }
      const page = readMetricPoints(body, HISTORY_ENDPOINT, key);
      for (const m of page.points) points.push(asPoint(m));
      pageToken = page.nextPageToken;
    } while (pageToken);
    this.ctx.counts.points_received += points.length;
    this.write(new Map([[runId, points]]), changed);
  }

  /** One transaction for all the series of one answer. */
  private write(byRun: Map<string, MetricPoint[]>, changed: Set<string>): void {
    if (byRun.size === 0) return;
    const added = new Map<string, number>();
    this.ctx.db.$client.transaction(() => {
      for (const [runId, points] of byRun) added.set(runId, this.store.log(runId, points));
    })();
    for (const [runId, points] of byRun) {
      const n = added.get(runId)!;
      if (n === 0) continue;
      this.ctx.counts.points_added += n;
      changed.add(runId);
      const latest = latestOf(points);
      const keys = this.fresh.get(runId) ?? new Map<string, MetricPoint>();
      this.fresh.set(runId, keys.set(latest.key, latest));
    }
  }

  /** One event per run for what the answers committed: the newest new point of each key (the dashboard refetches on it). */
  private publish(): void {
    for (const [runId, keys] of this.fresh) this.ctx.events?.publish(metricsEvent(runId, [...keys.values()]));
    this.fresh.clear();
  }
}
