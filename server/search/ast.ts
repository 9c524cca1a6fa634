// The parsed form of MLflow search filters and order_by clauses. Parsers in this folder produce
// it; stores turn it into parameterised SQL. Nothing here is ever spliced into SQL text.

/** What a filter or order_by key refers to. `attribute` covers run/experiment/model columns. */
export type EntityType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export type ComparisonOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export interface Comparison {
  type: EntityType;
  /** The key without prefix or quotes: `loss` for ``metrics.`loss` ``; attribute names in snake_case. */
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
