// The training loop: a custom step (tf.variableGrads + fused Adam/AdamW) over batches gathered from one tensor per
// split, validation after every epoch, early stopping with restore-best, best/last checkpoints, a report per
// epoch, and a clean stop on an AbortSignal (between batches: the loop yields to the event loop after each one,
// so Ctrl-C handlers run). Deterministic for a seed and backend: seeded initialisers, split and shuffling.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { ModelTrainingOptions } from '../config/model-training.ts';
import { isNativeBackend } from '../model/native-ops.ts';
import { buildAutoencoder } from '../model/build.ts';
import { saveModel, type ModelInfo } from '../model/io.ts';
import type { Autoencoder } from '../model/spec.ts';
import { Random } from '../synth/random.ts';
import type { TrainingData } from './dataset.ts';
import { EarlyStopping } from './early-stopping.ts';
import { Objective, validationMetrics, type Batch } from './objective.ts';
import { createAdam } from './optimizer.ts';
import { shuffled, splitByType } from './split.ts';

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  loss: number;
  val_loss: number;
  /** Validation mean squared error per channel name. */
  val_mse: Record<string, number>;
  learning_rate: number;
  /** Wall time of the epoch: training and validation (checkpoint writing excluded). */
  epoch_seconds: number;
  /** Training images per second of epoch_seconds. */
  samples_per_second: number;
  improved: boolean;
  best_epoch: number;
  best_val_loss: number;
}

export type StopReason = 'completed' | 'early_stopping' | 'aborted';

export interface TrainParams {
  data: TrainingData;
  /** The model_training section (validated again here, so that a bad key names its field). */
  options: unknown;
  /** Loss weight per channel (preprocessing.preprocessor.weights), in data.channels order. */
  channelWeights: readonly number[];
  /** Writes `best/` on every improvement and `last/` at the end, when given. */
  checkpointDir?: string;
  signal?: AbortSignal;
  onEpoch?: (report: EpochReport) => void;
  /** Progress within an epoch: batches done and in total. */
  onBatch?: (done: number, total: number) => void;
}

export interface TrainResult {
  /** The trained model (the best epoch's weights when restore_best and some epoch improved). */
  model: tf.LayersModel;
  info: ModelInfo;
  history: EpochReport[];
  stopReason: StopReason;
  bestEpoch: number;
  bestValLoss: number;
  trainCount: number;
  validationCount: number;
  checkpoints: { best?: string; last?: string };
}

export class TrainingError extends Error {}

export function parseTrainingOptions(raw: unknown): ModelTrainingOptions {
  const parsed = ModelTrainingOptions.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `model_training.${key}: unknown key; valid keys: ${Object.keys(ModelTrainingOptions.shape).join(', ')}`)
      : [`model_training.${issue.path.join('.')}: ${issue.message}`],
  );
  throw new TrainingError(lines.join('\n'));
}

/** The split's images, masks and labels as tensors (rows copied once; batches are gathered from them). */
function splitTensors(data: TrainingData, indices: readonly number[]) {
  const pixels = data.height * data.width;
  const rows = (source: Float32Array, width: number): Float32Array => {
    const out = new Float32Array(indices.length * width);
    indices.forEach((i, k) => out.set(source.subarray(i * width, (i + 1) * width), k * width));
    return out;
  };
  const n = indices.length;
  return {
    images: tf.tensor3d(rows(data.images, pixels * data.channels.length), [n, pixels, data.channels.length]),
    mask: tf.tensor2d(rows(data.mask, pixels), [n, pixels]),
    labels: data.labels ? tf.tensor2d(rows(data.labels, data.labelTypes!.length), [n, data.labelTypes!.length]) : undefined,
  };
}
type SplitTensors = ReturnType<typeof splitTensors>;

