// A tracking server the outage tests can kill -9 and start again on the same port with the same
// stores (tests/support/servers.ts starts each server once, on a port of its own choosing).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, REPO_ROOT, signalGroup } from '../../support/servers.ts';

export type ServerKind = 'pixal' | 'mlflow';

export interface RestartableServer {
  url: string;
  /** SIGKILL to the server's whole process group (uvicorn's worker included), then wait for it to go. */
  kill9(): Promise<void>;
  /** Starts it again on the same port and stores; resolves once /health answers. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

function command(kind: ServerKind, port: number, dir: string): [string, string[], NodeJS.ProcessEnv] {
  const stores = ['--backend-store-uri', `sqlite:///${join(dir, 'store.db')}`, '--artifacts-destination', join(dir, 'artifacts')];
  if (kind === 'pixal') return [process.execPath, ['trainer/cli/bin.mjs', 'server', '--host', '127.0.0.1', '--port', String(port), ...stores, '--log-level', 'error'], process.env];
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', PYTHONUNBUFFERED: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('MLFLOW_TRACKING_')) delete env[key];
  return [join(REPO_ROOT, '.venv/bin/mlflow'), ['server', ...stores, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'], env];
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server not healthy after ${timeoutMs} ms:\n${log()}`);
}


export async function startRestartable(kind: ServerKind): Promise<RestartableServer> {
  const dir = mkdtempSync(join(tmpdir(), `mlflow-outage-${kind}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    const [cmd, args, env] = command(kind, port, dir);
    const started = spawn(cmd, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    await waitForHealth(url, started, () => output, 180_000);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    signalGroup(running.pid);
    await exited;
  };
  const onExit = () => child && signalGroup(child.pid);
  process.once('exit', onExit);
  await start();
  return {
    url,
    kill9: stop,
    restart: start,
    close: async () => {
      await stop();
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
