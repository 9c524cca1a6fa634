// One tracked training: an MLflow run (our server or any MLflow) with the effective config as params, the tags
// of trainingTags, one metric point per epoch and key (step = epoch) sent through a RunLogger (batched, retried,
// spooled to disk while the server is away), the artifacts of stageArtifacts, and an honest end status:
// FINISHED, KILLED (Ctrl-C; the model so far is still stored) or FAILED with the error as the `pixal.error` tag.
import { join } from 'node:path';
import { flattenParams } from '../config/params.ts';
import type { Config } from '../config/schema.ts';
import { VALUE_LIMITS } from '../mlflow/batch.ts';
import type { MlflowClient } from '../mlflow/client.ts';
import { isTransient } from '../mlflow/errors.ts';
import { withRetries, type RetryPolicy } from '../mlflow/retry.ts';
import type { CloseReport, RunLogger, RunLoggerOptions } from '../mlflow/run-logger.ts';
import type { BackendInfo } from '../model/backend.ts';
import { tileMetrics, trainTiles, type TiledTrainResult } from '../tiling/train-tiles.ts';
import { train, type EpochReport, type TrainResult } from '../training/train.ts';
import { stageArtifacts, type TrainedModel } from './artifacts.ts';
import type { TrainingUnit } from './datasets.ts';
import { measureErrorReferences, measureTileErrorReferences } from './error-reference.ts';
import { trainingRunName, trainingTags } from './tags.ts';

export type TrainingStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** What the terminal shows while a run trains (trainer/cli/training-progress.ts). */
export interface TrainingProgress {
  start(runName: string, maxEpochs: number): void;
  batch(done: number, total: number): void;
  epoch(report: EpochReport): void;
  end(): void;
}

export interface TrainingRunParams {
  client: MlflowClient;
  experimentId: string;
  unit: TrainingUnit;
  config: Config;
  backend: BackendInfo;
  /** The run's local files go to <outputDir>/<run_id>/: artifacts/ (uploaded as they are) and checkpoints/. */
  outputDir: string;
  parentRunId?: string;
  /** Appended to the run name of trainingRunName (a sweep adds the grid choices the name does not show). */
  nameSuffix?: string;
  /** Added to the run's tags (a sweep marks its grid point). */
  tags?: Record<string, string>;
  signal?: AbortSignal;
  progress?: TrainingProgress;
  logger?: RunLoggerOptions;
}

export interface TrainingRunOutcome {
  runId: string;
  runName: string;
  status: TrainingStatus;
  /** The untiled training's result. */
  result?: TrainResult;
  /** A tiled run's result (tiling.enabled) in place of `result`. */
  tiled?: TiledTrainResult;
  error?: string;
  /** <outputDir>/<run_id> */
  localDir: string;
  /** Whether every logged value reached the server (else it waits in the spool; see close.message). */
  close: CloseReport;
}

/**
 * The server may still be away when training ends (the metrics wait in the spool meanwhile), so the upload keeps
 * trying for about two minutes before the run is given up as FAILED, its files left in the local folder.
 */
const ARTIFACT_UPLOAD_RETRY: RetryPolicy = { maxAttempts: 30, baseDelayMs: 1000, maxDelayMs: 5000 };

async function uploadArtifacts(client: MlflowClient, runId: string, stage: string): Promise<void> {
  try {
    await withRetries(async () => (await client.runArtifacts(runId)).logDirectory(stage), ARTIFACT_UPLOAD_RETRY, { shouldRetry: isTransient });
  } catch (err) {
    throw new Error(`the artifacts were not uploaded (${err instanceof Error ? err.message : String(err)}); they are in ${stage}`);
  }
}

/** The metrics of one epoch, as logged at step = epoch. */
export function epochMetrics(report: EpochReport): Record<string, number> {
  return {
    loss: report.loss,
    val_loss: report.val_loss,
    ...Object.fromEntries(Object.entries(report.val_mse).map(([channel, mse]) => [`val_mse_${channel}`, mse])),
    learning_rate: report.learning_rate,
    epoch_seconds: report.epoch_seconds,
    samples_per_second: report.samples_per_second,
  };
}

/** The effective config as params: every section, one dotted key per leaf. */
export function configParams(config: Config): Record<string, string> {
  return Object.assign({}, ...Object.entries(config).map(([section, value]) => flattenParams(value, section))) as Record<string, string>;
}

