// The runs view: experiments on the left; filter, columns, grouping and actions on top; the runs table.
// Every control writes the URL (data/urlState.ts), and the view is rendered from the URL alone.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { runsTable, searchExperiments } from '../api/client.ts';
import type { RunsTable as Table } from '../api/types.ts';
import { useApi } from '../api/useApi.ts';
import { columnId, parseColumn, splitTileMetrics, TILE_METRICS_SECTION, type Column } from '../data/columns.ts';
import { unknownKeyWarnings } from '../data/filterError.ts';
import { rememberView } from '../data/lastView.ts';
import { buildRows } from '../data/runRows.ts';
import { encodeCompareState, encodeRunsState, parseCompareState, parseRunsState, type RunsViewState } from '../data/urlState.ts';
import { useServerEvents } from '../live/useServerEvents.ts';
import { href, navigate, useRoute } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { KeyPicker, type KeyOption } from '../ui/KeyPicker.tsx';
import { Spinner } from '../ui/Spinner.tsx';
import { ExperimentPicker } from './ExperimentPicker.tsx';
import { FilterBox } from './FilterBox.tsx';
import { RunsTable } from './RunsTable.tsx';
import { useRunsTable } from './useRunsTable.ts';

/** Compare takes up to this many runs (the histories endpoint's limit). */
const MAX_COMPARE = 1000;
const DEFAULT_METRIC_COLUMNS = 6;
const DEFAULT_PARAM_COLUMNS = 5;

function useRunsViewState(): [RunsViewState, (patch: Partial<RunsViewState>, options?: { replace?: boolean }) => void] {
  const { query } = useRoute();
  const state = useMemo(() => parseRunsState(query), [query]);
  const update = useCallback(
    (patch: Partial<RunsViewState>, options: { replace?: boolean } = {}) => {
      const search = encodeRunsState({ ...parseRunsState(new URLSearchParams(window.location.search)), ...patch });
      navigate(search ? `/runs?${search}` : '/runs', options);
    },
    [],
  );
  useEffect(() => rememberView('/runs', encodeRunsState(state)), [state]);
  return [state, update];
}

/** Default columns judge the keys on at most this many runs, evenly spread: enough to see which vary. */
const COLUMN_SAMPLE = 1000;

/**
 * The keys that describe the table best: those whose value varies between runs first (a constant
 * param says nothing), then those most runs have; ties keep the sorted order.
 */
function mostTelling(keys: readonly string[], table: Table, pick: (run: Table['runs'][number]) => Record<string, unknown>, limit: number): string[] {
  const step = Math.max(1, table.runs.length / COLUMN_SAMPLE);
  const sample = Array.from({ length: Math.min(table.runs.length, COLUMN_SAMPLE) }, (_, i) => pick(table.runs[Math.floor(i * step)]!));
  const score = new Map<string, number>();
  for (const key of keys) {
    let count = 0;
    let first: unknown;
    let varies = false;
    for (const values of sample) {
      const value = values[key];
      if (value === undefined) continue;
      if (count++ === 0) first = value;
      else if (value !== first) varies = true;
    }
    score.set(key, (varies ? sample.length + 1 : 0) + count);
  }
  return [...keys].sort((a, b) => score.get(b)! - score.get(a)!).slice(0, limit).sort();
}

function defaultColumns(table: Table): string[] {
  return [
    ...mostTelling(table.params, table, (r) => r.params, DEFAULT_PARAM_COLUMNS).map((k) => columnId('params', k)),
    ...mostTelling(splitTileMetrics(table.metrics).plain, table, (r) => r.metrics, DEFAULT_METRIC_COLUMNS).map((k) => columnId('metrics', k)),
  ];
}

