// Request pieces the tracking routes share, read as MLflow's handlers read them.
import { z } from 'zod';
import { invalidParameter } from '../http/errors.ts';
import { requireNonEmpty, str } from '../http/proto.ts';
import type { KeyValue } from './entities.ts';
import { invalidValueMessage } from '../http/messages.ts';

export const SEE_API_DOCS = ' See the API docs for more information about request parameters.';

/** A protobuf key/value message: absent fields read as ''. */
export const optionalKeyValue = z.object({ key: str.optional(), value: str.optional() });

export function keyValues(list: z.output<typeof optionalKeyValue>[] | undefined): KeyValue[] {
  return (list ?? []).map((kv) => ({ key: kv.key ?? '', value: kv.value ?? '' }));
}

export const runIdFields = { run_id: str.optional(), run_uuid: str.optional() };

/** `run_id`, or the older `run_uuid` the client still sends; required either way. */
export function runIdOf(req: { run_id?: string; run_uuid?: string }): string {
  return requireNonEmpty(req.run_id || req.run_uuid, 'run_id');
}

/** MLflow's message when a handler-level check fails without its own message. */
export function typeHintError(field: string, value: string | number): Error {
  const type = typeof value === 'string' ? 'str' : Number.isInteger(value) ? 'int' : 'float';
  return invalidParameter(`${invalidValueMessage(field, value, ` Hint: Value was of type '${type}'.`)}${SEE_API_DOCS}`);
}
