import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServer, type RunningServer } from '../../../server/main.ts';

describe('logged-models (MLflow 3)', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pixal-logged-models-'));
    server = await startServer(
      { host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(dir, 'db.sqlite')}`, artifactsDestination: join(dir, 'art') },
      pino({ level: 'silent' }),
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) =>
    fetch(`${server.url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('search answers an empty page, so the 3.x client can list run artifacts', async () => {
    const res = await post('logged-models/search', { experiment_ids: ['0'], filter: "name = 'model'" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });

  it('creating a logged model is a clear 501, not a 404', async () => {
    for (const path of ['logged-models', 'logged-models/m-123']) {
      const res = await post(path, { experiment_id: '0' });
      expect(res.status).toBe(501);
      expect(await res.json()).toMatchObject({ error_code: 'NOT_IMPLEMENTED' });
    }
  });
});
