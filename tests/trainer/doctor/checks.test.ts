// The doctor's checks on this machine as it is: tfjs-node built, no GPU, wasm, OpenCV, and a real tracking server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../../server/main.ts';
import {
  defaultTraining,
  mlflowPeerCheck,
  nativeTensorflowCheck,
  nodeCheck,
  nvidiaSmiCheck,
  opencvCheck,
  runChecks,
  sharpCheck,
  sqliteCheck,
  trackingServerCheck,
  wasmCheck,
  type Check,
  type CheckResult,
} from '../../../trainer/doctor/checks.ts';

const one = async (check: Check) => (await runChecks([check]))[0]!;

/** A port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('doctor checks', () => {
  it('finds native TensorFlow on the CPU, with its TensorFlow version and C library', async () => {
    const result = await one(nativeTensorflowCheck('cpu'));
    expect(result).toMatchObject({ name: '@tensorflow/tfjs-node', status: 'OK' });
    expect(result.detail).toMatch(/^4\.22\.0, TensorFlow 2\.21\.0, C library in \/.*node_modules\/@tensorflow\/tfjs-node\/deps\/lib$/);
  });

  it('reports the GPU package missing (not installed here), with how to get it, and whether there is a driver', async () => {
    expect(await one(nativeTensorflowCheck('gpu'))).toEqual({
      name: '@tensorflow/tfjs-node-gpu',
      status: 'MISSING',
      detail: "not installed: it needs TensorFlow's GPU build and CUDA, set up only where there is an NVIDIA GPU (optional: --device gpu)",
      fix: 'run `npm run setup:gpu` on a machine with an NVIDIA GPU',
    });
    const driver = (() => {
      try {
        return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8' }).includes('GPU');
      } catch {
        return false;
      }
    })();
    expect(await one(nvidiaSmiCheck)).toMatchObject(
      driver ? { name: 'nvidia-smi', status: 'OK' } : { name: 'nvidia-smi', status: 'MISSING', detail: expect.stringMatching(/^not found: no NVIDIA driver/) },
    );
  });

  it('starts the wasm backend (SIMD in Node) and loads OpenCV, sharp, SQLite, Node and the MLflow peer', async () => {
    expect(await one(wasmCheck)).toEqual({
      name: 'wasm backend',
      status: 'OK',
      detail: '4.22.0, SIMD yes, threads no; the fallback trains dense models only (no convolution gradients)',
    });
    expect(await one(opencvCheck)).toMatchObject({ status: 'OK', detail: expect.stringMatching(/^@u4\/opencv4nodejs 7\.\d+\.\d+, OpenCV 4\.\d+\.\d+, with SIFT$/) });
    expect(await one(sharpCheck)).toMatchObject({ status: 'OK', detail: expect.stringMatching(/^0\.35\.\d+, libvips \d+\.\d+\.\d+$/) });
    expect(await one(sqliteCheck)).toMatchObject({ status: 'OK', detail: expect.stringMatching(/^12\.\d+\.\d+, SQLite 3\.\d+\.\d+$/) });
    expect(await one(nodeCheck)).toMatchObject({ status: 'OK', detail: `${process.version}, ABI ${process.versions.modules} (${process.platform}-${process.arch})` });
    expect(await one(mlflowPeerCheck)).toMatchObject({ status: 'OK', detail: expect.stringMatching(/^mlflow 3\.\d+\.\d+ in \.venv$/) });
  });

  it('asks the tracking server for /health: a running pixal server answers, a closed port does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-doctor-'));
    const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(dir, 'store.db')}`, artifactsDestination: join(dir, 'art'), logLevel: 'silent' });
    try {
      expect(await one(trackingServerCheck({ MLFLOW_TRACKING_URI: `${server.url}/` }))).toEqual({
        name: 'MLFLOW_TRACKING_URI',
        status: 'OK',
        detail: `${server.url}: the server answers /health`,
      });
    } finally {
      await server.close();
    }
    const closed = `http://127.0.0.1:${await closedPort()}`;
    expect(await one(trackingServerCheck({ MLFLOW_TRACKING_URI: closed }))).toEqual({
      name: 'MLFLOW_TRACKING_URI',
      status: 'BROKEN',
      detail: `${closed}: unreachable (ECONNREFUSED)`,
      fix: 'start the server, e.g. `pixal server`, or unset MLFLOW_TRACKING_URI to log to ./mlruns',
    });
    expect(await one(trackingServerCheck({}))).toMatchObject({ status: 'OK', detail: expect.stringMatching(/^not set: pixal train and sweep log to \.\/mlruns/) });
    expect(await one(trackingServerCheck({ MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' }))).toMatchObject({
      status: 'BROKEN',
      detail: expect.stringMatching(/^MLFLOW_TRACKING_URI 'file:\/\/\/tmp\/mlruns' uses 'file:'/),
    });
  });

  it('reports a check that throws as BROKEN and goes on', async () => {
    const results = await runChecks([{ name: 'exploding', run: () => Promise.reject(new Error('boom\nstack')) }, nodeCheck]);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['exploding', 'BROKEN'],
      ['Node.js', 'OK'],
    ]);
    expect(results[0]!.detail).toBe('the check itself failed: boom');
  });

  it('says how default training runs: native, else the wasm fallback, else not at all', () => {
    const r = (name: string, status: CheckResult['status']): CheckResult => ({ name, status, detail: '' });
    expect(defaultTraining([r('@tensorflow/tfjs-node', 'OK'), r('wasm backend', 'OK')])).toBe('native');
    expect(defaultTraining([r('@tensorflow/tfjs-node', 'BROKEN'), r('wasm backend', 'OK')])).toBe('wasm');
    expect(defaultTraining([r('@tensorflow/tfjs-node', 'MISSING'), r('wasm backend', 'BROKEN')])).toBeNull();
  });
});
