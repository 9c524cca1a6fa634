// `pixal demo` as a user runs it: the real CLI in a child process, then the store read back through a fresh
// server and the trainer's MLflow client. One sweep run with a child training run per grid point (channels x pool)
// and image type, a validation run of every model, and per type the best model registered with the alias
// production. A second demo, logging to that server through MLFLOW_TRACKING_URI, reuses the dataset and every
// preprocessing and moves the alias to its own best model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../../server/main.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';

const BIN = fileURLToPath(new URL('../../../trainer/cli/bin.mjs', import.meta.url));
const TYPES = ['back', 'front'];
const POINTS = [
  ['RGB', '2'],
  ['RGB', '4'],
  ['HSV', '2'],
  ['HSV', '4'],
  ['LAB_ab', '2'],
  ['LAB_ab', '4'],
];
/** One demo at 480x270: six preprocessings (one remove_bg + align), twelve trainings, twelve validations. */
const DEMO_TIMEOUT_MS = 900_000;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with a clean tracking environment, plus what the test adds. */
function runDemo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'demo', ...args], { env: { ...base, ...env }, timeout: DEMO_TIMEOUT_MS, maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A tracking server over an existing store, as `pixal server` would open it. */
function serve(mlruns: string): Promise<RunningServer> {
  return startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(mlruns, 'pixal.db')}`, artifactsDestination: mlruns, logLevel: 'silent' });
}

async function demoRuns(server: RunningServer): Promise<{ client: MlflowClient; runs: Run[] }> {
  const client = new MlflowClient({ trackingUri: server.url }, {});
  const experiment = await client.getExperimentByName('pixal-demo');
  expect(experiment, 'experiment pixal-demo').toBeDefined();
  const { runs } = await client.searchRuns({ experimentIds: [experiment!.experimentId], orderBy: ['attributes.start_time ASC'], maxResults: 1000 });
  return { client, runs };
}

const tag = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value;
const param = (run: Run, key: string) => run.data.params.find((p) => p.key === key)?.value;
const metric = (run: Run, key: string) => run.data.metrics.find((m) => m.key === key)?.value;
const ofKind = (runs: Run[], kind: string) => runs.filter((r) => tag(r, 'pixal.kind') === kind);

/** The training run the test itself finds best for `type` among `trainings`: image AUROC, then pixel AUROC, then grid order. */
function expectedBest(trainings: Run[], validations: Run[], type: string): Run {
  const scored = trainings
    .filter((r) => tag(r, 'pixal.type') === type)
    .map((training) => {
      const validation = validations.find((v) => tag(v, 'pixal.source_run_id') === training.info.runId)!;
      const rank = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? -Infinity : v);
      return { training, image: rank(metric(validation, 'image_auroc')), pixel: rank(metric(validation, 'pixel_auroc')), index: Number(tag(training, 'pixal.sweep_index')) };
    })
    .sort((a, b) => b.image - a.image || b.pixel - a.pixel || a.index - b.index);
  return scored[0]!.training;
}

/** Checks one demo's sweep in `runs`: its parent, 12 children over grid x types, 12 validations; returns them. */
function checkSweep(runs: Run[], parent: Run): { trainings: Run[]; validations: Run[] } {
  expect(parent.info.status).toBe('FINISHED');
  expect(JSON.parse(tag(parent, 'pixal.grid')!)).toEqual([
    { key: 'preprocessing.preprocessor.channels', values: ['RGB', 'HSV', 'LAB_ab'] },
    { key: 'preprocessing.preprocessor.pool_size', values: ['2', '4'] },
  ]);
  const trainings = ofKind(runs, 'training').filter((r) => tag(r, 'mlflow.parentRunId') === parent.info.runId);
  const grid = trainings.map((r) => [param(r, 'preprocessing.preprocessor.channels'), param(r, 'preprocessing.preprocessor.pool_size'), tag(r, 'pixal.type')].join(' '));
  expect(grid.sort()).toEqual(POINTS.flatMap(([c, p]) => TYPES.map((t) => `${c} ${p} ${t}`)).sort());
  for (const r of trainings) {
    expect(r.info.status).toBe('FINISHED');
    // The demo's own fast settings, whatever configs/parameters.yaml says today.
    expect(param(r, 'model_training.model_kind')).toBe('conv');
    expect(param(r, 'model_training.n_epochs')).toBe('40');
    expect(param(r, 'preprocessing.alignment.apply_alignment')).toBe('true');
  }
  const ids = new Set(trainings.map((r) => r.info.runId));
  const validations = ofKind(runs, 'validation').filter((v) => ids.has(tag(v, 'pixal.source_run_id')!));
  expect(validations.map((v) => tag(v, 'pixal.source_run_id')).sort()).toEqual([...ids].sort());
  for (const v of validations) {
    expect(v.info.status).toBe('FINISHED');
    expect(metric(v, 'image_auroc')).toBeTypeOf('number');
    expect(metric(v, 'images')).toBe(10); // 4 good and one of each of the 6 defect kinds
  }
  return { trainings, validations };
}

describe('pixal demo', () => {
  const root = mkdtempSync(join(tmpdir(), 'pixal-demo-'));
  const dir = join(root, 'demo');
  const args = ['--dir', dir, '--port', '0', '--size', '480x270', '--no-serve', '--quiet'];
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('sweeps channels x pool, validates every model and promotes the best of each type; a second demo reuses everything and moves the alias', { timeout: 2 * DEMO_TIMEOUT_MS }, async () => {
    const first = await runDemo(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^data: .*\/demo\/data: generated$/m);
    expect(first.stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/runs\?exp=\d+$/m);
    const manifest = join(dir, 'data', 'manifest.json');
    const generatedAt = statSync(manifest).mtimeMs;
    // Six preprocessings, one remove_bg + align pass: only the first one's step folders hold images.
    const cache = join(dir, 'out', 'sweep-cache');
    const keys = readdirSync(cache);
    expect(keys).toHaveLength(6);
    for (const type of TYPES) {
      const alignedDir = (k: string) => join(cache, k, 'flex', type, 'preprocessed_images', 'aligned_images');
      const aligned = keys.filter((k) => existsSync(alignedDir(k)) && readdirSync(alignedDir(k)).some((f) => f.endsWith('.png')));
      expect(aligned, `${type}: variants with aligned images of their own`).toHaveLength(1);
      for (const k of keys) expect(existsSync(join(cache, k, 'flex', type, 'metadata', 'alignment_reference.png')), `${k}/${type} reference`).toBe(true);
    }

    const server = await serve(join(dir, 'mlruns'));
    try {
      const { client, runs: firstRuns } = await demoRuns(server);
      let runs = firstRuns;
      const [parent] = ofKind(runs, 'sweep');
      const { trainings, validations } = checkSweep(runs, parent!);
      for (const type of TYPES) {
        const best = expectedBest(trainings, validations, type);
        const production = await client.registry.getModelVersionByAlias(`flex-${type}`, 'production');
        expect(production.runId, `flex-${type}@production`).toBe(best.info.runId);
        expect(production.version).toBe('1');
        expect(first.stdout).toContain(`  models:/flex-${type}@production = version 1: ${best.info.runName} (`);
      }

      // Again, logging to that server: nothing to make again, and the alias moves to the new sweep's best.
      const second = await runDemo(args, { MLFLOW_TRACKING_URI: server.url });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/^data: .*\/demo\/data: reused/m);
      expect(statSync(manifest).mtimeMs, 'the dataset was not written again').toBe(generatedAt);
      expect(second.stdout.match(/, cached\]/g), 'every point reused its preprocessing').toHaveLength(6);
      expect(second.stdout).toContain(`dashboard: ${server.url}/#/experiments/`);
      ({ runs } = await demoRuns(server));
      const parents = ofKind(runs, 'sweep');
      expect(parents).toHaveLength(2);
      const again = checkSweep(runs, parents[1]!);
      for (const type of TYPES) {
        const production = await client.registry.getModelVersionByAlias(`flex-${type}`, 'production');
        expect(production.version).toBe('2');
        expect(production.runId).toBe(expectedBest(again.trainings, again.validations, type).info.runId);
        const history = (await (await fetch(`${server.url}/api/pixal/promotions?model=flex-${type}`)).json()) as { events: { kind: string; alias: string; from?: string; to?: string }[] };
        expect(history.events.map((e) => [e.kind, e.alias, e.from ?? null, e.to ?? null])).toEqual([
          ['alias_moved', 'production', '1', '2'],
          ['alias_set', 'production', null, '1'],
        ]);
      }
    } finally {
      await server.close();
    }
  });
});

