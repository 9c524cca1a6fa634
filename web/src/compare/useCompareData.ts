// What the compare view needs from the server: the compared runs' rows (params, latest metrics) and
// their downsampled histories, both refreshed while the runs train.
import { useEffect, useMemo, useRef, useState } from 'react';
import { metricHistoryColumns, runsTable, searchExperiments } from '../api/client.ts';
import type { ApiError, RunRow, XAxis } from '../api/types.ts';
import { toApiError } from '../api/useApi.ts';
import { relativeSeconds, toXY, type XY } from '../data/downsample.ts';
import { useServerEvents } from '../live/useServerEvents.ts';

/** The histories endpoint's limit of runs per request. */
const MAX_RUNS = 1000;
const LIVE_REFRESH_MS = 3000;

interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
}

const quote = (id: string) => `'${id.replace(/'/g, "\\'")}'`;

/** Re-runs `refresh` at most every LIVE_REFRESH_MS while the server reports activity on the given runs. */
function useLiveRefresh(runIds: readonly string[], onMetrics: boolean): number {
  const [tick, setTick] = useState(0);
  const timer = useRef<number | undefined>(undefined);
  const ids = useMemo(() => new Set(runIds), [runIds]);
  const bump = () => {
    timer.current ??= window.setTimeout(() => {
      timer.current = undefined;
      setTick((t) => t + 1);
    }, LIVE_REFRESH_MS);
  };
  useServerEvents({
    run: (event) => ids.has(event.run_id) && bump(),
    metrics: (event) => onMetrics && ids.has(event.run_id) && bump(),
    reconnect: bump,
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return tick;
}

export interface ComparedRuns {
  runs: RunRow[];
  metrics: string[];
  params: string[];
  missing: string[];
}

/** The rows of the given runs, in the given order, whatever experiments they belong to. */
export function useComparedRuns(runIds: readonly string[]): Loaded<ComparedRuns> {
  const [state, setState] = useState<Loaded<ComparedRuns>>({ data: undefined, error: undefined, loading: true });
  const key = runIds.join(',');
  const tick = useLiveRefresh(runIds, true);
  useEffect(() => {
    const ids = key ? key.split(',') : [];
    if (ids.length === 0) {
      setState({ data: { runs: [], metrics: [], params: [], missing: [] }, error: undefined, loading: false });
      return;
    }
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    (async () => {
      const experiments = await searchExperiments('ALL', abort.signal);
      const table = await runsTable(
        { experiment_ids: experiments.map((e) => e.experiment_id), filter: `attributes.run_id IN (${ids.map(quote).join(', ')})`, run_view_type: 'ALL' },
        abort.signal,
      );
      const byId = new Map(table.runs.map((r) => [r.run_id, r]));
      return {
        runs: ids.map((id) => byId.get(id)).filter((r): r is RunRow => r !== undefined),
        metrics: table.metrics,
        params: table.params,
        missing: ids.filter((id) => !byId.has(id)),
      };
    })().then(
      (data) => !abort.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error: unknown) => !abort.signal.aborted && setState((s) => ({ ...s, error: toApiError(error), loading: false })),
    );
    return () => abort.abort();
  }, [key, tick]);
  return state;
}

/** metric → run id → points (x = step, or seconds since the run's first point). */
export type Histories = Map<string, Map<string, XY>>;

/**
 * The histories of the runs, one request per metric, all at once: each chart draws as soon as its
 * metric arrives, while the server reads the next. `data` holds the metrics arrived so far.
 */
export function useHistories(runIds: readonly string[], metricKeys: readonly string[], x: XAxis, maxPoints: number): Loaded<Histories> & { ms: number | undefined } {
  const [state, setState] = useState<Loaded<Histories> & { ms: number | undefined }>({ data: undefined, error: undefined, loading: true, ms: undefined });
  const key = JSON.stringify([runIds, metricKeys, x, maxPoints]);
  const tick = useLiveRefresh(runIds, true);
  /** What the charts show, and for which inputs: a live refresh replaces it metric by metric. */
  const shown = useRef<{ key: string; data: Histories } | undefined>(undefined);
  useEffect(() => {
    const [ids, keys, axis, points] = JSON.parse(key) as [string[], string[], XAxis, number];
    if (ids.length === 0 || keys.length === 0 || points === 0) {
      setState({ data: new Map(), error: undefined, loading: false, ms: undefined });
      return;
    }
    const abort = new AbortController();
    const started = performance.now();
    setState((s) => ({ ...s, loading: true }));
    let arrived: Histories = shown.current?.key === key ? shown.current.data : new Map();
    const metric = async (metricKey: string) => {
      const requests: ReturnType<typeof metricHistoryColumns>[] = [];
      for (let r = 0; r < ids.length; r += MAX_RUNS) requests.push(metricHistoryColumns({ run_ids: ids.slice(r, r + MAX_RUNS), metric_keys: [metricKey], max_points: points, x: axis }, abort.signal));
      const byRun = new Map<string, XY>();
      for (const series of (await Promise.all(requests)).flat()) {
        const xy = toXY(series);
        byRun.set(series.run_id, axis === 'time' ? relativeSeconds(xy) : xy);
      }
      if (abort.signal.aborted) return;
      // A new outer map per arrival (the view re-renders); the metrics already drawn keep theirs.
      arrived = new Map(arrived).set(metricKey, byRun);
      shown.current = { key, data: arrived };
      const data = arrived;
      setState((s) => ({ ...s, data }));
    };
    Promise.all(keys.map(metric)).then(
      () => !abort.signal.aborted && setState({ data: arrived, error: undefined, loading: false, ms: Math.round(performance.now() - started) }),
      (error: unknown) => !abort.signal.aborted && setState((s) => ({ ...s, error: toApiError(error), loading: false })),
    );
    return () => abort.abort();
  }, [key, tick]);
  return state;
}
