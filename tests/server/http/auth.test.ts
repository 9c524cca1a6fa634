// `--auth token:<secret>` and `--auth basic:<user>:<password>` on a real server: every /api,
// /ajax-api and artifact download route needs the credentials, /health and /version stay open, and
// the official Python client gets in with MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthSpec } from '../../../server/http/auth.ts';
import { REPO_ROOT, VENV_PYTHON } from '../../support/servers.ts';
import { startFixture, type Fixture } from '../registry/fixture.ts';

const TOKEN = 'tok-3f9a1c';
const basicHeader = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Routes that must refuse an unauthenticated caller (method, path). */
const GUARDED: [string, string][] = [
  ['GET', '/api/2.0/mlflow/experiments/search'],
  ['POST', '/api/2.0/mlflow/registered-models/create'],
  ['GET', '/ajax-api/2.0/mlflow/registered-models/search'],
  ['GET', '/api/2.0/mlflow/model-versions/search'],
  ['GET', '/api/2.0/mlflow/artifacts/list?run_id=x'],
  ['GET', '/api/2.0/mlflow-artifacts/artifacts?path=0'],
  ['GET', '/api/2.0/mlflow-artifacts/artifacts/0/x.txt'],
  ['PUT', '/api/2.0/mlflow-artifacts/artifacts/0/planted.txt'],
  ['DELETE', '/ajax-api/2.0/mlflow-artifacts/artifacts/0/x.txt'],
  ['POST', '/api/2.0/mlflow-artifacts/mpu/create/0/x.bin'],
  ['GET', '/api/3.0/mlflow/server-info'],
  ['GET', '/api/pixal/promotions'],
  ['GET', '/get-artifact?run_id=x&path=y'],
  ['GET', '/model-versions/get-artifact?name=x&version=1&path=y'],
];

