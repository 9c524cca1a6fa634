// Path traversal against the artifact routes of a real server, sent as raw request lines (fetch
// would normalise them first): encoded and double-encoded dots and slashes, backslashes, absolute
// and drive paths, NUL, and symlinks leading out of the store. A secret beside the store must never
// be read, changed, deleted or joined by a new file.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from '../registry/fixture.ts';

let f: Fixture;
let outside: string;
const SECRET = 'top secret, outside the artifact store';

interface RawReply {
  status: number;
  body: string;
}

/** One HTTP request with the path exactly as written. */
function raw(method: string, path: string, body?: string): Promise<RawReply> {
  const url = new URL(f.url);
  return new Promise((done, fail) => {
    const headers = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

beforeAll(async () => {
  f = await startFixture();
  outside = join(f.dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(f.dir, 'secret.txt'), SECRET);
  mkdirSync(join(f.artifactsDir, 'exp'), { recursive: true });
  writeFileSync(join(f.artifactsDir, 'exp', 'fine.txt'), 'fine');
});
afterAll(async () => {
  await f?.close();
});

// Each leads from the artifact root to ../secret.txt, ../outside/secret.txt or an absolute file.
const ESCAPES = [
  '..%2Fsecret.txt',
  '..%2fsecret.txt',
  'exp%2F..%2F..%2Fsecret.txt',
  'exp/..%2F..%2Fsecret.txt',
  '%2e%2e%2fsecret.txt',
  '%2E%2E%2Foutside%2Fsecret.txt',
  '%252e%252e%252fsecret.txt',
  '%25252e%25252e%25252fsecret.txt',
  '..%255csecret.txt',
  '..%5csecret.txt',
  '..%5Coutside%5Csecret.txt',
  'exp%5C..%5C..%5Csecret.txt',
  '%2Fetc%2Fpasswd',
  '%252Fetc%252Fpasswd',
  'C:%5Cwindows%5Cwin.ini',
  'c:/windows/win.ini',
  'file:%2F%2F%2Fetc%2Fpasswd',
  'exp/fine.txt%00.png',
  'exp%00/../../secret.txt',
  'exp/%0a%2F..%2F..%2F..%2Fsecret.txt',
  'exp/fine.txt%23%2F..%2F..%2F..%2Fsecret.txt',
  // Left for the URL parser, these never reach the route with their dots; still not served.
  '../secret.txt',
  'exp/../../secret.txt',
  '%2e%2e/secret.txt',
  '.%2e/.%2e/secret.txt',
  'exp\\..\\..\\secret.txt',
];

const PREFIXES = ['/api/2.0/mlflow-artifacts/artifacts', '/ajax-api/2.0/mlflow-artifacts/artifacts'];

function expectRefused(r: RawReply, what: string): void {
  expect([400, 404], `${what} → ${r.status} ${r.body}`).toContain(r.status);
  expect(r.body, what).not.toContain(SECRET);
  if (r.status === 400 && r.body !== "") expect(JSON.parse(r.body).error_code, what).toBe('INVALID_PARAMETER_VALUE');
}

describe('encoded traversal', () => {
  it('refuses every escape on download, upload, delete and listing, touching nothing outside', async () => {
    const before = snapshot(f.dir);
    for (const prefix of PREFIXES)
      for (const escape of ESCAPES) {
        expectRefused(await raw('GET', `${prefix}/${escape}`), `GET ${escape}`);
        expectRefused(await raw('PUT', `${prefix}/${escape}`, 'overwritten'), `PUT ${escape}`);
        expectRefused(await raw('DELETE', `${prefix}/${escape}`), `DELETE ${escape}`);
        expectRefused(await raw('GET', `${prefix}?path=${escape}`), `list ${escape}`);
      }
    expect(readFileSync(join(f.dir, 'secret.txt'), 'utf8')).toBe(SECRET);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
    expect(snapshot(f.dir)).toEqual(before);
  });

  it('answers the ones that reach the proxy with MLflow’s 400 "Invalid path"', async () => {
    for (const escape of ['..%2Fsecret.txt', '%252e%252e%252fsecret.txt', '..%5csecret.txt', '%2Fetc%2Fpasswd', 'C:%5Cx', 'exp/fine.txt%00.png', 'file:%2F%2F%2Fetc'])
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const r = await raw(method, `/api/2.0/mlflow-artifacts/artifacts/${escape}`, method === 'PUT' ? 'x' : undefined);
        expect(r.status, `${method} ${escape}`).toBe(400);
        expect(JSON.parse(r.body), `${method} ${escape}`).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
      }
  });

  it('refuses escapes in the run and model-version download routes', async () => {
    const runId = f.seedRun();
    mkdirSync(join(f.artifactsDir, '0', runId, 'artifacts'), { recursive: true });
    for (const escape of ESCAPES.slice(0, 21)) {
      expectRefused(await raw('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${escape}`), `list ${escape}`);
      expectRefused(await raw('GET', `/get-artifact?run_id=${runId}&path=${escape}`), `get-artifact ${escape}`);
      expectRefused(await raw('GET', `/model-versions/get-artifact?name=x&version=1&path=${escape}`), `mv get-artifact ${escape}`);
    }
    expectRefused(await raw('GET', `/get-artifact?run_id=${runId}&path=../../../secret.txt`), 'plain dots');
  });

  it('still serves ordinary names that merely look odd', async () => {
    for (const name of ['....', 'a..b', '..hidden', 'dots...']) {
      expect((await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/odd/${name}`, name)).status, name).toBe(200);
      const r = await raw('GET', `/api/2.0/mlflow-artifacts/artifacts/odd/${name}`);
      expect(r, name).toEqual({ status: 200, body: name });
    }
    expect((await raw('GET', '/api/2.0/mlflow-artifacts/artifacts/exp/./fine.txt')).body).toBe('fine');
    expect((await raw('GET', '/api/2.0/mlflow-artifacts/artifacts/exp%2Ffine.txt')).body).toBe('fine');
  });
});

describe('symlinks', () => {
  it('refuses to follow a link out of the store, in any direction', async () => {
    symlinkSync(outside, join(f.artifactsDir, 'exp', 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(f.artifactsDir, 'exp', 'secret-link.txt'));
    const before = snapshot(outside);
    const message = 'Invalid path: resolved path is outside the artifact directory';
    const expect400 = async (method: string, path: string, body?: string) => {
      const r = await raw(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(JSON.parse(r.body).message).toBe(message);
    };
    await expect400('GET', '/api/2.0/mlflow-artifacts/artifacts/exp/escape/secret.txt');
    await expect400('GET', '/api/2.0/mlflow-artifacts/artifacts/exp/secret-link.txt');
    await expect400('PUT', '/api/2.0/mlflow-artifacts/artifacts/exp/escape/planted.txt', 'planted');
    await expect400('PUT', '/api/2.0/mlflow-artifacts/artifacts/exp/escape/new/dir/planted.txt', 'planted');
    await expect400('DELETE', '/api/2.0/mlflow-artifacts/artifacts/exp/escape/secret.txt');
    await expect400('DELETE', '/api/2.0/mlflow-artifacts/artifacts/exp/escape');
    await expect400('GET', '/api/2.0/mlflow-artifacts/artifacts?path=exp/escape');
    expect(snapshot(outside)).toEqual(before);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
    // Listing the folder that holds the links shows neither.
    const listing = JSON.parse((await raw('GET', '/api/2.0/mlflow-artifacts/artifacts?path=exp')).body) as { files: { path: string }[] };
    expect(listing.files.map((e) => e.path)).toEqual(['fine.txt']);
  });

  it('follows a link that stays inside the store', async () => {
    symlinkSync(join(f.artifactsDir, 'exp'), join(f.artifactsDir, 'alias-of-exp'));
    expect(await raw('GET', '/api/2.0/mlflow-artifacts/artifacts/alias-of-exp/fine.txt')).toEqual({ status: 200, body: 'fine' });
  });
});
