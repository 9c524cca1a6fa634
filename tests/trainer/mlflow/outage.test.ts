// The outage: a trainer logs one point every 50 ms while its tracking server is killed with
// SIGKILL, stays down for OUTAGE_MS, and comes back on the same port with the same stores. Every point
// must end up in the run exactly once, in step order, and the run must end FINISHED.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import { RunSpool } from '../../../trainer/mlflow/spool.ts';
import { startRestartable, type RestartableServer, type ServerKind } from './restartable.ts';

/**
 * How long the server stays down before its restart begins (the restart adds its own start-up time:
 * ~3 s for ours, ~12 s for mlflow). The issue says 30 s; that made the two tests take 39 s and 68 s
 * (mlflow's first start alone is ~20 s on two busy cores), over the suite's time budget, so 10 s by
 * default: still ~200 points logged while down, many batches spooled and many failed replays.
 * PIXAL_OUTAGE_MS=30000 runs the outage.
 */
const OUTAGE_MS = Number(process.env.PIXAL_OUTAGE_MS ?? 10_000);
const LOG_EVERY_MS = 50;
/** Logging before the kill and after the restart. */
const UP_MS = 2_000;

const scratch = mkdtempSync(join(tmpdir(), 'mlflow-outage-'));
const servers: RestartableServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(scratch, { recursive: true, force: true });
});

async function loggingThroughAnOutage(kind: ServerKind): Promise<void> {
  const server = await startRestartable(kind);
  servers.push(server);
  const client = new MlflowClient({ trackingUri: server.url, timeoutMs: 5_000, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 } }, {});
  const experiment = await client.getOrCreateExperiment(`outage-${kind}`);
  const runId = (await client.createRun({ experimentId: experiment.experimentId, runName: 'through-an-outage' })).info.runId;
  const spoolDir = join(scratch, kind);
  const logger = client.runLogger(runId, { flushIntervalMs: 200, replayIntervalMs: 250, spoolDir, drainTimeoutMs: 30_000 });

  let steps = 0;
  const ticker = setInterval(() => logger.logMetric('loss', 1 / (steps + 1), steps++), LOG_EVERY_MS);
  try {
    await sleep(UP_MS);
    await server.kill9();
    const stepsAtKill = steps;
    await sleep(OUTAGE_MS);
    // The points logged while the server was down are on disk, waiting.
    const spooledSteps = RunSpool.open(spoolDir, runId).pending.flatMap((r) => ((r.body.metrics ?? []) as { step: number }[]).map((m) => m.step));
    expect(spooledSteps.some((step) => step > stepsAtKill)).toBe(true);
    await server.restart();
    await sleep(UP_MS);
  } finally {
    clearInterval(ticker);
  }

  const report = await logger.close({ endStatus: 'FINISHED' });
  expect(report, report.message).toMatchObject({ drained: true, pending: 0, rejected: [] });
  expect(existsSync(report.spoolFile)).toBe(false);

  const history = await client.getMetricHistory(runId, 'loss');
  expect(history.map((p) => p.step)).toEqual(Array.from({ length: steps }, (_, i) => i));
  const run = await client.getRun(runId);
  expect(run.info.status).toBe('FINISHED');
  expect(run.info.endTime).toBeGreaterThanOrEqual(history.at(-1)!.timestamp);
}

describe.concurrent('a run logger through a server outage', () => {
  it('loses and duplicates no point when our server is killed and restarted', () => loggingThroughAnOutage('pixal'), 120_000);
  it('loses and duplicates no point when the real mlflow server is killed and restarted', () => loggingThroughAnOutage('mlflow'), 180_000);
});
