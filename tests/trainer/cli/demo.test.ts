// `pixal demo` as a user runs it: the real CLI in a child process, then the store read back through a fresh
// server and the trainer's MLflow client. Run twice, the dataset is reused and new runs are added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../../server/main.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';

const BIN = fileURLToPath(new URL('../../../trainer/cli/bin.mjs', import.meta.url));
const TYPES = ['back', 'front'];

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with a clean tracking environment, plus what the test adds. */
function runDemo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'demo', ...args], { env: { ...base, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
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

describe('pixal demo', () => {
  const root = mkdtempSync(join(tmpdir(), 'pixal-demo-'));
  const dir = join(root, 'demo');
  const args = ['--dir', dir, '--port', '0', '--size', '480x270', '--no-serve', '--quiet'];
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('logs one finished run per type with params, metrics and artifacts; a second run reuses the dataset', { timeout: 180_000 }, async () => {
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
      expect(runs.map((r) => r.info.runName).sort()).toEqual(TYPES.map((t) => `preprocess-${t}`));
      for (const run of runs) {
        const type = run.info.runName.replace('preprocess-', '');
        expect(run.info.status).toBe('FINISHED');
        expect(run.info.endTime).toBeGreaterThanOrEqual(run.info.startTime!);
        expect(asMap(run.data.tags)).toMatchObject({ 'pixal.kind': 'preprocessing', 'pixal.component': 'flex', 'pixal.type': type, 'pixal.version': expect.stringMatching(/^\d+\.\d+\.\d+/) });
        expect(asMap(run.data.params)).toMatchObject({
          'preprocessing.alignment.apply_alignment': 'true',
          'preprocessing.alignment.detector': 'SIFT',
          'preprocessing.preprocessor.pool_size': '2',
          'preprocessing.preprocessor.channels': '["LAB_a","LAB_b"]',
          'preprocessing.remove_background.method': 'classical',
        });
        const metrics = asMap(run.data.metrics) as Record<string, number>;
        expect(metrics.inputs).toBe(12);
        expect(metrics.images! + metrics.skipped!).toBe(12);
        expect(metrics.channels).toBe(2);
        // The summary line of that type says the same: "<type>: N of 12 images -> ... (N x HxW pixels x 2 channels)".
        expect(first.stdout).toContain(`  ${type}: ${metrics.images} of 12 images -> ${join(dir, 'out', 'flex', type, 'out.npz')} (${metrics.images} x ${metrics.pooled_height}x${metrics.pooled_width} pixels x 2 channels)`);
        const files = (await (await client.runArtifacts(run.info.runId)).listFiles()).map((f) => f.path);
        expect(files).toEqual(
          expect.arrayContaining([
            'metadata/parameters.yaml',
            'metadata/preprocessing.yaml',
            'logs/preprocessing.log',
            'figures/aligned_metrics/plots/score.png',
            'figures/aligned_metrics/plots/mse.png',
          ]),
        );
        expect(files.every((f) => /^(metadata\/.*\.yaml|logs\/.*\.log|figures\/.*\.png)$/.test(f)), files.join(', ')).toBe(true);
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
      expect(runs).toHaveLength(4);
      expect(runs.every((r) => r.info.status === 'FINISHED')).toBe(true);
      expect(runs.map((r) => r.info.runName).sort()).toEqual(['preprocess-back', 'preprocess-back', 'preprocess-front', 'preprocess-front']);
    } finally {
      await server.close();
    }
  });

  it('logs to MLFLOW_TRACKING_URI instead of starting a server', { timeout: 120_000 }, async () => {
    const remote = await serve(join(root, 'remote'));
    try {
      const run = await runDemo(args, { MLFLOW_TRACKING_URI: remote.url });
      expect(run.code, run.stderr).toBe(0);
      const { runs } = await demoRuns(remote);
      expect(runs.map((r) => [r.info.runName, r.info.status]).sort()).toEqual(TYPES.map((t) => [`preprocess-${t}`, 'FINISHED']));
      expect(run.stdout).toContain(`at ${remote.url}:`);
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
