// The runs table as it streams in: chunks of columns (api/types.ts RunsChunk) become the rows the
// table, sorting and grouping work on, and the key lists grow with every chunk.
import type { KeyedColumns, RunRow, RunsChunk, RunsTable } from '../api/types.ts';

const PARENT_RUN_TAG = 'mlflow.parentRunId';

/** NaN and the infinities travel as strings (protobuf-JSON); the table compares and formats numbers. */
const metricValue = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

function record<V, T>(columns: KeyedColumns<V>, run: number, convert: (v: V) => T): Record<string, T> {
  const keys = columns.keys[columns.key_set[run]!]!;
  const values = columns.values[run]!;
  const out: Record<string, T> = {};
  for (let k = 0; k < keys.length; k++) out[keys[k]!] = convert(values[k]!);
  return out;
}

const same = <V,>(v: V): V => v;

export function decodeRunsChunk(chunk: RunsChunk): RunRow[] {
  const rows: RunRow[] = new Array(chunk.run_id.length);
  for (let i = 0; i < rows.length; i++) {
    const tags = record(chunk.tags, i, same);
    rows[i] = {
      run_id: chunk.run_id[i]!,
      run_name: chunk.run_name[i]!,
      experiment_id: chunk.experiment_id[i]!,
      status: chunk.status[i]!,
      start_time: chunk.start_time[i]!,
      end_time: chunk.end_time[i]!,
      parent_run_id: tags[PARENT_RUN_TAG] ?? null,
      params: record(chunk.params, i, same),
      metrics: record(chunk.metrics, i, metricValue),
      tags,
    };
  }
  return rows;
}

/** The table so far: every chunk appends its runs and adds its keys. */
export class TableBuilder {
  private runs: RunRow[] = [];
  private readonly keys = { params: new Set<string>(), metrics: new Set<string>(), tags: new Set<string>() };
  /** The table's final length as the first chunk announced it. */
  total = 0;

  add(chunk: RunsChunk): void {
    this.total = chunk.total;
    this.runs = this.runs.concat(decodeRunsChunk(chunk));
    for (const kind of ['params', 'metrics', 'tags'] as const) for (const list of chunk[kind].keys) for (const key of list) this.keys[kind].add(key);
  }

  get loaded(): number {
    return this.runs.length;
  }

  /** A new table object each time (the view memoises on it); the runs array is shared until the next chunk. */
  table(): RunsTable {
    const sorted = (set: Set<string>) => [...set].sort();
    return { runs: this.runs, params: sorted(this.keys.params), metrics: sorted(this.keys.metrics), tags: sorted(this.keys.tags) };
  }
}
