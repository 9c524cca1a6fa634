// One tracked training on `pixal synth` data, logged to our server and to the real `mlflow server`: the whole
// config as params, the tags, one point per epoch and key (step = epoch), the dataset input, every artifact,
// and a logged model that, downloaded and reloaded, reproduces the trained model's reconstruction error.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Config } from '../../../trainer/config/schema.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import { initBackend, type BackendInfo } from '../../../trainer/model/backend.ts';
import { loadModel } from '../../../trainer/model/io.ts';
import { pixelErrors } from '../../../trainer/model/reconstruct.ts';
import { loadTrainingUnits, type TrainingUnit } from '../../../trainer/runs/datasets.ts';
import { configParams, runTraining, type TrainingRunOutcome } from '../../../trainer/runs/training-run.ts';
import { asMap, uniqueName } from '../../support/rest.ts';
import { conformanceTargets, REPO_ROOT, VENV_PYTHON, type TestServer } from '../../support/servers.ts';
import { IMAGES_PER_TYPE, synthComponent, tinyConfig, type SynthComponent } from './fixture.ts';

const EPOCHS = 4;
const METRIC_KEYS = ['loss', 'val_loss', 'val_mse_LAB_a', 'val_mse_LAB_b', 'learning_rate', 'epoch_seconds', 'samples_per_second'];
const ARTIFACTS = [
  'dataset/summary.json',
  'metadata/front/parameters.yaml',
  'metadata/front/preprocessing.yaml',
  'metadata/training.yaml',
  'model/MLmodel',
  'model/config.yaml',
  'model/error_reference/front.npz',
  'model/error_reference/reference.json',
  'model/model.json',
  'model/pixal-model.json',
  'model/preprocessing/front/preprocessing.yaml',
  'model/weights.bin',
  'plots/loss_curve.png',
];

/** Reads an MLmodel file with MLflow's own Python API. */
const MLMODEL_READER = `
import json, sys
from mlflow.models import Model
m = Model.load(sys.argv[1])
spec = lambda schema: [[t.name, str(t.type), list(t.shape)] for t in schema.inputs]
print(json.dumps({"flavors": m.flavors, "run_id": m.run_id, "artifact_path": m.artifact_path,
                  "inputs": spec(m.signature.inputs), "outputs": spec(m.signature.outputs)}))
`;

/** Every leaf of the config as a dotted key, walked here independently of the code under test. */
function leafKeys(value: unknown, prefix: string): string[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafKeys(child, `${prefix}.${key}`));
}

function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'pixal-training-run-'));
let backend: BackendInfo;
let synth: SynthComponent;
beforeAll(async () => {
  backend = await initBackend('cpu');
  synth = await synthComponent();
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  if (synth) rmSync(synth.root, { recursive: true, force: true });
});

