// Registry search: parsed filters and order_by clauses (server/search) become parameterised SQL
// with the semantics of MLflow's SQL store on SQLite: case-sensitive LIKE, ILIKE by lower(), a tag
// comparison matching only entities that carry the tag, offset page tokens, and prompts (models
// tagged `mlflow.prompt.is_prompt = true`) left out unless the filter asks for them.
import { and, asc, desc, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { modelVersions, registeredModels } from '../db/schema.ts';
import { invalidParameter } from '../http/errors.ts';
import type { Comparison, Filter, OrderBy } from '../search/ast.ts';
import { parseModelVersionFilter, parseRegisteredModelFilter } from '../search/filter.ts';
import { parseOrderBy } from '../search/order-by.ts';
import { createPageToken, parsePageToken } from '../tracking/paging.ts';
import { pyRepr } from '../http/python-format.ts';
import { modelVersionJson, type ModelVersionJson, type RegisteredModelJson } from './json.ts';
import { registeredModelsJson, versionId, versionTagsOf } from './rows.ts';
import { IS_PROMPT_TAG_KEY, STAGE_DELETED_INTERNAL } from './validation.ts';

/** SQL LIKE's `%` and `_` as GLOB's `*` and `?`, GLOB's own wildcards escaped: LIKE, but case-sensitive. */
export function likeToGlob(pattern: string): string {
  return pattern.replace(/[*?[%_]/g, (c) => ({ '*': '[*]', '?': '[?]', '[': '[[]', '%': '*', _: '?' })[c]!);
}

function compare(column: SQL, c: Comparison): SQL {
  const v = c.value;
  switch (c.op) {
    case 'LIKE':
      return sql`${column} GLOB ${likeToGlob(String(v))}`;
    case 'ILIKE':
      return sql`lower(${column}) LIKE lower(${String(v)})`;
    case 'IN':
      return inArray(column, v as string[]);
    case 'NOT IN':
      return notInArray(column, v as string[]);
    default:
      return sql`${column} ${sql.raw(c.op)} ${v as string | number}`;
  }
}

/** MLflow reads `is_prompt = 'true'` (or `!= 'false'`) as a request for prompts; otherwise it drops that comparison. */
function promptFilter(filter: Filter): { filter: Filter; prompts: boolean } {
  const first = filter.find((c) => c.type === 'tag' && c.key === IS_PROMPT_TAG_KEY);
  const value = String(first?.value ?? '').toLowerCase();
  const prompts = first !== undefined && ((first.op === '=' && value === 'true') || (first.op === '!=' && value === 'false'));
  return { prompts, filter: prompts ? filter : filter.filter((c) => !(c.type === 'tag' && c.key === IS_PROMPT_TAG_KEY)) };
}

interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

function page<R>(rows: R[], offset: number, maxResults: number): { rows: R[]; nextPageToken?: string } {
  return { rows: rows.slice(0, Math.max(0, maxResults)), nextPageToken: rows.length === maxResults + 1 ? createPageToken(offset + maxResults) : undefined };
}

function checkDuplicates(fields: string[], clauses: string[]): void {
  if (new Set(fields).size !== fields.length) throw invalidParameter(`\`order_by\` contains duplicate fields: [${clauses.map(pyRepr).join(', ')}]`);
}

const MODEL_ORDER_COLUMNS: Record<string, SQL> = {
  name: sql`registered_models.name`,
  timestamp: sql`registered_models.last_updated_time`,
  last_updated_timestamp: sql`registered_models.last_updated_time`,
};

function modelOrder(clauses: string[]): SQL[] {
  const parsed: OrderBy[] = clauses.map((c) => parseOrderBy(c, 'registered_model'));
  const columns = parsed.map((o) => {
    const column = MODEL_ORDER_COLUMNS[o.key];
    if (!column) throw invalidParameter(`Invalid order by key '${o.key}' specified.Valid keys are '{'name', 'timestamp'}'`);
    return column;
  });
  const fields = parsed.map((o) => (o.key === 'name' ? 'name' : 'last_updated_time'));
  checkDuplicates(fields, clauses);
  const order = parsed.map((o, i) => (o.ascending ? asc(columns[i]!) : desc(columns[i]!)));
  if (!fields.includes('name')) order.push(asc(registeredModels.name));
  return order;
}

function modelConditions(filter: Filter): SQL[] {
  const { filter: rest, prompts } = promptFilter(filter);
  const conditions = rest.map((c) => {
    if (c.type === 'attribute' && c.key === 'name') return compare(sql`registered_models.name`, c);
    if (c.type === 'tag')
      return sql`EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = registered_models.name AND t.key = ${c.key} AND ${compare(sql`t.value`, c)})`;
    throw invalidParameter(`Invalid attribute name: ${c.key}`);
  });
  if (!prompts)
    conditions.push(sql`NOT EXISTS (SELECT 1 FROM registered_model_tags p WHERE p.name = registered_models.name AND p.key = ${IS_PROMPT_TAG_KEY} AND p.value = 'true')`);
  return conditions;
}

export interface SearchRequest {
  filter?: string;
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

export function searchRegisteredModels(db: Db, req: SearchRequest): Page<RegisteredModelJson> {
  if (req.maxResults > 1000)
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most 1000, but got value ${req.maxResults}`);
  const conditions = modelConditions(parseRegisteredModelFilter(req.filter));
  const order = modelOrder(req.orderBy);
  const offset = parsePageToken(req.pageToken);
  const rows = db
    .select()
    .from(registeredModels)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(Math.max(0, req.maxResults + 1))
    .offset(offset)
    .all();
  const p = page(rows, offset, req.maxResults);
  return { items: registeredModelsJson(db, p.rows, 'by-stage'), nextPageToken: p.nextPageToken };
}

const VERSION_ATTRIBUTE_COLUMNS: Record<string, SQL> = {
  name: sql`model_versions.name`,
  version_number: sql`model_versions.version`,
  run_id: sql`model_versions.run_id`,
  source_path: sql`model_versions.source`,
};

const VERSION_ORDER_COLUMNS: Record<string, SQL> = {
  name: sql`model_versions.name`,
  version_number: sql`model_versions.version`,
  creation_timestamp: sql`model_versions.creation_time`,
  last_updated_timestamp: sql`model_versions.last_updated_time`,
};

const DEFAULT_VERSION_ORDER = ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];

function versionOrder(clauses: string[]): SQL[] {
  const parsed = clauses.map((c) => parseOrderBy(c, 'model_version'));
  const order = parsed.map((o) => {
    const column = VERSION_ORDER_COLUMNS[o.key];
    if (!column)
      throw invalidParameter(`Invalid order by key '${o.key}' specified. Valid keys are {'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}`);
    return o.ascending ? asc(column) : desc(column);
  });
  const keys = parsed.map((o) => o.key);
  checkDuplicates(keys, clauses);
  if (!keys.includes('name')) order.push(asc(modelVersions.name));
  if (!keys.includes('version_number')) order.push(desc(modelVersions.version));
  return order;
}

function versionConditions(filter: Filter): SQL[] {
  const { filter: rest, prompts } = promptFilter(filter);
  const conditions = rest.map((c) => {
    const column = c.type === 'attribute' ? VERSION_ATTRIBUTE_COLUMNS[c.key] : undefined;
    if (column) return compare(column, c);
    if (c.type === 'tag')
      return sql`EXISTS (SELECT 1 FROM model_version_tags t WHERE t.name = model_versions.name AND t.version = model_versions.version AND t.key = ${c.key} AND ${compare(sql`t.value`, c)})`;
    throw invalidParameter(`Invalid attribute name: ${c.key}`);
  });
  if (!prompts)
    conditions.push(sql`NOT EXISTS (SELECT 1 FROM model_version_tags p WHERE p.name = model_versions.name AND p.key = ${IS_PROMPT_TAG_KEY} AND p.value = 'true')`);
  conditions.push(sql`model_versions.current_stage != ${STAGE_DELETED_INTERNAL}`);
  return conditions;
}

/** Search results carry tags but no aliases, as in MLflow. */
export function searchModelVersions(db: Db, req: SearchRequest): Page<ModelVersionJson> {
  if (req.maxResults < 1) throw invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${req.maxResults}`);
  if (req.maxResults > 200_000)
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most 200000, but got value ${req.maxResults}`);
  const conditions = versionConditions(parseModelVersionFilter(req.filter));
  const order = versionOrder(req.orderBy.length > 0 ? req.orderBy : DEFAULT_VERSION_ORDER);
  const offset = parsePageToken(req.pageToken);
  const rows = db
    .select()
    .from(modelVersions)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(req.maxResults + 1)
    .offset(offset)
    .all();
  const p = page(rows, offset, req.maxResults);
  const tags = versionTagsOf(db, [...new Set(p.rows.map((r) => r.name))]);
  return { items: p.rows.map((r) => modelVersionJson(r, tags.get(versionId(r.name, r.version)) ?? [], [])), nextPageToken: p.nextPageToken };
}
