// Helpers of the sync suites (and any mirror suite): trainings logged to a real `mlflow server` over
// REST as a trainer logs them (log-batch per epoch range), and the comparison of a mirror with its
// remote through MLflow's API on both sides, field by field and point for point (or, for stores too
// big to read through the API in a test, table by table from the two SQLite files). Starting the
// remote and the mirror: ./remote-mlflow.ts.
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { Json, Rest } from '../../support/rest.ts';

export interface Training {
  name: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  keys: string[];
  /** Epochs [from, to): one point per key and epoch, step = epoch. */
  from?: number;
  to: number;
  /** The value logged for a key at a step; default a decreasing curve. */
  value?: (key: string, step: number) => number | string;
  finish?: boolean;
}

const defaultValue = (key: string, step: number) => Math.round((1 / (1 + step) + key.length / 100) * 1e6) / 1e6;

/** Logs the points of epochs [from, to) of `keys` (log-batch takes 1000 metrics at most). */
export async function logEpochs(
  api: Rest,
  runId: string,
  keys: string[],
  from: number,
  to: number,
  value: (key: string, step: number) => number | string = defaultValue,
): Promise<number> {
  const metrics: Json[] = [];
  const t0 = Date.now();
  for (let step = from; step < to; step++) for (const key of keys) metrics.push({ key, value: value(key, step), timestamp: t0 + step, step });
  for (let i = 0; i < metrics.length; i += 1000) await api.logBatch(runId, { metrics: metrics.slice(i, i + 1000) });
  return metrics.length;
}

