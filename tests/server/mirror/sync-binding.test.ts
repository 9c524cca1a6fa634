// Which store may mirror which remote, the `pixal server` mirror flags, and the mirror's status when
// there is nothing to sync from. A store is bound to the first remote it mirrored: another remote, or
// a store with runs of its own, is refused naming the flag and the store file. No remote is needed
// here: a port nobody listens on is a remote that is away.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { mirrorOptions } from '../../../trainer/cli/commands/server.ts';
import { REPO_ROOT, freePort } from '../../support/servers.ts';
import { startDashboard } from '../dashboard/fixture.ts';
import { mirrorStatus, waitFor } from './remote-mlflow.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pixal-mirror-binding-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const away = async () => `http://127.0.0.1:${await freePort()}`;

describe('binding a store to a remote', () => {
  it('binds a new store to its remote, reopens it for the same remote, and refuses another one naming the flag and the store', async () => {
    const dir = mkdtempSync(join(scratch, 'bound-'));
    const a = await away();
    const first = await startDashboard({ dir, mirror: { url: a, intervalSeconds: 0 } });
    await first.close();
    // The same remote (a trailing slash is the same URL) opens the store again.
    const again = await startDashboard({ dir, mirror: { url: `${a}/`, intervalSeconds: 0 } });
    await again.close();

    const b = await away();
    const refused = startDashboard({ dir, mirror: { url: b, intervalSeconds: 0 } });
    await expect(refused).rejects.toThrow(`--mirror ${b}: the store ${join(dir, 'store.db')} mirrors ${a}`);
  });

  it('refuses to turn a store with runs of its own into a mirror', async () => {
    const dir = mkdtempSync(join(scratch, 'own-'));
    const plain = await startDashboard({ dir });
    await plain.api.createRun('0');
    await plain.close();
    const refused = startDashboard({ dir, mirror: { url: await away(), intervalSeconds: 0 } });
    await expect(refused).rejects.toThrow(/--mirror .*: the store .*store\.db holds 1 runs and 0 registered models of its own and was never a mirror/);
  });
});

describe('a mirror whose remote is away', () => {
  it('says so in its status (read-only, unreachable, the error) after its first pass fails', async () => {
    const url = await away();
    const d = await startDashboard({ mirror: { url, intervalSeconds: 0 } });
    try {
      const status = await waitFor('the first pass to fail', async () => {
        const s = await mirrorStatus(d.url);
        return s.state === 'unreachable' ? s : undefined;
      });
      expect(status).toMatchObject({ enabled: true, url, state: 'unreachable', read_only: true });
      expect(status.last_error).toContain(`remote MLflow at ${url} is unreachable`);
      expect(status.last_success).toBeUndefined();
      // A sync on demand is accepted (it fails again, and says so in the status).
      const res = await fetch(`${d.url}/api/pixal/mirror/sync`, { method: 'POST' });
      expect(res.status).toBe(202);
    } finally {
      await d.close();
    }
  });

  it('without --mirror: disabled, and a sync request is 400', async () => {
    const d = await startDashboard();
    try {
      expect(await mirrorStatus(d.url)).toEqual({ enabled: false, state: 'idle', read_only: false });
      const res = await fetch(`${d.url}/api/pixal/mirror/sync`, { method: 'POST' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('--mirror URL');
    } finally {
      await d.close();
    }
  });
});

describe('pixal server --mirror flags', () => {
  const flags = (f: Record<string, string>) => ({ mirrorInterval: 30, ...f });

  it('takes a token or a user and password, flags winning over the MLflow client variables', () => {
    const env = { MLFLOW_TRACKING_TOKEN: 'env-token' };
    expect(mirrorOptions(flags({ mirror: 'http://mlflow:5000/' }), {})).toEqual({ url: 'http://mlflow:5000', intervalSeconds: 30 });
    expect(mirrorOptions(flags({ mirror: 'http://m', mirrorToken: 't' }), env)).toMatchObject({ token: 't' });
    expect(mirrorOptions(flags({ mirror: 'http://m' }), env)).toMatchObject({ token: 'env-token' });
    expect(mirrorOptions(flags({ mirror: 'http://m', mirrorUser: 'u', mirrorPassword: 'p' }), env)).toMatchObject({ username: 'u', password: 'p' });
    expect(mirrorOptions(flags({ mirror: 'http://m' }), { MLFLOW_TRACKING_USERNAME: 'eu', MLFLOW_TRACKING_PASSWORD: 'ep' })).toMatchObject({ username: 'eu', password: 'ep' });
    expect(mirrorOptions(flags({}), env)).toBeUndefined();
  });

  it('names the flag of a bad URL, a half-given user and password, or credentials without --mirror', () => {
    expect(() => mirrorOptions(flags({ mirror: 'mlflow:5000' }), {})).toThrow("--mirror must be an http:// or https:// URL, got 'mlflow:5000'");
    expect(() => mirrorOptions(flags({ mirror: 'not a url' }), {})).toThrow("--mirror must be the http(s) URL of an MLflow server, got 'not a url'");
    expect(() => mirrorOptions(flags({ mirror: 'http://m', mirrorUser: 'u' }), {})).toThrow('--mirror-user needs --mirror-password');
    expect(() => mirrorOptions(flags({ mirror: 'http://m', mirrorPassword: 'p' }), {})).toThrow('--mirror-password needs --mirror-user');
    expect(() => mirrorOptions(flags({ mirror: 'http://m', mirrorToken: 't', mirrorUser: 'u', mirrorPassword: 'p' }), {})).toThrow('exclusive');
    expect(() => mirrorOptions(flags({ mirror: 'http://m' }), { MLFLOW_TRACKING_USERNAME: 'u' })).toThrow('MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together');
    expect(() => mirrorOptions(flags({ mirrorToken: 't' }), {})).toThrow('--mirror-token only make sense with --mirror URL');
  });

  it('the CLI exits with the message naming the flag', async () => {
    const run = promisify(execFile)(process.execPath, ['trainer/cli/bin.mjs', 'server', '--mirror', 'ftp://host', '--port', '0'], { cwd: REPO_ROOT });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("--mirror must be an http:// or https:// URL, got 'ftp://host'") });
    const interval = promisify(execFile)(process.execPath, ['trainer/cli/bin.mjs', 'server', '--mirror', 'http://h', '--mirror-interval', '-1'], { cwd: REPO_ROOT });
    await expect(interval).rejects.toMatchObject({ stderr: expect.stringContaining('--mirror-interval must be a number of seconds >= 0') });
  });
});
