// Seeding for browser tests and benches. The REST seeders go through our MLflow API over real HTTP,
// exactly as the trainer would; the bulk seeders write straight into the SQLite store in one
// transaction, for the 10k-run and 5M-point benches where REST would take minutes.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Db } from '../../server/db/open.ts';
import { experiments } from '../../server/db/schema.ts';

type Json = Record<string, unknown>;

async function call<T = Json>(url: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: Json): Promise<T> {
  const res = await fetch(`${url}/api/2.0/mlflow/${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`seed: ${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export async function createExperiment(url: string, name: string): Promise<string> {
  return (await call<{ experiment_id: string }>(url, 'POST', 'experiments/create', { name })).experiment_id;
}

export interface RunSpec {
  name?: string;
  params?: Record<string, string | number>;
  /** Values per epoch (step = index). */
  metrics?: Record<string, number[]>;
  tags?: Record<string, string>;
  /** Makes this a nested run (tag mlflow.parentRunId). */
  parentRunId?: string;
  status?: 'FINISHED' | 'FAILED' | 'RUNNING' | 'KILLED';
  startTime?: number;
}

export interface SeededRun {
  runId: string;
  artifactUri: string;
}

/** Creates one run and logs its params, metrics and tags in MLflow-sized batches. */
export async function createRun(url: string, experimentId: string, spec: RunSpec = {}): Promise<SeededRun> {
  const start = spec.startTime ?? Date.now();
  const tags = { ...spec.tags, ...(spec.parentRunId ? { 'mlflow.parentRunId': spec.parentRunId } : {}) };
  const { run } = await call<{ run: { info: { run_id: string; artifact_uri: string } } }>(url, 'POST', 'runs/create', {
    experiment_id: experimentId,
    run_name: spec.name,
    start_time: start,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  });
  const runId = run.info.run_id;
  const params = Object.entries(spec.params ?? {}).map(([key, value]) => ({ key, value: String(value) }));
  const points = Object.entries(spec.metrics ?? {}).flatMap(([key, values]) => values.map((value, step) => ({ key, value, step, timestamp: start + step * 1000 })));
  for (let i = 0; i < params.length; i += 100) await call(url, 'POST', 'runs/log-batch', { run_id: runId, params: params.slice(i, i + 100) });
  for (let i = 0; i < points.length; i += 1000) await call(url, 'POST', 'runs/log-batch', { run_id: runId, metrics: points.slice(i, i + 1000) });
  const status = spec.status ?? 'FINISHED';
  if (status !== 'RUNNING') await call(url, 'POST', 'runs/update', { run_id: runId, status, end_time: start + Math.max(1, points.length) * 1000 });
  return { runId, artifactUri: run.info.artifact_uri };
}

export const CHANNELS = ['RGB', 'HSV', 'LAB_ab'] as const;
export const POOL_SIZES = [2, 4] as const;
export const MODEL_KINDS = ['dense', 'conv'] as const;
export const LEARNING_RATES = [0.001, 0.0003] as const;

/** A decreasing loss curve whose level depends on the variant, so comparisons have something to show. */
function curve(epochs: number, level: number, noise: number, seed: number): number[] {
  return Array.from({ length: epochs }, (_, e) => level * (0.2 + 0.8 * Math.exp(-e / (epochs / 3))) + noise * Math.sin(seed * 7.1 + e * 1.3));
}

/** The training params of the i-th variant of the demo grid (channels × pool × model kind × learning rate). */
export function variantParams(i: number): { channels: string; pool_size: number; model_kind: string; learning_rate: number } {
  return {
    channels: CHANNELS[i % CHANNELS.length]!,
    pool_size: POOL_SIZES[Math.floor(i / CHANNELS.length) % POOL_SIZES.length]!,
    model_kind: MODEL_KINDS[Math.floor(i / (CHANNELS.length * POOL_SIZES.length)) % MODEL_KINDS.length]!,
    learning_rate: LEARNING_RATES[Math.floor(i / (CHANNELS.length * POOL_SIZES.length * MODEL_KINDS.length)) % LEARNING_RATES.length]!,
  };
}

function trainingRun(i: number, epochs: number, extraTags: Record<string, string> = {}): RunSpec {
  const p = variantParams(i);
  const level = 0.05 + 0.01 * CHANNELS.indexOf(p.channels as (typeof CHANNELS)[number]) + 0.005 * p.pool_size;
  return {
    name: `${p.model_kind}-${p.channels}-pool${p.pool_size}-${i}`,
    params: p,
    metrics: { loss: curve(epochs, level, 0.002, i), val_loss: curve(epochs, level * 1.1, 0.003, i + 0.5) },
    tags: { 'pixal.kind': 'training', 'pixal.channels': p.channels, ...extraTags },
    startTime: Date.now() - (1000 - i) * 60_000,
  };
}

/** `count` training runs over the variant grid, each with `epochs` points of loss and val_loss. */
export async function seedRuns(url: string, options: { experimentId: string; count: number; epochs?: number }): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < options.count; i++) ids.push((await createRun(url, options.experimentId, trainingRun(i, options.epochs ?? 10))).runId);
  return ids;
}

/** A sweep parent with one nested child per variant (channels × pool by default: 6 children). */
export async function seedSweep(
  url: string,
  options: { experimentId: string; name?: string; children?: number; epochs?: number },
): Promise<{ parentRunId: string; childRunIds: string[] }> {
  const parent = await createRun(url, options.experimentId, { name: options.name ?? 'sweep', tags: { 'pixal.kind': 'sweep' }, status: 'FINISHED' });
  const childRunIds: string[] = [];
  for (let i = 0; i < (options.children ?? CHANNELS.length * POOL_SIZES.length); i++) {
    const spec = trainingRun(i, options.epochs ?? 10);
    childRunIds.push((await createRun(url, options.experimentId, { ...spec, parentRunId: parent.runId })).runId);
  }
  return { parentRunId: parent.runId, childRunIds };
}

/** A registered model with one version per run (source = the run's `model/` folder), and an optional alias. */
export async function seedRegisteredModel(
  url: string,
  options: { name: string; runIds: string[]; alias?: { name: string; version: number } },
): Promise<{ name: string; versions: string[] }> {
  await call(url, 'POST', 'registered-models/create', { name: options.name });
  const versions: string[] = [];
  for (const runId of options.runIds) {
    const { run } = await call<{ run: { info: { artifact_uri: string } } }>(url, 'GET', `runs/get?run_id=${runId}`);
    const { model_version } = await call<{ model_version: { version: string } }>(url, 'POST', 'model-versions/create', {
      name: options.name,
      source: `${run.info.artifact_uri}/model`,
      run_id: runId,
    });
    versions.push(model_version.version);
  }
  if (options.alias) await call(url, 'POST', 'registered-models/alias', { name: options.name, alias: options.alias.name, version: String(options.alias.version) });
  return { name: options.name, versions };
}

/** A small real PNG: a gradient with a bright square, different per `seed`. */
export async function pngImage(seed: number, width = 160, height = 120): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const spot = Math.abs(x - ((seed * 37) % width)) < 12 && Math.abs(y - ((seed * 23) % height)) < 12;
      pixels[o] = spot ? 255 : (x * 255) / width;
      pixels[o + 1] = spot ? 40 : (y * 255) / height;
      pixels[o + 2] = (seed * 53) % 256;
    }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Uploads bytes as an artifact of a run (artifact URI `mlflow-artifacts:/…`), through the artifact proxy. */
