// The run logger against our server in-process, stopped and started again on the same port and
// store: a logger closed while the server is down says so and leaves its spool, which replaySpool
// later applies in order (the data, then FINISHED); a refused batch is reported, not spooled.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/main.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import { RunSpool } from '../../../trainer/mlflow/spool.ts';
import { freePort } from '../../support/servers.ts';

let dir: string;
let port: number;
let server: RunningServer | undefined;
let client: MlflowClient;
let experimentId: string;

async function up(): Promise<void> {
  server = await startServer({ host: '127.0.0.1', port, backendStoreUri: `sqlite:///${join(dir, 'store.db')}`, artifactsDestination: join(dir, 'artifacts'), logLevel: 'silent' });
}

async function down(): Promise<void> {
  await server?.close();
  server = undefined;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'run-logger-'));
  port = await freePort();
  await up();
  client = new MlflowClient({ trackingUri: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } }, {});
  experimentId = (await client.getOrCreateExperiment('run-logger')).experimentId;
});
afterAll(async () => {
  await down();
  rmSync(dir, { recursive: true, force: true });
});

const options = () => ({ flushIntervalMs: 100, replayIntervalMs: 100, spoolDir: join(dir, 'spool') });

describe('RunLogger', () => {
  it('closed while the server is down: reports the spool; replaySpool applies the data, then FINISHED', async () => {
    const runId = (await client.createRun({ experimentId })).info.runId;
    const logger = client.runLogger(runId, options());
    logger.logParams({ lr: 0.001 });
    for (let step = 0; step < 10; step++) logger.logMetric('loss', step, step);
    await logger.flush();
    await down();
    for (let step = 10; step < 20; step++) logger.logMetric('loss', step, step);
    logger.setTag('phase', 'after');
    const report = await logger.close({ endStatus: 'FINISHED', drainTimeoutMs: 300 });
    expect(report).toMatchObject({ drained: false, rejected: [] });
    expect(report.message).toMatch(new RegExp(`request\\(s\\) of run ${runId} could not reach http://127.0.0.1:${port} within 300 ms \\(last error: ECONNREFUSED\\); they are kept in .*${runId}\\.jsonl`));
    const spooled = RunSpool.open(join(dir, 'spool'), runId).pending;
    expect(spooled.map((r) => r.path)).toEqual([...Array(spooled.length - 1).fill('runs/log-batch'), 'runs/update']);
    expect(report.pending).toBe(spooled.length);
    expect(() => logger.logMetric('loss', 0)).toThrow(/is closed/);

    await up();
    const [replayed] = await client.replaySpool(join(dir, 'spool'));
    expect(replayed).toMatchObject({ runId, sent: spooled.length, pending: 0, rejected: [] });
    expect(existsSync(report.spoolFile)).toBe(false);
    expect((await client.getMetricHistory(runId, 'loss')).map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const run = await client.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.tags.find((t) => t.key === 'phase')?.value).toBe('after');
  });

  it('picks up a spool an earlier process left for the same run before sending anything new', async () => {
    const runId = (await client.createRun({ experimentId })).info.runId;
    const left = RunSpool.open(join(dir, 'spool'), runId);
    left.append('runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1000 }], params: [], tags: [] });
    left.close();
    const logger = client.runLogger(runId, options());
    logger.logMetric('loss', 2, 1, 2000);
    expect(await logger.close({ endStatus: 'FINISHED' })).toMatchObject({ drained: true, pending: 0 });
    expect((await client.getMetricHistory(runId, 'loss')).map((p) => [p.step, p.value])).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('reports a batch the server refuses instead of spooling it', async () => {
    const runId = (await client.createRun({ experimentId })).info.runId;
    const logger = client.runLogger(runId, options());
    logger.logMetric('bad!key', 1);
    await expect(logger.flush()).rejects.toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    logger.logMetric('good', 1);
    const report = await logger.close();
    expect(report).toMatchObject({ drained: true, pending: 0 });
    expect(report.rejected).toHaveLength(1);
    expect(report.message).toMatch(/1 request\(s\) of run .* were refused by the server; first: MLflow POST \/api\/2.0\/mlflow\/runs\/log-batch → 400 INVALID_PARAMETER_VALUE/);
    expect((await client.getMetricHistory(runId, 'good')).length).toBe(1);
  });
});
