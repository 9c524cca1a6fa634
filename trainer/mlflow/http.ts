// One HTTP exchange with the tracking server, retried when it may pass later.
//
// Built on Node's own fetch (undici) rather than axios: it does all this client needs (streams,
// timeouts through AbortSignal, keep-alive) and adds no dependency.
import type { z, ZodTypeAny } from 'zod';
import type { MlflowConfig } from './config.ts';
import { MlflowClientError } from './errors.ts';
import { withRetries, type RetryPolicy } from './retry.ts';
import { errorBodySchema } from './types.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

/** The tracking and registry API. */
export const API = '/api/2.0/mlflow';
/** The artifact proxy behind `mlflow-artifacts:/` locations. */
export const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

/** What fetch accepts as a request body (no DOM lib here to name BodyInit). */
export type RequestBody = NonNullable<RequestInit['body']>;

export type Query = Record<string, string | number | readonly (string | number)[] | undefined>;

export interface RequestSpec {
  method: Method;
  /** Absolute, already encoded path (`/api/2.0/mlflow/runs/get`). */
  path: string;
  /** Query fields; lists become repeated keys, as MLflow reads them. */
  query?: Query;
  /** A JSON body (POST, PATCH, DELETE). */
  json?: unknown;
  /** A raw body, made afresh for each attempt: a file stream cannot be sent twice. */
  body?: () => { data: RequestBody; length?: number };
  timeoutMs?: number;
  /** Default: the client's policy. `{ ...policy, maxAttempts: 1 }` sends once. */
  retry?: RetryPolicy;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function retryAfterMs(res: Response): number | undefined {
  const header = res.headers.get('retry-after');
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Why no answer came: the socket error's code (ECONNREFUSED, ECONNRESET) or the timeout. */
function noAnswerMessage(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export class Transport {
  constructor(readonly config: MlflowConfig) {}

  /** A successful (2xx) response with its body still unread; MlflowClientError otherwise. */
  async send(spec: RequestSpec): Promise<Response> {
    const policy = spec.retry ?? this.config.retry;
    return withRetries((attempt) => this.attempt(spec, attempt), policy, {
      shouldRetry: (err) => err instanceof MlflowClientError && err.transient,
      retryAfterMs: (err) => (err instanceof MlflowClientError ? err.retryAfterMs : undefined),
    });
  }

  /** A JSON call, its answer checked against `schema`. */
  async json<S extends ZodTypeAny>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    const res = await this.send(spec);
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      throw new MlflowClientError({ method: spec.method, path: spec.path, status: res.status, serverMessage: `unexpected answer (${issues}): ${text.slice(0, 300)}`, attempts: 1 });
    }
    return parsed.data as z.output<S>;
  }

  /** An MLflow API call (`runs/get`): GET fields travel as the query, the others as a JSON body. */
  api<S extends ZodTypeAny>(method: Exclude<Method, 'PUT'>, endpoint: string, fields: Record<string, unknown>, schema: S, retry?: RetryPolicy): Promise<z.output<S>> {
    const path = `${API}/${endpoint}`;
    return method === 'GET' ? this.json({ method, path, query: fields as Query, retry }, schema) : this.json({ method, path, json: fields, retry }, schema);
  }

  private async attempt(spec: RequestSpec, attempt: number): Promise<Response> {
    const timeoutMs = spec.timeoutMs ?? this.config.timeoutMs;
    const headers: Record<string, string> = {};
    if (this.config.authorization) headers.Authorization = this.config.authorization;
    let body: RequestBody | undefined;
    if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.body) {
      const made = spec.body();
      body = made.data;
      if (made.length !== undefined) headers['Content-Length'] = String(made.length);
    }
    let res: Response;
    try {
      res = await fetch(`${this.config.baseUrl}${spec.path}${queryString(spec.query)}`, {
        method: spec.method,
        headers,
        body,
        // Streams need half-duplex; harmless for other bodies.
        duplex: 'half',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new MlflowClientError({ method: spec.method, path: spec.path, serverMessage: noAnswerMessage(err, timeoutMs), attempts: attempt, cause: err });
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let envelope: { error_code: string; message: string } | undefined;
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(text));
      envelope = parsed.success ? parsed.data : undefined;
    } catch {
      envelope = undefined;
    }
    throw new MlflowClientError({
      method: spec.method,
      path: spec.path,
      status: res.status,
      errorCode: envelope?.error_code,
      serverMessage: envelope?.message ?? (text.trim().slice(0, 500) || res.statusText),
      attempts: attempt,
      retryAfterMs: retryAfterMs(res),
    });
  }
}
