// Starts `pixal server`: opens (and migrates) the store, then serves the Hono app on a port.
import { serve, type ServerType } from '@hono/node-server';
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { createApp } from './app.ts';
import { openDb, sqlitePathFromUri, type Db } from './db/open.ts';
import { experiments } from './db/schema.ts';
import { parseAuthSpec } from './http/auth.ts';
import { EventBus } from './dashboard/events.ts';
import { JobRunner } from './dashboard/jobs/runner.ts';
import { MetricRollups } from './dashboard/rollups.ts';
import { WEB_DIST } from './dashboard/static.ts';
import { Mirror } from './mirror/mirror.ts';
import { RemoteMlflow } from './mirror/remote.ts';
import { bindStore, readMirrorState } from './mirror/state.ts';

export interface ServerOptions {
  host: string;
  port: number;
  backendStoreUri: string;
  artifactsDestination: string;
  /** `token:<secret>`, `basic:<user>:<password>` or undefined for none. */
  auth?: string;
  logLevel?: string;
  /** The built web app served at `/`; default web/dist of this checkout. */
  webDist?: string;
  /** Where dashboard jobs run (their relative outputs land there); default the current directory. */
  jobsDir?: string;
  /** Mirror this remote MLflow server into the store (`--mirror`): the store becomes its read-only replica. */
  mirror?: MirrorServerOptions;
}

export interface MirrorServerOptions {
  url: string;
  token?: string;
  username?: string;
  password?: string;
  /** Seconds between sync passes; 0: only on demand. */
  intervalSeconds: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  port: 5000,
  backendStoreUri: 'sqlite:///mlruns/pixal.db',
  artifactsDestination: './mlruns',
};

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  close(): Promise<void>;
}

/** MLflow's client falls back to experiment "0" named Default: a fresh store must have it. */
function ensureDefaultExperiment(db: Db): void {
  const now = Date.now();
  db.insert(experiments)
    .values({ experimentId: 0, name: 'Default', artifactLocation: 'mlflow-artifacts:/0', creationTime: now, lastUpdateTime: now })
    .onConflictDoNothing()
    .run();
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** How a process on this machine reaches the server: a wildcard bind is reached on loopback. */
function localUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startServer(options: ServerOptions, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: options.logLevel ?? 'info' });
  const auth = parseAuthSpec(options.auth);
  if (!LOOPBACK.has(options.host) && auth.kind === 'none')
    log.warn(`WARNING: binding to ${options.host} without --auth: anyone who can reach this host can read and change every run and model.`);
  const artifactsRoot = resolve(options.artifactsDestination);
  mkdirSync(artifactsRoot, { recursive: true });
  const storeFile = sqlitePathFromUri(options.backendStoreUri);
  const db = openDb(storeFile);
  if (options.mirror) {
    try {
      bindStore(db, options.mirror.url, storeFile);
    } catch (err) {
      db.$client.close();
      throw err;
    }
  } else {
    const bound = readMirrorState(db);
    if (bound) log.warn(`the store ${storeFile} mirrors ${bound.remoteUrl}; without --mirror it is not kept in sync, and runs logged here would mix with the replica.`);
  }
  ensureDefaultExperiment(db);
  const events = new EventBus(log);
  const rollups = new MetricRollups(db.$client, log);
  const mirror = options.mirror && new Mirror({ db, events, logger: log, remote: new RemoteMlflow(options.mirror), intervalMs: options.mirror.intervalSeconds * 1000 });
  const jobs = new JobRunner({ db, events, logger: log, auth, workDir: resolve(options.jobsDir ?? '.'), mirror });
  jobs.recover();
  // Metric writes come in bursts; the rollups of sampled histories follow in the background.
  events.subscribe((event) => {
    if (event.type === 'metrics') rollups.schedule();
  });
  rollups.schedule(0);
  const app = createApp({ db, artifactsRoot, logger: log, events, jobs, rollups, webDist: resolve(options.webDist ?? WEB_DIST), mirror }, auth);
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  jobs.listeningAt(localUrl(options.host, port));
  mirror?.start();
  return {
    url: `http://${host}:${port}`,
    port,
    db,
    close: async () => {
      // A pass under way ends at its next request; it needs the database until then.
      await mirror?.stop();
      await new Promise<void>((done) => {
        // Open event streams would keep the server from closing; jobs and rollups need the database.
        events.close();
        jobs.stop();
        rollups.stop();
        // The ended streams' connections turn idle only after close() began: close them as they do,
        // rather than after the keep-alive timeout.
        const idle = setInterval(() => (server as Server).closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(idle);
          db.$client.close();
          done();
        });
      });
    },
  };
}
