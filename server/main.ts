// Starts `pixal server`: opens (and migrates) the store, then serves the Hono app on a port.
import { serve, type ServerType } from '@hono/node-server';
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { createApp } from './app.ts';
import { openDb, sqlitePathFromUri, type Db } from './db/open.ts';
import { experiments } from './db/schema.ts';
import { parseAuthSpec } from './http/auth.ts';

export interface ServerOptions {
  host: string;
  port: number;
  backendStoreUri: string;
  artifactsDestination: string;
  /** `token:<secret>`, `basic:<user>:<password>` or undefined for none. */
  auth?: string;
  logLevel?: string;
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

export async function startServer(options: ServerOptions, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: options.logLevel ?? 'info' });
  const auth = parseAuthSpec(options.auth);
  if (!LOOPBACK.has(options.host) && auth.kind === 'none')
    log.warn(`WARNING: binding to ${options.host} without --auth: anyone who can reach this host can read and change every run and model.`);
  const artifactsRoot = resolve(options.artifactsDestination);
  mkdirSync(artifactsRoot, { recursive: true });
  const db = openDb(sqlitePathFromUri(options.backendStoreUri));
  ensureDefaultExperiment(db);
  const app = createApp({ db, artifactsRoot, logger: log }, auth);
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    db,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => {
          db.$client.close();
          done();
        });
      }),
  };
}
