// Starts the two servers the black-box suites compare: ours (in-process or as a `pixal server`
// child process) and the real `mlflow server` from .venv. Each gets fresh temporary stores.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const VENV_PYTHON = join(REPO_ROOT, '.venv/bin/python');

export interface TestServer {
  url: string;
  /** The SQLite file of the backend store. */
  dbPath: string;
  artifactsDir: string;
  /** The child process, when the server runs as one (for kill -9 tests). */
  child?: ChildProcess;
  /** The last lines the child process wrote (stdout and stderr), when there is one. */
  output?: () => string;
  close(): Promise<void>;
}

export type TargetName = 'pixal' | 'mlflow';
export type StartServer = () => Promise<TestServer>;

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/** Keeps the last lines a child wrote on its streams, to explain a failure. */
function tail(...streams: (NodeJS.ReadableStream | null)[]): () => string {
  const keep = 200;
  const lines: string[] = [];
  for (const stream of streams) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter((l) => l.length > 0));
      if (lines.length > keep) lines.splice(0, lines.length - keep);
    });
  }
  return () => lines.join('\n');
}

/** Signals a whole process group; one that is already gone (it may exit before its 'exit' event is seen) is fine. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Signals the child's whole process group, then waits for the leader to exit. */
async function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const kill = (sig: NodeJS.Signals) => signalGroup(pid, sig);
  kill(signal);
  const timer = setTimeout(() => kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  kill('SIGKILL'); // stragglers the leader left behind
}

/** Groups still running when the test process exits are killed, so no server outlives its suite. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) signalGroup(pid);
});

function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) {
    const pid = child.pid;
    liveGroups.add(pid);
    child.once('exit', () => liveGroups.delete(pid));
  }
  return child;
}

function storesIn(dir: string): { dbPath: string; artifactsDir: string; backendStoreUri: string } {
  const dbPath = join(dir, 'store.db');
  return { dbPath, artifactsDir: join(dir, 'artifacts'), backendStoreUri: `sqlite:///${dbPath}` };
}

export interface PixalOptions {
  /** Run `pixal server` as a child process (needed to kill -9 it); default in-process. */
  spawned?: boolean;
  /** Reuse this folder's store (to reopen after a crash); default a fresh temporary folder. */
  dir?: string;
  /** Mirror this remote MLflow server (`--mirror URL --mirror-interval 0`: passes on demand). */
  mirror?: string;
}

export async function startPixal(options: PixalOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? tempDir('pixal-conf-');
  const cleanup = () => {
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    return await startPixalIn(dir, options, cleanup);
  } catch (err) {
    cleanup();
    throw err;
  }
}

async function startPixalIn(dir: string, options: PixalOptions, cleanup: () => void): Promise<TestServer> {
  const { dbPath, artifactsDir, backendStoreUri } = storesIn(dir);
  if (!options.spawned) {
    // Imported on demand so a suite run against MLflow alone does not load our server at all.
    const { startServer } = await import('../../server/main.ts');
    const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri, artifactsDestination: artifactsDir, logLevel: 'silent', mirror: options.mirror ? { url: options.mirror, intervalSeconds: 0 } : undefined });
    return {
      url: server.url,
      dbPath,
      artifactsDir,
      close: async () => {
        await server.close();
        cleanup();
      },
    };
  }
  const args = ['trainer/cli/bin.mjs', 'server', '--port', '0', '--backend-store-uri', backendStoreUri, '--artifacts-destination', artifactsDir, '--log-level', 'error'];
  if (options.mirror) args.push('--mirror', options.mirror, '--mirror-interval', '0');
  const child = spawnGroup(process.execPath, args, process.env);
  const output = tail(child.stdout, child.stderr);
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`pixal server did not start in 60 s:\n${output()}`)), 60_000);
    const onData = () => {
      const match = /pixal server listening on (http:\/\/\S+)/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      done(match[1]!);
    };
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      fail(new Error(`pixal server exited (${code ?? signal}) before listening:\n${output()}`));
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  }).catch(async (err: unknown) => {
    await stopGroup(child, 'SIGKILL');
    throw err;
  });
  return {
    url,
    dbPath,
    artifactsDir,
    child,
    output,
    close: async () => {
      await stopGroup(child);
      cleanup();
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`mlflow server not healthy after ${timeoutMs} ms:\n${log()}`);
}

/**
 * The real MLflow tracking server (uvicorn, one worker, artifacts proxied). Job execution is
 * off: it spawns a dozen huey consumers that only slow a two-core machine down.
 */
export async function startMlflow(): Promise<TestServer> {
  // While writing tests, CONFORMANCE_MLFLOW_URL points at an already running server to skip the start-up.
  const running = process.env.CONFORMANCE_MLFLOW_URL;
  if (running) return { url: running, dbPath: '', artifactsDir: '', close: async () => {} };
  const dir = tempDir('mlflow-conf-');
  const { dbPath, artifactsDir, backendStoreUri } = storesIn(dir);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', PYTHONUNBUFFERED: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('MLFLOW_TRACKING_')) delete env[key];
  const child = spawnGroup(
    join(REPO_ROOT, '.venv/bin/mlflow'),
    ['server', '--backend-store-uri', backendStoreUri, '--artifacts-destination', artifactsDir, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    env,
  );
  const log = tail(child.stdout, child.stderr);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, log, 180_000);
  } catch (err) {
    await stopGroup(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    dbPath,
    artifactsDir,
    child,
    output: log,
    close: async () => {
      await stopGroup(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The targets every conformance file runs against; CONFORMANCE_TARGETS=mlflow narrows the list. */
export function conformanceTargets(): [TargetName, StartServer][] {
  const all: [TargetName, StartServer][] = [
    ['pixal', () => startPixal()],
    ['mlflow', startMlflow],
  ];
  const wanted = process.env.CONFORMANCE_TARGETS?.split(',').map((s) => s.trim());
  return wanted ? all.filter(([name]) => wanted.includes(name)) : all;
}
