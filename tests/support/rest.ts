// A thin MLflow REST caller for black-box tests: raw status, headers and body, no retries, so
// every test sees exactly what the server answered.
import { request } from 'node:http';
import { expect } from 'vitest';

export const API = '/api/2.0/mlflow';
export const AJAX_API = '/ajax-api/2.0/mlflow';
export const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  /** The parsed body; undefined when it is not JSON. */
  json: Json;
}

export type Query = Record<string, string | number | boolean | (string | number)[] | undefined>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function parse(status: number, headers: Headers, bytes: Buffer): Reply {
  const text = bytes.toString('utf8');
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = undefined as unknown as Json;
  }
  return { status, headers, text, bytes, json };
}

/**
 * One HTTP exchange through node:http rather than fetch: fetch refuses a GET with a body (which
 * MLflow accepts), adds a Content-Type of its own to string bodies, and normalizes paths.
 */
function exchange(baseUrl: string, path: string, method: string, body: string | Uint8Array | undefined, headers: Record<string, string>): Promise<Reply> {
  const base = new URL(baseUrl);
  // The path goes out as written: a URL object would resolve `..` before the server could refuse it.
  const options = { host: base.hostname, port: base.port, path, method, headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } };
  return new Promise((done, fail) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        done(parse(res.statusCode ?? 0, h, Buffer.concat(chunks)));
      });
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}

export class Rest {
  constructor(
    readonly baseUrl: string,
    readonly prefix: string = API,
  ) {}

  /** The same server under another prefix (`/ajax-api/2.0/mlflow`). */
  withPrefix(prefix: string): Rest {
    return new Rest(this.baseUrl, prefix);
  }

  async raw(method: string, path: string, init: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<Reply> {
    return exchange(this.baseUrl, path, method, init.body, init.headers ?? {});
  }

  /** A JSON call under the MLflow prefix; GET puts the fields in the query string. */
  async call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body: Json = {}): Promise<Reply> {
    if (method === 'GET') return this.raw('GET', `${this.prefix}/${path}${queryString(body as Query)}`);
    return this.raw(method, `${this.prefix}/${path}`, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  }

  get(path: string, query: Query = {}): Promise<Reply> {
    return this.call('GET', path, query as Json);
  }
  post(path: string, body: Json = {}): Promise<Reply> {
    return this.call('POST', path, body);
  }
  patch(path: string, body: Json = {}): Promise<Reply> {
    return this.call('PATCH', path, body);
  }
  delete(path: string, body: Json = {}): Promise<Reply> {
    return this.call('DELETE', path, body);
  }

  /** A call that must succeed: returns the body, failing with the server's answer otherwise. */
  async ok(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body: Json = {}): Promise<Json> {
    const r = await this.call(method, path, body);
    if (r.status !== 200) throw new Error(`${method} ${path} ${JSON.stringify(body).slice(0, 300)} → ${r.status} ${r.text.slice(0, 500)}`);
    return r.json;
  }

  // Shorthands for the set-up steps most tests share.
  async createExperiment(name: string, extra: Json = {}): Promise<string> {
    const body = await this.ok('POST', 'experiments/create', { name, ...extra });
    return body.experiment_id as string;
  }

  async createRun(experimentId: string, extra: Json = {}): Promise<RunJson> {
    const body = await this.ok('POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now(), ...extra });
    return body.run as RunJson;
  }

  async getRun(runId: string): Promise<RunJson> {
    return (await this.ok('GET', 'runs/get', { run_id: runId })).run as RunJson;
  }

  async logBatch(runId: string, batch: { metrics?: Json[]; params?: Json[]; tags?: Json[] }): Promise<void> {
    await this.ok('POST', 'runs/log-batch', { run_id: runId, ...batch });
  }
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface MetricJson {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
  run_id?: string;
}

export interface RunJson {
  info: {
    run_id: string;
    run_uuid: string;
    run_name: string;
    experiment_id: string;
    user_id: string;
    status: string;
    start_time: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: string;
  };
  data: { metrics?: MetricJson[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: Json[] };
}

/** Asserts MLflow's error envelope: status, error_code, and optionally the message's start. */
export function expectError(r: Reply, status: number, errorCode: string, messageStart?: string | RegExp): void {
  const detail = `${r.status} ${r.text.slice(0, 400)}`;
  expect(r.status, detail).toBe(status);
  expect(r.json?.error_code, detail).toBe(errorCode);
  expect(typeof r.json?.message, detail).toBe('string');
  if (typeof messageStart === 'string') expect((r.json.message as string).startsWith(messageStart), `message: ${r.json.message as string}`).toBe(true);
  else if (messageStart) expect(r.json.message as string).toMatch(messageStart);
}

export function expectOk(r: Reply): Json {
  expect(r.status, `${r.status} ${r.text.slice(0, 400)}`).toBe(200);
  return r.json;
}

/** Tags/params as a plain object, for order-free comparison. */
export function asMap(entries: KeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries((entries ?? []).map((e) => [e.key, e.value]));
}

let counter = 0;
/** A name no other test in the run uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
