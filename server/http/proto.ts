// Protobuf-JSON field types for request schemas, and the translation of schema failures into
// MLflow's own messages. GET requests carry every field as a query string, so scalar types accept
// their string forms; repeated fields accept a single value.
import { z } from 'zod';
import { invalidParameter, MlflowError } from './errors.ts';
import { API_DOCS_HINT, invalidValueMessage, missingValueMessage } from './messages.ts';

/** A number or string on the wire, before int64/double read it (no zod transform: cheap on hot lists). */
export const wireNumber = z.union([z.number(), z.string()]);

/** The int64 a wire value stands for, or undefined when it is not an integer. */
export function int64Of(v: number | string): number | undefined {
  const n = typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);
  return Number.isInteger(n) ? n : undefined;
}

const SPECIAL_DOUBLES: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** The double a wire value stands for (protobuf's "NaN" / "Infinity" / "-Infinity" included), or undefined. */
export function doubleOf(v: number | string): number | undefined {
  if (typeof v === 'number') return v;
  const n = v in SPECIAL_DOUBLES ? SPECIAL_DOUBLES[v]! : v.trim() === '' ? Number.NaN : Number(v);
  return Number.isNaN(n) && v !== 'NaN' ? undefined : n;
}

/** int64: a JSON number or a numeric string (protobuf-JSON sends int64 as either). */
export const int64 = wireNumber.transform((v, ctx) => {
  const n = int64Of(v);
  if (n === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not an integer' });
    return z.NEVER;
  }
  return n;
});

/** double: numbers, numeric strings, and protobuf's "NaN" / "Infinity" / "-Infinity". */
export const double = wireNumber.transform((v, ctx) => {
  const n = doubleOf(v);
  if (n === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a number' });
    return z.NEVER;
  }
  return n;
});

/** bool: JSON booleans and the query-string forms `True`/`False`/`true`/`false`. */
export const bool = z.union([z.boolean(), z.enum(['True', 'False', 'true', 'false'])]).transform((v) => v === true || v === 'True' || v === 'true');

/** string: protobuf strings; numbers are rejected as MLflow does. */
export const str = z.string();

/** repeated field: an array, or one bare value (a single query parameter). */
export function repeated<T extends z.ZodTypeAny>(item: T) {
  return z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item));
}

export const keyValue = z.object({ key: str, value: str.optional() });

/** MLflow names Python types in its "Invalid value" hints. */
function pythonTypeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
    case 'object':
      return 'dict';
    default:
      return typeof v;
  }
}

function valueAtPath(input: unknown, path: (string | number)[]): unknown {
  let v = input;
  for (const p of path) v = v == null ? undefined : (v as Record<string | number, unknown>)[p];
  return v;
}

/** Parses a request against a schema, throwing MLflow's INVALID_PARAMETER_VALUE on failure. */
export function parseRequest<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'request';
  const value = valueAtPath(input, issue.path);
  if (value === undefined) throw invalidParameter(missingValueMessage(field) + API_DOCS_HINT);
  if (issue.code === 'custom' && issue.message !== 'not an integer' && issue.message !== 'not a number') throw invalidParameter(issue.message);
  throw invalidParameter(invalidValueMessage(field, value, ` Hint: Value was of type '${pythonTypeName(value)}'.`) + API_DOCS_HINT);
}

/** A required string that must be non-empty, with MLflow's missing-value message when empty. */
export function requireNonEmpty(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw invalidParameter(missingValueMessage(field) + API_DOCS_HINT);
  return value;
}

export { MlflowError };
