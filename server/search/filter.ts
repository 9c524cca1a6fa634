// Search filters of runs, experiments, registered models and model versions, read as MLflow 3
// reads them: its parser (SearchUtils and subclasses) decides the shape of each comparison, then its
// SQL store decides which operators each kind of key takes. Both steps are reproduced here, in
// MLflow's order, with its messages. Every failure is MlflowError INVALID_PARAMETER_VALUE.
//
// Deliberate deviations (MLflow accepts, we refuse; each is a quirk MLflow turns into a nonsense key
// or a query that fails later):
//  - a parenthesised list after = != LIKE ILIKE (`run_id = ('a')`): MLflow hands a tuple to SQL;
//  - text sqlparse glues into keys: `metrics.a DESC > 1` (key "a DESC"), `metrics.a ('x') > 1`,
//    `metrics.a[0] > 1`, and `tags.a = 'x' tags.b IS NULL` (key "a = 'x' tags.b");
//  - numbers written with non-ASCII digits, `\N{...}` escapes in IN lists.

import { invalidParameter } from '../http/errors.ts';
import type { Comparison, ComparisonOp, EntityType, Filter } from './ast.ts';
import { splitComparisons, type Operand, type RawComparison } from './clauses.ts';
import { pythonInt, pythonSet, quotedValue, trimBackticks, unquoteKey } from './quoting.ts';
import { parseStringList } from './string-list.ts';

type Value = number | string | string[];

/** A comparison after MLflow's parser, before its store checks the operator. */
interface Parsed {
  type: EntityType;
  key: string;
  op: string;
  value: Value;
}

const NUMERIC_OPS = ['>', '>=', '!=', '=', '<', '<='];
const STRING_OPS = ['!=', '=', 'LIKE', 'ILIKE'];
const LIST_OPS = ['IN', 'NOT IN'];
const NULL_OPS = ['IS NULL', 'IS NOT NULL'];

/** MLflow's names for entity types in messages. */
const MLFLOW_TYPE_NAME: Record<EntityType, string> = {
  metric: 'metric',
  param: 'parameter',
  tag: 'tag',
  attribute: 'attribute',
  dataset: 'dataset',
};

const pythonList = (values: readonly string[]): string => `[${values.map((v) => `'${v}'`).join(', ')}]`;

function leftIdentifier(comparison: RawComparison): string {
  if (comparison.left.kind !== 'identifier') {
    throw invalidParameter(`Invalid comparison clause. Expected 'Identifier' found '${comparison.left.text}'`);
  }
  return comparison.left.text;
}

const isStringLike = (operand: Operand): boolean => operand.kind === 'string' || operand.kind === 'identifier';
const isNumber = (operand: Operand): boolean => operand.kind === 'int' || operand.kind === 'float';

/** Runs the parse step over every comparison, then the store step, as MLflow does. */
function read(
  text: string | undefined,
  quoteInvalid: boolean,
  parse: (comparison: RawComparison) => Parsed,
  check: (parsed: Parsed) => Comparison,
): Filter {
  if (!text) return [];
  const parsed = splitComparisons(text, quoteInvalid).map(parse);
  return parsed.map(check);
}

/** The store-side operator check shared by all kinds; lists only after IN / NOT IN. */
function withOp(parsed: Parsed, allowed: readonly string[], message: () => string): Comparison {
  if (!allowed.includes(parsed.op)) throw invalidParameter(message());
  const op = parsed.op as ComparisonOp;
  if (Array.isArray(parsed.value) !== LIST_OPS.includes(op)) {
    throw invalidParameter(`A list of values can only follow IN or NOT IN, not '${op}'`);
  }
  return { type: parsed.type, key: parsed.key, op, value: parsed.value };
}

const notOneOf = (op: string, allowed: readonly string[]) => () =>
  `Invalid comparator '${op}' not one of '${pythonSet(allowed)}'`;

// ---------------------------------------------------------------------------------------------
// Runs

const RUN_ENTITY_TYPES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'param',
  parameters: 'param',
  param: 'param',
  params: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const RUN_ATTRIBUTE_ALIASES = new Map([
  ['created', 'start_time'],
  ['Created', 'start_time'],
  ['run name', 'run_name'],
  ['Run name', 'run_name'],
  ['Run Name', 'run_name'],
]);
/** MLflow's store reads `created` as start_time and `run name` as run_name. */
export const runAttribute = (key: string): string => RUN_ATTRIBUTE_ALIASES.get(key) ?? key;
const RUN_NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time', 'created', 'Created']);
const RUN_BASE_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time'];
const RUN_SEARCH_ATTRIBUTES = [...RUN_BASE_ATTRIBUTES, ...RUN_ATTRIBUTE_ALIASES.keys()];
export const RUN_ORDER_BY_ATTRIBUTES = [...RUN_BASE_ATTRIBUTES, 'created', 'Created'];
const DATASET_KEYS = ['name', 'digest', 'context'];
const RUN_ENTITY_NAMES = ['metric', 'parameter', 'tag', 'attribute', 'dataset'];

