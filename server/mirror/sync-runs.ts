// Step 2 of a pass: the remote's runs, a page of 1000 at a time (every lifecycle stage): info,
// params, tags and dataset inputs replaced where they differ, one transaction per page. Metric
// points are not written here: each run's latest metrics are compared with the replica's
// latest_metrics (the watermark of what was copied) and the differing (run, key) pairs returned for
// sync-metrics.ts to fetch.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { runEvent } from '../dashboard/events.ts';
import type { DatasetInputJson, KeyValue, RunRow } from '../tracking/entities.ts';
import type { InputRow } from '../tracking/runs.ts';
import { stillOnRemote, type PassContext } from './sync-context.ts';
import type { MetricJob } from './sync-metrics.ts';
import { parseRemote, RunsPage, type RemoteMetric, type RemoteRun } from './wire.ts';

const ENDPOINT = '/api/2.0/mlflow/runs/search';
export const RUNS_PAGE = 1000;


interface LocalLatest {
  run_uuid: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

/** A page of runs as the remote listed them, with the metric series that need new points. */
export interface RunsPageResult {
  runIds: string[];
  metricJobs: MetricJob[];
  nextPageToken?: string;
}

const runIdOf = (r: RemoteRun) => r.info.run_id ?? r.info.run_uuid ?? '';

/** A canonical text of a list of key/values (order kept: MLflow answers in insertion order). */
const listText = (l: KeyValue[]) => JSON.stringify(l.map((t) => [t.key, t.value]));

function inputsText(inputs: DatasetInputJson[]): string {
  return JSON.stringify(
    inputs.map((i) => [
      (i.tags ?? []).map((t) => [t.key, t.value]),
      [i.dataset.name, i.dataset.digest, i.dataset.source_type, i.dataset.source, i.dataset.schema ?? null, i.dataset.profile ?? null],
    ]),
  );
}

function sameLatest(local: LocalLatest | undefined, remote: RemoteMetric): boolean {
  if (!local || local.step !== remote.step || local.timestamp !== remote.timestamp) return false;
  if (Number.isNaN(remote.value)) return local.is_nan === 1;
  return local.is_nan === 0 && local.value === remote.value;
}

function sameInfo(l: RunRow, r: RemoteRun): boolean {
  const i = r.info;
  return (
    String(l.experiment_id) === i.experiment_id &&
    l.run_name === i.run_name &&
    l.user_id === i.user_id &&
    l.status === i.status &&
    l.start_time === (i.start_time ?? 0) &&
    l.end_time === (i.end_time ?? null) &&
    l.artifact_uri === i.artifact_uri &&
    l.lifecycle_stage === i.lifecycle_stage
  );
}

/** The replica's side of the runs of one page, read in a few statements. */
class LocalRuns {
  private readonly runs;
  private readonly params;
  private readonly tags;
  private readonly inputs;
  private readonly latest;

  constructor(client: Database.Database) {
    const inRuns = 'run_uuid IN (SELECT value FROM json_each(?))';
    this.runs = client.prepare<[string], RunRow>(`SELECT * FROM runs WHERE ${inRuns}`);
    this.params = client.prepare<[string], KeyValue & { run_uuid: string }>(`SELECT run_uuid, key, value FROM params WHERE ${inRuns} ORDER BY rowid`);
    this.tags = client.prepare<[string], KeyValue & { run_uuid: string }>(`SELECT run_uuid, key, value FROM run_tags WHERE ${inRuns} ORDER BY rowid`);
    this.inputs = client.prepare<[string], InputRow>(
      `SELECT i.run_uuid, i.tags, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
       FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid WHERE i.${inRuns} ORDER BY i.rowid`,
    );
    this.latest = client.prepare<[string], LocalLatest>(`SELECT run_uuid, key, step, timestamp, value, is_nan FROM latest_metrics WHERE ${inRuns}`);
  }

