// The model a validation uses, picked by run ID (`--run`) or model URI (`--model models:/NAME@ALIAS`,
// `models:/NAME/VERSION`, `runs:/ID/model`), resolved through MLflow REST (our server or any MLflow), its files
// downloaded once into a local cache keyed by run (a run's artifacts do not change), and rebuilt: the tfjs model
// (a tiled model's tiles and per-tile references: trainer/tiling/load.ts), the effective config it was trained with,
// each type's preprocessing metadata and alignment reference, and the per-pixel error references detection
// normalises by (absent in models trained before pixal stored them).
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import YAML from 'yaml';
import { validateConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { readErrorReferences } from '../detection/normalisation-file.ts';
import type { ErrorReference } from '../detection/normalisation.ts';
import type { MlflowClient, ResolvedModel } from '../mlflow/client.ts';
import { hasErrorCode } from '../mlflow/errors.ts';
import { loadModel, type ModelInfo } from '../model/io.ts';
import { readPreprocessingMetadata, type PreprocessingMetadata } from '../pipeline/features/metadata.ts';
import { ALIGNMENT_REFERENCE_FILE } from '../pipeline/preprocess.ts';
import { MODEL_ARTIFACT } from '../runs/artifacts.ts';
import { isTiledModelDir, loadTiledModel, type TiledModel } from '../tiling/load.ts';

export class ModelSourceError extends Error {}

/** How the user named the model. */
export type ModelRef = { runId: string } | { uri: string };

export interface TypePreprocessing {
  metadata: PreprocessingMetadata;
  /** The training set's alignment reference, when alignment was applied at training. */
  referenceFile?: string;
}

export interface TrainedModel {
  /** As the user gave it: the run ID or the model URI. */
  ref: string;
  runId: string;
  /** runs:/<run_id>/<artifact path>: the URI that names these exact files. */
  uri: string;
  /** Registry version when the ref named one. */
  modelVersion?: { name: string; version: string };
  /** Local folder of the model's files. */
  dir: string;
  /** The autoencoder; for a tiled model the model of its first tile (shared mode: the one model). */
  model: tf.LayersModel;
  info: ModelInfo;
  /** A tiled model (model/tiling.json): every tile's model and reference; detection runs it instead of `model`. */
  tiled?: TiledModel;
  config: Config;
  /** Per type the model serves: its preprocessing. */
  types: Map<string, TypePreprocessing>;
  /** Per type: the model's error on its training images; undefined for a model trained without them. */
  errorReferences?: Map<string, ErrorReference>;
}

/** Default cache: $XDG_CACHE_HOME/pixal/models, else ~/.cache/pixal/models; PIXAL_MODEL_CACHE overrides. */
export function defaultModelCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.PIXAL_MODEL_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pixal', 'models');
}

const COMPLETE = '.complete';

export function refLabel(ref: ModelRef): string {
  return 'runId' in ref ? `run ${ref.runId}` : ref.uri;
}

async function resolve(client: MlflowClient, ref: ModelRef): Promise<ResolvedModel> {
  const uri = 'runId' in ref ? `runs:/${ref.runId}/${MODEL_ARTIFACT}` : ref.uri;
  try {
    return await client.resolveModelUri(uri);
  } catch (err) {
    const where = client.config.baseUrl;
    if (hasErrorCode(err, 'RESOURCE_DOES_NOT_EXIST') || hasErrorCode(err, 'INVALID_PARAMETER_VALUE'))
      throw new ModelSourceError(`${refLabel(ref)}: not found on ${where} (${err.message})`);
    throw err;
  }
}

/** Downloads the model's files unless the cache has them complete; returns the local folder. */
async function cached(client: MlflowClient, resolved: ResolvedModel, ref: ModelRef, cacheDir: string): Promise<string> {
  const runDir = join(cacheDir, resolved.runId);
  const dir = join(runDir, ...resolved.artifactPath.split('/').filter(Boolean));
  const marker = `${dir}${COMPLETE}`;
  if (existsSync(marker)) return dir;
  try {
    await client.getRun(resolved.runId);
  } catch (err) {
    if (hasErrorCode(err, 'RESOURCE_DOES_NOT_EXIST')) throw new ModelSourceError(`${refLabel(ref)}: no run ${resolved.runId} on ${client.config.baseUrl}`);
    throw err;
  }
  const artifacts = await client.runArtifacts(resolved.runId);
  const files = await artifacts.listFiles(resolved.artifactPath).catch(() => []);
  if (files.length === 0) {
    throw new ModelSourceError(`${refLabel(ref)}: run ${resolved.runId} has no model files under '${resolved.artifactPath}' (is it a pixal train run that finished?)`);
  }
  // Downloaded beside the final place and renamed, so an interrupted download is never taken for a model.
  const partial = join(cacheDir, `${resolved.runId}.partial-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  await artifacts.downloadDirectory(resolved.artifactPath, partial);
  await rm(runDir, { recursive: true, force: true });
  await rename(partial, runDir);
  await writeFile(marker, `${new Date().toISOString()}\n`);
  return dir;
}

async function readConfig(file: string): Promise<Config> {
  let tree: unknown;
  try {
    tree = YAML.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ModelSourceError(`${file}: cannot read the model's config (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  try {
    return validateConfig(tree, () => file);
  } catch (err) {
    throw new ModelSourceError(`${file}: the model's config does not validate: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function readTypes(dir: string): Promise<Map<string, TypePreprocessing>> {
  const root = join(dir, 'preprocessing');
  const types = new Map<string, TypePreprocessing>();
  const entries = await readdir(root, { withFileTypes: true }).catch(() => {
    throw new ModelSourceError(`${dir}: no preprocessing/ folder: the model does not say how its images were preprocessed`);
  });
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const typeDir = join(root, entry.name);
    const metadata = await readPreprocessingMetadata(join(typeDir, 'preprocessing.yaml'));
    const reference = join(typeDir, ALIGNMENT_REFERENCE_FILE);
    types.set(metadata.type, { metadata, ...(existsSync(reference) ? { referenceFile: reference } : {}) });
  }
  if (types.size === 0) throw new ModelSourceError(`${root}: no type folders`);
  return types;
}

export async function fetchModel(client: MlflowClient, ref: ModelRef, cacheDir = defaultModelCache()): Promise<TrainedModel> {
  const resolved = await resolve(client, ref);
  const dir = await cached(client, resolved, ref, cacheDir);
  const untiled = isTiledModelDir(dir) ? undefined : await loadModel(dir);
  const config = await readConfig(join(dir, 'config.yaml'));
  const types = await readTypes(dir);
  const failed = (err: unknown): never => {
    throw new ModelSourceError(err instanceof Error ? err.message : String(err));
  };
  const tiled = untiled ? undefined : await loadTiledModel(dir, [...types.keys()]).catch(failed);
  const { model, info } = untiled ?? { model: tiled!.modelOf(0), info: tiled!.info };
  const errorReferences = tiled ? tiled.joinedReferences() : await readErrorReferences(dir).catch(failed);
  return {
    ref: refLabel(ref),
    runId: resolved.runId,
    uri: `runs:/${resolved.runId}/${resolved.artifactPath}`,
    ...(resolved.modelVersion ? { modelVersion: { name: resolved.modelVersion.name, version: resolved.modelVersion.version } } : {}),
    dir,
    model,
    info,
    ...(tiled ? { tiled } : {}),
    config,
    types,
    ...(errorReferences ? { errorReferences } : {}),
  };
}
