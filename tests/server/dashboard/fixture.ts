// A real pixal server for the dashboard API suites: port 0, a temporary SQLite store and
// artifact folder, and callers for MLflow's API (Rest) and for /api/pixal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/main.ts';
import { Rest, queryString, type Json, type Query, type Reply } from '../../support/rest.ts';

export interface Dashboard {
  server: RunningServer;
  url: string;
  dir: string;
  dbPath: string;
  artifactsDir: string;
  /** MLflow's REST API. */
  api: Rest;
  post(path: string, body: unknown): Promise<Reply>;
  get(path: string, query?: Query): Promise<Reply>;
  close(): Promise<void>;
}

export interface DashboardOptions extends Partial<ServerOptions> {
  /** Reuse a store folder (to restart on it); it is then not removed on close. */
  dir?: string;
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const { dir: given, ...overrides } = options;
  const dir = given ?? mkdtempSync(join(tmpdir(), 'pixal-dashboard-'));
  const dbPath = join(dir, 'store.db');
  const artifactsDir = join(dir, 'artifacts');
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${dbPath}`,
    artifactsDestination: artifactsDir,
    logLevel: 'silent',
    jobsDir: dir,
    ...overrides,
  });
  const api = new Rest(server.url);
  return {
    server,
    url: server.url,
    dir,
    dbPath,
    artifactsDir,
    api,
    post: (path, body) => api.raw('POST', path, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    get: (path, query = {}) => api.raw('GET', `${path}${queryString(query)}`),
    async close() {
      await server.close();
      if (!given) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The body of a 2xx answer, or a failure showing what the server said. */
export function ok<T = Json>(reply: Reply): T {
  if (reply.status < 200 || reply.status > 299) throw new Error(`${reply.status}: ${reply.text.slice(0, 500)}`);
  return reply.json as T;
}
