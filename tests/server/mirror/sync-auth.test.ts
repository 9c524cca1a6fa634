// A remote that wants credentials: here a pixal server started with --auth token:..., which also
// lacks MLflow's get-history-bulk endpoint, so new series come through get-history-bulk-interval
// instead. The mirror sends the token and copies everything; a wrong token fails the pass with the
// remote's own answer (the remote is there: the mirror is not marked unreachable).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rest, type Json } from '../../support/rest.ts';
import { startDashboard, type Dashboard } from '../dashboard/fixture.ts';
import { mirrorStatus, settled } from './remote-mlflow.ts';
import { expectSameTables } from './support.ts';

const TOKEN = 's3cret';
let remote: Dashboard;

/** MLflow's API of the remote with its token. */
async function call(path: string, body: Json): Promise<Json> {
  const reply = await new Rest(remote.url).raw('POST', `/api/2.0/mlflow/${path}`, {
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
  });
  if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.text}`);
  return reply.json;
}

beforeAll(async () => {
  remote = await startDashboard({ auth: `token:${TOKEN}` });
  const experimentId = (await call('experiments/create', { name: 'authed' })).experiment_id as string;
  for (let r = 0; r < 3; r++) {
    const runId = ((await call('runs/create', { experiment_id: experimentId, start_time: Date.now() })).run as { info: { run_id: string } }).info.run_id;
    // 3000 steps of one key: more than one unsampled interval answer holds, so it comes by get-history.
    const steps = r === 0 ? 3000 : 50;
    const metrics = Array.from({ length: steps }, (_, step) => ({ key: 'loss', value: step === 7 ? 'NaN' : 1 / (1 + step), timestamp: 1000 + step, step }));
    await call('runs/log-batch', { run_id: runId, params: [{ key: 'r', value: String(r) }] });
    for (let i = 0; i < metrics.length; i += 1000) await call('runs/log-batch', { run_id: runId, metrics: metrics.slice(i, i + 1000) });
  }
});
afterAll(async () => {
  await remote?.close();
});

describe('a remote with credentials', () => {
  it('is mirrored with the token, through the interval endpoint where get-history-bulk is missing', async () => {
    const mirror = await startDashboard({ mirror: { url: remote.url, token: TOKEN, intervalSeconds: 0 } });
    try {
      const status = await settled(mirror.url);
      expect(status).toMatchObject({ state: 'idle', read_only: false });
      expect((status as unknown as { last_pass: Json }).last_pass).toMatchObject({ points_added: 3100, runs_changed: 3 });
      expectSameTables(remote.dbPath, mirror.dbPath, 'pixal');
    } finally {
      await mirror.close();
    }
  });

  it('fails the pass with the remote answer when the token is wrong, without calling the remote unreachable', async () => {
    const mirror = await startDashboard({ mirror: { url: remote.url, token: 'wrong', intervalSeconds: 0 } });
    try {
      const status = await settled(mirror.url);
      expect(status).toMatchObject({ state: 'idle', read_only: false });
      expect(status.last_error).toBeTruthy();
      expect(status.last_success).toBeUndefined();
      expect(await mirrorStatus(mirror.url)).toMatchObject({ last_error: status.last_error });
    } finally {
      await mirror.close();
    }
  });
});
