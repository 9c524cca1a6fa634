// A training run's artifacts, staged in a local folder that mirrors the run's artifact tree, then uploaded whole:
//   model/            the tfjs model (model.json, weights), pixal-model.json, an MLmodel file, config.yaml (the
//                     effective config), preprocessing/<type>/ (metadata and alignment reference) and
//                     error_reference/ (the model's per-pixel error on its training images, for detection's
//                     normalisation; format in trainer/detection/normalisation-file.ts): everything validation
//                     needs to preprocess new images exactly as the training set, rebuild the model and score
//   metadata/         <type>/*.yaml of each dataset, and training.yaml (how training went)
//   plots/            loss_curve.png (unless plotting.plot_loss is false)
//   dataset/          summary.json (sizes, split, channel statistics, digest)
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import YAML from 'yaml';
import type { Config } from '../config/schema.ts';
import { writeErrorReferences } from '../detection/normalisation-file.ts';
import type { ErrorReference } from '../detection/normalisation.ts';
import type { BackendInfo } from '../model/backend.ts';
import { MODEL_INFO_FILE, saveModel } from '../model/io.ts';
import { ALIGNMENT_REFERENCE_FILE } from '../pipeline/preprocess.ts';
import { writePlot } from '../plots/render.ts';
import type { TrainResult } from '../training/train.ts';
import { PIXAL_VERSION } from '../version.ts';
import { datasetSummary, type TrainingUnit } from './datasets.ts';
import { lossCurveChart } from './loss-curve.ts';

export const MODEL_ARTIFACT = 'model';
export const MLMODEL_FILE = 'MLmodel';
/** The model flavour named in MLmodel: a TensorFlow.js layers model with pixal's preprocessing beside it. */
export const PIXAL_FLAVOR = 'pixal_tfjs';

/** MLflow's tensor signature of one model input or output (batch dimension -1). */
function tensorSpec(name: string, shape: readonly (number | null)[]) {
  return { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: shape.map((d) => d ?? -1) }, name };
}

/** The MLmodel file: MLflow's model descriptor (flavour, signature, run), readable by mlflow.models.Model.load. */
export function mlmodelFile(model: tf.LayersModel, config: Config, runId: string, backend: BackendInfo, created = new Date()): string {
  const inputs = model.inputs.map((input, i) => tensorSpec(i === 0 ? 'image' : 'type_one_hot', input.shape));
  const outputs = model.outputs.map((output) => tensorSpec('reconstruction', output.shape));
  const utc = created.toISOString().replace('T', ' ').replace('Z', '000');
  return YAML.stringify({
    artifact_path: MODEL_ARTIFACT,
    flavors: {
      [PIXAL_FLAVOR]: {
        format: 'tfjs-layers-model',
        model_file: 'model.json',
        info_file: MODEL_INFO_FILE,
        config_file: 'config.yaml',
        preprocessing_dir: 'preprocessing',
        model_kind: config.model_training.model_kind,
        pixal_version: PIXAL_VERSION,
        tfjs_version: backend.version,
        trained_on: `${backend.name}/${backend.device}`,
      },
    },
    model_uuid: randomUUID().replaceAll('-', ''),
    run_id: runId,
    utc_time_created: utc,
    signature: { inputs: JSON.stringify(inputs), outputs: JSON.stringify(outputs), params: null },
  });
}

/** Copies the files of a type folder's metadata/ that `keep` accepts into `dst`. */
async function copyMetadata(typeDir: string, dst: string, keep: (name: string) => boolean): Promise<void> {
  const src = join(typeDir, 'metadata');
  await mkdir(dst, { recursive: true });
  for (const name of (await readdir(src)).filter(keep).sort()) await copyFile(join(src, name), join(dst, name));
}

export interface StageParams {
  result: TrainResult;
  unit: TrainingUnit;
  config: Config;
  runId: string;
  runName: string;
  backend: BackendInfo;
  /** Per type: the trained model's error on its training images (measureErrorReferences). */
  errorReferences: ReadonlyMap<string, ErrorReference>;
  /** Wall time of the whole training, in seconds. */
  seconds: number;
}

export async function stageArtifacts(stage: string, p: StageParams): Promise<void> {
  const { result, unit, config } = p;
  const modelDir = join(stage, MODEL_ARTIFACT);
  await saveModel(result.model, modelDir, result.info);
  await writeFile(join(modelDir, MLMODEL_FILE), mlmodelFile(result.model, config, p.runId, p.backend));
  await writeFile(join(modelDir, 'config.yaml'), YAML.stringify(config));
  await writeErrorReferences(modelDir, p.errorReferences);
  for (const [i, dir] of unit.dirs.entries()) {
    const type = unit.data.metadata[i]!.type;
    await copyMetadata(dir, join(modelDir, 'preprocessing', type), (n) => n === 'preprocessing.yaml' || n === ALIGNMENT_REFERENCE_FILE);
    await copyMetadata(dir, join(stage, 'metadata', type), (n) => n.endsWith('.yaml'));
  }
  const last = result.history.at(-1);
  await writeFile(
    join(stage, 'metadata', 'training.yaml'),
    YAML.stringify({
      run_name: p.runName,
      stop_reason: result.stopReason,
      epochs: result.history.length,
      best_epoch: result.bestEpoch,
      best_val_loss: result.bestValLoss,
      last_loss: last?.loss ?? null,
      last_val_loss: last?.val_loss ?? null,
      restored_best: config.model_training.restore_best && result.bestEpoch > 0,
      train_images: result.trainCount,
      validation_images: result.validationCount,
      seconds: p.seconds,
      backend: p.backend,
    }),
  );
  if (config.plotting.plot_loss) {
    await mkdir(join(stage, 'plots'), { recursive: true });
    await writePlot(join(stage, 'plots', 'loss_curve.png'), lossCurveChart(result.history, `${p.runName}: loss per epoch`, config.model_training.loss_function), 2);
  }
  await mkdir(join(stage, 'dataset'), { recursive: true });
  const summary = datasetSummary(unit, { train: result.trainCount, validation: result.validationCount });
  await writeFile(join(stage, 'dataset', 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
