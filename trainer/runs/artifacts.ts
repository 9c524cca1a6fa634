// A training run's artifacts, staged in a local folder that mirrors the run's artifact tree, then uploaded whole:
//   model/            the tfjs model (model.json, weights), pixal-model.json, an MLmodel file, config.yaml (the
//                     effective config), preprocessing/<type>/ (metadata and alignment reference) and
//                     error_reference/ (the model's per-pixel error on its training images, for detection's
//                     normalisation; format in trainer/detection/normalisation-file.ts): everything validation
//                     needs to preprocess new images exactly as the training set, rebuild the model and score
//   metadata/         <type>/*.yaml of each dataset, and training.yaml (how training went)
//                     A tiled run (tiling.enabled) stores tiling.json, its tile models (per_location: tiles/rRR_cCC/;
//                     shared: the one model as above) and per-tile references (error_reference/<type>/rRR_cCC.npz)
//                     instead: trainer/tiling/model-files.ts
//   plots/            loss_curve.png (unless plotting.plot_loss is false); tiled: also tile_val_loss.png
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
import { TILING_MANIFEST_FILE, type TilingManifest } from '../tiling/manifest.ts';
import { tileValLossChart, writeTiledModel } from '../tiling/model-files.ts';
import type { TiledTrainResult } from '../tiling/train-tiles.ts';
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
export function mlmodelFile(model: tf.LayersModel, config: Config, runId: string, backend: BackendInfo, created = new Date(), tiling?: TilingManifest['mode']): string {
  const inputs = model.inputs.map((input, i) => tensorSpec(i === 0 ? 'image' : 'type_one_hot', input.shape));
  const outputs = model.outputs.map((output) => tensorSpec('reconstruction', output.shape));
  const utc = created.toISOString().replace('T', ' ').replace('Z', '000');
  return YAML.stringify({
    artifact_path: MODEL_ARTIFACT,
    flavors: {
      [PIXAL_FLAVOR]: {
        // A tiled model is entered through its manifest, which names the tile models (or the shared one).
        format: tiling ? 'pixal-tiled-tfjs-layers-models' : 'tfjs-layers-model',
        model_file: tiling ? TILING_MANIFEST_FILE : 'model.json',
        ...(tiling ? { tiling } : {}),
        // per_location: each tile folder holds its own.
        ...(tiling === 'per_location' ? {} : { info_file: MODEL_INFO_FILE }),
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

/** What training made: an untiled model with its per-type references, or a tiled run with its per-tile ones. */
export type TrainedModel =
  | { tiled: false; result: TrainResult; /** Per type: the trained model's error on its training images (measureErrorReferences). */ errorReferences: ReadonlyMap<string, ErrorReference> }
  | { tiled: true; result: TiledTrainResult; /** Per tile, grid order (measureTileErrorReferences). */ references: readonly ErrorReference[] };

export interface StageParams {
  trained: TrainedModel;
  unit: TrainingUnit;
  config: Config;
  runId: string;
  runName: string;
  backend: BackendInfo;
  /** Wall time of the whole training, in seconds. */
  seconds: number;
}

/** The model files of model/: the model (or the tile models and tiling.json) and the error references; returns the model MLmodel describes. */
async function writeModel(modelDir: string, p: StageParams): Promise<tf.LayersModel> {
  const { trained } = p;
  if (!trained.tiled) {
    await saveModel(trained.result.model, modelDir, trained.result.info);
    await writeErrorReferences(modelDir, trained.errorReferences);
    return trained.result.model;
  }
  await writeTiledModel(modelDir, trained.result, p.config.tiling, p.unit.label, trained.references);
  // A tiled run's signature is one tile's: every tile model (or the shared one) takes a tile.
  return trained.result.shared?.model ?? trained.result.tiles[0]!.result!.model;
}

export async function stageArtifacts(stage: string, p: StageParams): Promise<void> {
  const { trained, unit, config } = p;
  const { result } = trained;
  const modelDir = join(stage, MODEL_ARTIFACT);
  const model = await writeModel(modelDir, p);
  await writeFile(join(modelDir, MLMODEL_FILE), mlmodelFile(model, config, p.runId, p.backend, new Date(), trained.tiled ? trained.result.mode : undefined));
  await writeFile(join(modelDir, 'config.yaml'), YAML.stringify(config));
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
      ...(trained.tiled ? { tiling: { mode: trained.result.mode, grid: `${trained.result.grid.rows}x${trained.result.grid.cols}` } } : {}),
    }),
  );
  if (config.plotting.plot_loss) {
    await mkdir(join(stage, 'plots'), { recursive: true });
    const tiles = trained.tiled ? ` (mean over ${trained.result.tiles.length} tiles)` : '';
    await writePlot(join(stage, 'plots', 'loss_curve.png'), lossCurveChart(result.history, `${p.runName}: loss per epoch${tiles}`, config.model_training.loss_function), 2);
    if (trained.tiled) await writePlot(join(stage, 'plots', 'tile_val_loss.png'), tileValLossChart(trained.result, `${p.runName}: best val_loss per tile (${trained.result.mode})`), 2);
  }
  await mkdir(join(stage, 'dataset'), { recursive: true });
  const summary = datasetSummary(unit, { train: result.trainCount, validation: result.validationCount });
  await writeFile(join(stage, 'dataset', 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
