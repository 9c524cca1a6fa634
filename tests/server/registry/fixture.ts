// A real pixal server for the registry, artifact and auth suites: port 0, a temporary SQLite file
// and artifact folder, and runs written straight into the store (the registry only reads them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer, type RunningServer } from '../../../server/main.ts';
import { runs } from '../../../server/db/schema.ts';

export interface Fixture {
  server: RunningServer;
  url: string;
  dir: string;
  artifactsDir: string;
  /** Inserts a run of experiment 0 and returns its id; artifact URI as MLflow's server makes it. */
  seedRun(artifactUri?: (runId: string) => string): string;
  close(): Promise<void>;
}

export async function startFixture(auth?: string): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'pixal-registry-'));
  const artifactsDir = join(dir, 'artifacts');
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${join(dir, 'store.db')}`,
    artifactsDestination: artifactsDir,
    logLevel: 'silent',
    auth,
  });
  return {
    server,
    url: server.url,
    dir,
    artifactsDir,
    seedRun(artifactUri = (id) => `mlflow-artifacts:/0/${id}/artifacts`) {
      const runId = randomUUID().replace(/-/g, '');
      server.db
        .insert(runs)
        .values({ runUuid: runId, experimentId: 0, runName: 'seeded', startTime: Date.now(), artifactUri: artifactUri(runId) })
        .run();
      return runId;
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