export function RunsPage() {
  const [state, update] = useRunsViewState();
  const experiments = useApi((signal) => searchExperiments('ACTIVE_ONLY', signal), []);
  useServerEvents({
    run: (event) => {
      if (experiments.data && !experiments.data.some((e) => e.experiment_id === event.experiment_id)) experiments.reload();
    },
  });

  // No experiment in the URL: open the most recently updated one that exists.
  useEffect(() => {
    const first = experiments.data?.[0];
    if (state.experiments.length === 0 && first) update({ experiments: [first.experiment_id] }, { replace: true });
  }, [experiments.data, state.experiments.length, update]);

  const result = useRunsTable(state.experiments, state.filter, state.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY');
  const table = result.table;
  const filterError = result.error && result.error.status === 400 && state.filter ? result.error : undefined;
  const otherError = result.error && !filterError ? result.error : undefined;

  // Kept by value: a table grown by a chunk usually has the same columns, and the rows then need not re-render.
  const columnIds = useMemo(() => (state.columns ?? (table ? defaultColumns(table) : [])).join('\n'), [state.columns, table]);
  const columns: Column[] = useMemo(() => (columnIds ? columnIds.split('\n') : []).map(parseColumn).filter((c): c is Column => c !== undefined), [columnIds]);

  const selected = useMemo(() => new Set(state.selected), [state.selected]);
  const rows = useMemo(
    () =>
      table
        ? buildRows(table.runs, { sort: state.sort, groupBy: state.groupBy, collapsedGroups: new Set(state.folded), expandedRuns: new Set(state.open) })
        : [],
    [table, state.sort, state.groupBy, state.folded, state.open],
  );

  const warnings = useFilterWarnings(state, table);

  const columnOptions: KeyOption[] = useMemo(() => {
    if (!table) return [];
    const metrics = splitTileMetrics(table.metrics);
    return [
      ...metrics.plain.map((k) => ({ id: columnId('metrics', k), label: k, section: 'Metrics' })),
      ...table.params.map((k) => ({ id: columnId('params', k), label: k, section: 'Params' })),
      ...table.tags.map((k) => ({ id: columnId('tags', k), label: k, section: 'Tags' })),
      { id: 'attr.duration', label: 'duration', section: 'Attributes' },
      ...metrics.tiles.map((k) => ({ id: columnId('metrics', k), label: k, section: TILE_METRICS_SECTION })),
    ];
  }, [table]);
  const groupOptions: KeyOption[] = useMemo(() => (table ? table.params.map((k) => ({ id: k, label: k, section: 'Params' })) : []), [table]);

  const onSort = useCallback(
    (id: string) => update({ sort: state.sort.column === id ? { column: id, desc: !state.sort.desc } : { column: id, desc: false } }),
    [state.sort, update],
  );
  const onSelect = useCallback(
    (ids: string[], on: boolean) => {
      const now = new Set(parseRunsState(new URLSearchParams(window.location.search)).selected);
      for (const id of ids) {
        if (on) now.add(id);
        else now.delete(id);
      }
      update({ selected: [...now].slice(0, MAX_COMPARE) }, { replace: true });
    },
    [update],
  );
  const onToggleRun = useCallback(
    (id: string) => update({ open: state.open.includes(id) ? state.open.filter((o) => o !== id) : [...state.open, id] }, { replace: true }),
    [state.open, update],
  );
  const onToggleGroup = useCallback(
    (id: string) => update({ folded: state.folded.includes(id) ? state.folded.filter((f) => f !== id) : [...state.folded, id] }, { replace: true }),
    [state.folded, update],
  );

  const compareHref = `/compare?${encodeCompareState({ ...parseCompareState(new URLSearchParams()), runs: state.selected })}`;
  const visibleRuns = table?.runs.length ?? 0;

  return (
    <div className="runs-page">
      {experiments.error ? (
        <aside className="experiments">
          <ErrorBanner error={experiments.error} onRetry={experiments.reload} />
        </aside>
      ) : experiments.data ? (
        <ExperimentPicker
          experiments={experiments.data}
          selected={state.experiments}
          onChange={(ids) => update({ experiments: ids, open: [], folded: [] })}
        />
      ) : (
        <aside className="experiments">
          <Spinner label="Experiments" />
        </aside>
      )}
      <section className="runs-main">
        <FilterBox value={state.filter} error={filterError} warnings={warnings} onApply={(filter) => update({ filter })} />
        <div className="toolbar runs-toolbar">
          <KeyPicker
            label="Columns"
            testId="column-chooser"
            options={columnOptions}
            selected={columns.map((c) => c.id)}
            onChange={(ids) => update({ columns: ids })}
            foldedSections={[TILE_METRICS_SECTION]}
          />
          <KeyPicker label={state.groupBy.length ? `Group: ${state.groupBy.join(' × ')}` : 'Group by'} testId="group-by" options={groupOptions} selected={state.groupBy} onChange={(ids) => update({ groupBy: ids, folded: [] })} max={4} />
          {state.groupBy.length > 0 && (
            <button type="button" className="link" data-testid="group-clear" onClick={() => update({ groupBy: [], folded: [] })}>
              ungroup
            </button>
          )}
          <label title="Show deleted runs instead of active ones">
            <input type="checkbox" checked={state.deleted} onChange={(e) => update({ deleted: e.target.checked })} /> deleted
          </label>
          <span className="spacer" />
          <span className="muted" data-testid="runs-count" data-count={visibleRuns} data-loading={result.progress ? 'true' : undefined}>
            {result.progress
              ? `loading ${result.progress.loaded.toLocaleString()} / ${result.progress.total.toLocaleString()} runs`
              : table
                ? `${visibleRuns.toLocaleString()} run${visibleRuns === 1 ? '' : 's'}`
                : ''}
            {result.loadMs !== undefined && ` · ${result.loadMs} ms`}
            {result.loading && table && !result.progress && ' · updating…'}
          </span>
          {state.selected.length > 0 && (
            <button type="button" className="link" data-testid="selection-clear" onClick={() => update({ selected: [] }, { replace: true })}>
              clear selection
            </button>
          )}
          <button type="button" className="primary" data-testid="compare-action" disabled={state.selected.length === 0} onClick={() => navigate(compareHref)}>
            Compare ({state.selected.length})
          </button>
          <button
            type="button"
            data-testid="validate-action"
            disabled={state.selected.length !== 1}
            title={state.selected.length === 1 ? 'Validate new images with this run’s model' : 'Select exactly one run to validate'}
            onClick={() => navigate(href('/validate', { run: state.selected[0] }))}
          >
            Validate
          </button>
        </div>
        {otherError && <ErrorBanner error={otherError} onRetry={result.reload} />}
        {!table && result.loading && <Spinner label="Loading runs" />}
        {table && table.runs.length === 0 && !result.loading && (
          <div className="empty" data-testid="runs-empty">
            {state.filter ? 'No run matches this filter.' : 'No runs in this experiment yet. Runs appear here live as training logs them.'}
          </div>
        )}
        {table && table.runs.length > 0 && (
          <RunsTable
            rows={rows}
            columns={columns}
            sort={state.sort}
            groupBy={state.groupBy}
            selected={selected}
            onSort={onSort}
            onSelect={onSelect}
            onToggleRun={onToggleRun}
            onToggleGroup={onToggleGroup}
            dimmed={result.stale || filterError !== undefined}
          />
        )}
        {state.experiments.length === 0 && experiments.data?.length === 0 && <div className="empty">No experiments yet.</div>}
      </section>
    </div>
  );
}

/**
 * When a valid filter matches nothing, say which named keys no run has. The loaded table's keys cover
 * only the matching runs, so the experiment's full key lists are fetched for this (rare) case.
 */
function useFilterWarnings(state: RunsViewState, table: Table | undefined): string[] {
  const [warnings, setWarnings] = useState<string[]>([]);
  const empty = table !== undefined && table.runs.length === 0 && state.filter !== '';
  const experimentsKey = state.experiments.join(',');
  useEffect(() => {
    setWarnings([]);
    if (!empty) return;
    const abort = new AbortController();
    runsTable({ experiment_ids: experimentsKey.split(','), run_view_type: state.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY' }, abort.signal).then(
      (all) => !abort.signal.aborted && setWarnings(unknownKeyWarnings(state.filter, all)),
      () => undefined, // warnings are a nicety; the table itself shows real errors
    );
    return () => abort.abort();
  }, [empty, experimentsKey, state.filter, state.deleted]);
  return warnings;
}
