import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPixal, type TestServer } from '../../support/servers.ts';

describe('logged-models (MLflow 3)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPixal();
  });
  afterAll(() => server?.close());

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