describe('pixal demo refuses before any work', () => {
  const root = mkdtempSync(join(tmpdir(), 'pixal-demo-'));
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((done) => busy.close(done));
    rmSync(root, { recursive: true, force: true });
  });

  it('names a busy port and suggests --port', async () => {
    const run = await runDemo(['--dir', join(root, 'demo'), '--port', String(busyPort), '--no-serve', '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`pixal: port ${busyPort} on 127.0.0.1 is already in use`);
    expect(run.stderr).toMatch(/choose another port with --port/);
    expect(existsSync(join(root, 'demo', 'data')), 'no dataset was made').toBe(false);
  });

  it('leaves a data folder it did not make alone', async () => {
    const foreign = join(root, 'foreign', 'data', 'flex');
    mkdirSync(foreign, { recursive: true });
    const run = await runDemo(['--dir', join(root, 'foreign'), '--port', '0', '--no-serve', '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(root, 'foreign', 'data')} exists but ${join(root, 'foreign', 'data', 'manifest.json')} is missing or was not written by pixal synth`);
    expect(existsSync(foreign), 'the folder is still there').toBe(true);
  });

  it('names a bad flag', async () => {
    const run = await runDemo(['--dir', join(root, 'flags'), '--size', '480', '--port', 'x', '--no-serve']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--size must be WIDTHxHEIGHT with sides in 64..8192, e.g. 1920x1080, got '480'");
    expect(run.stderr).toContain("--port must be a whole number in 0..65535, got 'x'");
    expect(existsSync(join(root, 'flags')), 'nothing was written').toBe(false);
  });
});
