// `pixal demo` as a user runs it: the real CLI in a child process, then the store read back through a fresh
// server and the trainer's MLflow client. Per type: a preprocessing run, a training run and a validation run of
// that model on the dataset's labelled test images. Run twice, the dataset is reused and new runs are added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../../server/main.ts';
import { loadConfig } from '../../../trainer/config/load.ts';
import { flattenParams } from '../../../trainer/config/params.ts';
import { DEMO_CONFIG_SETS } from '../../../trainer/demo/options.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';
import { trainingRunName } from '../../../trainer/runs/tags.ts';

const BIN = fileURLToPath(new URL('../../../trainer/cli/bin.mjs', import.meta.url));
const TYPES = ['back', 'front'];
/** The config the demo runs with, whatever configs/parameters.yaml says today. */
const CONFIG = loadConfig({ sets: DEMO_CONFIG_SETS });
/** One demo at 480x270: preprocessing, two trainings, two validations (about half a minute on two idle cores). */
const DEMO_TIMEOUT_MS = 240_000;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with a clean tracking environment, plus what the test adds. */
function runDemo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'demo', ...args], { env: { ...base, ...env }, timeout: DEMO_TIMEOUT_MS }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A tracking server over an existing store (or a fresh one), as `pixal server` would open it. */
function serve(mlruns: string): Promise<RunningServer> {
  return startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(mlruns, 'pixal.db')}`, artifactsDestination: mlruns, logLevel: 'silent' });
}

async function demoRuns(server: RunningServer): Promise<{ client: MlflowClient; runs: Run[] }> {
  const client = new MlflowClient({ trackingUri: server.url }, {});
  const experiment = await client.getExperimentByName('pixal-demo');
  expect(experiment, 'experiment pixal-demo').toBeDefined();
  const { runs } = await client.searchRuns({ experimentIds: [experiment!.experimentId], orderBy: ['attributes.start_time ASC'] });
  return { client, runs };
}

const asMap = (entries: { key: string; value: unknown }[]) => Object.fromEntries(entries.map((e) => [e.key, e.value]));
const tag = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value;
const metric = (run: Run, key: string) => run.data.metrics.find((m) => m.key === key)?.value;

/** The runs of one kind (preprocessing, training, validation) for one type, oldest first. */
const runsOf = (runs: Run[], kind: string, type: string) => runs.filter((r) => tag(r, 'pixal.kind') === kind && tag(r, 'pixal.type') === type);

/** [run name, kind, type, status] of every run, sorted: what one or more demos should have left. */
function shape(runs: Run[]): string[][] {
  return runs.map((r) => [r.info.runName, tag(r, 'pixal.kind')!, tag(r, 'pixal.type')!, r.info.status]).sort((a, b) => a.join().localeCompare(b.join()));
}

/** What one demo leaves per type: three finished runs, named by step. */
function expectedShape(times = 1): string[][] {
  const one = TYPES.flatMap((type) => {
    const training = trainingRunName(CONFIG, type);
    return [
      [`preprocess-${type}`, 'preprocessing', type, 'FINISHED'],
      [training, 'training', type, 'FINISHED'],
      [`validate-${training}-flex`, 'validation', type, 'FINISHED'],
    ];
  });
  return Array.from({ length: times }, () => one).flat().sort((a, b) => a.join().localeCompare(b.join()));
}

describe('pixal demo', () => {
  const root = mkdtempSync(join(tmpdir(), 'pixal-demo-'));
  const dir = join(root, 'demo');
  const args = ['--dir', dir, '--port', '0', '--size', '480x270', '--no-serve', '--quiet'];
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('logs per type a preprocessing, a training and a validation run; a second demo reuses the dataset', { timeout: 2 * DEMO_TIMEOUT_MS }, async () => {
    const first = await runDemo(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^data: .*\/demo\/data: generated$/m);
    expect(first.stdout).toMatch(/^experiment: http:\/\/127\.0\.0\.1:\d+\/#\/experiments\/\d+$/m);
    for (const type of TYPES) expect(existsSync(join(dir, 'out', 'flex', type, 'out.npz')), `${type}/out.npz`).toBe(true);
    const manifest = join(dir, 'data', 'manifest.json');
    const generatedAt = statSync(manifest).mtimeMs;

    let server = await serve(join(dir, 'mlruns'));
    try {
      const { client, runs } = await demoRuns(server);
      expect(shape(runs)).toEqual(expectedShape());
      for (const type of TYPES) {
        const [preprocessing] = runsOf(runs, 'preprocessing', type);
        const [training] = runsOf(runs, 'training', type);
        const [validation] = runsOf(runs, 'validation', type);

        expect(preprocessing!.info.endTime).toBeGreaterThanOrEqual(preprocessing!.info.startTime!);
        expect(asMap(preprocessing!.data.tags)).toMatchObject({ 'pixal.component': 'flex', 'pixal.version': expect.stringMatching(/^\d+\.\d+\.\d+/) });
        // The params are the effective config: the demo's overrides over whatever parameters.yaml says.
        expect(asMap(preprocessing!.data.params)).toMatchObject({ ...flattenParams(CONFIG.preprocessing, 'preprocessing'), 'preprocessing.alignment.apply_alignment': 'true' });
        const metrics = asMap(preprocessing!.data.metrics) as Record<string, number>;
        expect(metrics.inputs).toBe(12);
        expect(metrics.images! + metrics.skipped!).toBe(12);
        expect(metrics.channels).toBe(2);
        // The summary line of that type says the same: "<type>: N of 12 images -> ... (N x HxW pixels x 2 channels)".
        expect(first.stdout).toContain(`  ${type}: ${metrics.images} of 12 images -> ${join(dir, 'out', 'flex', type, 'out.npz')} (${metrics.images} x ${metrics.pooled_height}x${metrics.pooled_width} pixels x 2 channels)`);
        const preprocessingFiles = (await (await client.runArtifacts(preprocessing!.info.runId)).listFiles()).map((f) => f.path);
        expect(preprocessingFiles).toEqual(
          expect.arrayContaining(['metadata/parameters.yaml', 'metadata/preprocessing.yaml', 'logs/preprocessing.log', 'figures/aligned_metrics/plots/score.png', 'figures/aligned_metrics/plots/mse.png']),
        );
        expect(preprocessingFiles.every((f) => /^(metadata\/.*\.yaml|logs\/.*\.log|figures\/.*\.png)$/.test(f)), preprocessingFiles.join(', ')).toBe(true);

        // Training: on that type's dataset, with the demo's epochs, its model stored as the run's artifact.
        const trainingId = training!.info.runId;
        expect(asMap(training!.data.params)).toMatchObject({ 'model_training.n_epochs': String(CONFIG.model_training.n_epochs), 'preprocessing.preprocessor.pool_size': String(CONFIG.preprocessing.preprocessor.pool_size) });
        expect(tag(training!, 'pixal.component')).toBe('flex');
        const bestValLoss = metric(training!, 'best_val_loss');
        expect(bestValLoss).toBeTypeOf('number');
        expect(first.stdout).toMatch(new RegExp(`^  ${training!.info.runName}: FINISHED, \\d+ epochs \\(.*\\), best val_loss ${bestValLoss!.toPrecision(4)} at epoch \\d+$`, 'm'));
        expect(first.stdout).toContain(`    run ${trainingId}: http://127.0.0.1:`);
        expect(existsSync(join(dir, 'models', trainingId)), 'the model was fetched into <dir>/models').toBe(true);

        // Validation: of that model, on the labelled test images, with honest metrics and its plots.
        expect(asMap(validation!.data.tags)).toMatchObject({ 'pixal.source_run_id': trainingId, 'pixal.model_uri': `runs:/${trainingId}/model`, 'pixal.component': 'flex' });
        for (const key of ['image_auroc', 'pixel_auroc', 'image_ap', 'pixel_ap', 'image_threshold', 'pixel_threshold']) expect(metric(validation!, key), key).toBeTypeOf('number');
        expect(metric(validation!, 'images')).toBe(10); // 4 good and one of each of the 6 defect kinds
        expect(metric(validation!, 'defective_images')).toBe(6);
        expect(tag(await client.getRun(trainingId), 'pixal.last_validation_run_id')).toBe(validation!.info.runId);
        const validationFiles = (await (await client.runArtifacts(validation!.info.runId)).listFiles()).map((f) => f.path);
        expect(validationFiles).toEqual(expect.arrayContaining(['scores.csv', 'metadata/validation.yaml', 'plots/roc_images.png', 'plots/pr_pixels.png', 'plots/confusion_matrix.png']));
        expect(first.stdout).toContain(`run ${trainingId} on flex/${type}: FINISHED, 10 images (10 labelled, 6 defective)`);
        expect(first.stdout).toMatch(new RegExp(`image AUROC ${metric(validation!, 'image_auroc')!.toFixed(4)} {2}AP \\d\\.\\d{4} .*pixel AUROC ${metric(validation!, 'pixel_auroc')!.toFixed(4)}`));
        const plots = new RegExp(`^  ${type}: (.*/validate/flex/validations/[^ ]*/plots) \\(run http://127\\.0\\.0\\.1:\\d+/#/experiments/\\d+/runs/${validation!.info.runId}\\)$`, 'm').exec(first.stdout);
        expect(plots, `plots line of ${type}`).not.toBeNull();
        expect(existsSync(join(plots![1]!, 'roc_images.png')), 'the plots are where the summary says').toBe(true);
      }
    } finally {
      await server.close();
    }

    const second = await runDemo(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^data: .*\/demo\/data: reused/m);
    expect(statSync(manifest).mtimeMs, 'the dataset was not written again').toBe(generatedAt);
    server = await serve(join(dir, 'mlruns'));
    try {
      const { runs } = await demoRuns(server);
      expect(shape(runs)).toEqual(expectedShape(2));
      // Each validation names the training run of its own demo.
      for (const type of TYPES) {
        const sources = runsOf(runs, 'validation', type).map((r) => tag(r, 'pixal.source_run_id'));
        expect(sources).toEqual(runsOf(runs, 'training', type).map((r) => r.info.runId));
      }
    } finally {
      await server.close();
    }
  });

  it('logs to MLFLOW_TRACKING_URI instead of starting a server', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const remote = await serve(join(root, 'remote'));
    try {
      const run = await runDemo(args, { MLFLOW_TRACKING_URI: remote.url });
      expect(run.code, run.stderr).toBe(0);
      const { runs } = await demoRuns(remote);
      expect(shape(runs)).toEqual(expectedShape());
      for (const type of TYPES) expect(tag(runsOf(runs, 'validation', type)[0]!, 'pixal.source_run_id')).toBe(runsOf(runs, 'training', type)[0]!.info.runId);
      expect(run.stdout).toContain(`at ${remote.url}:`);
      expect(run.stdout).toContain(`experiment: ${remote.url}/#/experiments/`);
    } finally {
      await remote.close();
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
