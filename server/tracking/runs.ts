// Runs in the SQLite store with MLflow's rules: the mlflow.runName tag follows the run's name,
// params are immutable, writes need an active run, and every request is one transaction.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { invalidParameter, MlflowError, notFound } from '../http/errors.ts';
import { RUN_NAME_TAG, runInfoJson, runJson, type DatasetInputJson, type DatasetJson, type KeyValue, type MetricRow, type RunParts, type RunRow } from './entities.ts';
import type { ExperimentStore } from './experiments.ts';
import type { MetricStore } from './metrics.ts';
import { searchRunIds, type RunSearchOptions } from './run-search.ts';
import { pyRepr } from '../http/python-format.ts';
import { randomRunName } from './run-names.ts';
import { StatementCache } from './statement-cache.ts';
import {
  checkLength,
  MAX_DATASET_DIGEST_SIZE,
  MAX_DATASET_NAME_SIZE,
  MAX_DATASET_PROFILE_SIZE,
  MAX_DATASET_SCHEMA_SIZE,
  MAX_DATASET_SOURCE_SIZE,
  MAX_INPUT_TAG_KEY_SIZE,
  MAX_INPUT_TAG_VALUE_SIZE,
  validateBatchLimits,
  validateMetric,
  validateParam,
  validateParamKeysUnique,
  validateRunId,
  validateRunTag,
  type MetricPoint,
} from './validation.ts';

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface DatasetInput {
  tags: KeyValue[];
  dataset: DatasetJson;
}

export interface InputRow {
  run_uuid: string;
  tags: string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

/** `append_to_uri_path` for the locations this server hands out. */
function appendToUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}

export class RunStore {
  private readonly byId;
  private readonly insertRun;
  private readonly upsertTag;
  private readonly removeTag;
  private readonly paramOf;
  private readonly insertParam;
  private readonly updateInfo;
  private readonly rename;
  private readonly setStage;
  private readonly runsIn;
  private readonly metricsIn;
  private readonly paramsIn;
  private readonly tagsIn;
  private readonly inputsIn;
  private readonly datasetOf;
  private readonly insertDataset;
  private readonly hasInput;
  private readonly insertInput;
  private readonly searches;

  constructor(
    private readonly db: Database.Database,
    private readonly experiments: ExperimentStore,
    private readonly metrics: MetricStore,
  ) {
    this.byId = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE run_uuid = ?');
    this.insertRun = db.prepare<[string, number, string, string, number, string]>(
      "INSERT INTO runs (run_uuid, experiment_id, run_name, user_id, status, start_time, artifact_uri, lifecycle_stage) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, 'active')",
    );
    this.upsertTag = db.prepare<[string, string, string]>(
      'INSERT INTO run_tags (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value',
    );
    this.removeTag = db.prepare<[string, string]>('DELETE FROM run_tags WHERE run_uuid = ? AND key = ?');
    this.paramOf = db.prepare<[string, string], { value: string }>('SELECT value FROM params WHERE run_uuid = ? AND key = ?');
    this.insertParam = db.prepare<[string, string, string]>('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)');
    this.updateInfo = db.prepare<[string, number | null, string, string]>('UPDATE runs SET status = ?, end_time = ?, run_name = ? WHERE run_uuid = ?');
    this.rename = db.prepare<[string, string]>('UPDATE runs SET run_name = ? WHERE run_uuid = ?');
    this.setStage = db.prepare<[string, number | null, string]>('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?');
    // Children of many runs at once, in the order they were first written (as MLflow answers).
    const inRuns = 'run_uuid IN (SELECT value FROM json_each(?))';
    this.runsIn = db.prepare<[string], RunRow>(`SELECT * FROM runs WHERE ${inRuns}`);
    this.metricsIn = db.prepare<[string], MetricRow & { run_uuid: string }>(
      `SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE ${inRuns} ORDER BY rowid`,
    );
    this.paramsIn = db.prepare<[string], KeyValue & { run_uuid: string }>(`SELECT run_uuid, key, value FROM params WHERE ${inRuns} ORDER BY rowid`);
    this.tagsIn = db.prepare<[string], KeyValue & { run_uuid: string }>(`SELECT run_uuid, key, value FROM run_tags WHERE ${inRuns} ORDER BY rowid`);
    this.inputsIn = db.prepare<[string], InputRow>(
      `SELECT i.run_uuid, i.tags, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
       FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid WHERE i.${inRuns} ORDER BY i.rowid`,
    );
    this.datasetOf = db.prepare<[number, string, string], { dataset_uuid: string }>(
      'SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
    );
    this.insertDataset = db.prepare<[string, number, string, string, string, string, string | null, string | null]>(
      'INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.hasInput = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM run_inputs WHERE run_uuid = ? AND dataset_uuid = ?');
    this.insertInput = db.prepare<[string, string, string]>('INSERT INTO run_inputs (run_uuid, dataset_uuid, tags) VALUES (?, ?, ?)');
    this.searches = new StatementCache(db);
  }

