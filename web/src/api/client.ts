// Typed calls to the server. Every failure becomes an ApiError; a server that cannot be reached
// (restarting, proxy answering 502) is retried with backoff until a deadline, never forever.
import { markReachable } from './connectivity.ts';
import { readLines } from './ndjson.ts';
import {
  ApiError,
  type ArtifactList,
  type Experiment,
  type FolderListing,
  type HistoryColumns,
  type HistorySeries,
  type Job,
  type ModelVersion,
  type PromotionEvent,
  type RegisteredModel,
  type Run,
  type RunsChunk,
  type RunsTable,
  type RunViewType,
  type Validation,
  type XAxis,
} from './types.ts';

const MLFLOW = '/ajax-api/2.0/mlflow';
/** One attempt may take this long: a cold history read of 5M points can take tens of seconds on a loaded machine. */
const ATTEMPT_TIMEOUT_MS = 60_000;
/** Give up reconnecting after this long; the caller shows the error and a retry button. */
const UNREACHABLE_DEADLINE_MS = 30_000;

type Query = Record<string, string | number | undefined>;

interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = window.setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      window.clearTimeout(timer);
      reject(signal.reason);
    });
  });

/** Gateway answers from a dev proxy mean the server itself is down. */
const GATEWAY = new Set([502, 503, 504]);

async function attempt(url: string, init: RequestInit, signal?: AbortSignal): Promise<Response | 'unreachable'> {
  const timeout = new AbortController();
  const timer = window.setTimeout(() => timeout.abort(), ATTEMPT_TIMEOUT_MS);
  const onAbort = () => timeout.abort();
  signal?.addEventListener('abort', onAbort);
  try {
    const response = await fetch(url, { ...init, signal: timeout.signal });
    // A JSON error is the server's own answer (a mirror whose remote is away answers 503), not a gateway's.
    const fromServer = response.headers.get('content-type')?.includes('application/json') ?? false;
    return GATEWAY.has(response.status) && !fromServer ? 'unreachable' : response;
  } catch {
    if (signal?.aborted) throw signal.reason;
    if (timeout.signal.aborted) throw new ApiError(0, 'TIMEOUT', `${url.split('?')[0]} did not answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`);
    return 'unreachable';
  } finally {
    window.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    return new ApiError(response.status, body.error_code ?? `HTTP_${response.status}`, body.message ?? text);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, text.slice(0, 500) || response.statusText);
  }
}

export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  return (await respond(path, options)).json() as Promise<T>;
}