/** MLflow's SearchUtils._get_identifier: `type.key`, or a bare attribute name. */
export function runIdentifier(text: string, attributes: readonly string[]): { type: EntityType; key: string } {
  const dot = text.indexOf('.');
  let type: EntityType = 'attribute';
  if (dot !== -1) {
    const entity = trimBackticks(text.slice(0, dot));
    const known = Object.hasOwn(RUN_ENTITY_TYPES, entity) ? RUN_ENTITY_TYPES[entity] : undefined;
    if (!known) {
      throw invalidParameter(`Invalid entity type '${entity}'. Valid values are ${pythonList(RUN_ENTITY_NAMES)}`);
    }
    type = known;
  }
  const key = unquoteKey(dot === -1 ? text : text.slice(dot + 1));
  if (type === 'attribute' && !attributes.includes(key)) {
    throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${pythonSet(attributes)}'`);
  }
  if (type === 'dataset' && !DATASET_KEYS.includes(key)) {
    throw invalidParameter(`Invalid dataset key '${key}' specified. Valid keys are '${pythonSet(DATASET_KEYS)}'`);
  }
  return { type, key };
}

function runValue(type: EntityType, key: string, right: Operand): Value {
  switch (type) {
    case 'metric':
      if (!isNumber(right)) throw invalidParameter(`Expected numeric value type for metric. Found ${right.text}`);
      return Number(right.text);
    case 'param':
    case 'tag':
      if (isStringLike(right)) return quotedValue(right.text);
      throw invalidParameter(
        `Expected a quoted string value for ${MLFLOW_TYPE_NAME[type]} (e.g. 'my-value'). Got value ${right.text}`,
      );
    case 'attribute':
      if (RUN_NUMERIC_ATTRIBUTES.has(key)) {
        if (!isNumber(right)) {
          throw invalidParameter(`Expected numeric value type for numeric attribute: ${key}. Found ${right.text}`);
        }
        return Number(right.text);
      }
      if (isStringLike(right)) return quotedValue(right.text);
      if (right.kind === 'list') {
        if (key !== 'run_id') {
          throw invalidParameter(
            "Only ['run_id'] attributes support comparison with a list of quoted string values.",
          );
        }
        return parseStringList(right.text);
      }
      throw invalidParameter(`Expected a quoted string value for attributes. Got value ${right.text}`);
    case 'dataset':
      if (isStringLike(right)) return quotedValue(right.text);
      if (right.kind === 'list') return parseStringList(right.text);
      throw invalidParameter(`Expected a quoted string value for dataset attributes. Got value ${right.text}`);
  }
}

function parseRunComparison(comparison: RawComparison): Parsed {
  const { type, key } = runIdentifier(leftIdentifier(comparison), RUN_SEARCH_ATTRIBUTES);
  if (!comparison.right) {
    if (type !== 'tag' && type !== 'param') {
      throw invalidParameter(
        `IS NULL / IS NOT NULL is only supported for tags and params, not for '${MLFLOW_TYPE_NAME[type]}' '${key}'`,
      );
    }
    return { type, key, op: comparison.op, value: '' };
  }
  return { type, key, op: comparison.op, value: runValue(type, key, comparison.right) };
}

function checkRunComparison(parsed: Parsed): Comparison {
  const op = parsed.op.toUpperCase();
  const key = parsed.type === 'attribute' ? runAttribute(parsed.key) : parsed.key;
  const translated = { ...parsed, op, key };
  switch (parsed.type) {
    case 'attribute': {
      const allowed = RUN_NUMERIC_ATTRIBUTES.has(key) ? NUMERIC_OPS : [...STRING_OPS, ...LIST_OPS];
      return withOp(translated, allowed, notOneOf(op, allowed));
    }
    case 'metric':
      return withOp(translated, NUMERIC_OPS, notOneOf(op, NUMERIC_OPS));
    case 'param':
    case 'tag':
      return withOp(translated, [...STRING_OPS, ...NULL_OPS], notOneOf(op, [...STRING_OPS, ...NULL_OPS]));
    case 'dataset':
      return withOp(translated, [...STRING_OPS, ...LIST_OPS], notOneOf(op, [...STRING_OPS, ...LIST_OPS]));
  }
}