export async function runTraining(p: TrainingRunParams): Promise<TrainingRunOutcome> {
  const { client, unit, config } = p;
  const runName = trainingRunName(config, unit.label) + (p.nameSuffix ?? '');
  const run = await client.createRun({
    experimentId: p.experimentId,
    runName,
    tags: { ...trainingTags(unit, config, p.backend), ...p.tags },
    ...(p.parentRunId ? { parentRunId: p.parentRunId } : {}),
  });
  const runId = run.info.runId;
  const localDir = join(p.outputDir, runId);
  const logger = client.runLogger(runId, p.logger);
  let status: TrainingStatus = 'FAILED';
  let result: TrainResult | undefined;
  let tiled: TiledTrainResult | undefined;
  let error: string | undefined;
  const started = performance.now();
  try {
    logger.logParams(configParams(config));
    await client.logInputs(runId, [
      {
        dataset: {
          name: `${unit.component}/${unit.label}`,
          digest: unit.digest,
          source_type: 'local',
          source: JSON.stringify({ uri: unit.dirs.length === 1 ? unit.dirs[0] : unit.dirs }),
          profile: JSON.stringify({ num_images: unit.data.count, shape: [unit.data.height, unit.data.width], channels: unit.data.channels }),
        },
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
      },
    ]);
    p.progress?.start(runName, config.model_training.n_epochs);
    if (config.tiling.enabled) tiled = await trainTiled(p, logger, localDir);
    else result = await trainUntiled(p, logger, localDir);
    const summary = (result ?? tiled)!;
    const lastEpoch = summary.history.at(-1)?.epoch ?? 0;
    if (lastEpoch > 0) logger.logMetrics({ best_val_loss: summary.bestValLoss, best_epoch: summary.bestEpoch }, lastEpoch);
    logger.setTags({ 'pixal.stop_reason': summary.stopReason, 'pixal.train_images': String(summary.trainCount), 'pixal.validation_images': String(summary.validationCount) });
    const weights = config.preprocessing.preprocessor.weights;
    // With the weights training kept (the best epoch's, when restore_best): the model that detection will run.
    const trained: TrainedModel = tiled
      ? { tiled: true, result: tiled, references: await measureTileErrorReferences(tiled, unit.data, weights, config.tiling.position_input) }
      : { tiled: false, result: result!, errorReferences: await measureErrorReferences(result!.model, unit.data, weights) };
    const stage = join(localDir, 'artifacts');
    await stageArtifacts(stage, { trained, unit, config, runId, runName, backend: p.backend, seconds: (performance.now() - started) / 1000 });
    await uploadArtifacts(client, runId, stage);
    status = summary.stopReason === 'aborted' ? 'KILLED' : 'FINISHED';
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    logger.setTag('pixal.error', error.slice(0, VALUE_LIMITS.tag));
  }
  const close = await logger.close({ endStatus: status });
  return { runId, runName, status, ...(result ? { result } : {}), ...(tiled ? { tiled } : {}), ...(error ? { error } : {}), localDir, close };
}

/** train() to the end, one metric step per epoch. */
async function trainUntiled(p: TrainingRunParams, logger: RunLogger, localDir: string): Promise<TrainResult> {
  const { unit, config } = p;
  try {
    return await train({
      data: unit.data,
      options: config.model_training,
      channelWeights: config.preprocessing.preprocessor.weights,
      checkpointDir: join(localDir, 'checkpoints'),
      signal: p.signal,
      onEpoch: (report) => {
        logger.logMetrics(epochMetrics(report), report.epoch);
        p.progress?.epoch(report);
      },
      onBatch: (done, total) => p.progress?.batch(done, total),
    });
  } finally {
    p.progress?.end();
  }
}

/** The tiles' models in lock-step (trainer/tiling/train-tiles.ts): per epoch the aggregate and every tile's metrics. */
async function trainTiled(p: TrainingRunParams, logger: RunLogger, localDir: string): Promise<TiledTrainResult> {
  const { unit, config } = p;
  try {
    return await trainTiles({
      data: unit.data,
      options: config.model_training,
      channelWeights: config.preprocessing.preprocessor.weights,
      tiling: config.tiling,
      checkpointDir: join(localDir, 'checkpoints'),
      signal: p.signal,
      onEpoch: (report) => {
        logger.logMetrics({ ...epochMetrics(report), ...tileMetrics(report) }, report.epoch);
        p.progress?.epoch(report);
      },
      onBatch: (done, total) => p.progress?.batch(done, total),
    });
  } finally {
    p.progress?.end();
  }
}
