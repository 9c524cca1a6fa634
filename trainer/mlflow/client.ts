// The trainer's MLflow client: experiments, runs, metrics, artifacts and the registry over MLflow's
// REST API, against our `pixal server` or any MLflow tracking server alike. The trainer never reads
// the tracking store itself: this is its only way in.
//
// HTTP goes through Node's built-in fetch, not axios (as DESIGN.md first planned): it covers
// streaming, timeouts and keep-alive, and costs no dependency.
import { userInfo } from 'node:os';
import { z } from 'zod';
import { logBatchBody, splitIntoBatches, type LogBatch } from './batch.ts';
import { resolveConfig, type MlflowClientOptions, type MlflowConfig } from './config.ts';
import { ArtifactRepository } from './artifacts.ts';
import { hasErrorCode } from './errors.ts';
import { Transport } from './http.ts';
import { ModelRegistry } from './registry.ts';
import { RunLogger, type RunLoggerOptions } from './run-logger.ts';
import { DEFAULT_SPOOL_DIR, replaySpool, type ReplayOptions, type SpoolReplayReport } from './spool.ts';
import {
  experimentSchema,
  metricSchema,
  runInfoSchema,
  runSchema,
  type DatasetInput,
  type Experiment,
  type KeyValue,
  type MetricPoint,
  type ModelVersion,
  type Run,
  type RunInfo,
  type RunStatus,
} from './types.ts';
import { parseModelUri } from './uris.ts';

const experimentAnswer = z.object({ experiment: experimentSchema });
const createdExperimentAnswer = z.object({ experiment_id: z.string() });
const runAnswer = z.object({ run: runSchema });
const runInfoAnswer = z.object({ run_info: runInfoSchema });
const searchRunsAnswer = z.object({ runs: z.array(runSchema).default([]), next_page_token: z.string().optional() });
const historyAnswer = z.object({ metrics: z.array(metricSchema).default([]), next_page_token: z.string().optional() });
const emptyAnswer = z.object({});

/** MLflow's client pages metric histories by this many points. */
const HISTORY_PAGE = 25_000;

export const PARENT_RUN_TAG = 'mlflow.parentRunId';