/** The server's successful response (its body not yet read), after retries while it is unreachable. */
async function respond(path: string, options: CallOptions): Promise<Response> {
  const { method = options.body === undefined ? 'GET' : 'POST', query, body, signal } = options;
  const url = withQuery(path, query);
  const init: RequestInit = {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  const deadline = Date.now() + UNREACHABLE_DEADLINE_MS;
  for (let delay = 500; ; delay = Math.min(delay * 2, 4000)) {
    const response = await attempt(url, init, signal);
    if (response !== 'unreachable') {
      markReachable(true);
      if (!response.ok) throw await errorOf(response);
      return response;
    }
    markReachable(false);
    if (Date.now() + delay > deadline) {
      throw new ApiError(0, 'UNREACHABLE', `server unreachable — gave up after ${UNREACHABLE_DEADLINE_MS / 1000} s (${path})`);
    }
    await sleep(delay, signal);
  }
}

// ---- MLflow endpoints ----
export async function searchExperiments(viewType: RunViewType = 'ACTIVE_ONLY', signal?: AbortSignal): Promise<Experiment[]> {
  const all: Experiment[] = [];
  let token: string | undefined;
  do {
    const page = await call<{ experiments?: Experiment[]; next_page_token?: string }>(`${MLFLOW}/experiments/search`, {
      body: { max_results: 1000, view_type: viewType, order_by: ['last_update_time DESC'], page_token: token },
      signal,
    });
    all.push(...(page.experiments ?? []));
    token = page.next_page_token || undefined;
  } while (token);
  return all;
}

export async function getRun(runId: string, signal?: AbortSignal): Promise<Run> {
  return (await call<{ run: Run }>(`${MLFLOW}/runs/get`, { query: { run_id: runId }, signal })).run;
}

export async function listArtifacts(runId: string, path?: string, signal?: AbortSignal): Promise<ArtifactList> {
  return call<ArtifactList>(`${MLFLOW}/artifacts/list`, { query: { run_id: runId, path: path || undefined }, signal });
}

/** The URL of one artifact's bytes (for <img>, downloads, previews). */
export function artifactUrl(runId: string, path: string): string {
  return withQuery('/get-artifact', { path, run_uuid: runId });
}

export async function searchRegisteredModels(filter?: string, signal?: AbortSignal): Promise<RegisteredModel[]> {
  const all: RegisteredModel[] = [];
  let token: string | undefined;
  do {
    const page = await call<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(`${MLFLOW}/registered-models/search`, {
      query: { filter, max_results: 1000, page_token: token },
      signal,
    });
    all.push(...(page.registered_models ?? []));
    token = page.next_page_token || undefined;
  } while (token);
  return all;
}

export async function getRegisteredModel(name: string, signal?: AbortSignal): Promise<RegisteredModel> {
  return (await call<{ registered_model: RegisteredModel }>(`${MLFLOW}/registered-models/get`, { query: { name }, signal })).registered_model;
}

export async function searchModelVersions(filter?: string, signal?: AbortSignal): Promise<ModelVersion[]> {
  const all: ModelVersion[] = [];
  let token: string | undefined;
  do {
    const page = await call<{ model_versions?: ModelVersion[]; next_page_token?: string }>(`${MLFLOW}/model-versions/search`, {
      query: { filter, max_results: 10000, page_token: token },
      signal,
    });
    all.push(...(page.model_versions ?? []));
    token = page.next_page_token || undefined;
  } while (token);
  return all;
}

export async function setAlias(model: string, alias: string, version: string): Promise<void> {
  await call(`${MLFLOW}/registered-models/alias`, { method: 'POST', body: { name: model, alias, version } });
}

export async function deleteAlias(model: string, alias: string): Promise<void> {
  await call(`${MLFLOW}/registered-models/alias`, { method: 'DELETE', body: { name: model, alias } });
}

// ---- pixal dashboard API ----
export interface RunsTableRequest {
  experiment_ids: string[];
  filter?: string;
  order_by?: string[];
  run_view_type?: RunViewType;
}

export async function runsTable(request: RunsTableRequest, signal?: AbortSignal): Promise<RunsTable> {
  return call<RunsTable>('/api/pixal/runs/table', { body: request, signal });
}

/**
 * The same table as columns, chunk by chunk as they arrive (the first is a screenful); resolves after
 * the last. The next chunk is parsed only once the promise `onChunk` may return has settled.
 */
export async function streamRunsTable(request: RunsTableRequest, onChunk: (chunk: RunsChunk) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
  const response = await respond('/api/pixal/runs/table', { body: { ...request, format: 'columns' }, signal });
  await readLines(response, (line) => onChunk(JSON.parse(line) as RunsChunk), signal);
}

export interface HistoriesRequest {
  run_ids: string[];
  metric_keys: string[];
  max_points?: number;
  x?: XAxis;
}

export async function metricHistories(request: HistoriesRequest, signal?: AbortSignal): Promise<HistorySeries[]> {
  return (await call<{ series: HistorySeries[] }>('/api/pixal/metrics/histories', { body: request, signal })).series;
}

/** The same histories as x and y arrays: a third of the parsing, and no array per point. */
export async function metricHistoryColumns(request: HistoriesRequest, signal?: AbortSignal): Promise<HistoryColumns[]> {
  return (await call<{ series: HistoryColumns[] }>('/api/pixal/metrics/histories', { body: { ...request, format: 'columns' }, signal })).series;
}

export async function startValidation(params: { input_dir: string; run_id?: string; model_uri?: string }): Promise<Job> {
  return (await call<{ job: Job }>('/api/pixal/jobs/validate', { body: params })).job;
}

export async function listJobs(limit = 50, signal?: AbortSignal): Promise<Job[]> {
  return (await call<{ jobs: Job[] }>('/api/pixal/jobs', { query: { limit }, signal })).jobs;
}

export async function getJob(jobId: string, signal?: AbortSignal): Promise<Job> {
  return (await call<{ job: Job }>(`/api/pixal/jobs/${encodeURIComponent(jobId)}`, { signal })).job;
}

export async function listFolder(path?: string, signal?: AbortSignal): Promise<FolderListing> {
  return call<FolderListing>('/api/pixal/folders', { query: { path }, signal });
}

export async function listValidations(query: { source_run_id?: string; model?: string; limit?: number }, signal?: AbortSignal): Promise<Validation[]> {
  return (await call<{ validations: Validation[] }>('/api/pixal/validations', { query, signal })).validations;
}

export async function listPromotions(model?: string, signal?: AbortSignal): Promise<PromotionEvent[]> {
  return (await call<{ events: PromotionEvent[] }>('/api/pixal/promotions', { query: { model, limit: 1000 }, signal })).events;
}
