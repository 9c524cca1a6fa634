// Run search: which run IDs a filter selects from some experiments, in MLflow's order, one page
// at a time. Clauses on metrics, params and tags read the latest_metrics/params/run_tags tables
// through their indexes; order_by keys arrive through LEFT JOINs on their (run_uuid, key) keys.
import { invalidParameter } from '../http/errors.ts';
import type { Filter, OrderBy } from '../search/ast.ts';
import { parseOrderBy } from '../search/order-by.ts';
import { createPageToken, parsePageToken, validateMaxResults } from './paging.ts';
import { pyValueRepr } from '../http/python-format.ts';
import { runFilterSql, runOrderSql, type RunCondition, type SqlFragment } from './search-sql.ts';
import type { StatementCache } from './statement-cache.ts';
import { parseExperimentId } from './validation.ts';
import { stagesOf, type ViewType } from './view-type.ts';

export interface RunSearchOptions {
  experimentIds: string[];
  filter: Filter;
  view: ViewType;
  maxResults: number;
  orderBy: OrderBy[];
  pageToken?: string;
}

export interface RunIdPage {
  runIds: string[];
  nextPageToken?: string;
}

/** `col = ?` for one value, `col IN (?, ...)` for several. */
function oneOf(column: string, values: unknown[]): SqlFragment {
  return values.length === 1 ? { sql: `${column} = ?`, params: values } : { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: values };
}

function count(statements: StatementCache, sql: string, params: unknown[]): number {
  return statements.get<{ n: number }>(`SELECT count(*) AS n FROM ${sql}`).get(...params)!.n;
}

/**
 * SQLite keeps no statistics on values, so the plan is chosen here. Either the runs of the
 * experiments are walked (in start_time order, stopping early when that is the order asked for)
 * and each clause probes its entity's (run_uuid, key) key; or the most selective indexed clause
 * lists its runs from the (key, value) index first. Counting a clause's matches on that index
 * costs a fraction of a millisecond, so both costs are estimated and the cheaper plan is taken.
 */
function chooseDriver(statements: StatementCache, conditions: RunCondition[], scope: SqlFragment[], earlyExit: boolean, needed: number): RunCondition | undefined {
  const candidates = conditions.filter((c) => c.indexed !== undefined);
  if (candidates.length === 0) return undefined;
  const counted = candidates.map((c) => ({ c, n: count(statements, `${c.indexed!.table} WHERE ${c.indexed!.estimate.sql}`, c.indexed!.estimate.params) }));
  const best = counted.reduce((a, b) => (b.n < a.n ? b : a));
  const runs = count(statements, `runs r WHERE ${scope.map((s) => s.sql).join(' AND ')}`, scope.flatMap((s) => s.params));
  // Walking runs costs about `runs` probes, or needed/selectivity when it may stop early.
  const walkCost = earlyExit ? (needed * runs) / Math.max(best.n, 1) : runs;
  return best.n < walkCost ? best.c : undefined;
}

export function searchRunIds(statements: StatementCache, options: RunSearchOptions): RunIdPage {
  validateMaxResults(options.maxResults);
  const offset = parsePageToken(options.pageToken);
  const experimentIds = [...new Set(options.experimentIds.map(parseExperimentId))];
  if (experimentIds.length === 0) return { runIds: [] };
  const stages = stagesOf(options.view);
  const conditions = runFilterSql(options.filter);
  const order = runOrderSql(options.orderBy);
  const scope = [oneOf('r.experiment_id', experimentIds), oneOf('r.lifecycle_stage', stages)];
  // Only one experiment in one stage comes out of the (experiment, stage, start_time) index in order.
  const earlyExit = order.isDefault && experimentIds.length === 1 && stages.length === 1;
  const driver = chooseDriver(statements, conditions, scope, earlyExit, offset + options.maxResults + 1);
  const where = driver
    ? [
        // `+` keeps SQLite from using the experiment index, so that the driver's run list leads.
        ...scope.map((s) => ({ sql: `+${s.sql}`, params: s.params })),
        { sql: `r.run_uuid IN (SELECT run_uuid FROM ${driver.indexed!.table} WHERE ${driver.indexed!.sql})`, params: driver.indexed!.params },
        ...conditions.filter((c) => c !== driver).map((c) => c.where),
      ]
    : [...scope, ...conditions.map((c) => c.where)];
  const sql = [
    'SELECT r.run_uuid AS run_uuid FROM runs r',
    ...order.joins.map((j) => j.sql),
    `WHERE ${where.map((w) => w.sql).join(' AND ')}`,
    `ORDER BY ${order.terms.join(', ')}`,
    'LIMIT ? OFFSET ?',
  ].join(' ');
  const params = [...order.joins.flatMap((j) => j.params), ...where.flatMap((w) => w.params), options.maxResults + 1, offset];
  const rows = statements.get<{ run_uuid: string }>(sql).all(...params);
  const runIds = rows.slice(0, options.maxResults).map((r) => r.run_uuid);
  return rows.length > options.maxResults ? { runIds, nextPageToken: createPageToken(offset + options.maxResults) } : { runIds };
}

/**
 * runs/search `order_by`. MLflow refuses a key named twice with an INTERNAL_ERROR (500, which its
 * client retries for minutes); the same message comes back here as a 400.
 */
export function parseRunOrderBy(clauses: string[]): OrderBy[] {
  const orderBy = clauses.map((clause) => parseOrderBy(clause, 'run'));
  const keys = orderBy.map((o) => `${o.type}\u0000${o.key}`);
  if (new Set(keys).size < keys.length) throw invalidParameter(`\`order_by\` contains duplicate fields: ${pyValueRepr(clauses)}`);
  return orderBy;
}
