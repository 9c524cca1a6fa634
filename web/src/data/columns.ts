// Columns of the runs table: a run attribute, or one param / metric / tag, named as in MLflow's
// filter grammar ("params.lr", "metrics.val_loss") so the URL reads like a query.
import type { RunRow } from '../api/types.ts';
import { isTileMetric } from './tiles.ts';

export type ColumnKind = 'attr' | 'params' | 'metrics' | 'tags';

export interface Column {
  id: string;
  kind: ColumnKind;
  key: string;
}

export const ATTRIBUTES = ['run_name', 'status', 'start_time', 'duration'] as const;

export function parseColumn(id: string): Column | undefined {
  const dot = id.indexOf('.');
  if (dot < 0) return undefined;
  const kind = id.slice(0, dot);
  const key = id.slice(dot + 1);
  if (!key) return undefined;
  if (kind === 'attr') return (ATTRIBUTES as readonly string[]).includes(key) ? { id, kind, key } : undefined;
  if (kind === 'params' || kind === 'metrics' || kind === 'tags') return { id, kind, key };
  return undefined;
}

export const columnId = (kind: ColumnKind, key: string): string => `${kind}.${key}`;

/**
 * A tiled run logs two curves per tile (a 13×17 grid: 442 keys) beside its aggregate: key choosers put
 * them in a section of their own, folded, and default column/metric choices leave them out.
 */
export const TILE_METRICS_SECTION = 'Tile metrics';

/** Metric keys split into the ordinary ones and the per-tile ones, each in the given order. */
export function splitTileMetrics(keys: readonly string[]): { plain: string[]; tiles: string[] } {
  const plain: string[] = [];
  const tiles: string[] = [];
  for (const key of keys) (isTileMetric(key) ? tiles : plain).push(key);
  return { plain, tiles };
}

/** The raw value of a run in a column: numbers for metrics and times, strings otherwise. */
export function cellValue(run: RunRow, column: Column): string | number | undefined {
  switch (column.kind) {
    case 'params':
      return run.params[column.key];
    case 'metrics':
      return run.metrics[column.key];
    case 'tags':
      return run.tags[column.key];
    case 'attr':
      switch (column.key) {
        case 'run_name':
          return run.run_name;
        case 'status':
          return run.status;
        case 'start_time':
          return run.start_time;
        case 'duration':
          return run.end_time === null ? undefined : run.end_time - run.start_time;
      }
  }
  return undefined;
}

/** Numbers first by value, then strings in natural order ("pool 2" before "pool 10"); missing last. */
export function compareValues(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const na = typeof a === 'number' ? a : numeric(a);
  const nb = typeof b === 'number' ? b : numeric(b);
  if (na !== undefined && nb !== undefined) return na - nb || 0;
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return collator.compare(String(a), String(b));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function numeric(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Metrics with 4 significant digits (tiny/huge in exponent form), the rest as text. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  if (m < 60) return `${Math.floor(m)} min ${Math.round(s % 60)} s`;
  const h = m / 60;
  return h < 48 ? `${Math.floor(h)} h ${Math.round(m % 60)} min` : `${(h / 24).toFixed(1)} d`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatCell(run: RunRow, column: Column): string {
  const value = cellValue(run, column);
  if (value === undefined) return '';
  if (column.kind === 'attr' && column.key === 'start_time') return formatTime(value as number);
  if (column.kind === 'attr' && column.key === 'duration') return formatDuration(value as number);
  return typeof value === 'number' ? formatNumber(value) : value;
}