/** A request with the path exactly as written (fetch would normalise the odd ones). */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((done, fail) => {
    const body = method === 'GET' ? undefined : '{}';
    const sent = body === undefined ? headers : { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ...headers };
    const req = request({ host: u.hostname, port: u.port, method, path, headers: sent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function expectUnauthenticated(url: string, method: string, path: string, headers: Record<string, string>, challenge: string): Promise<void> {
  const r = await raw(url, method, path, headers);
  expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
  expect(JSON.parse(r.body)).toEqual({ error_code: 'UNAUTHENTICATED', message: 'You are not authenticated. Please see the documentation for how to authenticate.' });
  expect(r.headers['www-authenticate']).toBe(challenge);
}

/** Runs the official client against the server; resolves with its exit code and output. */
function pythonClient(url: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = [
    'import json, mlflow',
    'from mlflow import MlflowClient',
    'experiments = [e.name for e in mlflow.search_experiments()]',
    'models = [m.name for m in MlflowClient().search_registered_models()]',
    'print(json.dumps({"experiments": experiments, "models": models}))',
  ].join('\n');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MLFLOW_'))) as Record<string, string>;
  return new Promise((done) => {
    execFile(
      VENV_PYTHON,
      ['-c', script],
      { cwd: REPO_ROOT, env: { ...clean, MLFLOW_TRACKING_URI: url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', ...env }, timeout: 120_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('--auth token:<secret>', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture(`token:${TOKEN}`);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('refuses every API route without the bearer token, with a 401 JSON error', async () => {
    for (const [method, path] of GUARDED) {
      await expectUnauthenticated(f.url, method, path, {}, 'Bearer');
      await expectUnauthenticated(f.url, method, path, { Authorization: 'Bearer wrong' }, 'Bearer');
      await expectUnauthenticated(f.url, method, path, { Authorization: `Bearer ${TOKEN}x` }, 'Bearer');
      await expectUnauthenticated(f.url, method, path, { Authorization: `Bearer ${TOKEN} trailing` }, 'Bearer');
      await expectUnauthenticated(f.url, method, path, { Authorization: TOKEN }, 'Bearer');
      await expectUnauthenticated(f.url, method, path, { Authorization: basicHeader('u', TOKEN) }, 'Bearer');
    }
    expect(existsSync(join(f.artifactsDir, '0', 'planted.txt'))).toBe(false);
  });

  it('lets the token through on every route', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await raw(f.url, 'GET', '/api/2.0/mlflow/registered-models/search', auth)).status).toBe(200);
    expect((await raw(f.url, 'GET', '/ajax-api/2.0/mlflow/experiments/search?max_results=5', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
    expect((await raw(f.url, 'GET', '/api/pixal/promotions', auth)).status).toBe(200);
    expect((await raw(f.url, 'GET', '/api/2.0/mlflow-artifacts/artifacts?path=0', auth)).status).toBe(200);
    expect((await raw(f.url, 'GET', '/get-artifact?run_id=x&path=y', auth)).status).toBe(404);
  });

  it('keeps /health and /version open', async () => {
    expect(await raw(f.url, 'GET', '/health')).toMatchObject({ status: 200, body: 'OK' });
    expect((await raw(f.url, 'GET', '/version')).status).toBe(200);
  });

  it('is not fooled by encoded, doubled or dotted paths', async () => {
    for (const path of [
      '/%61pi/2.0/mlflow/registered-models/search',
      '/api/2.0/mlflow/%72egistered-models/search',
      '/ajax-api/2.0/mlflow/../mlflow/registered-models/search',
      '/api/./2.0/mlflow/registered-models/search',
      '/x/../api/2.0/mlflow/registered-models/search',
      '//api/2.0/mlflow/registered-models/search',
      '/API/2.0/mlflow/registered-models/search',
      '/api/2.0/mlflow/registered-models/search/',
      '/get-artifact/?run_id=x&path=y',
    ]) {
      const r = await raw(f.url, 'GET', path);
      expect([401, 404], `${path} → ${r.status} ${r.body}`).toContain(r.status);
    }
  });

  it('admits the official Python client with MLFLOW_TRACKING_TOKEN, and only with it', { timeout: 240_000 }, async () => {
    const ok = await pythonClient(f.url, { MLFLOW_TRACKING_TOKEN: TOKEN });
    expect(ok.code, ok.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(ok.stdout.trim().split('\n').pop()!)).toEqual({ experiments: ['Default'], models: [] });
    const denied = await pythonClient(f.url, {});
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('UNAUTHENTICATED');
  });
});

describe('--auth basic:<user>:<password>', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('basic:ana:pa:ss');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('refuses wrong or missing credentials with a Basic challenge', async () => {
    const challenge = 'Basic realm="pixal"';
    for (const [method, path] of GUARDED) {
      await expectUnauthenticated(f.url, method, path, {}, challenge);
      await expectUnauthenticated(f.url, method, path, { Authorization: basicHeader('ana', 'wrong') }, challenge);
      await expectUnauthenticated(f.url, method, path, { Authorization: basicHeader('bob', 'pa:ss') }, challenge);
      await expectUnauthenticated(f.url, method, path, { Authorization: `Bearer pa:ss` }, challenge);
      await expectUnauthenticated(f.url, method, path, { Authorization: `Basic ${Buffer.from('ana').toString('base64')}` }, challenge);
      await expectUnauthenticated(f.url, method, path, { Authorization: 'Basic !!!not-base64' }, challenge);
    }
  });

  it('admits the right user and password (which may hold colons)', async () => {
    const r = await raw(f.url, 'GET', '/api/2.0/mlflow/registered-models/search', { Authorization: basicHeader('ana', 'pa:ss') });
    expect(r.status).toBe(200);
    expect(await raw(f.url, 'GET', '/health')).toMatchObject({ status: 200, body: 'OK' });
  });

  it('admits the official Python client with MLFLOW_TRACKING_USERNAME/PASSWORD, and only with them', { timeout: 360_000 }, async () => {
    const ok = await pythonClient(f.url, { MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 'pa:ss' });
    expect(ok.code, ok.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(ok.stdout.trim().split('\n').pop()!)).toEqual({ experiments: ['Default'], models: [] });
    const wrong = await pythonClient(f.url, { MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 'nope' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('UNAUTHENTICATED');
    const none = await pythonClient(f.url, {});
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('UNAUTHENTICATED');
  });
});

describe('parseAuthSpec', () => {
  it('reads the --auth forms and refuses malformed ones', () => {
    expect(parseAuthSpec(undefined)).toEqual({ kind: 'none' });
    expect(parseAuthSpec('none')).toEqual({ kind: 'none' });
    expect(parseAuthSpec('token:abc')).toEqual({ kind: 'token', token: 'abc' });
    expect(parseAuthSpec('basic:u:p:q')).toEqual({ kind: 'basic', user: 'u', password: 'p:q' });
    for (const bad of ['token:', 'basic:u', 'basic::p', 'basic:u:', 'bearer:x']) expect(() => parseAuthSpec(bad), bad).toThrow(/--auth must be/);
  });
});