/** A run with params, tags and per-epoch metrics, as a training logs it; returns its id. */
export async function logTraining(api: Rest, experimentId: string, t: Training): Promise<string> {
  const runId = (await api.createRun(experimentId, { run_name: t.name })).info.run_id;
  const params = Object.entries(t.params ?? {}).map(([key, value]) => ({ key, value }));
  const tags = Object.entries(t.tags ?? {}).map(([key, value]) => ({ key, value }));
  if (params.length > 0 || tags.length > 0) await api.logBatch(runId, { params, tags });
  await logEpochs(api, runId, t.keys, t.from ?? 0, t.to, t.value);
  if (t.finish) await api.ok('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}

type KV = { key: string; value: string }[] | undefined;
const sortedKv = (l: KV) => [...(l ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const byStepTime = (a: Json, b: Json) => Number(a.step) - Number(b.step) || Number(a.timestamp) - Number(b.timestamp) || String(a.value).localeCompare(String(b.value));

async function allExperiments(api: Rest): Promise<Json[]> {
  const out: Json[] = [];
  let token: string | undefined;
  do {
    const page = await api.ok('POST', 'experiments/search', { view_type: 'ALL', max_results: 1000, page_token: token });
    out.push(...((page.experiments as Json[] | undefined) ?? []));
    token = page.next_page_token as string | undefined;
  } while (token);
  return out
    .map((e) => ({
      experiment_id: e.experiment_id,
      name: e.name,
      artifact_location: e.artifact_location,
      lifecycle_stage: e.lifecycle_stage,
      creation_time: e.creation_time,
      last_update_time: e.last_update_time,
      tags: sortedKv(e.tags as KV),
    }))
    .sort((a, b) => Number(a.experiment_id) - Number(b.experiment_id));
}

async function allRuns(api: Rest, experimentIds: string[]): Promise<Json[]> {
  const out: Json[] = [];
  let token: string | undefined;
  do {
    const page = await api.ok('POST', 'runs/search', { experiment_ids: experimentIds, run_view_type: 'ALL', max_results: 1000, page_token: token });
    out.push(...((page.runs as Json[] | undefined) ?? []));
    token = page.next_page_token as string | undefined;
  } while (token);
  return out
    .map((r) => {
      const info = r.info as Json;
      const data = r.data as { params?: KV; tags?: KV; metrics?: Json[] };
      return {
        info: {
          run_id: info.run_id,
          experiment_id: info.experiment_id,
          run_name: info.run_name,
          user_id: info.user_id,
          status: info.status,
          start_time: info.start_time,
          end_time: info.end_time,
          artifact_uri: info.artifact_uri,
          lifecycle_stage: info.lifecycle_stage,
        },
        params: sortedKv(data.params),
        tags: sortedKv(data.tags),
        metrics: [...(data.metrics ?? [])].sort((a, b) => String(a.key).localeCompare(String(b.key))),
        inputs: (r.inputs as Json | undefined)?.dataset_inputs ?? [],
      };
    })
    .sort((a, b) => String(a.info.run_id).localeCompare(String(b.info.run_id)));
}

async function history(api: Rest, runId: string, key: string): Promise<Json[]> {
  const out: Json[] = [];
  let token: string | undefined;
  do {
    const page = await api.ok('GET', 'metrics/get-history', { run_id: runId, metric_key: key, max_results: 25000, page_token: token });
    out.push(...((page.metrics as Json[] | undefined) ?? []));
    token = page.next_page_token as string | undefined;
  } while (token);
  return out.sort(byStepTime);
}

async function registry(api: Rest): Promise<{ models: Json[]; versions: Json[] }> {
  const models = ((await api.ok('GET', 'registered-models/search', { max_results: 1000 })).registered_models as Json[] | undefined) ?? [];
  const versions = ((await api.ok('GET', 'model-versions/search', { max_results: 10000 })).model_versions as Json[] | undefined) ?? [];
  return {
    models: models
      .map((m) => ({
        name: m.name,
        description: m.description ?? '',
        creation_timestamp: m.creation_timestamp,
        last_updated_timestamp: m.last_updated_timestamp,
        tags: sortedKv(m.tags as KV),
        aliases: [...((m.aliases as Json[] | undefined) ?? [])].sort((a, b) => String(a.alias).localeCompare(String(b.alias))),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    versions: versions
      .map((v) => ({
        name: v.name,
        version: v.version,
        creation_timestamp: v.creation_timestamp,
        last_updated_timestamp: v.last_updated_timestamp,
        current_stage: v.current_stage,
        description: v.description ?? '',
        source: v.source,
        run_id: v.run_id,
        status: v.status,
        tags: sortedKv(v.tags as KV),
        aliases: [...((v.aliases as string[] | undefined) ?? [])].sort(),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)) || Number(a.version) - Number(b.version)),
  };
}

/** What a store holds through MLflow's API: experiments, runs, every metric point, the registry. */
export async function snapshot(api: Rest): Promise<{ experiments: Json[]; runs: Json[]; histories: Record<string, Json[]>; registry: { models: Json[]; versions: Json[] } }> {
  const experiments = await allExperiments(api);
  const runs = await allRuns(
    api,
    experiments.map((e) => String(e.experiment_id)),
  );
  const histories: Record<string, Json[]> = {};
  for (const run of runs) {
    const runId = String((run.info as Json).run_id);
    for (const m of run.metrics as Json[]) histories[`${runId}/${String(m.key)}`] = await history(api, runId, String(m.key));
  }
  return { experiments, runs, histories, registry: await registry(api) };
}

/** The mirror holds exactly what the remote holds, every metric point included (none missing, none twice). */
export async function expectSameStore(remote: Rest, mirror: Rest): Promise<void> {
  const [theirs, ours] = [await snapshot(remote), await snapshot(mirror)];
  expect(ours.experiments).toEqual(theirs.experiments);
  expect(ours.runs).toEqual(theirs.runs);
  expect(Object.keys(ours.histories).sort()).toEqual(Object.keys(theirs.histories).sort());
  for (const [series, points] of Object.entries(theirs.histories)) expect(ours.histories[series], series).toEqual(points);
  expect(ours.registry).toEqual(theirs.registry);
}

/** The same rows from MLflow's SQL store (`mlflow`) and from ours (`pixal`), sorted. */
const TABLES: { name: string; mlflow: string; pixal: string }[] = [
  {
    name: 'experiments',
    mlflow: 'SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time FROM experiments ORDER BY 1',
    pixal: 'SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time FROM experiments ORDER BY 1',
  },
  {
    name: 'runs',
    mlflow: 'SELECT run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage FROM runs ORDER BY run_uuid',
    pixal: 'SELECT run_uuid, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage FROM runs ORDER BY run_uuid',
  },
  { name: 'params', mlflow: 'SELECT run_uuid, key, value FROM params ORDER BY 1, 2', pixal: 'SELECT run_uuid, key, value FROM params ORDER BY 1, 2' },
  { name: 'tags', mlflow: 'SELECT run_uuid, key, value FROM tags ORDER BY 1, 2', pixal: 'SELECT run_uuid, key, value FROM run_tags ORDER BY 1, 2' },
  {
    name: 'metrics',
    mlflow: 'SELECT run_uuid, key, step, timestamp, value, is_nan FROM metrics ORDER BY 1, 2, 3, 4, 5',
    pixal: 'SELECT run_uuid, key, step, timestamp, value, is_nan FROM metrics ORDER BY 1, 2, 3, 4, 5',
  },
  {
    name: 'latest_metrics',
    mlflow: 'SELECT run_uuid, key, step, timestamp, value, is_nan FROM latest_metrics ORDER BY 1, 2',
    pixal: 'SELECT run_uuid, key, step, timestamp, value, is_nan FROM latest_metrics ORDER BY 1, 2',
  },
];

const METRICS = TABLES.find((t) => t.name === 'metrics')!;

function rows(file: string, sql: string): unknown[][] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).raw().all() as unknown[][];
  } finally {
    db.close();
  }
}

/**
 * Table by table, the replica in `mirrorDb` equals the remote's store `remoteDb` (MLflow's SQL store,
 * or ours when the remote is a pixal server): every run, param, tag and metric point, none twice.
 */
export function expectSameTables(remoteDb: string, mirrorDb: string, remoteKind: 'mlflow' | 'pixal' = 'mlflow'): void {
  for (const t of TABLES) {
    const [theirs, ours] = [rows(remoteDb, t[remoteKind]), rows(mirrorDb, t.pixal)];
    expect(ours.length, `${t.name} rows`).toBe(theirs.length);
    expect(ours, t.name).toEqual(theirs);
  }
}

/** The (run, key) series of the replica that are not exactly the remote's (missing or extra points): none after a cut pass, for the series it wrote. */
export function partialSeries(remoteDb: string, mirrorDb: string): { written: number; partial: string[] } {
  const group = (file: string, sql: string) => {
    const m = new Map<string, string[]>();
    for (const [run, key, ...point] of rows(file, sql)) m.set(`${String(run)}/${String(key)}`, [...(m.get(`${String(run)}/${String(key)}`) ?? []), JSON.stringify(point)]);
    return m;
  };
  const theirs = group(remoteDb, METRICS.mlflow);
  const ours = group(mirrorDb, METRICS.pixal);
  const partial = [...ours].filter(([series, points]) => JSON.stringify(points) !== JSON.stringify(theirs.get(series))).map(([series]) => series);
  return { written: ours.size, partial };
}
