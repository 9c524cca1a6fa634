// MLflow's checks on model registry input (mlflow/utils/validation.py and model_version_stages.py),
// with its messages.
import { invalidParameter } from '../http/errors.ts';
import { checkLength, validateEntityName } from '../tracking/validation.ts';
import { invalidValueMessage, missingValueMessage } from '../http/messages.ts';
import { posixNormpath, pyRepr } from '../http/python-format.ts';

export const MAX_MODEL_REGISTRY_TAG_KEY_LENGTH = 250;
export const MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH = 100_000;
export const MAX_REGISTERED_MODEL_ALIAS_LENGTH = 255;

export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];
/** Stages whose current holders `archive_existing_versions` may archive. */
export const ACTIVE_STAGES: readonly Stage[] = ['Staging', 'Production'];
/** A deleted version keeps its row (so its number is never reused) under this stage. */
export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';

/** Model versions of prompts carry this tag; registry search leaves them out unless asked. */
export const IS_PROMPT_TAG_KEY = 'mlflow.prompt.is_prompt';

export function validateModelName(name: string | undefined, field = 'name'): string {
  if (name === undefined || name.trim() === '') throw invalidParameter(missingValueMessage(field));
  if (name.includes('/') || name.includes(':')) throw invalidParameter(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
  const norm = posixNormpath(name);
  if (norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/'))
    throw invalidParameter(
      invalidValueMessage(
        'name',
        name,
        `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to ${pyRepr(norm)}`,
      ),
    );
  return name;
}

/** Python's `int(str)`: surrounding whitespace, a sign and leading zeros are fine. */
export function parseVersion(version: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(version)) throw invalidParameter(`Parameter 'version' must be an integer, got '${version}'.`);
  return Number(version.trim());
}

export function validateAliasName(alias: string): string {
  if (alias === '') throw invalidParameter('Registered model alias name cannot be empty.');
  if (!/^[\p{L}\p{N}_-]*\n?$/u.test(alias)) throw invalidParameter(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  checkLength('Registered model alias name', MAX_REGISTERED_MODEL_ALIAS_LENGTH, alias);
  return alias;
}

/** `latest` and `v<digits>` name versions in `models:/` URIs, so they cannot be aliases. */
export function validateAliasNotReserved(alias: string): void {
  if (alias.toLowerCase() === 'latest') throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`);
}

export function validateRegistryTag(key: string, value: string): void {
  validateEntityName(key, 'key');
  checkLength('key', MAX_MODEL_REGISTRY_TAG_KEY_LENGTH, key);
  checkLength('value', MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH, value);
}

/** Stage names are case-insensitive on input and canonical on output. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) throw invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return found;
}