  read(runIds: string[]) {
    const ids = JSON.stringify(runIds);
    const group = <T extends { run_uuid: string }>(rows: T[]) => {
      const m = new Map<string, T[]>();
      for (const r of rows) m.set(r.run_uuid, [...(m.get(r.run_uuid) ?? []), r]);
      return m;
    };
    const inputs = group(this.inputs.all(ids));
    return {
      runs: new Map(this.runs.all(ids).map((r) => [r.run_uuid, r])),
      params: group(this.params.all(ids)),
      tags: group(this.tags.all(ids)),
      inputs: new Map(
        [...inputs].map(([id, rows]) => [
          id,
          inputsText(
            rows.map((r) => ({
              tags: JSON.parse(r.tags) as KeyValue[],
              dataset: { name: r.name, digest: r.digest, source_type: r.source_type, source: r.source, schema: r.schema ?? undefined, profile: r.profile ?? undefined },
            })),
          ),
        ]),
      ),
      latest: new Map(this.latest.all(ids).map((m) => [`${m.run_uuid}\u0000${m.key}`, m])),
    };
  }
}

interface RunParams {
  id: string;
  experiment: number;
  name: string;
  user: string;
  status: string;
  start: number;
  end: number | null;
  artifactUri: string;
  stage: string;
  now: number;
}

/** Writes of changed runs, all in the caller's transaction. */
class RunWriter {
  private readonly upsertRun;
  private readonly clearParams;
  private readonly insertParam;
  private readonly clearTags;
  private readonly insertTag;
  private readonly clearInputs;
  private readonly datasetOf;
  private readonly insertDataset;
  private readonly insertInput;

  constructor(client: Database.Database) {
    this.upsertRun = client.prepare<[RunParams]>(
      `INSERT INTO runs (run_uuid, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, deleted_time)
       VALUES (@id, @experiment, @name, @user, @status, @start, @end, @artifactUri, @stage, CASE WHEN @stage = 'deleted' THEN @now END)
       ON CONFLICT (run_uuid) DO UPDATE SET experiment_id = excluded.experiment_id, run_name = excluded.run_name, user_id = excluded.user_id,
         status = excluded.status, start_time = excluded.start_time, end_time = excluded.end_time, artifact_uri = excluded.artifact_uri,
         lifecycle_stage = excluded.lifecycle_stage,
         deleted_time = CASE WHEN excluded.lifecycle_stage = 'deleted' THEN coalesce(runs.deleted_time, excluded.deleted_time) END`,
    );
    this.clearParams = client.prepare<[string]>('DELETE FROM params WHERE run_uuid = ?');
    this.insertParam = client.prepare<[string, string, string]>('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)');
    this.clearTags = client.prepare<[string]>('DELETE FROM run_tags WHERE run_uuid = ?');
    this.insertTag = client.prepare<[string, string, string]>('INSERT INTO run_tags (run_uuid, key, value) VALUES (?, ?, ?)');
    this.clearInputs = client.prepare<[string]>('DELETE FROM run_inputs WHERE run_uuid = ?');
    this.datasetOf = client.prepare<[number, string, string], { dataset_uuid: string }>(
      'SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
    );
    this.insertDataset = client.prepare<[string, number, string, string, string, string, string | null, string | null]>(
      'INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertInput = client.prepare<[string, string, string]>('INSERT OR IGNORE INTO run_inputs (run_uuid, dataset_uuid, tags) VALUES (?, ?, ?)');
  }

  info(r: RemoteRun, now: number): void {
    const i = r.info;
    this.upsertRun.run({
      id: runIdOf(r),
      experiment: Number(i.experiment_id),
      name: i.run_name,
      user: i.user_id,
      status: i.status,
      start: i.start_time ?? 0,
      end: i.end_time ?? null,
      artifactUri: i.artifact_uri,
      stage: i.lifecycle_stage,
      now,
    });
  }

  params(runId: string, params: KeyValue[]): void {
    this.clearParams.run(runId);
    for (const p of params) this.insertParam.run(runId, p.key, p.value);
  }

  tags(runId: string, tags: KeyValue[]): void {
    this.clearTags.run(runId);
    for (const t of tags) this.insertTag.run(runId, t.key, t.value);
  }

  inputs(runId: string, experimentId: number, inputs: RemoteRun['inputs']): void {
    this.clearInputs.run(runId);
    for (const input of inputs) {
      const d = input.dataset;
      let datasetUuid = this.datasetOf.get(experimentId, d.name, d.digest)?.dataset_uuid;
      if (datasetUuid === undefined) {
        datasetUuid = randomUUID().replace(/-/g, '');
        this.insertDataset.run(datasetUuid, experimentId, d.name, d.digest, d.source_type, d.source, d.schema ?? null, d.profile ?? null);
      }
      this.insertInput.run(runId, datasetUuid, JSON.stringify(input.tags));
    }
  }
}

export class RunSync {
  private readonly local;
  private readonly writer;
  private readonly client;

