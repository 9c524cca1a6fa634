// What one batch costs, for the gradient step and for validation: the weighted reconstruction loss of
// model_training.loss_function plus the activity regularisation of the hidden layers (Keras counts both in
// loss and in val_loss), and for validation the unweighted squared error per channel.
import * as tf from '@tensorflow/tfjs';
import type { ModelTrainingOptions } from '../config/model-training.ts';
import { activityPenalty, lossParts, lossValue, regularizationOf, type ActivityRegularization, type BaseLoss } from '../model/losses.ts';
import { asModelInput, asPixels } from '../model/reconstruct.ts';

/** One batch: images (B, P, C), mask (B, P), labels (B, T) in one-hot mode. */
export interface Batch {
  images: tf.Tensor3D;
  mask: tf.Tensor2D;
  labels?: tf.Tensor2D;
}

export class Objective {
  private readonly base: BaseLoss;
  private readonly huberDelta: number;
  private readonly regularization: ActivityRegularization;
  private readonly ignoreBackground: boolean;
  private readonly channelWeights: tf.Tensor1D;

  constructor(
    /** The training view of the autoencoder: outputs [reconstruction, ...hidden activations]. */
    private readonly training: tf.LayersModel,
    options: ModelTrainingOptions,
    channelWeights: readonly number[],
  ) {
    this.base = options.loss_function;
    this.huberDelta = options.huber_delta;
    this.regularization = regularizationOf(options);
    this.ignoreBackground = options.ignore_background;
    this.channelWeights = tf.keep(tf.tensor1d(channelWeights as number[]));
  }

  private forward(batch: Batch): { reconstruction: tf.Tensor3D; hidden: tf.Tensor[] } {
    const image = asModelInput(this.training, batch.images);
    const [output, ...hidden] = this.training.apply(batch.labels ? [image, batch.labels] : image, { training: true }) as tf.Tensor[];
    return { reconstruction: asPixels(output!, batch.images.shape[2]), hidden };
  }

  /** The training loss of a batch (a scalar to differentiate). */
  loss(batch: Batch): tf.Scalar {
    const { reconstruction, hidden } = this.forward(batch);
    const parts = lossParts(this.base, this.huberDelta, this.channelWeights, batch.images, reconstruction, this.ignoreBackground ? batch.mask : undefined);
    return tf.add(lossValue(parts), activityPenalty(this.regularization, hidden));
  }

  /**
   * Sums for exact averages over a whole validation set, as one (3 + C) vector so that a single read brings them
   * back: [Σ weighted loss, Σ weight, Σ penalty·B, Σ_c squared error·pixel weight…]; the pixel weight is the mask
   * when background is ignored, 1 otherwise.
   */
  validationSums(batch: Batch): tf.Tensor1D {
    return tf.tidy(() => {
      const { reconstruction, hidden } = this.forward(batch);
      const mask = this.ignoreBackground ? batch.mask : undefined;
      const { sum, weight } = lossParts(this.base, this.huberDelta, this.channelWeights, batch.images, reconstruction, mask);
      const penalty = tf.mul(activityPenalty(this.regularization, hidden), batch.images.shape[0]);
      let squared: tf.Tensor = tf.squaredDifference(reconstruction, batch.images);
      if (mask) squared = tf.mul(squared, tf.expandDims(mask, 2));
      return tf.concat([tf.stack([sum, weight, penalty]), tf.sum(squared, [0, 1])]) as tf.Tensor1D;
    });
  }

  dispose(): void {
    this.channelWeights.dispose();
  }
}

export interface ValidationMetrics {
  loss: number;
  /** Mean squared error per channel (foreground-weighted when background is ignored). */
  mse: number[];
}

/** Turns validationSums accumulated over `count` images into val_loss and per-channel mse. */
export function validationMetrics(sums: ArrayLike<number>, count: number): ValidationMetrics {
  const [sum, weight, penalty, ...channels] = Array.from(sums) as [number, number, number, ...number[]];
  // `weight` counts C values per (weighted) pixel, so weight / C is the pixel total each channel's error is over.
  const pixels = weight / channels.length;
  return { loss: (weight > 0 ? sum / weight : 0) + penalty / count, mse: channels.map((s) => (pixels > 0 ? s / pixels : 0)) };
}
