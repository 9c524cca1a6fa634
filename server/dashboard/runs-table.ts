// Every run a filter selects, compact, for the dashboard's runs table: run search's own filter and
// ordering (tracking/run-search.ts) picks the IDs; SQLite then writes each run's params, latest
// metrics and tags as JSON itself, and the response is assembled as text: reading 300k key/value
// rows into JavaScript objects and serialising them again costs several times more.
// Two shapes: `json` (rows, every key beside its value) and `chunks` (columns, in chunks that the
// page can show as they arrive: the first screenful comes after the search and a few runs' reads,
// and a key set shared by many runs is written once).
import type Database from 'better-sqlite3';
import type { Filter, OrderBy } from '../search/ast.ts';
import { SEARCH_MAX_RESULTS_THRESHOLD } from '../tracking/paging.ts';
import { searchRunIds } from '../tracking/run-search.ts';
import { StatementCache } from '../tracking/statement-cache.ts';
import type { ViewType } from '../tracking/view-type.ts';
import { AnswerCache, StoreStamp } from './store-stamp.ts';

export interface RunsTableRequest {
  experimentIds: string[];
  filter: Filter;
  orderBy: OrderBy[];
  view: ViewType;
}

/** One chunk of the columns shape: `RunsChunk` in web/src/data/runsChunk.ts reads it. */
type ColumnRow = [
  index: number,
  run: string,
  name: string,
  experiment: number,
  status: string,
  start: number,
  end: number | null,
  paramKeys: string,
  paramValues: string,
  metricKeys: string,
  metricValues: string,
  tagKeys: string,
  tagValues: string,
];

/** The first chunk fills a screen quickly; later ones grow, each one transaction, requests served between. */
export const FIRST_CHUNK = 200;
export const MAX_CHUNK = 5000;
/** Characters of chunks kept: a few tables of 10k runs (about 4 MB each). */
const CACHE_SIZE = 32_000_000;

export interface RunsTableChunks {
  total: number;
  /** The next chunk as one line of JSON, or undefined after the last (an empty table has one chunk). */
  next(): string | undefined;
}

type Row = [run: string, name: string, experiment: number, status: string, start: number, end: number | null, parent: string | null, params: string, metrics: string, tags: string];

const PARENT_RUN_TAG = 'mlflow.parentRunId';

export class RunsTable {
  private readonly searches;
  private readonly rows;
  private readonly columnRows;
  private readonly stamp;
  private readonly cache;

  /** `derivedChanges`: rows written to derived tables (MetricRollups.ownChanges), which leave the table as it was. */
  constructor(
    private readonly db: Database.Database,
    derivedChanges?: () => number,
  ) {
    this.searches = new StatementCache(db);
    this.stamp = new StoreStamp(db, derivedChanges);
    this.cache = new AnswerCache<{ total: number; lines: string[] }>(this.stamp, CACHE_SIZE);
    // A NaN metric is stored as 0 with is_nan set; it travels as "NaN", as protobuf-JSON writes it.
    this.rows = db
      .prepare<[string]>(
        `SELECT r.run_uuid, r.run_name, r.experiment_id, r.status, r.start_time, r.end_time,
           (SELECT value FROM run_tags WHERE run_uuid = r.run_uuid AND key = '${PARENT_RUN_TAG}'),
           (SELECT json_group_object(key, value) FROM params WHERE run_uuid = r.run_uuid),
           (SELECT json_group_object(key, CASE WHEN is_nan THEN 'NaN' ELSE value END) FROM latest_metrics WHERE run_uuid = r.run_uuid),
           (SELECT json_group_object(key, value) FROM run_tags WHERE run_uuid = r.run_uuid)
         FROM runs r WHERE r.run_uuid IN (SELECT value FROM json_each(?))`,
      )
      .raw();
    // Keys and values apart, both in key order (the (run_uuid, key) index gives it: no sort): a
    // chunk writes each distinct key list once. The parent run is read from the tags on the page.
    // CROSS JOIN keeps json_each outside, in the order of the IDs.
    const inKeyOrder = (table: string, column: string) =>
      `(SELECT json_group_array(v) FROM (SELECT ${column} AS v FROM ${table} WHERE run_uuid = r.run_uuid ORDER BY key))`;
    const keysAndValues = (table: string, value = 'value') => `${inKeyOrder(table, 'key')}, ${inKeyOrder(table, value)}`;
    this.columnRows = db
      .prepare<[string]>(
        `SELECT j.key, r.run_uuid, r.run_name, r.experiment_id, r.status, r.start_time, r.end_time,
           ${keysAndValues('params')}, ${keysAndValues('latest_metrics', "CASE WHEN is_nan THEN 'NaN' ELSE value END")}, ${keysAndValues('run_tags')}
         FROM json_each(?) j CROSS JOIN runs r ON r.run_uuid = j.value`,
      )
      .raw();
  }