  constructor(private readonly ctx: PassContext) {
    this.client = ctx.db.$client;
    this.local = new LocalRuns(this.client);
    this.writer = new RunWriter(this.client);
  }

  /** One page of the remote's runs of `experimentIds`, applied; `changed` gets the ids of runs that changed. */
  async page(experimentIds: string[], pageToken: string | undefined, changed: Set<string>): Promise<RunsPageResult> {
    const body = { experiment_ids: experimentIds, run_view_type: 'ALL', max_results: RUNS_PAGE, page_token: pageToken };
    const page = parseRemote(RunsPage, await this.ctx.remote.post(ENDPOINT, body), ENDPOINT);
    // A run created while the listing pages on can appear on two pages: the first sighting counts.
    const seen = new Set<string>();
    const remoteRuns = page.runs.filter((r) => {
      const id = runIdOf(r);
      if (!id || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const runIds = remoteRuns.map(runIdOf);
    const local = this.local.read(runIds);
    const metricJobs: MetricJob[] = [];
    const writes: (() => void)[] = [];
    const updated: RemoteRun[] = [];
    const now = Date.now();
    for (const r of remoteRuns) {
      const id = runIdOf(r);
      const row = local.runs.get(id);
      const infoChanged = !row || !sameInfo(row, r);
      const paramsChanged = !row || listText(local.params.get(id) ?? []) !== listText(r.data.params);
      const tagsChanged = !row || listText(local.tags.get(id) ?? []) !== listText(r.data.tags);
      const inputsChanged = (local.inputs.get(id) ?? inputsText([])) !== inputsText(r.inputs);
      if (infoChanged || paramsChanged || tagsChanged || inputsChanged) {
        writes.push(() => {
          this.writer.info(r, now);
          if (paramsChanged) this.writer.params(id, r.data.params);
          if (tagsChanged) this.writer.tags(id, r.data.tags);
          if (inputsChanged) this.writer.inputs(id, Number(r.info.experiment_id), r.inputs);
        });
        updated.push(r);
      }
      for (const m of r.data.metrics) {
        const mine = local.latest.get(`${id}\u0000${m.key}`);
        if (!sameLatest(mine, m)) metricJobs.push({ runId: id, key: m.key, from: mine?.step, to: m.step });
      }
    }
    if (writes.length > 0) this.client.transaction(() => writes.forEach((w) => w()))();
    for (const r of updated) {
      changed.add(runIdOf(r));
      this.ctx.events?.publish(runEvent({ ...r.info, run_id: runIdOf(r) }));
    }
    return { runIds, metricJobs, nextPageToken: page.next_page_token || undefined };
  }

  /** Local runs the remote's listing lacked and that the remote says are gone (deleted for good there). */
  async removeGone(listed: Set<string>): Promise<number> {
    const candidates = this.client
      .prepare<[], { run_uuid: string }>('SELECT run_uuid FROM runs')
      .all()
      .map((r) => r.run_uuid)
      .filter((id) => !listed.has(id));
    const gone: string[] = [];
    for (const id of candidates) {
      this.ctx.checkpoint();
      if (!(await stillOnRemote(() => this.ctx.remote.get('/api/2.0/mlflow/runs/get', { run_id: id })))) gone.push(id);
    }
    if (gone.length === 0) return 0;
    const remove = this.client.prepare<[string]>('DELETE FROM runs WHERE run_uuid = ?');
    this.client.transaction(() => gone.forEach((id) => remove.run(id)))();
    return gone.length;
  }
}
