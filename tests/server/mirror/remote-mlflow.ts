// The remote of the mirror suites: a real `mlflow server` that a test can stop and start again on the
// same port and store (a remote going away and coming back), our server mirroring it, and the
// official Python client pointed at either.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MirrorStatus } from '../../../server/mirror/status.ts';
import { freePort, REPO_ROOT, signalGroup, VENV_PYTHON } from '../../support/servers.ts';
import { startDashboard, type Dashboard } from '../dashboard/fixture.ts';

export interface Remote {
  url: string;
  dir: string;
  /** The server's last output lines (uvicorn logs every request). */
  output(): string;
  /** Stops the server (SIGKILL: the remote vanishes as in a crash); the store stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startRemote(): Promise<Remote> {
  const dir = mkdtempSync(join(tmpdir(), 'pixal-remote-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let lines: string[] = [];

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    signalGroup(running.pid);
    await exited;
  };

  const start = async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', PYTHONUNBUFFERED: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('MLFLOW_TRACKING_')) delete env[key];
    const args = ['server', '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--artifacts-destination', join(dir, 'artifacts')];
    args.push('--host', '127.0.0.1', '--port', String(port), '--workers', '1');
    const started = spawn(join(REPO_ROOT, '.venv/bin/mlflow'), args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    process.once('exit', () => {
      if (started.exitCode === null) signalGroup(started.pid);
    });
    for (const stream of [started.stdout, started.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        lines.push(...chunk.split('\n').filter(Boolean));
        if (lines.length > 2000) lines = lines.slice(-1000);
      });
    }
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`mlflow server exited with ${started.exitCode}:\n${lines.slice(-40).join('\n')}`);
      if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return;
      if (Date.now() > deadline) throw new Error(`mlflow server not healthy after 180 s:\n${lines.slice(-40).join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  await start();
  return {
    url,
    dir,
    output: () => lines.join('\n'),
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a Python script with the official `mlflow` client (`uri` as its tracking URI); returns the last line
 * it prints, parsed as JSON. Asynchronous: the server it talks to may run in this very process.
 */
export async function python<T>(uri: string, script: string): Promise<T> {
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TRACKING_URI: uri, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };
  const { stdout } = await promisify(execFile)(VENV_PYTHON, ['-c', script], { env, encoding: 'utf8' });
  // The client prints notes of its own ("View run at …"): the script's answer is the last line.
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}


/** Our server mirroring `remoteUrl`, syncing only on demand (tests decide when). */
export function startMirror(remoteUrl: string): Promise<Dashboard> {
  return startDashboard({ mirror: { url: remoteUrl, intervalSeconds: 0 } });
}

/** GET /api/pixal/mirror of the server at `url`. */
export async function mirrorStatus(url: string): Promise<MirrorStatus> {
  const res = await fetch(`${url}/api/pixal/mirror`);
  if (!res.ok) throw new Error(`mirror status: ${res.status} ${await res.text()}`);
  return (await res.json()) as MirrorStatus;
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until no pass runs (the one a mirror starts with, say), so that the next pass sees every change made after. */
export function settled(url: string): Promise<MirrorStatus> {
  return waitFor('the mirror to finish its pass', async () => {
    const status = await mirrorStatus(url);
    return status.state !== 'syncing' ? status : undefined;
  });
}

/** Starts a sync pass (call `settled` first, so it is a new one) and waits until it has finished; returns the status after it. */
export async function syncPass(url: string): Promise<MirrorStatus> {
  const asked = Date.now();
  const res = await fetch(`${url}/api/pixal/mirror/sync`, { method: 'POST' });
  const body = (await res.json()) as { status?: MirrorStatus };
  if (res.status !== 202) throw new Error(`sync: ${res.status} ${JSON.stringify(body)}`);
  const joined = body.status?.state === 'syncing';
  return waitFor('a sync pass to finish', async () => {
    const status = await mirrorStatus(url);
    return status.state !== 'syncing' && (joined || (status.last_attempt ?? 0) >= asked) ? status : undefined;
  });
}

/** Waits for the pass a mirror starts with, then runs one more: the replica holds all the remote held before. */
export async function caughtUp(url: string): Promise<MirrorStatus> {
  await settled(url);
  return syncPass(url);
}

/** Our server mirroring `remoteUrl` once it holds all the remote held at its start. */
export async function startCaughtUpMirror(remoteUrl: string): Promise<Dashboard> {
  const mirror = await startMirror(remoteUrl);
  await caughtUp(mirror.url);
  return mirror;
}
