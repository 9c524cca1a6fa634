// Registers MLflow REST handlers under every prefix the protocol uses. A handler receives the
// request fields already validated by its zod schema and returns the response object.
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { MlflowError } from './errors.ts';
import { parseRequest } from './proto.ts';

export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HandlerContext {
  c: Context;
  /** The authenticated user name, or '' when auth is off (MLflow's default user id is then used). */
  user: string;
}

export type Handler<S extends z.ZodTypeAny> = (req: z.output<S>, ctx: HandlerContext) => object | Promise<object>;

/**
 * A GET may carry its fields as a JSON body (MLflow accepts that when there is no query string).
 * The Fetch API drops GET bodies, so the body is read from Node's request stream, when present.
 */
async function readGetBody(c: Context): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableEnded) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a request's fields: the query string for GET (repeated keys → arrays), else the JSON body. */
export async function readFields(c: Context): Promise<unknown> {
  const method = c.req.method;
  const url = new URL(c.req.url);
  if (method === 'GET' && url.search.length > 1) {
    const out: Record<string, string | string[]> = {};
    for (const [k, values] of Object.entries(c.req.queries())) out[k] = values.length === 1 ? values[0]! : values;
    return out;
  }
  const text = method === 'GET' ? await readGetBody(c) : await c.req.text();
  if (method !== 'GET') {
    const contentType = c.req.header('content-type');
    if (method === 'POST' || method === 'PATCH') {
      if (!contentType) throw new MlflowError('INVALID_PARAMETER_VALUE', 'Bad Request. Content-Type header is missing.');
      if (contentType.split(';')[0]!.trim().toLowerCase() !== 'application/json')
        throw new MlflowError('INVALID_PARAMETER_VALUE', "Bad Request. Content-Type must be one of ['application/json'].");
    }
  }
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MlflowError('BAD_REQUEST', 'Malformed request: the body is not valid JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new MlflowError('BAD_REQUEST', 'Malformed request: the body must be a JSON object.');
  return body;
}

export class MlflowApi {
  constructor(
    private readonly app: Hono,
    private readonly userOf: (c: Context) => string,
  ) {}

  route<S extends z.ZodTypeAny>(methods: Method | Method[], path: string, schema: S, handler: Handler<S>): void {
    const list = Array.isArray(methods) ? methods : [methods];
    for (const prefix of MLFLOW_PREFIXES) {
      this.app.on(list, `${prefix}/${path}`, async (c) => {
        const fields = await readFields(c);
        const req = parseRequest(schema, fields);
        const res = await handler(req, { c, user: this.userOf(c) });
        return c.json(res, 200);
      });
    }
  }

  get<S extends z.ZodTypeAny>(path: string, schema: S, handler: Handler<S>): void {
    this.route('GET', path, schema, handler);
  }
  post<S extends z.ZodTypeAny>(path: string, schema: S, handler: Handler<S>): void {
    this.route('POST', path, schema, handler);
  }
  patch<S extends z.ZodTypeAny>(path: string, schema: S, handler: Handler<S>): void {
    this.route('PATCH', path, schema, handler);
  }
  delete<S extends z.ZodTypeAny>(path: string, schema: S, handler: Handler<S>): void {
    this.route('DELETE', path, schema, handler);
  }
}