/** runs/search `filter`. */
export function parseRunFilter(filter: string | undefined): Filter {
  return read(filter, true, parseRunComparison, checkRunComparison);
}

// ---------------------------------------------------------------------------------------------
// Experiments

export const EXPERIMENT_ATTRIBUTES = ['name', 'experiment_id', 'creation_time', 'last_update_time'];
const EXPERIMENT_NUMERIC_ATTRIBUTES = new Set(['creation_time', 'last_update_time']);
const REGISTRY_ENTITY_NAMES = "('attribute', 'tag', 'tags')";

/** MLflow's SearchExperimentsUtils._get_identifier (also used for model-version order_by). */
export function experimentIdentifier(text: string, attributes: readonly string[]): { type: EntityType; key: string } {
  const dot = text.indexOf('.');
  const entity = dot === -1 ? 'attribute' : text.slice(0, dot);
  if (entity !== 'attribute' && entity !== 'tag' && entity !== 'tags') {
    throw invalidParameter(`Invalid entity type '${entity}'. Valid entity types are ${REGISTRY_ENTITY_NAMES}`);
  }
  const key = unquoteKey(dot === -1 ? text : text.slice(dot + 1));
  if (entity === 'attribute' && !attributes.includes(key)) {
    throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${pythonSet(attributes)}'`);
  }
  return { type: entity === 'attribute' ? 'attribute' : 'tag', key };
}

function parseExperimentComparison(comparison: RawComparison): Parsed {
  const { type, key } = experimentIdentifier(leftIdentifier(comparison), EXPERIMENT_ATTRIBUTES);
  const right = comparison.right;
  if (!right) {
    if (type !== 'tag') {
      throw invalidParameter(`IS NULL / IS NOT NULL is only supported for tags, not for attribute '${key}'`);
    }
    return { type, key, op: comparison.op, value: '' };
  }
  let value: Value;
  if (type === 'tag') {
    if (!isStringLike(right)) {
      throw invalidParameter(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${right.text}`);
    }
    value = quotedValue(right.text);
  } else if (EXPERIMENT_NUMERIC_ATTRIBUTES.has(key)) {
    if (!isNumber(right)) {
      throw invalidParameter(`Expected numeric value type for numeric attribute: ${key}. Found ${right.text}`);
    }
    value = right.text; // judged by the store step
  } else if (isStringLike(right)) {
    value = quotedValue(right.text);
  } else if (right.kind === 'list') {
    if (key !== 'experiment_id') {
      throw invalidParameter(
        "Only ['experiment_id'] attributes support comparison with a list of quoted string values.",
      );
    }
    value = parseStringList(right.text);
  } else {
    throw invalidParameter(`Expected a quoted string value for attributes. Got value ${right.text}`);
  }
  return { type, key, op: comparison.op, value };
}

function experimentId(value: string): string {
  const id = pythonInt(value);
  if (id === undefined) {
    throw invalidParameter(`Invalid experiment ID '${value}'. Experiment ID must be a valid integer.`);
  }
  return id.toString();
}

/** MLflow's experiment store compares operators exactly as written: `like` is refused. */
function checkExperimentComparison(parsed: Parsed): Comparison {
  const { key, op, value } = parsed;
  if (parsed.type === 'tag') {
    return withOp(parsed, [...STRING_OPS, ...NULL_OPS], () => `Invalid comparator for tag: ${op}`);
  }
  if (key === 'experiment_id') {
    if (!['=', '!=', ...LIST_OPS].includes(op)) {
      throw invalidParameter(`Invalid comparator for experiment_id: ${op}`);
    }
    const ids = Array.isArray(value) ? value.map(experimentId) : experimentId(value as string);
    return withOp({ ...parsed, value: ids }, ['=', '!=', ...LIST_OPS], () => '');
  }
  if (EXPERIMENT_NUMERIC_ATTRIBUTES.has(key)) {
    const comparison = withOp(parsed, NUMERIC_OPS, notOneOf(op, NUMERIC_OPS));
    const number = pythonInt(value as string);
    if (number === undefined) {
      throw invalidParameter(`Invalid value for numeric attribute '${key}': '${String(Number(value))}'`);
    }
    return { ...comparison, value: Number(number) };
  }
  const allowed = [...STRING_OPS, ...LIST_OPS];
  if (!allowed.includes(op)) throw invalidParameter(notOneOf(op, allowed)());
  return withOp(parsed, STRING_OPS, () => `Invalid comparator for string attribute: ${op}`);
}

/** experiments/search `filter`. */
export function parseExperimentFilter(filter: string | undefined): Filter {
  return read(filter, false, parseExperimentComparison, checkExperimentComparison);
}

// ---------------------------------------------------------------------------------------------
// Model registry

const MODEL_VERSION_ATTRIBUTES = ['name', 'version_number', 'run_id', 'source_path'];
const MODEL_VERSION_NUMERIC_ATTRIBUTES = ['version_number', 'creation_timestamp', 'last_updated_timestamp'];

/** MLflow's registry identifiers: attribute names are checked before quotes are removed. */
function registryIdentifier(text: string, attributes: readonly string[]): { type: EntityType; key: string } {
  const dot = text.indexOf('.');
  const entity = dot === -1 ? 'attribute' : text.slice(0, dot);
  if (entity !== 'attribute' && entity !== 'tag' && entity !== 'tags') {
    throw invalidParameter(`Invalid entity type '${entity}'. Valid entity types are ${REGISTRY_ENTITY_NAMES}`);
  }
  const raw = dot === -1 ? text : text.slice(dot + 1);
  if (entity === 'attribute' && !attributes.includes(raw)) {
    throw invalidParameter(`Invalid attribute key '${raw}' specified. Valid keys are '${pythonSet(attributes)}'`);
  }
  return { type: entity === 'attribute' ? 'attribute' : 'tag', key: unquoteKey(raw) };
}

function parseRegistryComparison(
  comparison: RawComparison,
  attributes: readonly string[],
  listKeys: readonly string[],
  numericKeys: readonly string[],
): Parsed {
  const { type, key } = registryIdentifier(leftIdentifier(comparison), attributes);
  const right = comparison.right;
  if (!right) throw invalidParameter(`IS NULL / IS NOT NULL is not supported in this search`);
  const op = comparison.op.toUpperCase();
  if (type === 'tag') {
    if (!isStringLike(right)) {
      throw invalidParameter(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${right.text}`);
    }
    return { type, key, op, value: quotedValue(right.text) };
  }
  if (isStringLike(right)) return { type, key, op, value: quotedValue(right.text) };
  if (right.kind === 'list') {
    if (!listKeys.includes(key)) {
      throw invalidParameter(
        `Only ${pythonList(listKeys)} attributes support comparison with a list of quoted string values.`,
      );
    }
    return { type, key, op, value: parseStringList(right.text) };
  }
  if (isNumber(right) && numericKeys.length > 0) {
    if (!numericKeys.includes(key)) {
      throw invalidParameter(`Only the '${pythonSet(numericKeys)}' attributes support comparison with numeric values.`);
    }
    return { type, key, op, value: right.kind === 'int' ? right.text : Number(right.text) };
  }
  throw invalidParameter(
    `Expected a quoted string value or a list of quoted string values for attributes. Got value ${right.text}`,
  );
}