  create(req: { experimentId: string; userId: string; startTime: number; runName?: string; tags: KeyValue[] }): object {
    return this.db.transaction(() => {
      const experiment = this.experiments.activeRow(req.experimentId);
      const runId = randomUUID().replace(/-/g, '');
      const tags = [...req.tags];
      // MLflow's insert of the run's tags fails on its (key, run) primary key.
      if (new Set(tags.map((t) => t.key)).size < tags.length) throw new MlflowError('BAD_REQUEST', 'UNIQUE constraint failed: tags.key, tags.run_uuid');
      const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
      if (req.runName && tagName && req.runName !== tagName)
        throw invalidParameter(
          `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${req.runName}', mlflow.runName='${tagName}').`,
        );
      const name = req.runName || tagName || randomRunName();
      if (!tagName) tags.push({ key: RUN_NAME_TAG, value: name });
      const artifactUri = appendToUri(experiment.artifact_location, runId, 'artifacts');
      this.insertRun.run(runId, experiment.experiment_id, name, req.userId, req.startTime, artifactUri);
      for (const tag of tags) this.upsertTag.run(runId, tag.key, tag.value);
      return this.hydrate([this.row(runId)], false)[0]!;
    })();
  }

  /** The run in any lifecycle stage; 404 when there is none. */
  row(runId: string): RunRow {
    const row = this.byId.get(runId);
    if (!row) throw notFound(`Run with id=${runId} not found`);
    return row;
  }

