// Translates parsed search filters and order_by clauses (server/search/ast.ts) into SQL for the
// run and experiment searches, as MLflow's SQLAlchemy store does. Every value travels as a bound
// parameter; column and table names come only from the fixed maps below.
import { invalidParameter } from '../http/errors.ts';
import type { Comparison, ComparisonOp, Filter, OrderBy } from '../search/ast.ts';
import { parseExperimentId } from './validation.ts';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const DATASET_CONTEXT_TAG = 'mlflow.data.context';

/** Run attributes MLflow lets a filter or order_by name, and the column each one reads. */
const RUN_COLUMNS: Record<string, string> = {
  run_id: 'r.run_uuid',
  run_name: 'r.run_name',
  user_id: 'r.user_id',
  status: 'r.status',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};
const RUN_NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);
/** MLflow's UI spellings of run attributes. */
const RUN_ATTRIBUTE_ALIASES: Record<string, string> = { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' };

/** The table holding each keyed entity of a run (one row per run and key). */
const RUN_ENTITY_TABLES = { metric: 'latest_metrics', param: 'params', tag: 'run_tags' } as const;

const EXPERIMENT_COLUMNS: Record<string, string> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};
const EXPERIMENT_NUMERIC_ATTRIBUTES = new Set(['creation_time', 'last_update_time']);

const NUMERIC_OPS = new Set<ComparisonOp>(['=', '!=', '>', '>=', '<', '<=']);
const NULL_OPS = new Set<ComparisonOp>(['IS NULL', 'IS NOT NULL']);
const STRING_OPS = new Set<ComparisonOp>(['=', '!=', 'LIKE', 'ILIKE']);
const LIST_OPS = new Set<ComparisonOp>(['IN', 'NOT IN']);

/**
 * MLflow runs SQLite with `PRAGMA case_sensitive_like = true`, so LIKE is case-sensitive. The shared
 * connection keeps SQLite's default, so LIKE patterns become the equivalent GLOB pattern.
 */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

function comparatorError(c: Comparison): Error {
  return invalidParameter(`Invalid comparator '${c.op}' for ${c.type} '${c.key}'`);
}

function stringValue(c: Comparison): string {
  if (typeof c.value !== 'string') throw invalidParameter(`Expected a quoted string value for ${c.type} '${c.key}'. Got value ${String(c.value)}`);
  return c.value;
}

function numberValue(c: Comparison): number {
  if (typeof c.value !== 'number') throw invalidParameter(`Expected numeric value type for ${c.type} '${c.key}'. Found ${String(c.value)}`);
  return c.value;
}

function listValue(c: Comparison): unknown[] {
  if (!Array.isArray(c.value) || c.value.length === 0)
    throw invalidParameter('While parsing a list in the query, expected a non-empty list of string values, but got empty list');
  return c.value;
}

/** `column <op> ?` for string operators; LIKE is case-sensitive, ILIKE is not (ASCII, as SQLite's lower()). */
function stringComparison(column: string, c: Comparison, listItem: (v: unknown) => unknown = (v) => v): SqlFragment {
  if (LIST_OPS.has(c.op)) {
    const values = listValue(c).map(listItem);
    return { sql: `${column} ${c.op} (${values.map(() => '?').join(', ')})`, params: values };
  }
  if (!STRING_OPS.has(c.op)) throw comparatorError(c);
  const value = stringValue(c);
  switch (c.op) {
    case 'LIKE':
      return { sql: `${column} GLOB ?`, params: [likeToGlob(value)] };
    case 'ILIKE':
      return { sql: `lower(${column}) LIKE lower(?)`, params: [value] };
    default:
      return { sql: `${column} ${c.op} ?`, params: [value] };
  }
}

function numericComparison(column: string, c: Comparison): SqlFragment {
  if (!NUMERIC_OPS.has(c.op)) throw comparatorError(c);
  return { sql: `${column} ${c.op} ?`, params: [numberValue(c)] };
}

