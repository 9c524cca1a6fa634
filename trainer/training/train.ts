// The training loop: a custom step (tf.variableGrads + fused Adam/AdamW) over batches gathered from one tensor per
// split, validation after every epoch, early stopping with restore-best, best/last checkpoints, a report per
// epoch, and a clean stop on an AbortSignal (between batches: the loop yields to the event loop after each one,
// so Ctrl-C handlers run). Deterministic for a seed and backend: seeded initialisers, split and shuffling.
// startTraining gives it one epoch per step (tiled training steps several in lock-step); train() runs it to the end.
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
import { LearningRatePlateau } from './lr-plateau.ts';
import { Objective, validationMetrics, type Batch } from './objective.ts';
import { createAdam } from './optimizer.ts';
import { shuffled, splitByType, type Split } from './split.ts';

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
  /** val_loss passed model_training.divergence_guard x the best: training went back to the best epoch's weights. */
  rolled_back?: boolean;
  best_epoch: number;
  best_val_loss: number;
  /** With TrainParams.validationGroups: val_loss of each group's validation samples. */
  val_loss_groups?: number[];
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
  /** The train/validation split (sample indices), instead of splitByType's: tiled shared mode keeps an image's tiles together. */
  split?: Split;
  /** Per sample, its group (0, 1, …): val_loss is also reported per group (val_loss_groups), e.g. per tile. */
  validationGroups?: readonly number[];
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

/** train() one epoch at a time: lock-step tiled training runs several side by side (trainer/tiling/train-tiles.ts). */
export interface EpochStepper {
  /** Epochs run so far. */
  readonly epoch: number;
  /** n_epochs ran, early stopping fired, or a step was aborted: step no more, finish. */
  readonly done: boolean;
  readonly stopReason: StopReason;
  readonly history: readonly EpochReport[];
  /** Trains and validates the next epoch; undefined when the signal aborted it (then done). */
  step(): Promise<EpochReport | undefined>;
  /** Writes last/, puts back the best weights (restore_best) and frees the training state. */
  finish(): Promise<TrainResult>;
  /** Frees the training state (tensors, optimiser); idempotent, finish calls it. The model is kept. */
  dispose(): void;
}

export async function train(params: TrainParams): Promise<TrainResult> {
  const stepper = startTraining(params);
  try {
    while (!stepper.done) await stepper.step();
    return await stepper.finish();
  } finally {
    stepper.dispose();
  }
}

/** Checks the data and options and builds the model, optimiser and split; throws TrainingError before any epoch. */
export function startTraining(params: TrainParams): EpochStepper {
  const { data } = params;
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
  return new Stepper(params, options);
}

class Stepper implements EpochStepper {
  epoch = 0;
  stopReason: StopReason = 'completed';
  readonly history: EpochReport[] = [];
  private readonly info: ModelInfo;
  private readonly channels: string[];
  private readonly split: Split;
  private readonly trainSet: SplitTensors;
  /** One set, or one per validation group (TrainParams.validationGroups). */
  private readonly validationSets: SplitTensors[];
  private readonly autoencoder: Autoencoder;
  private readonly variables: tf.Variable[];
  private optimizer: ReturnType<typeof createAdam>;
  private readonly objective: Objective;
  private readonly stopping: EarlyStopping;
  private readonly plateau: LearningRatePlateau;
  private readonly order: Random;
  private readonly checkpoints: TrainResult['checkpoints'] = {};
  private best: tf.Tensor[] | null = null;
  private disposed = false;
  /** Everything but the data: the tensors hold its images, so a tile's copy can go once they are made. */
  private readonly params: Omit<TrainParams, 'data'>;

  constructor(
    { data, ...params }: TrainParams,
    private readonly options: ModelTrainingOptions,
  ) {
    this.params = params;
    this.channels = data.channels;
    this.info = {
      model_kind: options.model_kind,
      shape: [data.height, data.width],
      channels: data.channels as [string, ...string[]],
      ...(data.labelTypes ? { one_hot_types: data.labelTypes as [string, ...string[]] } : {}),
    };
    this.split = params.split ?? splitByType(data.types, options.validation_split, options.seed);
    this.trainSet = splitTensors(data, this.split.train);
    this.validationSets = validationGroupsOf(this.split.validation, params.validationGroups).map((indices) => splitTensors(data, indices));
    this.autoencoder = buildAutoencoder({ height: data.height, width: data.width, channels: data.channels.length, labelCount: data.labelTypes?.length }, options);
    this.variables = this.autoencoder.model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.optimizer = this.newOptimizer(options.learning_rate);
    this.objective = new Objective(this.autoencoder.training, options, params.channelWeights);
    this.stopping = new EarlyStopping(options.patience, options.min_delta);
    this.plateau = new LearningRatePlateau(options.lr_plateau_factor, options.lr_plateau_patience, options.min_delta, options.min_learning_rate);
    this.order = new Random('shuffle', options.seed);
  }

  private newOptimizer(learningRate: number): ReturnType<typeof createAdam> {
    const { options } = this;
    return createAdam(this.variables, { learningRate, weightDecay: options.optimizer === 'adamw' ? options.weight_decay : 0 });
  }

  get done(): boolean {
    return this.stopReason !== 'completed' || this.epoch >= this.options.n_epochs;
  }