  /** MLflow's `_check_run_is_active`. */
  activeRow(runId: string): RunRow {
    const row = this.row(runId);
    if (row.lifecycle_stage !== 'active')
      throw invalidParameter(`The run ${row.run_uuid} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
    return row;
  }

  get(runId: string): object {
    return this.hydrate([this.row(runId)], true)[0]!;
  }

  /** Whole runs (info, latest metrics, params, tags, dataset inputs) in the order of `rows`. */
  private hydrate(rows: RunRow[], withOutputs: boolean): object[] {
    const ids = JSON.stringify(rows.map((r) => r.run_uuid));
    const parts = new Map<string, RunParts>(rows.map((r) => [r.run_uuid, { metrics: [], params: [], tags: [], datasetInputs: [] }]));
    for (const m of this.metricsIn.all(ids)) parts.get(m.run_uuid)!.metrics.push(m);
    for (const p of this.paramsIn.all(ids)) parts.get(p.run_uuid)!.params.push({ key: p.key, value: p.value });
    for (const t of this.tagsIn.all(ids)) parts.get(t.run_uuid)!.tags.push({ key: t.key, value: t.value });
    for (const i of this.inputsIn.all(ids)) parts.get(i.run_uuid)!.datasetInputs.push(datasetInputJson(i));
    return rows.map((r) => runJson(r, parts.get(r.run_uuid)!, withOutputs));
  }

  /** MLflow's `update_run_info`: a non-empty name also rewrites the mlflow.runName tag. */
  update(runId: string, change: { status?: RunStatus; endTime?: number; runName?: string }): object {
    return this.db.transaction(() => {
      const row = this.activeRow(runId);
      const updated: RunRow = {
        ...row,
        status: change.status ?? row.status,
        end_time: change.endTime ?? row.end_time,
        run_name: change.runName || row.run_name,
      };
      this.updateInfo.run(updated.status, updated.end_time, updated.run_name, runId);
      if (change.runName) this.upsertTag.run(runId, RUN_NAME_TAG, change.runName);
      return runInfoJson(updated);
    })();
  }

  delete(runId: string): void {
    this.row(runId);
    this.setStage.run('deleted', Date.now(), runId);
  }

  restore(runId: string): void {
    this.row(runId);
    this.setStage.run('active', null, runId);
  }

  /** Sets run tags on an active run; mlflow.runName renames the run (and an empty one does nothing). */
  private writeTags(row: RunRow, tags: KeyValue[]): void {
    for (const tag of tags) {
      if (tag.key !== RUN_NAME_TAG) this.upsertTag.run(row.run_uuid, tag.key, tag.value);
      else if (tag.value) {
        this.rename.run(tag.value, row.run_uuid);
        this.upsertTag.run(row.run_uuid, RUN_NAME_TAG, tag.value);
      }
    }
  }

  setTag(runId: string, key: string, value: string): void {
    const tag = validateRunTag(key, value, '');
    this.db.transaction(() => this.writeTags(this.activeRow(runId), [tag]))();
  }

  deleteTag(runId: string, key: string): void {
    this.db.transaction(() => {
      this.activeRow(runId);
      if (this.removeTag.run(runId, key).changes === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
    })();
  }

  logParam(runId: string, key: string, value: string): void {
    const param = validateParam(key, value, '');
    this.db.transaction(() => {
      this.activeRow(runId);
      const existing = this.paramOf.get(runId, param.key);
      if (existing === undefined) this.insertParam.run(runId, param.key, param.value);
      else if (existing.value !== param.value)
        throw invalidParameter(
          `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${existing.value}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
        );
    })();
  }

  logMetric(runId: string, point: MetricPoint): void {
    validateMetric(point, '');
    this.db.transaction(() => {
      this.activeRow(runId);
      this.metrics.log(runId, [point]);
    })();
  }

  /** MLflow's log_batch: validate everything, then params (immutable), metrics and tags in one transaction. */
  logBatch(runId: string, batch: { metrics: MetricPoint[]; params: KeyValue[]; tags: KeyValue[] }): void {
    validateRunId(runId);
    batch.metrics.forEach((m, i) => validateMetric(m, `metrics[${i}]`));
    const params = batch.params.map((p, i) => validateParam(p.key, p.value, `params[${i}]`));
    const tags = batch.tags.map((t, i) => validateRunTag(t.key, t.value, `tags[${i}]`));
    validateBatchLimits(batch.metrics.length, params.length, tags.length);
    validateParamKeysUnique(params);
    this.db.transaction(() => {
      const row = this.activeRow(runId);
      const fresh: KeyValue[] = [];
      const changed: string[] = [];
      for (const p of params) {
        const existing = this.paramOf.get(runId, p.key);
        if (existing === undefined) fresh.push(p);
        else if (existing.value !== p.value) changed.push(`{'key': ${pyRepr(p.key)}, 'old_value': ${pyRepr(existing.value)}, 'new_value': ${pyRepr(p.value)}}`);
      }
      if (changed.length > 0)
        throw invalidParameter(`Changing param values is not allowed. Params were already logged='[${changed.join(', ')}]' for run ID='${runId}'.`);
      for (const p of fresh) this.insertParam.run(runId, p.key, p.value);
      this.metrics.log(runId, batch.metrics);
      this.writeTags(row, tags);
    })();
  }

  /** Datasets are shared per experiment by (name, digest); a dataset already linked to the run keeps its first input tags. */
  logInputs(runId: string, datasets: DatasetInput[]): void {
    validateRunId(runId);
    for (const input of datasets) validateDatasetInput(input);
    this.db.transaction(() => {
      const row = this.activeRow(runId);
      const seen = new Set<string>();
      for (const input of datasets) {
        const d = input.dataset;
        const identity = JSON.stringify([d.name, d.digest]);
        if (seen.has(identity)) continue;
        seen.add(identity);
        let datasetUuid = this.datasetOf.get(row.experiment_id, d.name, d.digest)?.dataset_uuid;
        if (datasetUuid === undefined) {
          datasetUuid = randomUUID().replace(/-/g, '');
          this.insertDataset.run(datasetUuid, row.experiment_id, d.name, d.digest, d.source_type, d.source, d.schema ?? null, d.profile ?? null);
        }
        if (this.hasInput.get(runId, datasetUuid) === undefined) this.insertInput.run(runId, datasetUuid, JSON.stringify(input.tags));
      }
    })();
  }

  search(options: RunSearchOptions): { runs: object[]; nextPageToken?: string } {
    return this.db.transaction(() => {
      const page = searchRunIds(this.searches, options);
      if (page.runIds.length === 0) return { runs: [] };
      const rows = new Map(this.runsIn.all(JSON.stringify(page.runIds)).map((r) => [r.run_uuid, r]));
      const runs = this.hydrate(
        page.runIds.map((id) => rows.get(id)!),
        true,
      );
      return page.nextPageToken === undefined ? { runs } : { runs, nextPageToken: page.nextPageToken };
    })();
  }
}

function validateDatasetInput(input: DatasetInput): void {
  const d = input.dataset;
  checkLength('name', MAX_DATASET_NAME_SIZE, d.name);
  checkLength('digest', MAX_DATASET_DIGEST_SIZE, d.digest);
  checkLength('source', MAX_DATASET_SOURCE_SIZE, d.source);
  if (d.schema !== undefined) checkLength('schema', MAX_DATASET_SCHEMA_SIZE, d.schema);
  if (d.profile !== undefined) checkLength('profile', MAX_DATASET_PROFILE_SIZE, d.profile);
  for (const tag of input.tags) {
    checkLength('key', MAX_INPUT_TAG_KEY_SIZE, tag.key);
    checkLength('value', MAX_INPUT_TAG_VALUE_SIZE, tag.value);
  }
}

function datasetInputJson(row: InputRow): DatasetInputJson {
  const dataset: DatasetJson = { name: row.name, digest: row.digest, source_type: row.source_type, source: row.source };
  if (row.schema !== null) dataset.schema = row.schema;
  if (row.profile !== null) dataset.profile = row.profile;
  const tags = JSON.parse(row.tags) as KeyValue[];
  return tags.length > 0 ? { tags, dataset } : { dataset };
}
