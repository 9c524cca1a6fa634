// The artifact proxy on a real server: uploads, downloads with MLflow's headers, listings,
// deletion, large streamed files, interrupted uploads, and the run and model-version routes.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, Rest, expectError, expectOk, type Json } from '../../support/rest.ts';
import { startFixture, type Fixture } from '../registry/fixture.ts';

let f: Fixture;
let api: Rest;

beforeAll(async () => {
  f = await startFixture();
  api = new Rest(f.url);
});
afterAll(async () => {
  await f?.close();
});

const put = (path: string, body: string | Uint8Array, prefix = ARTIFACTS) => api.raw('PUT', `${prefix}/${path}`, { body });
const list = (path?: string) => api.raw('GET', `${ARTIFACTS}${path === undefined ? '' : `?path=${encodeURIComponent(path)}`}`);

/** Every file under a folder, relative, to see what the server left on disk. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('PUT and GET /api/2.0/mlflow-artifacts/artifacts/<path>', () => {
  it('stores raw bytes in nested folders and serves them back as an attachment', async () => {
    const png = randomBytes(300);
    expect(expectOk(await put('1/run-a/artifacts/plots/loss.png', png))).toEqual({});
    expectOk(await put('1/run-a/artifacts/model/MLmodel', 'flavors: {}\n'));
    expect(readFileSync(join(f.artifactsDir, '1/run-a/artifacts/plots/loss.png'))).toEqual(png);
    const res = await fetch(`${f.url}${ARTIFACTS}/1/run-a/artifacts/plots/loss.png`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=loss.png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-length')).toBe('300');
    const mlmodel = await fetch(`${f.url}/ajax-api/2.0/mlflow-artifacts/artifacts/1/run-a/artifacts/model/MLmodel`);
    expect(mlmodel.headers.get('content-type')).toBe('text/plain');
    expect(await mlmodel.text()).toBe('flavors: {}\n');
  });

  it('names awkward files safely in Content-Disposition and guesses types as MLflow does', async () => {
    const cases: [string, string, string][] = [
      ['a%20b.png', 'attachment; filename="a b.png"', 'image/png'],
      ['metrics.json', 'attachment; filename=metrics.json', 'text/plain'],
      ['table.csv', 'attachment; filename=table.csv', 'text/plain'],
      ['page.html', 'attachment; filename=page.html', 'text/html'],
      ['weights.bin', 'attachment; filename=weights.bin', 'application/octet-stream'],
      ['no-extension-data', 'attachment; filename=no-extension-data', 'application/octet-stream'],
      ['q%22uote.txt', 'attachment; filename="q\\"uote.txt"', 'text/plain'],
      ['d%C3%A9tecteur.png', "attachment; filename=detecteur.png; filename*=UTF-8''d%C3%A9tecteur.png", 'image/png'],
    ];
    for (const [name, disposition, type] of cases) {
      expectOk(await put(`names/${name}`, 'x'));
      const res = await fetch(`${f.url}${ARTIFACTS}/names/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-disposition'), name).toBe(disposition);
      expect(res.headers.get('content-type'), name).toBe(type);
    }
  });

  it('overwrites a file with a new upload', async () => {
    expectOk(await put('over/file.txt', 'first'));
    expectOk(await put('over/file.txt', 'second'));
    expect(await (await fetch(`${f.url}${ARTIFACTS}/over/file.txt`)).text()).toBe('second');
  });

  it('answers a missing file with 404 and a folder with 400, as MLflow does', async () => {
    expectError(await api.raw('GET', `${ARTIFACTS}/1/run-a/artifacts/nope.txt`), 404, 'RESOURCE_DOES_NOT_EXIST', "No such artifact: '1/run-a/artifacts/nope.txt'");
    expectError(await api.raw('GET', `${ARTIFACTS}/1/run-a/artifacts/plots`), 400, 'INVALID_PARAMETER_VALUE', "Artifact path refers to a directory, not a file: '1/run-a/artifacts/plots'");
    expectError(await put('1/run-a/artifacts/plots', 'x'), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await put('1/run-a/artifacts/model/MLmodel/inside', 'x'), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('streams a large file both ways without loss', async () => {
    const big = randomBytes(24 * 1024 * 1024);
    expectOk(await put('big/blob.bin', big));
    const res = await fetch(`${f.url}${ARTIFACTS}/big/blob.bin`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
    }
    expect(size).toBe(big.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('never shows a half-finished upload, and cleans up after a broken one', async () => {
    const url = new URL(`${f.url}${ARTIFACTS}/partial/upload.bin`);
    const dir = join(f.artifactsDir, 'partial');
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: { 'Content-Length': String(10 * 1024 * 1024) } });
    req.on('error', () => undefined);
    await new Promise<void>((done) => req.write(randomBytes(1024 * 1024), () => done()));
    // The server has started writing its temporary file; wait for it, then look as a reader would.
    for (let i = 0; i < 200 && !(existsSync(dir) && readdirSync(dir).length > 0); i++) await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(dir)).toHaveLength(1);
    expect(expectOk(await list('partial'))).toEqual({});
    expectError(await api.raw('GET', `${ARTIFACTS}/partial/upload.bin`), 404, 'RESOURCE_DOES_NOT_EXIST');
    req.destroy();
    for (let i = 0; i < 200 && readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('answers the multipart upload endpoints with 501', async () => {
    for (const op of ['create', 'complete', 'abort'])
      expectError(
        await api.raw('POST', `/api/2.0/mlflow-artifacts/mpu/${op}/1/run-a/artifacts/x.bin`, { body: JSON.stringify({ path: 'x.bin' }), headers: { 'Content-Type': 'application/json' } }),
        501,
        'NOT_IMPLEMENTED',
      );
  });
});

describe('GET /api/2.0/mlflow-artifacts/artifacts?path=', () => {
  it('lists a folder by base names, sorted, sizes for files only; {} when empty or missing', async () => {
    expectOk(await put('listing/b.txt', '12345'));
    expectOk(await put('listing/a/deep.txt', 'x'));
    expectOk(await put('listing/c.png', 'png'));
    expect(expectOk(await list('listing'))).toEqual({
      files: [
        { path: 'a', is_dir: true },
        { path: 'b.txt', is_dir: false, file_size: 5 },
        { path: 'c.png', is_dir: false, file_size: 3 },
      ],
    });
    expect(expectOk(await list('listing/a'))).toEqual({ files: [{ path: 'deep.txt', is_dir: false, file_size: 1 }] });
    expect(expectOk(await list('listing/b.txt'))).toEqual({});
    expect(expectOk(await list('no/such/folder'))).toEqual({});
    const root = expectOk(await list()).files as Json[];
    expect(root.map((e) => e.path)).toContain('listing');
  });
});

describe('DELETE /api/2.0/mlflow-artifacts/artifacts/<path>', () => {
  it('deletes a file or a whole folder; a missing path is fine; the root never', async () => {
    expectOk(await put('gone/one.txt', '1'));
    expectOk(await put('gone/sub/two.txt', '2'));
    expect(expectOk(await api.raw('DELETE', `${ARTIFACTS}/gone/one.txt`))).toEqual({});
    expect(filesUnder(join(f.artifactsDir, 'gone'))).toEqual(['sub/two.txt']);
    expectOk(await api.raw('DELETE', `${ARTIFACTS}/gone`));
    expect(existsSync(join(f.artifactsDir, 'gone'))).toBe(false);
    expectOk(await api.raw('DELETE', `${ARTIFACTS}/gone`));
    expectError(await api.raw('DELETE', `${ARTIFACTS}/.`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    expectError(await api.raw('DELETE', `${ARTIFACTS}/./`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    expect(existsSync(join(f.artifactsDir, 'listing/b.txt'))).toBe(true);
  });
});

describe('run artifacts: mlflow/artifacts/list and /get-artifact', () => {
  it('lists a run’s artifacts with run-relative paths and its root URI', async () => {
    const runId = f.seedRun();
    expectOk(await put(`0/${runId}/artifacts/model/MLmodel`, 'm'));
    expectOk(await put(`0/${runId}/artifacts/model/weights.bin`, 'wwww'));
    expectOk(await put(`0/${runId}/artifacts/summary.json`, '{}'));
    const top = expectOk(await api.get('artifacts/list', { run_id: runId }));
    expect(top).toEqual({
      root_uri: `mlflow-artifacts:/0/${runId}/artifacts`,
      files: [
        { path: 'model', is_dir: true },
        { path: 'summary.json', is_dir: false, file_size: 2 },
      ],
    });
    expect(expectOk(await api.get('artifacts/list', { run_id: runId, path: 'model' })).files).toEqual([
      { path: 'model/MLmodel', is_dir: false, file_size: 1 },
      { path: 'model/weights.bin', is_dir: false, file_size: 4 },
    ]);
    expect(expectOk(await api.get('artifacts/list', { run_uuid: runId, path: 'summary.json' }))).toEqual({ root_uri: `mlflow-artifacts:/0/${runId}/artifacts` });
    expect(expectOk(await api.get('artifacts/list', { run_id: f.seedRun() }))).toEqual({ root_uri: expect.stringMatching(/^mlflow-artifacts:\/0\//) });
    expectError(await api.get('artifacts/list', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
    expectError(await api.get('artifacts/list', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
    expectError(await api.get('artifacts/list', { run_id: runId, path: '../other' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');

    const file = await fetch(`${f.url}/get-artifact?run_id=${runId}&path=model/weights.bin`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('wwww');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename=weights.bin');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expectError(await api.raw('GET', `/get-artifact?run_id=${runId}&path=model/none`), 404, 'RESOURCE_DOES_NOT_EXIST', `No such artifact: '0/${runId}/artifacts/model/none'`);
    expectError(await api.raw('GET', `/get-artifact?run_id=${runId}`), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'path'.");
    expectError(await api.raw('GET', `/get-artifact?path=x`), 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=None not found');
    expectError(await api.raw('GET', `/get-artifact?run_id=${runId}&path=..%2F..%2Fx`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
  });

  it('refuses runs whose artifacts this server does not keep', async () => {
    const runId = f.seedRun(() => 's3://bucket/somewhere');
    expectError(await api.get('artifacts/list', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', "Artifact location 's3://bucket/somewhere' is not served by this server");
    const sneaky = f.seedRun(() => 'mlflow-artifacts:/../../etc');
    expectError(await api.get('artifacts/list', { run_id: sneaky }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
  });
});

describe('/model-versions/get-artifact', () => {
  it('serves a version’s files from its runs:/ or mlflow-artifacts: source', async () => {
    const runId = f.seedRun();
    expectOk(await put(`0/${runId}/artifacts/model/MLmodel`, 'flavors'));
    expectOk(await api.post('registered-models/create', { name: 'served' }));
    expectOk(await api.post('model-versions/create', { name: 'served', source: `runs:/${runId}/model`, run_id: runId }));
    expectOk(await api.post('model-versions/create', { name: 'served', source: `mlflow-artifacts:/0/${runId}/artifacts/model`, run_id: runId }));
    expectOk(await api.post('model-versions/create', { name: 'served', source: 's3://bucket/model' }));
    for (const version of ['1', '2']) {
      const res = await fetch(`${f.url}/model-versions/get-artifact?name=served&version=${version}&path=MLmodel`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('flavors');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename=MLmodel');
    }
    expectError(await api.raw('GET', '/model-versions/get-artifact?name=served&version=3&path=MLmodel'), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.raw('GET', '/model-versions/get-artifact?name=served&version=9&path=MLmodel'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.raw('GET', '/model-versions/get-artifact?name=served&version=1&path=..%2FMLmodel'), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
  });
});

describe('upload bookkeeping', () => {
  it('leaves no temporary files behind', () => {
    expect(filesUnder(f.artifactsDir).filter((p) => p.includes('.pixal-upload-'))).toEqual([]);
  });
});
