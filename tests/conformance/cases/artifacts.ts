// The artifact proxy (`/api/2.0/mlflow-artifacts/...`) and the UI's `artifacts/list`, as the real
// MLflow server answers them: uploads, downloads with headers, listings, deletes, path safety.
import { beforeAll, expect, it } from 'vitest';
import type { Conformance } from '../../support/conformance.ts';
import { ARTIFACTS, Rest, expectError, expectOk, uniqueName } from '../../support/rest.ts';

interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export function artifactCases(ctx: Conformance): void {
  const { target } = ctx;
  let api: Rest;
  let experimentId: string;
  beforeAll(async () => {
    api = ctx.api;
    experimentId = await api.createExperiment(uniqueName('artifacts'));
  });

  /** A fresh run and the proxy path of its artifact root (`<exp>/<run>/artifacts`). */
  async function runRoot(): Promise<{ runId: string; root: string }> {
    const run = await api.createRun(experimentId);
    expect(run.info.artifact_uri.startsWith('mlflow-artifacts:/')).toBe(true);
    return { runId: run.info.run_id, root: run.info.artifact_uri.slice('mlflow-artifacts:/'.length) };
  }
  const put = (path: string, body: string | Uint8Array) => api.raw('PUT', `${ARTIFACTS}/${path}`, { body: typeof body === 'string' ? new TextEncoder().encode(body) : body });
  const download = (path: string) => api.raw('GET', `${ARTIFACTS}/${path}`);
  const listProxy = async (path?: string) => expectOk(await api.raw('GET', `${ARTIFACTS}${path === undefined ? '' : `?path=${encodeURIComponent(path)}`}`)) as { files?: FileInfo[] };

  it('uploads with PUT and downloads the same bytes with attachment and nosniff headers', async () => {
    const { root } = await runRoot();
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 10, 13]);
    const r = await put(`${root}/weights.bin`, bytes);
    expect(r.status).toBe(200);
    // MLflow answers the upload with an empty body; ours with the protocol's usual {}.
    expect(r.text).toBe(target === 'mlflow' ? '' : '{}');
    const got = await download(`${root}/weights.bin`);
    expect(got.status).toBe(200);
    expect([...got.bytes]).toEqual([...bytes]);
    expect(got.headers.get('content-disposition')).toBe('attachment; filename=weights.bin');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends a MIME type from the extension', async () => {
    const { root } = await runRoot();
    expectOk(await put(`${root}/plots/roc.png`, 'not really a png'));
    expectOk(await put(`${root}/notes.txt`, 'hello'));
    expect((await download(`${root}/plots/roc.png`)).headers.get('content-type')).toMatch(/^image\/png/);
    expect((await download(`${root}/notes.txt`)).headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('overwrites a file on a second PUT', async () => {
    const { root } = await runRoot();
    expectOk(await put(`${root}/a.txt`, 'first'));
    expectOk(await put(`${root}/a.txt`, 'second'));
    expect((await download(`${root}/a.txt`)).text).toBe('second');
  });

  it('creates nested directories and lists one level with basenames; directories carry no size', async () => {
    const { root } = await runRoot();
    expectOk(await put(`${root}/model/MLmodel`, 'flavors: {}\n'));
    expectOk(await put(`${root}/model/data/w.bin`, 'abc'));
    expectOk(await put(`${root}/top.txt`, 'top'));
    expect((await listProxy(root)).files).toEqual([
      { path: 'model', is_dir: true },
      { path: 'top.txt', is_dir: false, file_size: 3 },
    ]);
    expect((await listProxy(`${root}/model`)).files).toEqual([
      { path: 'MLmodel', is_dir: false, file_size: 12 },
      { path: 'data', is_dir: true },
    ]);
    expect((await listProxy(`${root}/model/data`)).files).toEqual([{ path: 'w.bin', is_dir: false, file_size: 3 }]);
    expect(await listProxy(`${root}/absent`)).toEqual({});
  });

  it('lists a run through artifacts/list with run-relative paths and the root URI', async () => {
    const { runId, root } = await runRoot();
    expectOk(await put(`${root}/model/MLmodel`, 'flavors: {}\n'));
    expectOk(await put(`${root}/model/data/w.bin`, 'abc'));
    expectOk(await put(`${root}/top.txt`, 'top'));
    const top = expectOk(await api.get('artifacts/list', { run_id: runId }));
    expect(top).toEqual({
      root_uri: `mlflow-artifacts:/${root}`,
      files: [
        { path: 'model', is_dir: true },
        { path: 'top.txt', is_dir: false, file_size: 3 },
      ],
    });
    const model = expectOk(await api.get('artifacts/list', { run_id: runId, path: 'model' }));
    expect(model.files).toEqual([
      { path: 'model/MLmodel', is_dir: false, file_size: 12 },
      { path: 'model/data', is_dir: true },
    ]);
    expect(expectOk(await api.get('artifacts/list', { run_id: runId, path: 'model/data' })).files).toEqual([{ path: 'model/data/w.bin', is_dir: false, file_size: 3 }]);
    expect(expectOk(await api.get('artifacts/list', { run_id: runId, path: 'nothing' }))).toEqual({ root_uri: `mlflow-artifacts:/${root}` });
    expectError(await api.get('artifacts/list', { run_id: runId, path: '../x' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    expectError(await api.get('artifacts/list', { run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.get('artifacts/list', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
  });

  it('answers logged-models/search, which the MLflow 3 client calls to list or download runs:/<id>/<dir>', async () => {
    const r = await api.post('logged-models/search', { experiment_ids: [experimentId], filter: "name = 'model'" });
    // No logged models were created through logged-models/create, so there is nothing to list.
    expect(expectOk(r)).toEqual({});
  });

  it('answers 404 for a missing file and 400 for a directory', async () => {
    const { root } = await runRoot();
    expectOk(await put(`${root}/dir/x.txt`, 'x'));
    expectError(await download(`${root}/missing.txt`), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await download(`${root}/dir`)).status).toBe(400);
  });

  it('deletes a file or a whole directory; deleting nothing is fine', async () => {
    const { root } = await runRoot();
    expectOk(await put(`${root}/a.txt`, 'a'));
    expectOk(await put(`${root}/dir/b.txt`, 'b'));
    expectOk(await put(`${root}/dir/sub/c.txt`, 'c'));
    expect(expectOk(await api.raw('DELETE', `${ARTIFACTS}/${root}/a.txt`))).toEqual({});
    expect((await download(`${root}/a.txt`)).status).toBe(404);
    expectOk(await api.raw('DELETE', `${ARTIFACTS}/${root}/dir`));
    expect(await listProxy(root)).toEqual({});
    expectOk(await api.raw('DELETE', `${ARTIFACTS}/${root}/never`));
  });

  it("refuses '..' and absolute paths with 400 Invalid path", async () => {
    const { root } = await runRoot();
    for (const path of [`${root}/../escape.txt`, `${root}/%2E%2E/escape.txt`, '/etc/escape.txt', '%2Fetc/escape.txt']) {
      expectError(await api.raw('PUT', `${ARTIFACTS}/${path}`, { body: new TextEncoder().encode('x') }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
      expectError(await api.raw('GET', `${ARTIFACTS}/${path}`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    }
    expectError(await api.raw('GET', `${ARTIFACTS}?path=../x`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
    expectError(await api.raw('GET', `${ARTIFACTS}?path=/etc`), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path');
  });

  it('answers multipart upload requests with 501 NOT_IMPLEMENTED', async () => {
    const { root } = await runRoot();
    for (const step of ['create', 'abort']) {
      const r = await api.raw('POST', `/api/2.0/mlflow-artifacts/mpu/${step}/${root}/big.bin`, {
        body: JSON.stringify({ path: 'big.bin', num_parts: 2, upload_id: 'u' }),
        headers: { 'Content-Type': 'application/json' },
      });
      expectError(r, 501, 'NOT_IMPLEMENTED');
    }
  });
}
