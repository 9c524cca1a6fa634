// The parsed form of MLflow search filters and order_by clauses. Parsers in this folder produce
// it; stores turn it into parameterised SQL. Nothing here is ever spliced into SQL text.

/** What a filter or order_by key refers to. `attribute` covers run/experiment/model columns. */
export type EntityType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/**
 * LIKE and ILIKE follow MLflow: `%` matches any run of characters, `_` exactly one, there is no
 * escape character, and the pattern must match the whole value. LIKE is case-sensitive, ILIKE is
 * not. SQLite's LIKE ignores ASCII case by default: MLflow sets `PRAGMA case_sensitive_like = true`
 * on every connection and sends ILIKE as `lower(column) LIKE lower(?)`; do the same.
 * IS NULL / IS NOT NULL (params and tags of runs, tags of experiments) test whether the key is set;
 * their `value` is '' and unused.
 */
export type ComparisonOp =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'LIKE'
  | 'ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL';

export interface Comparison {
  type: EntityType;
  /**
   * The key without prefix or quotes: `loss` for ``metrics.`loss` ``. Attributes use MLflow's search
   * names, aliases resolved: runs run_id, run_name, status, user_id, artifact_uri, start_time,
   * end_time; experiments name, experiment_id (value: a canonical decimal string), creation_time,
   * last_update_time; registered models name; model versions name, run_id, source_path,
   * version_number. Datasets (runs only): name, digest, context.
   */
  key: string;
  op: ComparisonOp;
  /** A number for numeric comparisons, a string for string ones, a list for IN / NOT IN. */
  value: number | string | string[];
}

/** A filter is a conjunction (MLflow's grammar has only AND). Empty = match everything. */
export type Filter = Comparison[];

export interface OrderBy {
  type: EntityType;
  key: string;
  ascending: boolean;
}