  async step(): Promise<EpochReport | undefined> {
    if (this.done) throw new Error('step() after training ended');
    const { params, options, split, variables, optimizer, objective } = this;
    const { signal } = params;
    const epoch = this.epoch + 1;
    const batchSize = options.batchsize;
    const trainCount = split.train.length;
    const batches = Math.ceil(trainCount / batchSize);
    const start = performance.now();
    const permutation = shuffled(split.train.map((_, k) => k), this.order);
    let lossSum = tf.keep(tf.scalar(0));
    for (let b = 0; b < batches; b++) {
      if (signal?.aborted) break;
      const rows = permutation.slice(b * batchSize, (b + 1) * batchSize);
      tf.tidy(() => {
        const batch = gatherBatch(this.trainSet, tf.tensor1d(rows, 'int32'));
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
      this.stopReason = 'aborted';
      return undefined;
    }
    const loss = (await lossSum.data())[0]! / trainCount;
    lossSum.dispose();
    const groupSums: Float32Array[] = [];
    for (const set of this.validationSets) groupSums.push(await evaluate(objective, set, batchSize));
    const validation = validationMetrics(groupSums.length === 1 ? groupSums[0]! : sumOf(groupSums), split.validation.length);
    const seconds = (performance.now() - start) / 1000;
    if (!Number.isFinite(loss) || !Number.isFinite(validation.loss)) {
      throw new TrainingError(`training diverged at epoch ${epoch}: loss ${loss}, val_loss ${validation.loss} (try a lower learning_rate)`);
    }

    const guard = options.divergence_guard;
    const diverged = guard > 0 && this.best !== null && validation.loss > guard * this.stopping.best;
    const { improved, stop } = this.stopping.update(epoch, validation.loss);
    if (improved) {
      tf.dispose(this.best ?? []);
      // A clone shares the variable's current buffer; later updates replace the variable's buffer, not this one.
      this.best = variables.map((v) => tf.keep(v.clone()));
      if (params.checkpointDir) {
        this.checkpoints.best = join(params.checkpointDir, 'best');
        await saveModel(this.autoencoder.model, this.checkpoints.best, this.info);
      }
    }
    const report: EpochReport = {
      epoch,
      loss,
      val_loss: validation.loss,
      val_mse: Object.fromEntries(this.channels.map((c, i) => [c, validation.mse[i]!])),
      learning_rate: optimizer.learningRate,
      epoch_seconds: seconds,
      samples_per_second: trainCount / seconds,
      improved,
      best_epoch: this.stopping.bestEpoch,
      best_val_loss: this.stopping.best,
      ...(diverged ? { rolled_back: true } : {}),
      ...(params.validationGroups ? { val_loss_groups: groupSums.map((sums, g) => validationMetrics(sums, this.validationSets[g]!.images.shape[0]).loss) } : {}),
    };
    if (diverged) {
      // A blown-up epoch (Adam at a rate that suited earlier epochs) is undone: the best weights, fresh moments
      // (the old ones carry the blow-up) and half the learning rate.
      variables.forEach((v, i) => v.assign(this.best![i]!));
      optimizer.dispose();
      this.optimizer = this.newOptimizer(Math.max(options.min_learning_rate, optimizer.learningRate / 2));
    } else {
      const learningRate = this.plateau.next(validation.loss, optimizer.learningRate);
      if (learningRate !== optimizer.learningRate) optimizer.setLearningRate(learningRate);
    }
    this.epoch = epoch;
    this.history.push(report);
    params.onEpoch?.(report);
    if (stop) this.stopReason = 'early_stopping';
    return report;
  }

  async finish(): Promise<TrainResult> {
    try {
      if (this.params.checkpointDir) {
        this.checkpoints.last = join(this.params.checkpointDir, 'last');
        await saveModel(this.autoencoder.model, this.checkpoints.last, this.info);
      }
      if (this.options.restore_best && this.best) this.variables.forEach((v, i) => v.assign(this.best![i]!));
    } finally {
      this.dispose();
    }
    return {
      model: this.autoencoder.model,
      info: this.info,
      history: this.history,
      stopReason: this.stopReason,
      bestEpoch: this.stopping.bestEpoch,
      bestValLoss: this.stopping.best,
      trainCount: this.split.train.length,
      validationCount: this.split.validation.length,
      checkpoints: this.checkpoints,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.best ?? []);
    const sets = [this.trainSet, ...this.validationSets];
    tf.dispose(sets.flatMap((set) => [set.images, set.mask, set.labels]).filter((t) => t !== undefined));
    this.optimizer.dispose();
    this.objective.dispose();
  }
}

/** The validation indices, whole or split by group (each group's in ascending order); a group may not be empty. */
function validationGroupsOf(validation: readonly number[], groups: readonly number[] | undefined): number[][] {
  if (!groups) return [[...validation]];
  const count = Math.max(...groups) + 1;
  const out: number[][] = Array.from({ length: count }, () => []);
  for (const i of validation) out[groups[i]!]!.push(i);
  const empty = out.findIndex((g) => g.length === 0);
  if (empty >= 0) throw new TrainingError(`validation group ${empty} holds no validation sample`);
  return out;
}

/** Element-wise sum of equally long vectors. */
function sumOf(vectors: readonly Float32Array[]): Float64Array {
  const out = new Float64Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) out[i]! += v[i]!;
  return out;
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