function runAttributeKey(key: string): string {
  const name = RUN_ATTRIBUTE_ALIASES[key] ?? key;
  if (!(name in RUN_COLUMNS)) throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are ${Object.keys(RUN_COLUMNS).join(', ')}`);
  return name;
}

/**
 * One run filter clause. `where` is a condition on the run row `r` (an EXISTS probe of the
 * entity's (run_uuid, key) key for metrics, params and tags). When the clause can be answered from
 * the entity's (key, value) index, `indexed` says how: `SELECT run_uuid FROM <table> WHERE <sql>`
 * lists the matching runs, and a count over the same condition estimates how selective it is.
 */
export interface RunCondition {
  where: SqlFragment;
  indexed?: { table: string; sql: string; params: unknown[]; estimate: SqlFragment };
}

/** Comparisons SQLite answers with a range of the (key, value) index. */
const INDEXED_OPS = new Set<ComparisonOp>(['=', '>', '>=', '<', '<=']);

/** `extra` narrows the match beyond the index (a metric's is_nan); the estimate leaves it out. */
function keyedCondition(table: string, key: string, value: SqlFragment, op: ComparisonOp, extra = ''): RunCondition {
  const sql = `key = ? AND ${value.sql}${extra}`;
  const params = [key, ...value.params];
  return {
    where: { sql: `EXISTS (SELECT 1 FROM ${table} WHERE run_uuid = r.run_uuid AND ${sql})`, params },
    ...(INDEXED_OPS.has(op) ? { indexed: { table, sql, params, estimate: { sql: `key = ? AND ${value.sql}`, params } } } : {}),
  };
}

function runCondition(c: Comparison): RunCondition {
  switch (c.type) {
    case 'attribute': {
      const key = runAttributeKey(c.key);
      if (RUN_NUMERIC_ATTRIBUTES.has(key)) return { where: numericComparison(RUN_COLUMNS[key]!, c) };
      // MLflow reads run names from the mlflow.runName tag (its runs before 1.29 lack the column).
      // Here the column always follows the tag, except after the tag is deleted, and reading it
      // spares a probe of run_tags per run.
      return { where: stringComparison(RUN_COLUMNS[key]!, c) };
    }
    case 'metric': {
      const cond = numericComparison('value', c);
      // A NaN is stored as 0 with is_nan set: it satisfies only `!=`.
      if (c.op === '!=') return keyedCondition('latest_metrics', c.key, { sql: `(${cond.sql} OR is_nan = 1)`, params: cond.params }, c.op);
      return keyedCondition('latest_metrics', c.key, cond, c.op, ' AND is_nan = 0');
    }
    case 'param':
    case 'tag': {
      const table = RUN_ENTITY_TABLES[c.type];
      if (NULL_OPS.has(c.op)) {
        // Whether the run has the key at all.
        const exists = { sql: `EXISTS (SELECT 1 FROM ${table} WHERE run_uuid = r.run_uuid AND key = ?)`, params: [c.key] };
        if (c.op === 'IS NULL') return { where: { sql: `NOT ${exists.sql}`, params: exists.params } };
        return { where: exists, indexed: { table, sql: 'key = ?', params: [c.key], estimate: { sql: 'key = ?', params: [c.key] } } };
      }
      if (LIST_OPS.has(c.op)) throw comparatorError(c);
      return keyedCondition(table, c.key, stringComparison('value', c), c.op);
    }
    case 'dataset': {
      if (c.key === 'context') {
        const cond = stringComparison("json_extract(t.value, '$.value')", c);
        return {
          where: {
            sql: `EXISTS (SELECT 1 FROM run_inputs i, json_each(i.tags) t WHERE i.run_uuid = r.run_uuid AND json_extract(t.value, '$.key') = ? AND ${cond.sql})`,
            params: [DATASET_CONTEXT_TAG, ...cond.params],
          },
        };
      }
      const column = c.key === 'name' ? 'd.name' : c.key === 'digest' ? 'd.digest' : null;
      if (column === null) throw invalidParameter(`Invalid dataset key '${c.key}' specified. Valid keys are 'name', 'digest', 'context'`);
      const cond = stringComparison(column, c);
      return {
        where: { sql: `EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid WHERE i.run_uuid = r.run_uuid AND ${cond.sql})`, params: cond.params },
      };
    }
  }
}

export function runFilterSql(filter: Filter): RunCondition[] {
  return filter.map(runCondition);
}

export interface RunOrderSql {
  /** LEFT JOINs that bring each ordered metric, param or tag beside its run. */
  joins: SqlFragment[];
  /** ORDER BY terms, ending with MLflow's tie-break: start_time DESC, run_uuid ASC. */
  terms: string[];
  /** No order_by: newest first, as the runs index is kept. */
  isDefault: boolean;
}

/**
 * MLflow's run ordering: runs lacking the key sort last either way (and NaN metrics just before
 * them), then start_time DESC unless ordered already, then run_uuid ASC. Duplicate keys are refused
 * by the caller, which still has the clauses' text for the message.
 */
export function runOrderSql(orderBy: OrderBy[]): RunOrderSql {
  const joins: SqlFragment[] = [];
  const terms: string[] = [];
  let byStartTime = false;
  orderBy.forEach((o, i) => {
    const direction = o.ascending ? 'ASC' : 'DESC';
    if (o.type === 'attribute') {
      const key = runAttributeKey(o.key);
      const column = RUN_COLUMNS[key]!;
      terms.push(`(${column} IS NULL)`, `${column} ${direction}`);
      byStartTime ||= key === 'start_time';
    } else if (o.type === 'metric' || o.type === 'param' || o.type === 'tag') {
      const alias = `o${i}`;
      joins.push({ sql: `LEFT JOIN ${RUN_ENTITY_TABLES[o.type]} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ?`, params: [o.key] });
      terms.push(
        o.type === 'metric' ? `(CASE WHEN ${alias}.is_nan = 1 THEN 1 WHEN ${alias}.value IS NULL THEN 2 ELSE 0 END)` : `(${alias}.value IS NULL)`,
        `${alias}.value ${direction}`,
      );
    } else {
      throw invalidParameter(`Invalid identifier type '${o.type}'`);
    }
  });
  if (!byStartTime) terms.push('r.start_time DESC');
  terms.push('r.run_uuid ASC');
  return { joins, terms, isDefault: orderBy.length === 0 };
}

/** One experiment filter clause as a condition on the experiment row `e`. */
function experimentCondition(c: Comparison): SqlFragment {
  if (c.type === 'tag') {
    if (NULL_OPS.has(c.op))
      return { sql: `${c.op === 'IS NULL' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM experiment_tags WHERE experiment_id = e.experiment_id AND key = ?)`, params: [c.key] };
    if (!STRING_OPS.has(c.op)) throw invalidParameter(`Invalid comparator for tag: ${c.op}`);
    const cond = stringComparison('value', c);
    return { sql: `e.experiment_id IN (SELECT experiment_id FROM experiment_tags WHERE key = ? AND ${cond.sql})`, params: [c.key, ...cond.params] };
  }
  if (c.type !== 'attribute') throw invalidParameter(`Invalid token type: ${c.type}`);
  const column = EXPERIMENT_COLUMNS[c.key];
  if (column === undefined) throw invalidParameter(`Invalid attribute key '${c.key}' specified. Valid keys are ${Object.keys(EXPERIMENT_COLUMNS).join(', ')}`);
  if (c.key === 'experiment_id') {
    if (!['=', '!=', 'IN', 'NOT IN'].includes(c.op)) throw invalidParameter(`Invalid comparator for experiment_id: ${c.op}`);
    if (LIST_OPS.has(c.op)) return stringComparison(column, c, (v) => parseExperimentId(String(v)));
    return { sql: `${column} ${c.op} ?`, params: [parseExperimentId(String(c.value))] };
  }
  if (EXPERIMENT_NUMERIC_ATTRIBUTES.has(c.key)) {
    if (!NUMERIC_OPS.has(c.op)) throw invalidParameter(`Invalid comparator for numeric attribute: ${c.op}`);
    const value = typeof c.value === 'string' && /^\s*[+-]?\d+\s*$/.test(c.value) ? Number(c.value) : c.value;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParameter(`Invalid value for numeric attribute '${c.key}': '${String(c.value)}'`);
    return { sql: `${column} ${c.op} ?`, params: [value] };
  }
  if (!STRING_OPS.has(c.op)) throw invalidParameter(`Invalid comparator for string attribute: ${c.op}`);
  return stringComparison(column, c);
}

export function experimentFilterSql(filter: Filter): SqlFragment[] {
  return filter.map(experimentCondition);
}

const DEFAULT_EXPERIMENT_ORDER: OrderBy[] = [
  { type: 'attribute', key: 'creation_time', ascending: false },
  { type: 'attribute', key: 'experiment_id', ascending: true },
];

/** MLflow's experiment ordering: newest first by default, experiment_id DESC as the tie-break. */
export function experimentOrderSql(orderBy: OrderBy[]): string[] {
  const list = orderBy.length > 0 ? orderBy : DEFAULT_EXPERIMENT_ORDER;
  const terms = list.map((o) => {
    if (o.type !== 'attribute') throw invalidParameter(`Invalid order_by entity: ${o.type}`);
    const column = EXPERIMENT_COLUMNS[o.key];
    if (column === undefined) throw invalidParameter(`Invalid attribute key '${o.key}' specified. Valid keys are ${Object.keys(EXPERIMENT_COLUMNS).join(', ')}`);
    return `${column} ${o.ascending ? 'ASC' : 'DESC'}`;
  });
  if (!list.some((o) => o.key === 'experiment_id')) terms.push('e.experiment_id DESC');
  return terms;
}
