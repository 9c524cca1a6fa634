// The mirror's own small client of a remote MLflow server (server/ must not import the trainer's):
// JSON over fetch with the MLflow client's auth (token or basic), a timeout, a few retries on
// connection failures only, and counters of requests and response bytes for the tests and the bench.
// A remote that cannot be reached (connection refused, timeout, 5xx after the retries) is a
// RemoteUnreachableError; an answer the remote gave (4xx, error body) is an MlflowError with the
// remote's own code and message.
import { MlflowError, STATUS_BY_ERROR_CODE, type ErrorCode } from '../http/errors.ts';
import { parsePythonJson } from './python-json.ts';

export interface RemoteOptions {
  url: string;
  token?: string;
  username?: string;
  password?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export type RemoteQuery = Record<string, string | string[] | number | undefined>;

/** The remote could not be reached: nothing it holds may be concluded from this. */
export class RemoteUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RemoteUnreachableError';
  }
}

const TRIES = 3;
const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorCodeOf(code: unknown, status: number): ErrorCode {
  if (typeof code === 'string' && code in STATUS_BY_ERROR_CODE) return code as ErrorCode;
  const byStatus = (Object.entries(STATUS_BY_ERROR_CODE) as [ErrorCode, number][]).find(([, s]) => s === status);
  return byStatus?.[0] ?? 'INTERNAL_ERROR';
}

/** An MlflowError carrying the remote's code, message and HTTP status. */
export class RemoteError extends MlflowError {
  constructor(
    errorCode: ErrorCode,
    message: string,
    readonly remoteStatus: number,
  ) {
    super(errorCode, message);
    this.name = 'RemoteError';
  }
}

export class RemoteMlflow {
  readonly url: string;
  readonly options: RemoteOptions;
  /** Requests answered (any status), and bytes of their bodies. */
  requests = 0;
  bytes = 0;
  private readonly authorization?: string;
  private readonly timeoutMs: number;

  constructor(options: RemoteOptions) {
    this.options = options;
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (options.token) this.authorization = `Bearer ${options.token}`;
    else if (options.username !== undefined)
      this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  }

  get(path: string, query?: RemoteQuery): Promise<unknown> {
    return this.json('GET', `${path}${queryString(query)}`);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.json('POST', path, body);
  }

  delete(path: string, body: unknown): Promise<unknown> {
    return this.json('DELETE', path, body);
  }

  /**
   * A raw answer (artifact bytes) with its status as the remote gave it; only an unreachable remote
   * (or a 502/503/504 after the retries) throws. `bytes` counts the answer's Content-Length.
   */
  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await this.send(path, init);
    const length = Number(res.headers.get('content-length'));
    if (Number.isFinite(length)) this.bytes += length;
    return res;
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await this.send(path, init);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new RemoteUnreachableError(`remote MLflow at ${this.url}: ${method} ${path} broke off: ${(err as Error).message}`, { cause: err });
    }
    this.bytes += Buffer.byteLength(text);
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? parsePythonJson(text) : {};
    } catch {
      parsed = undefined;
    }
    if (res.ok) {
      if (parsed === undefined) throw new RemoteError('INTERNAL_ERROR', `remote MLflow at ${this.url}: ${method} ${path} answered non-JSON: ${text.slice(0, 200)}`, res.status);
      return parsed;
    }
    const envelope = (parsed ?? {}) as { error_code?: unknown; message?: unknown };
    const message = typeof envelope.message === 'string' ? envelope.message : `remote answered ${res.status}: ${text.slice(0, 200)}`;
    throw new RemoteError(errorCodeOf(envelope.error_code, res.status), message, res.status);
  }

  /** One request with the auth header and timeout; retried on connection failures and on 502/503/504. */
  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.authorization && !headers.has('authorization')) headers.set('authorization', this.authorization);
    if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const target = `${this.url}${path.startsWith('/') ? path : `/${path}`}`;
    let delay = FIRST_DELAY_MS;
    let last = '';
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      let res: Response | undefined;
      try {
        res = await fetch(target, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        last = describeFailure(err);
        // A remote that accepted the connection but did not answer in time is not asked again at once.
        if (last === 'timed out') break;
      }
      if (res) {
        this.requests += 1;
        if (![502, 503, 504].includes(res.status) || attempt === TRIES) {
          if (res.status >= 502 && res.status <= 504) {
            await res.body?.cancel().catch(() => undefined);
            throw new RemoteUnreachableError(`remote MLflow at ${this.url} answered ${res.status} to ${init.method ?? 'GET'} ${path}`);
          }
          return res;
        }
        last = `HTTP ${res.status}`;
        await res.body?.cancel().catch(() => undefined);
      }
      if (attempt < TRIES) {
        await sleep(delay);
        delay = Math.min(delay * 4, MAX_DELAY_MS);
      }
    }
    throw new RemoteUnreachableError(`remote MLflow at ${this.url} is unreachable (${init.method ?? 'GET'} ${path}: ${last})`);
  }
}

function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

function queryString(query?: RemoteQuery): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
