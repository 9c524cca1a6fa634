// The URL is the view: every control of the runs and compare views reads from and writes to the query
// string through these codecs, so a copied address reopens the same view. Lists of ids use commas (ids
// and MLflow keys cannot contain them); group ids, which hold arbitrary param values, repeat their key.
import type { XAxis } from '../api/types.ts';
import type { SortSpec } from './runRows.ts';

const list = (value: string | null): string[] => (value ? value.split(',').filter(Boolean) : []);
const unique = (values: string[]): string[] => [...new Set(values)];

export const DEFAULT_SORT: SortSpec = { column: 'attr.start_time', desc: true };

export interface RunsViewState {
  experiments: string[];
  filter: string;
  sort: SortSpec;
  /** undefined = the default columns for the loaded keys. */
  columns: string[] | undefined;
  groupBy: string[];
  selected: string[];
  /** Sweep parents shown expanded. */
  open: string[];
  /** Groups shown collapsed. */
  folded: string[];
  deleted: boolean;
}

export function parseSort(text: string | null): SortSpec {
  if (!text) return DEFAULT_SORT;
  const desc = text.startsWith('-');
  const column = desc ? text.slice(1) : text;
  return column ? { column, desc } : DEFAULT_SORT;
}

export const formatSort = (sort: SortSpec): string => `${sort.desc ? '-' : ''}${sort.column}`;

export function parseRunsState(query: URLSearchParams): RunsViewState {
  return {
    experiments: unique(list(query.get('exp'))),
    filter: query.get('filter') ?? '',
    sort: parseSort(query.get('sort')),
    columns: query.has('cols') ? unique(list(query.get('cols'))) : undefined,
    groupBy: unique(list(query.get('group'))),
    selected: unique(list(query.get('sel'))),
    open: unique(list(query.get('open'))),
    folded: unique(query.getAll('fold')),
    deleted: query.get('deleted') === '1',
  };
}

export function encodeRunsState(state: RunsViewState): string {
  const q = new URLSearchParams();
  if (state.experiments.length) q.set('exp', state.experiments.join(','));
  if (state.filter) q.set('filter', state.filter);
  if (formatSort(state.sort) !== formatSort(DEFAULT_SORT)) q.set('sort', formatSort(state.sort));
  if (state.columns) q.set('cols', state.columns.join(','));
  if (state.groupBy.length) q.set('group', state.groupBy.join(','));
  if (state.selected.length) q.set('sel', state.selected.join(','));
  if (state.open.length) q.set('open', state.open.join(','));
  for (const id of state.folded) q.append('fold', id);
  if (state.deleted) q.set('deleted', '1');
  return q.toString();
}

export type CompareTab = 'curves' | 'table' | 'parallel' | 'scatter';
const TABS: readonly CompareTab[] = ['curves', 'table', 'parallel', 'scatter'];

export interface CompareViewState {
  runs: string[];
  /** undefined = every metric the runs logged (up to a handful). */
  metrics: string[] | undefined;
  x: XAxis;
  /** EMA weight, 0 (raw) to 0.99. */
  smooth: number;
  log: boolean;
  /** Aggregate curves by this param: mean line with min/max band per value. */
  group: string | undefined;
  tab: CompareTab;
  diffOnly: boolean;
  /** Parallel-coordinates axes as column ids (params.x / metrics.y). */
  axes: string[] | undefined;
  scatterX: string | undefined;
  scatterY: string | undefined;
}

export function parseCompareState(query: URLSearchParams): CompareViewState {
  const smooth = Number(query.get('smooth') ?? 0);
  const tab = query.get('tab') as CompareTab | null;
  return {
    runs: unique(list(query.get('runs'))),
    metrics: query.has('metrics') ? unique(list(query.get('metrics'))) : undefined,
    x: query.get('x') === 'time' ? 'time' : 'step',
    smooth: Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, smooth)) : 0,
    log: query.get('log') === '1',
    group: query.get('group') || undefined,
    tab: tab && TABS.includes(tab) ? tab : 'curves',
    diffOnly: query.get('diff') === '1',
    axes: query.has('axes') ? unique(list(query.get('axes'))) : undefined,
    scatterX: query.get('sx') || undefined,
    scatterY: query.get('sy') || undefined,
  };
}

export function encodeCompareState(state: CompareViewState): string {
  const q = new URLSearchParams();
  if (state.runs.length) q.set('runs', state.runs.join(','));
  if (state.metrics) q.set('metrics', state.metrics.join(','));
  if (state.x !== 'step') q.set('x', state.x);
  if (state.smooth > 0) q.set('smooth', String(state.smooth));
  if (state.log) q.set('log', '1');
  if (state.group) q.set('group', state.group);
  if (state.tab !== 'curves') q.set('tab', state.tab);
  if (state.diffOnly) q.set('diff', '1');
  if (state.axes) q.set('axes', state.axes.join(','));
  if (state.scatterX) q.set('sx', state.scatterX);
  if (state.scatterY) q.set('sy', state.scatterY);
  return q.toString();
}