function checkRegisteredModelComparison(parsed: Parsed): Comparison {
  const { op } = parsed;
  if (parsed.type === 'tag') return withOp(parsed, STRING_OPS, () => `Invalid comparator for tag: ${op}`);
  return withOp(parsed, [...STRING_OPS, ...LIST_OPS], () => `Invalid comparator for attribute: ${op}`);
}

function checkModelVersionComparison(parsed: Parsed): Comparison {
  const { key, op, value } = parsed;
  if (parsed.type === 'tag') return withOp(parsed, STRING_OPS, () => `Invalid comparator for tag: ${op}`);
  if (MODEL_VERSION_NUMERIC_ATTRIBUTES.includes(key)) {
    const comparison = withOp(parsed, NUMERIC_OPS, () => `Invalid comparator for attribute ${key}: ${op}`);
    const number = typeof value === 'string' ? pythonInt(value) : undefined;
    if (number === undefined) {
      const shown = typeof value === 'number' ? String(value) : `'${String(value)}'`;
      throw invalidParameter(`Invalid value for numeric attribute '${key}': ${shown}`);
    }
    return { ...comparison, value: Number(number) };
  }
  const lists = key === 'run_id' || key === 'name' ? LIST_OPS : [];
  return withOp(parsed, [...STRING_OPS, ...lists], () => `Invalid comparator for attribute: ${op}`);
}

/** registered-models/search `filter`. */
export function parseRegisteredModelFilter(filter: string | undefined): Filter {
  return read(
    filter,
    false,
    (comparison) => parseRegistryComparison(comparison, ['name'], ['name'], []),
    checkRegisteredModelComparison,
  );
}

/** model-versions/search `filter`. */
export function parseModelVersionFilter(filter: string | undefined): Filter {
  return read(
    filter,
    false,
    (comparison) =>
      parseRegistryComparison(comparison, MODEL_VERSION_ATTRIBUTES, ['name', 'run_id'], MODEL_VERSION_NUMERIC_ATTRIBUTES),
    checkModelVersionComparison,
  );
}