export async function uploadArtifact(url: string, artifactUri: string, path: string, bytes: Buffer): Promise<void> {
  const root = artifactUri.replace(/^mlflow-artifacts:\/?/, '').replace(/^\/+/, '');
  const res = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`, { method: 'PUT', body: new Uint8Array(bytes) });
  if (!res.ok) throw new Error(`seed: upload ${path} → ${res.status} ${await res.text()}`);
}

export const VALIDATION_PLOTS = ['plots/roc_images.png', 'plots/score_histogram.png'] as const;

/** A validation run as `pixal validate` writes it: tags linking the source run, headline metrics, PNG plots. */
export async function seedValidationRun(
  url: string,
  options: { experimentId: string; sourceRunId: string; modelUri?: string; metrics?: Record<string, number>; seed?: number; inputDir?: string },
): Promise<{ runId: string; plots: string[] }> {
  const seed = options.seed ?? 1;
  const metrics = options.metrics ?? { image_auroc: 0.9 + 0.01 * (seed % 5), pixel_auroc: 0.85 + 0.01 * (seed % 7), image_ap: 0.8, pixel_ap: 0.6, f1: 0.75, pixel_f1: 0.5 };
  const modelUri = options.modelUri ?? `runs:/${options.sourceRunId}/model`;
  const run = await createRun(url, options.experimentId, {
    name: `validate-${options.sourceRunId.slice(0, 8)}-${seed}`,
    params: { input: options.inputDir ?? '/data/flex/validate', model_uri: modelUri },
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, [v]])),
    tags: {
      'pixal.kind': 'validation',
      'pixal.source_run_id': options.sourceRunId,
      'pixal.model_uri': modelUri,
      'pixal.component': 'flex',
      'pixal.dataset_digest': `digest-${seed}`,
    },
  });
  for (const [i, path] of VALIDATION_PLOTS.entries()) await uploadArtifact(url, run.artifactUri, path, await pngImage(seed * 10 + i));
  return { runId: run.runId, plots: [...VALIDATION_PLOTS] };
}

export interface DemoSeed {
  experimentId: string;
  runIds: string[];
  sweep: { parentRunId: string; childRunIds: string[] };
  model: { name: string; versions: string[] };
  validation: { runId: string; plots: string[] };
}

/** A small store with one of everything: 8 runs, a 6-child sweep, model `flex-ae` (v1 @production, v2), a validation. */
export async function seedDemo(url: string): Promise<DemoSeed> {
  const experimentId = await createExperiment(url, 'flex-demo');
  const runIds = await seedRuns(url, { experimentId, count: 8, epochs: 12 });
  const sweep = await seedSweep(url, { experimentId, name: 'sweep-channels-pool', epochs: 12 });
  const model = await seedRegisteredModel(url, { name: 'flex-ae', runIds: runIds.slice(0, 2), alias: { name: 'production', version: 1 } });
  const validation = await seedValidationRun(url, { experimentId, sourceRunId: runIds[0]!, modelUri: 'models:/flex-ae/1' });
  return { experimentId, runIds, sweep, model, validation };
}

// --- bulk seeding straight into the store (benches) ------------------------------------------

const runUuid = () => randomBytes(16).toString('hex');

function insertExperiment(db: Db, name: string): number {
  const now = Date.now();
  const row = db
    .insert(experiments)
    .values({ name, artifactLocation: 'mlflow-artifacts:/pending', creationTime: now, lastUpdateTime: now })
    .returning({ id: experiments.experimentId })
    .get();
  db.$client.prepare('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?').run(`mlflow-artifacts:/${row.id}`, row.id);
  return row.id;
}

interface Statements {
  run: (id: string, experimentId: number, name: string, start: number) => void;
  param: (id: string, key: string, value: string) => void;
  tag: (id: string, key: string, value: string) => void;
  point: (id: string, key: string, step: number, timestamp: number, value: number) => void;
  latest: (id: string, key: string, step: number, timestamp: number, value: number) => void;
}

function statements(db: Db): Statements {
  const c = db.$client;
  const run = c.prepare(
    "INSERT INTO runs (run_uuid, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage) VALUES (?, ?, ?, 'bench', 'FINISHED', ?, ?, ?, 'active')",
  );
  const param = c.prepare('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)');
  const tag = c.prepare('INSERT INTO run_tags (run_uuid, key, value) VALUES (?, ?, ?)');
  const point = c.prepare('INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  const latest = c.prepare('INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  return {
    run: (id, experimentId, name, start) => {
      run.run(id, experimentId, name, start, start + 60_000, `mlflow-artifacts:/${experimentId}/${id}/artifacts`);
      tag.run(id, 'mlflow.runName', name);
      tag.run(id, 'mlflow.user', 'bench');
    },
    param: (id, key, value) => param.run(id, key, value),
    tag: (id, key, value) => tag.run(id, key, value),
    point: (id, key, step, timestamp, value) => point.run(id, key, step, timestamp, value),
    latest: (id, key, step, timestamp, value) => latest.run(id, key, step, timestamp, value),
  };
}

/** The params of bulk run i: the four of the demo grid, then filler hyper-parameters up to `count`. */
export function bulkParams(i: number, count: number): [string, string][] {
  const core = Object.entries(variantParams(i)).map(([k, v]) => [k, String(v)] as [string, string]);
  const filler = Array.from({ length: Math.max(0, count - core.length) }, (_, j) => [`hp_${String(j).padStart(2, '0')}`, String((i * (j + 3)) % (7 + j))] as [string, string]);
  return [...core, ...filler];
}

/** `runs` finished runs with `params` params each, latest loss/val_loss/image_auroc and two tags, in one transaction. */
export function bulkSeedRuns(db: Db, options: { experimentName: string; runs: number; params: number }): { experimentId: string; runIds: string[] } {
  const s = statements(db);
  const experimentId = insertExperiment(db, options.experimentName);
  const runIds: string[] = [];
  const t0 = Date.now() - options.runs * 1000;
  db.$client.transaction(() => {
    for (let i = 0; i < options.runs; i++) {
      const id = runUuid();
      runIds.push(id);
      const start = t0 + i * 1000;
      const p = variantParams(i);
      s.run(id, experimentId, `${p.model_kind}-${p.channels}-pool${p.pool_size}-${i}`, start);
      for (const [k, v] of bulkParams(i, options.params)) s.param(id, k, v);
      s.tag(id, 'pixal.kind', 'training');
      s.tag(id, 'pixal.channels', p.channels);
      const values = { loss: 0.05 + (i % 97) / 1000, val_loss: 0.06 + (i % 89) / 1000, image_auroc: 0.8 + (i % 193) / 1000 };
      for (const [k, v] of Object.entries(values)) {
        s.point(id, k, 9, start + 9000, v);
        s.latest(id, k, 9, start + 9000, v);
      }
    }
  })();
  return { experimentId: String(experimentId), runIds };
}

export const HISTORY_METRICS = ['loss', 'val_loss', 'recon_error', 'learning_rate', 'grad_norm'] as const;

/** `runs` runs with `metrics` histories of `steps` points each (a noisy decay), in one transaction. */
export function bulkSeedHistories(
  db: Db,
  options: { experimentName: string; runs: number; metrics: number; steps: number },
): { experimentId: string; runIds: string[]; metricKeys: string[] } {
  const s = statements(db);
  const experimentId = insertExperiment(db, options.experimentName);
  const metricKeys = Array.from({ length: options.metrics }, (_, k) => HISTORY_METRICS[k] ?? `metric_${k}`);
  const runIds: string[] = [];
  const t0 = Date.now() - options.steps * 1000;
  db.$client.transaction(() => {
    for (let i = 0; i < options.runs; i++) {
      const id = runUuid();
      runIds.push(id);
      const p = variantParams(i);
      s.run(id, experimentId, `long-${p.channels}-pool${p.pool_size}-${i}`, t0);
      for (const [k, v] of Object.entries(p)) s.param(id, k, String(v));
      for (const [m, key] of metricKeys.entries()) {
        let value = 0;
        for (let step = 0; step < options.steps; step++) {
          value = (1 + m) * (0.1 + Math.exp(-step / (options.steps / 5))) + 0.02 * Math.sin(step * 0.37 + i + m);
          s.point(id, key, step, t0 + step * 1000, value);
        }
        s.latest(id, key, options.steps - 1, t0 + (options.steps - 1) * 1000, value);
      }
    }
  })();
  return { experimentId: String(experimentId), runIds, metricKeys };
}
