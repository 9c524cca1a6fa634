// The outage at training level: the tracking server is killed with SIGKILL after epoch 2 of a real
// training, stays down for OUTAGE_MS, and comes back on the same port with the same stores. Every epoch's
// points must end up in the run exactly once, the artifacts uploaded, and the run FINISHED.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import { RunSpool } from '../../../trainer/mlflow/spool.ts';
import { initBackend, type BackendInfo } from '../../../trainer/model/backend.ts';
import { loadTrainingUnits } from '../../../trainer/runs/datasets.ts';
import { configParams, runTraining, type TrainingProgress } from '../../../trainer/runs/training-run.ts';
import type { EpochReport } from '../../../trainer/training/train.ts';
import { asMap } from '../../support/rest.ts';
import { startRestartable, type RestartableServer, type ServerKind } from '../mlflow/restartable.ts';
import { synthComponent, tinyConfig, type SynthComponent } from './fixture.ts';

/** As in tests/trainer/mlflow/outage.test.ts: 10 s by default, PIXAL_OUTAGE_MS=30000 runs the 30 s. */
const OUTAGE_MS = Number(process.env.PIXAL_OUTAGE_MS ?? 10_000);
/**
 * The tiny model trains an epoch in a few milliseconds; while the server is away each batch (one per epoch
 * here) takes PACE_MS longer, as a real model's would, so that training is still running when the server
 * is back. EPOCHS leaves room for the outage plus a slow restart of mlflow (~45 s) at that pace.
 */
const PACE_MS = 500;
const EPOCHS = Math.ceil((OUTAGE_MS + 45_000) / PACE_MS);
const METRIC_KEYS = ['loss', 'val_loss', 'val_mse_LAB_a', 'val_mse_LAB_b', 'learning_rate', 'epoch_seconds', 'samples_per_second'];

const pause = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread: the trainer's batch takes longer; the event loop runs between batches. */
const slowBatch = (ms: number) => Atomics.wait(pause, 0, 0, ms);

const scratch = mkdtempSync(join(tmpdir(), 'pixal-training-outage-'));
const servers: RestartableServer[] = [];
let backend: BackendInfo;
let synth: SynthComponent;
beforeAll(async () => {
  backend = await initBackend('cpu');
  synth = await synthComponent();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(scratch, { recursive: true, force: true });
  if (synth) rmSync(synth.root, { recursive: true, force: true });
});

async function trainingThroughAnOutage(kind: ServerKind): Promise<void> {
  const server = await startRestartable(kind);
  servers.push(server);
  const client = new MlflowClient({ trackingUri: server.url, timeoutMs: 5_000, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 } }, {});
  const experimentId = (await client.getOrCreateExperiment(`training-outage-${kind}`)).experimentId;
  // One batch per epoch (6 training images), no early stopping: EPOCHS epochs.
  const config = tinyConfig([`model_training.n_epochs=${EPOCHS}`, 'model_training.batchsize=8', 'model_training.patience=100000', 'model_training.model_kind=dense']);
  const [unit] = await loadTrainingUnits(synth.componentDir, config, ['front']);
  const spoolDir = join(scratch, `spool-${kind}`);

  let outage: Promise<void> | undefined;
  let serverAway = false;
  const epochsWhileAway: number[] = [];
  let spooledSteps: number[] = [];
  const takeDown = async () => {
    serverAway = true;
    await server.kill9();
    await sleep(OUTAGE_MS);
    // The epochs logged while the server was down wait on disk, in the run's spool file (<run id>.jsonl).
    const spools = existsSync(spoolDir) ? readdirSync(spoolDir).filter((f) => f.endsWith('.jsonl')) : [];
    spooledSteps = spools.flatMap((f) =>
      RunSpool.open(spoolDir, f.slice(0, -'.jsonl'.length)).pending.flatMap((r) => ((r.body.metrics ?? []) as { step: number }[]).map((m) => m.step)),
    );
    await server.restart();
    serverAway = false;
  };
  const progress: TrainingProgress = {
    start: () => undefined,
    batch: () => {
      if (serverAway) slowBatch(PACE_MS);
    },
    epoch: (report: EpochReport) => {
      if (serverAway) epochsWhileAway.push(report.epoch);
      if (report.epoch === 2) outage = takeDown();
    },
    end: () => undefined,
  };
  const outcome = await runTraining({
    client,
    experimentId,
    unit: unit!,
    config,
    backend,
    outputDir: join(scratch, kind),
    progress,
    logger: { spoolDir, flushIntervalMs: 200, replayIntervalMs: 250, drainTimeoutMs: 60_000 },
  });
  const { runId } = outcome;
  await outage;

  expect(outcome.status, outcome.error).toBe('FINISHED');
  expect(outcome.close, outcome.close.message).toMatchObject({ drained: true, pending: 0, rejected: [] });
  expect(epochsWhileAway.length, 'training went on while the server was down').toBeGreaterThan(0);
  expect(epochsWhileAway.at(-1), 'training was still running when the server came back').toBeLessThan(EPOCHS);
  expect(spooledSteps.some((step) => step > 2), 'epochs logged during the outage were spooled').toBe(true);

  const history = outcome.result!.history;
  expect(history).toHaveLength(EPOCHS);
  const steps = Array.from({ length: EPOCHS }, (_, i) => i + 1);
  for (const key of METRIC_KEYS) {
    const points = await client.getMetricHistory(runId, key);
    expect(points.map((p) => p.step).sort((a, b) => a - b), `${key}: one point per epoch`).toEqual(steps);
  }
  const losses = (await client.getMetricHistory(runId, 'loss')).sort((a, b) => a.step - b.step).map((p) => p.value);
  expect(losses).toEqual(history.map((e) => e.loss));

  const run = await client.getRun(runId);
  expect(run.info.status).toBe('FINISHED');
  expect(asMap(run.data.params)).toEqual(configParams(config));
  expect(asMap(run.data.tags)['pixal.stop_reason']).toBe('completed');
  const files = (await (await client.runArtifacts(runId)).listFiles()).map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['model/MLmodel', 'model/model.json', 'model/weights.bin', 'plots/loss_curve.png', 'dataset/summary.json']));
}

describe.concurrent('a training run through a server outage', () => {
  it('loses and duplicates no epoch when our server is killed and restarted', () => trainingThroughAnOutage('pixal'), 180_000);
  it('loses and duplicates no epoch when the real mlflow server is killed and restarted', () => trainingThroughAnOutage('mlflow'), 240_000);
});