describe.each(conformanceTargets())('a training run logged to %s', (target, start) => {
  let server: TestServer;
  let client: MlflowClient;
  let experimentId: string;

  beforeAll(async () => {
    server = await start();
    client = new MlflowClient({ trackingUri: server.url, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 } }, {});
    experimentId = (await client.getOrCreateExperiment(uniqueName(`training-${target}`))).experimentId;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Trains a model of the front images, FINISHED, with nothing left unsent. */
  async function trainFront(sets: string[] = []): Promise<{ config: Config; unit: TrainingUnit; outcome: TrainingRunOutcome }> {
    const config = tinyConfig(sets);
    const [unit, ...others] = await loadTrainingUnits(synth.componentDir, config, ['front']);
    expect(others).toEqual([]);
    const outcome = await runTraining({ client, experimentId, unit: unit!, config, backend, outputDir: join(scratch, target), logger: { spoolDir: join(scratch, `spool-${target}`) } });
    expect(outcome.status, outcome.error).toBe('FINISHED');
    expect(outcome.close, outcome.close.message).toMatchObject({ drained: true, pending: 0, rejected: [] });
    return { config, unit: unit!, outcome };
  }

  it.each(['dense', 'conv'] as const)('logs config, tags, metrics, the dataset and a %s model that reloads with the same error', async (kind) => {
    const { config, unit, outcome } = await trainFront([`model_training.model_kind=${kind}`]);
    const { runId } = outcome;
    const run = await client.getRun(runId);
    expect(run.info).toMatchObject({ status: 'FINISHED', runName: `autoencoder-${kind}-LAB_ab-pool4-front`, experimentId });

    // Params: every leaf of the effective config, as a dotted key.
    const params = asMap(run.data.params);
    expect(params).toEqual(configParams(config));
    expect(Object.keys(params).sort()).toEqual(Object.keys(config).flatMap((section) => leafKeys(config[section as keyof Config], section)).sort());
    expect(params).toMatchObject({
      'preprocessing.preprocessor.pool_size': '4',
      'preprocessing.preprocessor.channels': '["LAB_a","LAB_b"]',
      'model_training.model_kind': kind,
      'model_training.autoencoder_architecture': '[16,4]',
      'model_training.n_epochs': String(EPOCHS),
      'plotting.loss_cut': '0.1',
    });

    // Tags: what was trained on what, where, by which code.
    const npz = join(synth.componentDir, 'front', 'out.npz');
    const digest = createHash('sha256').update(readFileSync(npz)).digest('hex').slice(0, 16);
    const packageVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const tags = asMap(run.data.tags);
    expect(tags).toMatchObject({
      'pixal.kind': 'training',
      'pixal.component': 'flex',
      'pixal.type': 'front',
      'pixal.types': 'front',
      'pixal.model_kind': kind,
      'pixal.dataset_digest': digest,
      'pixal.backend': 'tensorflow',
      'pixal.device': 'cpu',
      'pixal.version': packageVersion,
      'pixal.host': hostname(),
      'pixal.stop_reason': 'completed',
      'pixal.train_images': '6',
      'pixal.validation_images': '2',
      'mlflow.runName': `autoencoder-${kind}-LAB_ab-pool4-front`,
    });
    expect(tags['mlflow.source.git.commit']).toBe(headCommit());
    expect(tags['pixal.error']).toBeUndefined();

    // Metrics: exactly one point per epoch and key, at step = epoch, with the values training reported.
    const history = outcome.result!.history;
    expect(history.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    const reported: Record<string, number[]> = {
      loss: history.map((e) => e.loss),
      val_loss: history.map((e) => e.val_loss),
      val_mse_LAB_a: history.map((e) => e.val_mse.LAB_a!),
      val_mse_LAB_b: history.map((e) => e.val_mse.LAB_b!),
      learning_rate: history.map(() => 0.01),
      epoch_seconds: history.map((e) => e.epoch_seconds),
      samples_per_second: history.map((e) => e.samples_per_second),
    };
    for (const key of METRIC_KEYS) {
      const points = await client.getMetricHistory(runId, key);
      expect(points.map((p) => p.step).sort((a, b) => a - b), key).toEqual([1, 2, 3, 4]);
      expect([...points].sort((a, b) => a.step - b.step).map((p) => p.value), key).toEqual(reported[key]);
    }
    expect(reported.loss!.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(run.data.metrics.map((m) => m.key).sort()).toEqual([...METRIC_KEYS, 'best_epoch', 'best_val_loss'].sort());
    expect(asMap(run.data.metrics.map((m) => ({ key: m.key, value: String(m.value) })))).toMatchObject({
      best_epoch: String(outcome.result!.bestEpoch),
      best_val_loss: String(outcome.result!.bestValLoss),
    });

    // The dataset it trained on, as an MLflow dataset input.
    expect(run.datasetInputs).toHaveLength(1);
    const input = run.datasetInputs[0]!;
    expect(input.dataset).toMatchObject({ name: 'flex/front', digest, source_type: 'local' });
    expect(JSON.parse(input.dataset.source)).toEqual({ uri: join(synth.componentDir, 'front') });
    expect(JSON.parse(input.dataset.profile!)).toEqual({ num_images: IMAGES_PER_TYPE, shape: [unit.data.height, unit.data.width], channels: ['LAB_a', 'LAB_b'] });
    expect(asMap(input.tags)).toEqual({ 'mlflow.data.context': 'training' });

    // Artifacts: the listed tree, each file downloadable and what it says it is.
    const artifacts = await client.runArtifacts(runId);
    expect((await artifacts.listFiles()).map((f) => f.path).sort()).toEqual(ARTIFACTS);
    const all = await artifacts.download('', join(scratch, `all-${target}-${kind}`));
    const png = join(all, 'plots', 'loss_curve.png');
    const picture = await sharp(png).metadata();
    expect(picture).toMatchObject({ format: 'png' });
    expect(picture.width).toBeGreaterThan(100);
    expect(picture.height).toBeGreaterThan(100);
    expect((await sharp(png).stats()).channels.some((c) => c.stdev > 0), 'the plot is not a blank image').toBe(true);
    const summary = JSON.parse(readFileSync(join(all, 'dataset', 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ component: 'flex', label: 'front', digest, images: IMAGES_PER_TYPE, images_per_type: { front: IMAGES_PER_TYPE }, split: { train: 6, validation: 2 }, channels: ['LAB_a', 'LAB_b'] });
    expect(YAML.parse(readFileSync(join(all, 'metadata', 'training.yaml'), 'utf8'))).toMatchObject({ epochs: EPOCHS, stop_reason: 'completed', train_images: 6, validation_images: 2 });
    expect(YAML.parse(readFileSync(join(all, 'model', 'config.yaml'), 'utf8'))).toEqual(config);
    expect(readFileSync(join(all, 'model', 'preprocessing', 'front', 'preprocessing.yaml'))).toEqual(readFileSync(join(synth.componentDir, 'front', 'metadata', 'preprocessing.yaml')));

    // The logged model, downloaded through its model URI, reproduces the trained model's reconstruction error.
    const { localPath } = await client.downloadModel(`runs:/${runId}/model`, join(scratch, `model-${target}-${kind}`));
    const reloaded = await loadModel(localPath);
    expect(reloaded.info).toEqual({ model_kind: kind, shape: [unit.data.height, unit.data.width], channels: ['LAB_a', 'LAB_b'] });
    const images = tf.tensor3d(unit.data.images, [unit.data.count, unit.data.height * unit.data.width, unit.data.channels.length]);
    const trained = pixelErrors(outcome.result!.model, images).dataSync();
    const logged = pixelErrors(reloaded.model, images).dataSync();
    images.dispose();
    expect(logged.length).toBe(trained.length);
    expect(trained.some((e) => e > 0)).toBe(true);
    expect(Math.max(...logged.map((e, i) => Math.abs(e - trained[i]!)))).toBeLessThan(1e-6);

    // The MLmodel file as MLflow itself reads it: the flavour, the run, the tensor signature.
    const { stdout } = await promisify(execFile)(VENV_PYTHON, ['-c', MLMODEL_READER, localPath]);
    const mlmodel = JSON.parse(stdout) as { flavors: Record<string, Record<string, string>>; run_id: string; artifact_path: string; inputs: unknown[]; outputs: unknown[] };
    const flavor = mlmodel.flavors.pixal_tfjs!;
    expect(flavor).toMatchObject({ format: 'tfjs-layers-model', model_kind: kind, pixal_version: packageVersion, trained_on: 'tensorflow/cpu' });
    for (const file of [flavor.model_file!, flavor.info_file!, flavor.config_file!, join(flavor.preprocessing_dir!, 'front', 'preprocessing.yaml')]) expect(existsSync(join(localPath, file)), file).toBe(true);
    expect(mlmodel).toMatchObject({ run_id: runId, artifact_path: 'model' });
    const [h, w, c] = [unit.data.height, unit.data.width, 2];
    const shape = kind === 'dense' ? [-1, h * w * c] : [-1, h, w, c];
    expect(mlmodel.inputs).toEqual([['image', 'float32', shape]]);
    expect(mlmodel.outputs).toEqual([['reconstruction', 'float32', shape]]);
  });

  it('logs the same loss curve for the same seed and backend, another for another seed', async () => {
    const curve = async (seed: number) => {
      const { runId } = (await trainFront([`model_training.seed=${seed}`])).outcome;
      const values = async (key: string) => (await client.getMetricHistory(runId, key)).sort((a, b) => a.step - b.step).map((p) => p.value);
      return { loss: await values('loss'), val_loss: await values('val_loss'), val_mse_LAB_a: await values('val_mse_LAB_a') };
    };
    const first = await curve(7);
    const again = await curve(7);
    const other = await curve(8);
    expect(first.loss).toHaveLength(EPOCHS);
    expect(first.loss.at(-1)).not.toBe(first.loss[0]); // it trains: a curve, not a constant
    expect(again).toEqual(first);
    expect(other.loss).not.toEqual(first.loss);
  });
});
