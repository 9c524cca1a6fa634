// Artifacts of mirrored runs, against a real `mlflow server`: listed and downloaded through the
// mirror (MLflow's routes and the official client's proxy calls) byte for byte as the remote has
// them, fetched from the remote once and then served from <artifacts>/mirror-cache; with the remote
// stopped the cache still answers and what it lacks is 503 naming the path.
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectOk, Rest, type Json } from '../../support/rest.ts';
import type { Dashboard } from '../dashboard/fixture.ts';
import { python, startCaughtUpMirror, startRemote, type Remote } from './remote-mlflow.ts';

let remote: Remote;
let mirror: Dashboard;
let finished: { run_id: string; artifact_uri: string };
let running: { run_id: string; artifact_uri: string };
const scratch = mkdtempSync(join(tmpdir(), 'pixal-mirror-art-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)]);

/** Logs the files of `folder` to a run on the remote with the official client; returns its id and artifact URI. */
function logRun(folder: string, finish: boolean): Promise<{ run_id: string; artifact_uri: string }> {
  return python(
    remote.url,
    [
      'import json',
      'from mlflow import MlflowClient',
      'c = MlflowClient()',
      "e = c.get_experiment_by_name('art') or c.get_experiment(c.create_experiment('art'))",
      'r = c.create_run(e.experiment_id)',
      `c.log_artifacts(r.info.run_id, ${JSON.stringify(folder)})`,
      finish ? "c.set_terminated(r.info.run_id, 'FINISHED')" : 'pass',
      "print(json.dumps({'run_id': r.info.run_id, 'artifact_uri': r.info.artifact_uri}))",
    ].join('\n'),
  );
}

async function logFile(runId: string, name: string, text: string): Promise<void> {
  const dir = mkdtempSync(join(scratch, 'more-'));
  writeFileSync(join(dir, name), text);
  await python(remote.url, ['from mlflow import MlflowClient', `MlflowClient().log_artifact(${JSON.stringify(runId)}, ${JSON.stringify(join(dir, name))})`, 'print(1)'].join('\n'));
}

/** How often the remote was asked for this file (uvicorn logs every request line). */
function remoteDownloads(runId: string, path: string): number {
  const line = `GET /get-artifact?run_id=${runId}&path=${encodeURIComponent(path)} `;
  return remote.output().split('\n').filter((l) => l.includes(line)).length;
}

const listing = async (d: Dashboard | Rest, runId: string, path?: string) => {
  const api = d instanceof Rest ? d : d.api;
  return expectOk(await api.get('artifacts/list', { run_id: runId, path }));
};
const download = (d: Dashboard, runId: string, path: string) => d.api.raw('GET', `/get-artifact?path=${encodeURIComponent(path)}&run_uuid=${runId}`);

beforeAll(async () => {
  remote = await startRemote();
  const folder = join(scratch, 'run');
  mkdirSync(join(folder, 'plots'), { recursive: true });
  writeFileSync(join(folder, 'plots', 'roc.png'), PNG);
  writeFileSync(join(folder, 'plots', 'never-opened.png'), PNG.subarray(0, 100));
  writeFileSync(join(folder, 'summary.txt'), 'pixel AUROC 0.997\n');
  finished = await logRun(folder, true);
  running = await logRun(folder, false);
  mirror = await startCaughtUpMirror(remote.url);
}, 240_000);
afterAll(async () => {
  await mirror?.close();
  await remote?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('artifacts of a mirrored run', () => {
  it('lists them as the remote does', async () => {
    const direct = new Rest(remote.url).withPrefix('/ajax-api/2.0/mlflow');
    for (const path of [undefined, 'plots', 'nowhere']) expect(await listing(mirror, finished.run_id, path)).toEqual(await listing(direct, finished.run_id, path));
    expect((await listing(mirror, finished.run_id)).root_uri).toBe(finished.artifact_uri);
  });

  it('downloads a file from the remote once, then from the cache', async () => {
    expect(remoteDownloads(finished.run_id, 'plots/roc.png')).toBe(0);
    for (let i = 0; i < 3; i++) {
      const reply = await download(mirror, finished.run_id, 'plots/roc.png');
      expect(reply.status).toBe(200);
      expect(Buffer.compare(reply.bytes, PNG)).toBe(0);
      expect(reply.headers.get('content-type')).toBe('image/png');
    }
    expect(remoteDownloads(finished.run_id, 'plots/roc.png')).toBe(1);
    expect(existsSync(join(mirror.artifactsDir, 'mirror-cache', finished.run_id, 'files', 'plots', 'roc.png'))).toBe(true);
  });

  it("serves the official client's listings and downloads through the artifact proxy", async () => {
    const dst = mkdtempSync(join(scratch, 'dl-'));
    const got = await python<{ plots: [string, number | null][]; summary: string }>(
      mirror.url,
      [
        'import json',
        'from mlflow import MlflowClient',
        'c = MlflowClient()',
        `plots = [[f.path, f.file_size] for f in c.list_artifacts(${JSON.stringify(finished.run_id)}, 'plots')]`,
        `p = c.download_artifacts(${JSON.stringify(finished.run_id)}, 'summary.txt', ${JSON.stringify(dst)})`,
        "print(json.dumps({'plots': plots, 'summary': open(p).read()}))",
      ].join('\n'),
    );
    expect(got).toEqual({ plots: [['plots/never-opened.png', 100], ['plots/roc.png', PNG.length]], summary: 'pixel AUROC 0.997\n' });
  });

  it("passes the remote's refusal of a missing file through", async () => {
    expectError(await download(mirror, finished.run_id, 'plots/missing.png'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await download(mirror, 'feedfacefeedfacefeedfacefeedface', 'plots/roc.png'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('keeps the listing of a finished run for good and refreshes that of a running run', async () => {
    await listing(mirror, running.run_id);
    await logFile(finished.run_id, 'late.txt', 'late');
    await logFile(running.run_id, 'epoch-3.txt', 'three');
    const paths = async (runId: string) => ((await listing(mirror, runId)).files as Json[]).map((f) => f.path);
    expect(await paths(finished.run_id)).not.toContain('late.txt');
    expect(await paths(running.run_id)).toContain('epoch-3.txt');
  });
});

describe('artifacts of a mirror whose remote is away', () => {
  it('serves cached listings and files, and 503 naming the path for what the cache lacks', async () => {
    const before = await listing(mirror, finished.run_id, 'plots');
    const runningBefore = await listing(mirror, running.run_id);
    await remote.stop();

    expect(await listing(mirror, finished.run_id, 'plots')).toEqual(before);
    expect(await listing(mirror, running.run_id)).toEqual(runningBefore);
    const cached = await download(mirror, finished.run_id, 'plots/roc.png');
    expect(cached.status).toBe(200);
    expect(Buffer.compare(cached.bytes, PNG)).toBe(0);
    const proxied = await mirror.api.raw('GET', `/api/2.0/mlflow-artifacts/artifacts/${finished.artifact_uri.replace('mlflow-artifacts:/', '')}/summary.txt`);
    expect(proxied.text).toBe('pixel AUROC 0.997\n');

    expectError(await download(mirror, finished.run_id, 'plots/never-opened.png'), 503, 'TEMPORARILY_UNAVAILABLE', /artifact 'plots\/never-opened\.png' of run \w+ is not in the mirror's cache/);
    expectError(await mirror.api.get('artifacts/list', { run_id: finished.run_id, path: 'elsewhere' }), 503, 'TEMPORARILY_UNAVAILABLE', /artifact 'elsewhere'/);
    expect((await mirror.get('/api/pixal/mirror')).json).toMatchObject({ read_only: true });
  });
});
