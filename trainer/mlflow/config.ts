// Where the tracking server is and how to sign in, read from the environment as the official MLflow
// client reads it; explicit options win over the environment.
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';

export interface MlflowClientOptions {
  /** MLFLOW_TRACKING_URI; default http://127.0.0.1:5000. */
  trackingUri?: string;
  /** MLFLOW_TRACKING_TOKEN: sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD: HTTP Basic auth (wins over a token, as in MLflow). */
  username?: string;
  password?: string;
  /** MLFLOW_EXPERIMENT_NAME: the experiment getOrCreateExperiment() uses when given no name. */
  experimentName?: string;
  /** Per-request limit for API calls (MLFLOW_HTTP_REQUEST_TIMEOUT, in seconds there); default 30 s. */
  timeoutMs?: number;
  /** Per-request limit for artifact uploads and downloads, which may be large; default 10 min. */
  artifactTimeoutMs?: number;
  /** MLFLOW_HTTP_REQUEST_MAX_RETRIES sets maxAttempts - 1. */
  retry?: Partial<RetryPolicy>;
}

export interface MlflowConfig {
  /** The tracking URI without credentials or trailing slash; API paths are appended to it. */
  baseUrl: string;
  /** The Authorization header value, when credentials are configured. */
  authorization?: string;
  experimentName?: string;
  timeoutMs: number;
  artifactTimeoutMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';

export class MlflowConfigError extends Error {
  override name = 'MlflowConfigError';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function positiveNumber(value: string, variable: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new MlflowConfigError(`${variable} must be a non-negative number, got '${value}'`);
  return n;
}

/** Parses and checks the tracking URI; user:password in it become Basic credentials (fetch refuses them in URLs). */
function parseTrackingUri(uri: string): { baseUrl: string; username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new MlflowConfigError(`MLFLOW_TRACKING_URI '${uri}' is not a URL: expected http(s)://host:port of an MLflow tracking server`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new MlflowConfigError(
      `MLFLOW_TRACKING_URI '${uri}' uses '${url.protocol}': the trainer speaks only MLflow REST, so it must be an http:// or https:// URL of a tracking server (for example http://127.0.0.1:5000)`,
    );
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return { baseUrl: url.toString().replace(/\/+$/, ''), username, password };
}

function basic(username: string | undefined, password: string | undefined): string {
  if (username === undefined || password === undefined)
    throw new MlflowConfigError('MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be set together (HTTP Basic auth needs both)');
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Explicit options first, then credentials in the URI, then the environment (Basic before token, as MLflow does). */
function authorization(options: MlflowClientOptions, uri: { username?: string; password?: string }, env: NodeJS.ProcessEnv): string | undefined {
  if (options.username !== undefined || options.password !== undefined) return basic(options.username, options.password);
  if (options.token !== undefined) return `Bearer ${options.token}`;
  if (uri.username !== undefined) return basic(uri.username, uri.password ?? '');
  const username = nonEmpty(env.MLFLOW_TRACKING_USERNAME);
  const password = nonEmpty(env.MLFLOW_TRACKING_PASSWORD);
  if (username !== undefined || password !== undefined) return basic(username, password);
  const token = nonEmpty(env.MLFLOW_TRACKING_TOKEN);
  return token === undefined ? undefined : `Bearer ${token}`;
}

export function resolveConfig(options: MlflowClientOptions = {}, env: NodeJS.ProcessEnv = process.env): MlflowConfig {
  const uri = parseTrackingUri(options.trackingUri ?? nonEmpty(env.MLFLOW_TRACKING_URI) ?? DEFAULT_TRACKING_URI);
  const timeoutEnv = nonEmpty(env.MLFLOW_HTTP_REQUEST_TIMEOUT);
  const retriesEnv = nonEmpty(env.MLFLOW_HTTP_REQUEST_MAX_RETRIES);
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(retriesEnv === undefined ? {} : { maxAttempts: Math.floor(positiveNumber(retriesEnv, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES')) + 1 }),
    ...options.retry,
  };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) throw new MlflowConfigError(`retry.maxAttempts must be an integer ≥ 1, got ${retry.maxAttempts}`);
  return {
    baseUrl: uri.baseUrl,
    authorization: authorization(options, uri, env),
    experimentName: options.experimentName ?? nonEmpty(env.MLFLOW_EXPERIMENT_NAME),
    timeoutMs: options.timeoutMs ?? (timeoutEnv === undefined ? 30_000 : positiveNumber(timeoutEnv, 'MLFLOW_HTTP_REQUEST_TIMEOUT') * 1000),
    artifactTimeoutMs: options.artifactTimeoutMs ?? 600_000,
    retry,
  };
}
