// The runs of the chosen experiments as one table, kept live: new or updated runs reload the table
// (throttled), logged metrics patch the latest values in place, and a reconnect reloads everything.
// The table streams in (api/client.ts streamRunsTable): new inputs show the first screenful at once
// and the rest as it arrives; a reload of the same inputs keeps the shown table until the new one is whole.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { streamRunsTable } from '../api/client.ts';
import type { ApiError, MetricsEvent, RunEvent, RunsTable, RunViewType } from '../api/types.ts';
import { toApiError } from '../api/useApi.ts';
import { TableBuilder } from '../data/runsChunk.ts';
import { useServerEvents } from '../live/useServerEvents.ts';

const RELOAD_EVERY_MS = 2000;

/**
 * Resolves once the browser has drawn what was rendered and has nothing more urgent to do (a scroll,
 * a click): the rest of the table arrives in the page's spare time, and the shown part stays responsive.
 */
const afterPaint = () =>
  new Promise<void>((resolve) =>
    requestAnimationFrame(() => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 500 }) : setTimeout(resolve, 0))),
  );
const PATCH_EVERY_MS = 500;

export interface RunsTableState {
  table: RunsTable | undefined;
  /** The table loaded for other inputs is kept (dimmed) while new ones load or fail. */
  stale: boolean;
  loading: boolean;
  /** While the table streams in: runs shown so far of the total. */
  progress: { loaded: number; total: number } | undefined;
  error: ApiError | undefined;
  /** Milliseconds from request to the whole table of the last load. */
  loadMs: number | undefined;
  reload: () => void;
}

/** The latest point per key of a batch: highest step, then newest timestamp (MLflow's "latest"). */
function latest(points: MetricsEvent['points']): Map<string, { step: number; timestamp: number; value: number }> {
  const out = new Map<string, { step: number; timestamp: number; value: number }>();
  for (const p of points) {
    const prev = out.get(p.key);
    if (!prev || p.step > prev.step || (p.step === prev.step && p.timestamp >= prev.timestamp)) out.set(p.key, p);
  }
  return out;
}

export function useRunsTable(experiments: readonly string[], filter: string, viewType: RunViewType): RunsTableState {
  const [state, setState] = useState<Omit<RunsTableState, 'reload'>>({
    table: undefined,
    stale: false,
    loading: true,
    progress: undefined,
    error: undefined,
    loadMs: undefined,
  });
  const inputs = JSON.stringify([experiments, filter, viewType]);
  const [generation, setGeneration] = useState(0);
  const lastLoad = useRef(0);
  const reloadTimer = useRef<number | undefined>(undefined);
  const pending = useRef(new Map<string, Map<string, number>>());
  const patchTimer = useRef<number | undefined>(undefined);
  /** The inputs of the table shown. */
  const shown = useRef<string | undefined>(undefined);

  useEffect(() => {
    const [exp, flt, view] = JSON.parse(inputs) as [string[], string, RunViewType];
    if (exp.length === 0) {
      shown.current = undefined;
      setState({ table: undefined, stale: false, loading: false, progress: undefined, error: undefined, loadMs: undefined });
      return;
    }
    const abort = new AbortController();
    const started = performance.now();
    const refresh = shown.current === inputs;
    lastLoad.current = Date.now();
    setState((s) => ({ ...s, loading: true, stale: s.table !== undefined && !refresh }));
    const builder = new TableBuilder();
    let table: RunsTable | undefined;
    const onChunk = (chunk: Parameters<TableBuilder['add']>[0]) => {
      if (abort.signal.aborted) return;
      builder.add(chunk);
      if (refresh) return;
      shown.current = inputs;
      const progress = builder.loaded < builder.total ? { loaded: builder.loaded, total: builder.total } : undefined;
      table = builder.table();
      setState({ table, stale: false, loading: true, progress, error: undefined, loadMs: undefined });
      return afterPaint();
    };
    streamRunsTable({ experiment_ids: exp, filter: flt || undefined, run_view_type: view }, onChunk, abort.signal).then(
      () => {
        if (abort.signal.aborted) return;
        shown.current = inputs;
        const whole = refresh || !table ? builder.table() : table;
        setState({ table: whole, stale: false, loading: false, progress: undefined, error: undefined, loadMs: Math.round(performance.now() - started) });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, loading: false, progress: undefined, error: toApiError(error) }));
      },
    );
    return () => abort.abort();
  }, [inputs, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  /** At most one reload per RELOAD_EVERY_MS however many runs change (a sweep starts dozens at once). */
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current !== undefined) return;
    const wait = Math.max(0, lastLoad.current + RELOAD_EVERY_MS - Date.now());
    reloadTimer.current = window.setTimeout(() => {
      reloadTimer.current = undefined;
      reload();
    }, wait);
  }, [reload]);

  const flushPatches = useCallback(() => {
    patchTimer.current = undefined;
    const patches = pending.current;
    pending.current = new Map();
    setState((s) => {
      if (!s.table) return s;
      const newKeys = new Set<string>();
      const runs = s.table.runs.map((run) => {
        const patch = patches.get(run.run_id);
        if (!patch) return run;
        for (const key of patch.keys()) if (!(key in run.metrics)) newKeys.add(key);
        return { ...run, metrics: { ...run.metrics, ...Object.fromEntries(patch) } };
      });
      const metrics = newKeys.size ? [...new Set([...s.table.metrics, ...newKeys])].sort() : s.table.metrics;
      return { ...s, table: { ...s.table, runs, metrics } };
    });
  }, []);

  useEffect(
    () => () => {
      window.clearTimeout(reloadTimer.current);
      window.clearTimeout(patchTimer.current);
    },
    [],
  );

  const loadedIds = useMemo(() => new Set(state.table?.runs.map((r) => r.run_id)), [state.table?.runs]);

  useServerEvents({
    run: (event: RunEvent) => {
      if (experiments.includes(event.experiment_id)) scheduleReload();
    },
    metrics: (event: MetricsEvent) => {
      if (!loadedIds.has(event.run_id)) return;
      const patch = pending.current.get(event.run_id) ?? new Map<string, number>();
      for (const [key, point] of latest(event.points)) patch.set(key, point.value);
      pending.current.set(event.run_id, patch);
      patchTimer.current ??= window.setTimeout(flushPatches, PATCH_EVERY_MS);
    },
    reconnect: scheduleReload,
  });

  return { ...state, reload };
}
