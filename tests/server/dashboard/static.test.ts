// The built web app at `/` on a real server: files with cache headers, index.html for client
// routes, API paths untouched (JSON, and MLflow's JSON 404), and a helpful page without a build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from '../../../server/dashboard/static.ts';
import { REPO_ROOT } from '../../support/servers.ts';
import { startDashboard, type Dashboard } from './fixture.ts';

const INDEX = '<!doctype html><title>pixal</title><div id="root"></div>';
let dist: string;
let d: Dashboard;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'pixal-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
  d = await startDashboard({ webDist: dist });
});
afterAll(async () => {
  await d?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('static web app', () => {
  it('serves index.html at / and for client routes, without caching it', async () => {
    for (const path of ['/', '/runs', '/runs/0123abcd?exp=1', '/models/flex-front', '/compare?runs=a,b']) {
      const reply = await d.api.raw('GET', path);
      expect(reply.status, path).toBe(200);
      expect(reply.text).toBe(INDEX);
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
      expect(reply.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets for a year, other files as they are, and 404 for a missing asset', async () => {
    const js = await d.api.raw('GET', '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.text).toBe('console.log(1)');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await d.api.raw('GET', '/favicon.svg');
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    expect((await d.api.raw('GET', '/assets/index-old999.js')).status).toBe(404);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const reply = await d.api.raw('GET', path);
      expect(reply.text, path).not.toMatch(/"name": "pixal/);
    }
  });

  it('leaves every API path to its routes', async () => {
    expect((await d.api.raw('GET', '/health')).text).toBe('OK');
    expect((await d.api.raw('GET', '/version')).headers.get('content-type')).toMatch(/^text\/plain/);
    const experiment = await d.api.raw('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(experiment.json.experiment).toMatchObject({ name: 'Default' });
    const ajax = await d.api.raw('GET', '/ajax-api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(ajax.json.experiment).toMatchObject({ name: 'Default' });
    for (const path of ['/api/2.0/mlflow/nothing', '/api/pixal/nothing', '/ajax-api/nothing', '/get-artifact', '//api/pixal/jobs', '/API/pixal/jobs', '/%61pi/nothing']) {
      const reply = await d.api.raw('GET', path);
      expect(reply.status, path).not.toBe(200);
      expect(reply.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(reply.text).not.toBe(INDEX);
    }
    expect((await d.api.raw('GET', '/api/pixal/nothing')).json.error_code).toBe('ENDPOINT_NOT_FOUND');
  });

  it('says how to build the app when there is no build', async () => {
    const bare = await startDashboard({ webDist: join(dist, 'missing') });
    try {
      for (const path of ['/', '/runs']) {
        const reply = await bare.api.raw('GET', path);
        expect(reply.status).toBe(503);
        expect(reply.text).toContain('npm run build:web');
      }
      expect((await bare.api.raw('GET', '/health')).text).toBe('OK');
    } finally {
      await bare.close();
    }
  });

  it('finds web/dist of the checkout, not of the working directory', () => {
    expect(WEB_DIST).toBe(join(REPO_ROOT, 'web', 'dist'));
  });
});