function keyValues(record: Record<string, string> | undefined): KeyValue[] {
  return Object.entries(record ?? {}).map(([key, value]) => ({ key, value }));
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface CreateRunOptions {
  experimentId: string;
  runName?: string;
  tags?: Record<string, string>;
  /** Makes this a nested run of that one (tag `mlflow.parentRunId`). */
  parentRunId?: string;
  startTime?: number;
}

export interface SearchRunsOptions {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  /** Page size; MLflow's default is 1000. */
  maxResults?: number;
  runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  pageToken?: string;
}

/** Where a model URI's files are: a run and a path inside its artifacts. */
export interface ResolvedModel {
  runId: string;
  artifactPath: string;
  /** The registered version the URI named, for `models:/` URIs. */
  modelVersion?: ModelVersion;
}

export class MlflowClient {
  readonly config: MlflowConfig;
  readonly registry: ModelRegistry;
  private readonly http: Transport;

  /** Options win over MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN / _USERNAME + _PASSWORD, MLFLOW_EXPERIMENT_NAME. */
  constructor(options: MlflowClientOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.config = resolveConfig(options, env);
    this.http = new Transport(this.config);
    this.registry = new ModelRegistry(this.http);
  }

  // Experiments

  /** The experiment of that name (deleted ones included), or undefined. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      return (await this.http.api('GET', 'experiments/get-by-name', { experiment_name: name }, experimentAnswer)).experiment;
    } catch (err) {
      if (hasErrorCode(err, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw err;
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.http.api('GET', 'experiments/get', { experiment_id: experimentId }, experimentAnswer)).experiment;
  }

  /**
   * The experiment named `name` (default MLFLOW_EXPERIMENT_NAME, else `Default`), created when missing.
   * Two trainers creating it at once both end up with the same one.
   */
  async getOrCreateExperiment(name = this.config.experimentName ?? 'Default', options: { tags?: Record<string, string> } = {}): Promise<Experiment> {
    const active = (experiment: Experiment): Experiment => {
      if (experiment.lifecycleStage !== 'active')
        throw new Error(`experiment '${name}' (id ${experiment.experimentId}) is deleted: restore it or choose another name`);
      return experiment;
    };
    const existing = await this.getExperimentByName(name);
    if (existing) return active(existing);
    try {
      const { experiment_id } = await this.http.api('POST', 'experiments/create', { name, tags: keyValues(options.tags) }, createdExperimentAnswer);
      return await this.getExperiment(experiment_id);
    } catch (err) {
      if (!hasErrorCode(err, 'RESOURCE_ALREADY_EXISTS')) throw err;
      const winner = await this.getExperimentByName(name);
      if (!winner) throw err;
      return active(winner);
    }
  }

  // Runs

  async createRun(options: CreateRunOptions): Promise<Run> {
    const tags = { ...options.tags, ...(options.parentRunId ? { [PARENT_RUN_TAG]: options.parentRunId } : {}) };
    const fields = {
      experiment_id: options.experimentId,
      user_id: currentUser(),
      run_name: options.runName,
      start_time: options.startTime ?? Date.now(),
      tags: keyValues(tags),
    };
    return (await this.http.api('POST', 'runs/create', fields, runAnswer)).run;
  }

  async getRun(runId: string): Promise<Run> {
    return (await this.http.api('GET', 'runs/get', { run_id: runId }, runAnswer)).run;
  }

  /** Sets status (end_time defaults to now for a terminal status) and/or the run's name. */
  async updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    const terminal = update.status !== undefined && update.status !== 'RUNNING' && update.status !== 'SCHEDULED';
    const fields = { run_id: runId, status: update.status, end_time: update.endTime ?? (terminal ? Date.now() : undefined), run_name: update.runName };
    return (await this.http.api('POST', 'runs/update', fields, runInfoAnswer)).run_info;
  }

  /** Sends metrics, params and tags now, in as many log-batch requests as MLflow's limits need. */
  async logBatch(runId: string, batch: Partial<LogBatch>): Promise<void> {
    for (const part of splitIntoBatches({ metrics: batch.metrics ?? [], params: batch.params ?? [], tags: batch.tags ?? [] }))
      await this.http.api('POST', 'runs/log-batch', logBatchBody(runId, part), emptyAnswer);
  }

  async logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    await this.logBatch(runId, { params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })) });
  }

  async setTags(runId: string, tags: Record<string, string>): Promise<void> {
    await this.logBatch(runId, { tags: keyValues(tags) });
  }

  async logMetrics(runId: string, points: MetricPoint[]): Promise<void> {
    await this.logBatch(runId, { metrics: points });
  }

  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    await this.http.api('POST', 'runs/log-inputs', { run_id: runId, datasets }, emptyAnswer);
  }

  /** One page of runs/search. */
  async searchRuns(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken?: string }> {
    const fields = {
      experiment_ids: options.experimentIds,
      filter: options.filter,
      order_by: options.orderBy,
      max_results: options.maxResults,
      run_view_type: options.runViewType,
      page_token: options.pageToken,
    };
    const answer = await this.http.api('POST', 'runs/search', fields, searchRunsAnswer);
    return { runs: answer.runs, nextPageToken: answer.next_page_token || undefined };
  }

  /** Every matching run, page after page. */
  async *iterateRuns(options: Omit<SearchRunsOptions, 'pageToken'>): AsyncGenerator<Run> {
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...options, pageToken });
      yield* page.runs;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** Every point logged for `key`, in the server's order (timestamp, step, value). */
  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.http.api('GET', 'metrics/get-history', { run_id: runId, metric_key: key, max_results: HISTORY_PAGE, page_token: pageToken }, historyAnswer);
      points.push(...page.metrics);
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return points;
  }

  /** A buffered, batching, spooling logger for one run; close() it when the run ends. */
  runLogger(runId: string, options: RunLoggerOptions = {}): RunLogger {
    return new RunLogger(this.http, runId, options);
  }

  /** Sends what loggers left in a spool folder (default `mlruns/.spool`), in order, run by run. */
  replaySpool(dir = DEFAULT_SPOOL_DIR, options: ReplayOptions = {}): Promise<SpoolReplayReport[]> {
    const once = { ...this.config.retry, maxAttempts: 1 };
    return replaySpool(
      dir,
      async (record) => {
        await this.http.api('POST', record.path, record.body, emptyAnswer, once);
      },
      options,
    );
  }

  // Artifacts

  /** The artifacts of a run. */
  async runArtifacts(runId: string): Promise<ArtifactRepository> {
    return new ArtifactRepository(this.http, (await this.getRun(runId)).info.artifactUri);
  }

  /** The artifacts under any proxied location (a model version's download URI, say). */
  artifactsAt(location: string): ArtifactRepository {
    return new ArtifactRepository(this.http, location);
  }

  // Models

  /**
   * The run and artifact path a model URI points at: `runs:/<id>/<path>`, `models:/<name>/<version>`
   * or `models:/<name>@<alias>` (the registry says which version, the version which run).
   */
  async resolveModelUri(uri: string): Promise<ResolvedModel> {
    const parsed = parseModelUri(uri);
    if (parsed.kind === 'run') return { runId: parsed.runId, artifactPath: parsed.artifactPath };
    const version =
      parsed.kind === 'alias' ? await this.registry.getModelVersionByAlias(parsed.name, parsed.alias) : await this.registry.getModelVersion(parsed.name, parsed.version);
    if (!version.runId) throw new Error(`${uri} is model version ${version.version} of '${version.name}', which names no run (source ${version.source})`);
    const source = /^runs:\//.test(version.source) ? parseModelUri(version.source) : undefined;
    if (source?.kind === 'run') return { runId: source.runId, artifactPath: source.artifactPath, modelVersion: version };
    // A source stored as a location: its path under the run's artifact root.
    const [downloadUri, run] = await Promise.all([this.registry.getDownloadUri(version.name, version.version), this.getRun(version.runId)]);
    const root = run.info.artifactUri.replace(/\/+$/, '');
    if (!downloadUri.startsWith(`${root}/`))
      throw new Error(`${uri}: version ${version.version} files (${downloadUri}) are not under run ${version.runId}'s artifacts (${root})`);
    return { runId: version.runId, artifactPath: downloadUri.slice(root.length + 1), modelVersion: version };
  }

  /** Downloads a model URI's files to `<dstDir>/<artifact path>`; returns that folder and where it came from. */
  async downloadModel(uri: string, dstDir: string): Promise<ResolvedModel & { localPath: string }> {
    const resolved = await this.resolveModelUri(uri);
    const artifacts = await this.runArtifacts(resolved.runId);
    return { ...resolved, localPath: await artifacts.download(resolved.artifactPath, dstDir) };
  }
}
