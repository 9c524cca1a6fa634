// Picking a model for validation: by run ID and by registry alias give the same files, rebuilt with the config and
// preprocessing the run stored; the download happens once per run; unknown runs and runs without a model are
// clear errors.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../trainer/config/load.ts';
import type { Config } from '../../../trainer/config/schema.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import { initBackend, type BackendInfo } from '../../../trainer/model/backend.ts';
import { pixelErrors } from '../../../trainer/model/reconstruct.ts';
import { loadTrainingUnits } from '../../../trainer/runs/datasets.ts';
import { runTraining, type TrainingRunOutcome } from '../../../trainer/runs/training-run.ts';
import { fetchModel, ModelSourceError } from '../../../trainer/validation/model-source.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';
import { makeDatasets } from '../training/fixture.ts';

let server: TestServer;
let client: MlflowClient;
let trained: TrainingRunOutcome;
let config: Config;
let experimentId: string;
let backend: BackendInfo;
const scratch = mkdtempSync(join(tmpdir(), 'pixal-model-source-'));

beforeAll(async () => {
  backend = await initBackend('cpu');
  server = await startPixal();
  client = new MlflowClient({ trackingUri: server.url }, {});
  experimentId = (await client.getOrCreateExperiment('model-source')).experimentId;
  const { root } = await makeDatasets({ count: 6 });
  config = loadConfig({
    sets: [
      'preprocessing.preprocessor={pool_size: 2, channels: RGB, weights: [1, 2, 1], zero_pruning: false}',
      'model_training={autoencoder_architecture: [8, 4], n_epochs: 2, batchsize: 3}',
    ],
  });
  const [unit] = await loadTrainingUnits(join(root, 'out'), config);
  trained = await runTraining({ client, experimentId, unit: unit!, config, backend, outputDir: join(scratch, 'runs'), logger: { spoolDir: join(scratch, 'spool') } });
  expect(trained.status, trained.error).toBe('FINISHED');
}, 120_000);
afterAll(async () => server?.close());

describe('fetchModel', () => {
  it('rebuilds the run\'s model with its config and preprocessing, by run ID and by alias alike', async () => {
    const cache = join(scratch, 'cache');
    const byRun = await fetchModel(client, { runId: trained.runId }, cache);
    expect(byRun.runId).toBe(trained.runId);
    expect(byRun.uri).toBe(`runs:/${trained.runId}/model`);
    expect(byRun.config).toEqual(config);
    expect([...byRun.types.keys()]).toEqual(['front']);
    expect(byRun.types.get('front')!.metadata.channels).toEqual(['R', 'G', 'B']);

    const version = await client.registry.createModelVersion({ name: (await client.registry.createRegisteredModel('flex-front')).name, source: `runs:/${trained.runId}/model`, runId: trained.runId });
    await client.registry.setAlias('flex-front', 'production', version.version);
    const byAlias = await fetchModel(client, { uri: 'models:/flex-front@production' }, cache);
    expect(byAlias.runId).toBe(trained.runId);
    expect(byAlias.modelVersion).toEqual({ name: 'flex-front', version: version.version });
    expect(byAlias.dir).toBe(byRun.dir);

    const images = tf.randomUniform([2, byRun.info.shape[0] * byRun.info.shape[1], 3], 0, 1, 'float32', 3) as tf.Tensor3D;
    const a = pixelErrors(byRun.model, images);
    const b = pixelErrors(byAlias.model, images);
    const c = pixelErrors(trained.result!.model, images);
    expect(await a.data()).toEqual(await c.data());
    expect(await b.data()).toEqual(await c.data());
    tf.dispose([images, a, b, c]);
  });

  it('downloads a run once, then reads the cache', async () => {
    const cache = join(scratch, 'cache-once');
    const first = await fetchModel(client, { runId: trained.runId }, cache);
    const weights = join(first.dir, 'weights.bin');
    const written = statSync(weights).mtimeMs;
    expect(existsSync(`${first.dir}.complete`)).toBe(true);
    const second = await fetchModel(client, { runId: trained.runId }, cache);
    expect(statSync(join(second.dir, 'weights.bin')).mtimeMs).toBe(written);
  });

  it('names an unknown run, an unknown alias, and a run without a model', async () => {
    const cache = join(scratch, 'cache-errors');
    await expect(fetchModel(client, { runId: '0123456789abcdef0123456789abcdef' }, cache)).rejects.toThrow(ModelSourceError);
    await expect(fetchModel(client, { runId: '0123456789abcdef0123456789abcdef' }, cache)).rejects.toThrow(/run 0123456789abcdef0123456789abcdef: .*(not found|no run)/);
    await expect(fetchModel(client, { uri: 'models:/flex-front@staging' }, cache)).rejects.toThrow(/models:\/flex-front@staging: not found on http/);
    const empty = (await client.createRun({ experimentId, runName: 'no-model' })).info.runId;
    await expect(fetchModel(client, { runId: empty }, cache)).rejects.toThrow(new RegExp(`run ${empty}: run ${empty} has no model files under 'model'`));
    expect(existsSync(join(cache, empty))).toBe(false);
  });
});