  /**
   * The table in chunks of columns. The search runs now (a bad filter throws here, before any
   * answer is sent); each chunk reads its runs when asked for, so a run deleted meanwhile is left out.
   */
  chunks(req: RunsTableRequest): RunsTableChunks {
    // A page opened again, or by a second user, finds the table made for the first while nothing
    // was written since.
    const key = JSON.stringify(req);
    const cached = this.cache.get(key);
    if (cached) {
      let i = 0;
      return { total: cached.total, next: () => cached.lines[i++] };
    }
    const stamp = this.stamp.now();
    const ids = this.allRunIds(req);
    const lines: string[] = [];
    let at = 0;
    let size = FIRST_CHUNK;
    let chars = 0;
    return {
      total: ids.length,
      next: () => {
        if (lines.length > 0 && at >= ids.length) {
          this.cache.set(key, stamp, { total: ids.length, lines }, chars);
          return undefined;
        }
        const slice = ids.slice(at, at + size);
        at += slice.length;
        size = Math.min(size * 4, MAX_CHUNK);
        const line = this.chunkJson(slice, ids.length);
        lines.push(line);
        chars += line.length;
        return line;
      },
    };
  }

  private chunkJson(ids: string[], total: number): string {
    const rows = ids.length === 0 ? [] : (this.db.transaction(() => this.columnRows.all(JSON.stringify(ids)))() as ColumnRow[]);
    rows.sort((a, b) => a[0] - b[0]);
    const text = JSON.stringify;
    const column = (i: 1 | 2 | 4 | 5 | 6) => text(rows.map((r) => r[i]));
    const keyed = (keysAt: 7 | 9 | 11) => {
      const sets = new Map<string, number>();
      const keySet = rows.map((r) => {
        let n = sets.get(r[keysAt]);
        if (n === undefined) sets.set(r[keysAt], (n = sets.size));
        return n;
      });
      return `{"keys":[${[...sets.keys()].join(',')}],"key_set":${text(keySet)},"values":[${rows.map((r) => r[keysAt + 1]).join(',')}]}`;
    };
    return (
      `{"total":${total},"run_id":${column(1)},"run_name":${column(2)},"experiment_id":${text(rows.map((r) => String(r[3])))},` +
      `"status":${column(4)},"start_time":${column(5)},"end_time":${column(6)},"params":${keyed(7)},"metrics":${keyed(9)},"tags":${keyed(11)}}`
    );
  }

  /** The response body: `{runs, params, metrics, tags}` as JSON text. */
  json(req: RunsTableRequest): string {
    return this.db.transaction(() => {
      const ids = this.allRunIds(req);
      const byId = new Map<string, Row>();
      if (ids.length > 0) for (const row of this.rows.all(JSON.stringify(ids)) as Row[]) byId.set(row[0], row);
      const rows = ids.map((id) => byId.get(id)!);
      // Reading the keys back from the objects is ~4x cheaper than SELECT DISTINCT over 300k rows.
      const keys = (column: 7 | 8 | 9) => {
        const seen = new Set<string>();
        for (const row of rows) for (const key of Object.keys(JSON.parse(row[column]) as object)) seen.add(key);
        return JSON.stringify([...seen].sort());
      };
      return `{"runs":[${rows.map(runJson).join(',')}],"params":${keys(7)},"metrics":${keys(8)},"tags":${keys(9)}}`;
    })();
  }

  /** Run search has pages; the table wants them all. */
  private allRunIds(req: RunsTableRequest): string[] {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = searchRunIds(this.searches, { ...req, maxResults: SEARCH_MAX_RESULTS_THRESHOLD, pageToken });
      for (const id of page.runIds) ids.push(id);
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    return ids;
  }
}

function runJson([run, name, experiment, status, start, end, parent, params, metrics, tags]: Row): string {
  const text = JSON.stringify;
  return `{"run_id":${text(run)},"run_name":${text(name)},"experiment_id":"${experiment}","status":${text(status)},"start_time":${start},"end_time":${end ?? 'null'},"parent_run_id":${parent === null ? 'null' : text(parent)},"params":${params},"metrics":${metrics},"tags":${tags}}`;
}
