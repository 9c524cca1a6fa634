// Seeding for the run, models, validate and validations page tests, built on seed.ts's REST seeders:
// a training run with system tags and artifacts of every preview kind, a model whose source runs carry
// validation.* metrics, a history of more than ten validations, and a real tiny trained model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pixal, setFlags, TINY_TRAINING_SETS } from '../trainer/runs/fixture.ts';
import { createExperiment, createRun, pngImage, seedRegisteredModel, seedValidationRun, uploadArtifact } from './seed.ts';

export const RUN_ARTIFACTS = {
  'model/MLmodel': 'artifact_path: model\nflavors:\n  pixal:\n    format: tfjs\n',
  'metadata/config.yaml': 'preprocessing:\n  preprocessor:\n    channels: LAB_ab\n    pool_size: 2\n',
  'metadata/summary.json': '{"epochs": 12, "best_epoch": 9}\n',
  'scores.csv': 'type,name,label,score\nfront,img_001.png,good,0.012\nfront,img_002.png,scratch,0.481\n',
} as const;

export interface RunPageSeed {
  experimentId: string;
  runId: string;
  validationRunId: string;
}

/** A finished training run as `pixal train` leaves it (params, epochs of loss, system tags, artifacts) and one validation of it. */
export async function seedRunPage(url: string): Promise<RunPageSeed> {
  const experimentId = await createExperiment(url, 'run-page');
  const run = await createRun(url, experimentId, {
    name: 'autoencoder-conv-LAB_ab-pool2-front',
    params: { channels: 'LAB_ab', pool_size: 2, model_kind: 'conv', learning_rate: 0.001 },
    metrics: { loss: [0.2, 0.12, 0.08, 0.06, 0.05], val_loss: [0.22, 0.15, 0.1, 0.09, 0.085] },
    tags: {
      'pixal.kind': 'training',
      'pixal.host': 'lab-workstation-3',
      'pixal.backend': 'tensorflow',
      'pixal.device': 'cpu',
      'mlflow.source.git.commit': '9e94d0d1c0ffee',
      'pixal.type': 'front',
    },
  });
  for (const [path, text] of Object.entries(RUN_ARTIFACTS)) await uploadArtifact(url, run.artifactUri, path, Buffer.from(text));
  await uploadArtifact(url, run.artifactUri, 'plots/loss.png', await pngImage(3, 200, 150));
  const validation = await seedValidationRun(url, { experimentId, sourceRunId: run.runId });
  return { experimentId, runId: run.runId, validationRunId: validation.runId };
}

export interface ModelSeed {
  experimentId: string;
  model: string;
  runIds: string[];
}

/** Model `flex-front` with versions 1 (@production) and 2, each source run carrying the validation.* metrics validate logs. */
export async function seedModel(url: string): Promise<ModelSeed> {
  const experimentId = await createExperiment(url, 'models');
  const runIds: string[] = [];
  for (const [i, auroc] of [0.91, 0.95].entries()) {
    const run = await createRun(url, experimentId, {
      name: `conv-RGB-pool${2 + 2 * i}`,
      params: { channels: 'RGB', pool_size: 2 + 2 * i },
      metrics: { loss: [0.3, 0.2, 0.1 - 0.02 * i], 'validation.image_auroc': [auroc], 'validation.pixel_auroc': [auroc - 0.05] },
      tags: { 'pixal.kind': 'training' },
    });
    runIds.push(run.runId);
  }
  const model = await seedRegisteredModel(url, { name: 'flex-front', runIds, alias: { name: 'production', version: 1 } });
  return { experimentId, model: model.name, runIds };
}

export interface HistorySeed {
  model: string;
  sourceRunIds: string[];
  /** Newest last. */
  validationRunIds: string[];
}

/** `count` validations (more than MLflow's 10-run image limit) alternating between the two versions' source runs of `flex-front`. */
export async function seedValidationHistory(url: string, count = 12): Promise<HistorySeed> {
  const { experimentId, model, runIds } = await seedModel(url);
  const validationRunIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const sourceRunId = runIds[i % 2]!;
    const metrics = { image_auroc: 0.8 + 0.01 * i, pixel_auroc: 0.9 - 0.005 * i, f1: 0.7 };
    validationRunIds.push((await seedValidationRun(url, { experimentId, sourceRunId, metrics, seed: i + 1 })).runId);
  }
  return { model, sourceRunIds: runIds, validationRunIds };
}

export interface TrainedSeed {
  /** The CLI's working folder: data/test/flex/front holds labelled test images. */
  root: string;
  runId: string;
}

/**
 * A real tiny conv model trained by `pixal train` into the dashboard's server on `pixal synth` photos
 * of the flex (front only), as the trainer tests make one; its labelled test images are `<root>/data/test/flex`.
 */
export async function seedTrainedModel(url: string): Promise<TrainedSeed> {
  const root = mkdtempSync(join(tmpdir(), 'pixal-browser-validate-'));
  const sets = [...TINY_TRAINING_SETS, 'model_training.model_kind=conv', 'model_training.n_epochs=2'];
  const steps: [string, string[]][] = [
    ['synth', ['synth', '-o', 'data', '--train', '8', '--test-good', '2', '--test-defective', '1', '--defects', 'scratch,particle', '--types', 'front', '--size', '160x90', '--quiet']],
    ['preprocess', ['preprocess', '-i', 'data/train/flex', '--quiet', ...setFlags(sets)]],
    ['train', ['train', '-i', 'out/flex', '--types', 'front', '--quiet', ...setFlags(sets)]],
  ];
  let stdout = '';
  for (const [what, args] of steps) {
    const run = await pixal(args, root, { MLFLOW_TRACKING_URI: url, PIXAL_MODEL_CACHE: join(root, 'model-cache') });
    if (run.code !== 0) throw new Error(`pixal ${what} exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
    stdout = run.stdout;
  }
  const runId = /run ([0-9a-f]{32})/.exec(stdout)?.[1];
  if (!runId) throw new Error(`pixal train printed no run ID:\n${stdout}`);
  return { root, runId };
}