function gatherBatch(split: SplitTensors, indices: tf.Tensor1D): Batch {
  return {
    images: tf.gather(split.images, indices),
    mask: tf.gather(split.mask, indices),
    labels: split.labels ? tf.gather(split.labels, indices) : undefined,
  };
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function train(params: TrainParams): Promise<TrainResult> {
  const { data, signal } = params;
  const options = parseTrainingOptions(params.options);
  if (options.model_kind === 'conv' && !isNativeBackend()) {
    // wasm has no Conv2DBackpropFilter kernel, and tfjs's JavaScript backend trains convolutions ~400x slower.
    throw new TrainingError(
      `model_kind conv needs the native TensorFlow backend (@tensorflow/tfjs-node); the active backend is ${tf.getBackend()}, which cannot train convolutions: ` +
        'run `npm run setup` to build tfjs-node (`pixal doctor` says why it does not load), or train model_kind dense',
    );
  }
  if (params.channelWeights.length !== data.channels.length) {
    throw new TrainingError(`${params.channelWeights.length} channel weights for ${data.channels.length} channels (${data.channels.join(', ')}): give one weight per channel`);
  }
  if (options.one_hot_encoding !== Boolean(data.labels)) {
    throw new TrainingError(
      options.one_hot_encoding ? 'model_training.one_hot_encoding is true but the dataset has no type labels' : 'the dataset has type labels but model_training.one_hot_encoding is false',
    );
  }
  const info: ModelInfo = {
    model_kind: options.model_kind,
    shape: [data.height, data.width],
    channels: data.channels as [string, ...string[]],
    ...(data.labelTypes ? { one_hot_types: data.labelTypes as [string, ...string[]] } : {}),
  };

  const split = splitByType(data.types, options.validation_split, options.seed);
  const trainSet = splitTensors(data, split.train);
  const validationSet = splitTensors(data, split.validation);
  const autoencoder: Autoencoder = buildAutoencoder(
    { height: data.height, width: data.width, channels: data.channels.length, labelCount: data.labelTypes?.length },
    options,
  );
  const variables = autoencoder.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = createAdam(variables, { learningRate: options.learning_rate, weightDecay: options.optimizer === 'adamw' ? options.weight_decay : 0 });
  const objective = new Objective(autoencoder.training, options, params.channelWeights);
  const stopping = new EarlyStopping(options.patience, options.min_delta);
  const order = new Random('shuffle', options.seed);
  const batchSize = options.batchsize;
  const trainCount = split.train.length;
  const batches = Math.ceil(trainCount / batchSize);
  const history: EpochReport[] = [];
  const checkpoints: TrainResult['checkpoints'] = {};
  let best: tf.Tensor[] | null = null;
  let stopReason: StopReason = 'completed';

  try {
    for (let epoch = 1; epoch <= options.n_epochs && stopReason === 'completed'; epoch++) {
      const start = performance.now();
      const permutation = shuffled(split.train.map((_, k) => k), order);
      let lossSum = tf.keep(tf.scalar(0));
      for (let b = 0; b < batches; b++) {
        if (signal?.aborted) break;
        const rows = permutation.slice(b * batchSize, (b + 1) * batchSize);
        tf.tidy(() => {
          const batch = gatherBatch(trainSet, tf.tensor1d(rows, 'int32'));
          const { value, grads } = tf.variableGrads(() => objective.loss(batch), variables);
          optimizer.applyGradients(grads);
          const previous = lossSum;
          lossSum = tf.keep(tf.add(previous, tf.mul(value, rows.length)));
          previous.dispose();
        });
        params.onBatch?.(b + 1, batches);
        await nextTick();
      }
      if (signal?.aborted) {
        lossSum.dispose();
        stopReason = 'aborted';
        break;
      }
      const loss = (await lossSum.data())[0]! / trainCount;
      lossSum.dispose();
      const validation = validationMetrics(await evaluate(objective, validationSet, batchSize), split.validation.length);
      const seconds = (performance.now() - start) / 1000;
      if (!Number.isFinite(loss) || !Number.isFinite(validation.loss)) {
        throw new TrainingError(`training diverged at epoch ${epoch}: loss ${loss}, val_loss ${validation.loss} (try a lower learning_rate)`);
      }

      const { improved, stop } = stopping.update(epoch, validation.loss);
      if (improved) {
        tf.dispose(best ?? []);
        // A clone shares the variable's current buffer; later updates replace the variable's buffer, not this one.
        best = variables.map((v) => tf.keep(v.clone()));
        if (params.checkpointDir) {
          checkpoints.best = join(params.checkpointDir, 'best');
          await saveModel(autoencoder.model, checkpoints.best, info);
        }
      }
      const report: EpochReport = {
        epoch,
        loss,
        val_loss: validation.loss,
        val_mse: Object.fromEntries(data.channels.map((c, i) => [c, validation.mse[i]!])),
        learning_rate: optimizer.learningRate,
        epoch_seconds: seconds,
        samples_per_second: trainCount / seconds,
        improved,
        best_epoch: stopping.bestEpoch,
        best_val_loss: stopping.best,
      };
      history.push(report);
      params.onEpoch?.(report);
      if (stop) stopReason = 'early_stopping';
    }

    if (params.checkpointDir) {
      checkpoints.last = join(params.checkpointDir, 'last');
      await saveModel(autoencoder.model, checkpoints.last, info);
    }
    if (options.restore_best && best) variables.forEach((v, i) => v.assign(best![i]!));
  } finally {
    tf.dispose(best ?? []);
    tf.dispose([trainSet.images, trainSet.mask, trainSet.labels, validationSet.images, validationSet.mask, validationSet.labels].filter((t) => t !== undefined));
    optimizer.dispose();
    objective.dispose();
  }
  return {
    model: autoencoder.model,
    info,
    history,
    stopReason,
    bestEpoch: stopping.bestEpoch,
    bestValLoss: stopping.best,
    trainCount,
    validationCount: split.validation.length,
    checkpoints,
  };
}

/** Sums of Objective.validationSums over the whole set, in batches. */
async function evaluate(objective: Objective, set: SplitTensors, batchSize: number): Promise<Float32Array> {
  const n = set.images.shape[0];
  const total = tf.tidy(() => {
    let sums: tf.Tensor1D | null = null;
    for (let start = 0; start < n; start += batchSize) {
      const indices = tf.range(start, Math.min(n, start + batchSize), 1, 'int32') as tf.Tensor1D;
      const part = objective.validationSums(gatherBatch(set, indices));
      sums = sums ? (tf.add(sums, part) as tf.Tensor1D) : part;
    }
    return sums!;
  });
  const values = (await total.data()) as Float32Array;
  total.dispose();
  return values;
}
