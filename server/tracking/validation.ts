// MLflow's validation of entity names, values and batch sizes (mlflow/utils/validation.py), with
// its exact messages. Over-long param and run-tag values are truncated, as MLflow does by default
// (MLFLOW_TRUNCATE_LONG_VALUES=true); over-long keys are refused.
import { invalidParameter } from '../http/errors.ts';
import { posixNormpath, pyFloat, pyLen, pyRepr, pySlice } from '../http/python-format.ts';
import { invalidValueMessage } from '../http/messages.ts';

export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_ENTITIES_PER_BATCH = 1000;
export const MAX_PARAM_VAL_LENGTH = 6000;
export const MAX_TAG_VAL_LENGTH = 8000;
export const MAX_EXPERIMENT_NAME_LENGTH = 500;
export const MAX_EXPERIMENT_TAG_KEY_LENGTH = 250;
export const MAX_EXPERIMENT_TAG_VAL_LENGTH = 20000;
export const MAX_ENTITY_KEY_LENGTH = 250;
export const MAX_DATASET_NAME_SIZE = 500;
export const MAX_DATASET_DIGEST_SIZE = 36;
export const MAX_DATASET_SCHEMA_SIZE = 1048575;
export const MAX_DATASET_SOURCE_SIZE = 65535;
export const MAX_DATASET_PROFILE_SIZE = 16777215;
export const MAX_INPUT_TAG_KEY_SIZE = 255;
export const MAX_INPUT_TAG_VALUE_SIZE = 500;

/** Python's `re.match(r"^[/\w.\- :]*$", name)`; `$` also matches before a final newline. */
const NAME_PATTERN = /^[/\p{L}\p{N}_.\- :]*\n?$/u;

const BAD_CHARACTER_MESSAGE =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

/** `append_to_json_path`: `metrics[0]` + `name` → `metrics[0].name`; no prefix → `name`. */
export function jsonPath(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

function pathNotUnique(name: string): boolean {
  const norm = posixNormpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

/** Metric, param and tag names: MLflow's character set, and nothing that resolves to another path. */
export function validateEntityName(name: string, path: string): void {
  if (!NAME_PATTERN.test(name)) throw invalidParameter(invalidValueMessage(path, name, BAD_CHARACTER_MESSAGE));
  if (pathNotUnique(name))
    throw invalidParameter(
      invalidValueMessage(
        path,
        name,
        `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to ${pyRepr(posixNormpath(name))}`,
      ),
    );
}

/** Refuses a value longer than `limit` code points. */
export function checkLength(entityName: string, limit: number, value: string): string {
  if (value.length > limit && pyLen(value) > limit) throw invalidParameter(`'${entityName}' exceeds the maximum length of ${limit} characters`);
  return value;
}

/** Cuts a value to `limit` code points (MLflow's default for param and tag values). */
export function truncate(limit: number, value: string): string {
  return value.length > limit && pyLen(value) > limit ? pySlice(value, limit) : value;
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export function validateMetric(m: MetricPoint, prefix: string): void {
  validateEntityName(m.key, jsonPath(prefix, 'name'));
  if (m.timestamp < 0)
    throw invalidParameter(
      invalidValueMessage(
        jsonPath(prefix, 'timestamp'),
        m.timestamp,
        `metric '${m.key}' (value=${pyFloat(m.value)}). Timestamp must be a nonnegative long (64-bit integer) `,
      ),
    );
  checkLength('Metric name', MAX_ENTITY_KEY_LENGTH, m.key);
}

/** Returns the param as MLflow stores it (value truncated to 6000 characters). */
export function validateParam(key: string, value: string, prefix: string): { key: string; value: string } {
  validateEntityName(key, jsonPath(prefix, 'key'));
  return { key: checkLength('Param key', MAX_ENTITY_KEY_LENGTH, key), value: truncate(MAX_PARAM_VAL_LENGTH, value) };
}

/** Returns the run tag as MLflow stores it (value truncated to 8000 characters). */
export function validateRunTag(key: string, value: string, prefix: string): { key: string; value: string } {
  validateEntityName(key, jsonPath(prefix, 'key'));
  return { key: checkLength(jsonPath(prefix, 'key'), MAX_ENTITY_KEY_LENGTH, key), value: truncate(MAX_TAG_VAL_LENGTH, value) };
}

export function validateExperimentTag(key: string, value: string): void {
  validateEntityName(key, 'key');
  checkLength('key', MAX_EXPERIMENT_TAG_KEY_LENGTH, key);
  checkLength('value', MAX_EXPERIMENT_TAG_VAL_LENGTH, value);
}

export function validateExperimentName(name: string): void {
  if (name === '') throw invalidParameter(`Invalid experiment name: ''`);
  checkLength('name', MAX_EXPERIMENT_NAME_LENGTH, name);
}

const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}\n?$/;

export function validateRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId)) throw invalidParameter(invalidValueMessage('run_id', runId));
}

function checkBatchLimit(entityName: string, limit: number, length: number): void {
  if (length > limit)
    throw invalidParameter(
      `A batch logging request can contain at most ${limit} ${entityName}. Got ${length} ${entityName}. Please split up ${entityName} across multiple requests and try again.`,
    );
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  checkBatchLimit('metrics', MAX_METRICS_PER_BATCH, metrics);
  checkBatchLimit('params', MAX_PARAMS_TAGS_PER_BATCH, params);
  checkBatchLimit('tags', MAX_PARAMS_TAGS_PER_BATCH, tags);
  checkBatchLimit('metrics, params, and tags', MAX_ENTITIES_PER_BATCH, metrics + params + tags);
}

export function validateParamKeysUnique(params: { key: string }[]): void {
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const p of params) {
    if (seen.has(p.key)) dupes.push(p.key);
    else seen.add(p.key);
  }
  if (dupes.length > 0)
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${dupes.map(pyRepr).join(', ')}]. Please ensure the request contains only one param value per param key.`,
    );
}

/** MLflow's experiment IDs are integers in the SQL store. */
export function parseExperimentId(id: string): number {
  const trimmed = id.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw invalidParameter(`Invalid experiment ID '${id}'. Experiment ID must be a valid integer.`);
  return Number(trimmed);
}
