// Reading /api/pixal requests: the JSON body (as MLflow's routes read it: Content-Type checked)
// or the query string, checked by a zod schema; a failure is a 400 naming the field.
import type { Context } from 'hono';
import type { z } from 'zod';
import { readFields } from '../http/api.ts';
import { invalidParameter } from '../http/errors.ts';

function parsed<T extends z.ZodTypeAny>(schema: T, input: unknown, expected: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || 'request';
  throw invalidParameter(`Invalid value for '${field}': ${issue.message}. Expected ${expected}.`);
}

export async function jsonBody<T extends z.ZodTypeAny>(c: Context, schema: T, expected: string): Promise<z.output<T>> {
  return parsed(schema, await readFields(c), expected);
}

export function query<T extends z.ZodTypeAny>(c: Context, schema: T, expected: string): z.output<T> {
  return parsed(schema, c.req.query(), expected);
}
