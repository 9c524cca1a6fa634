// Reconstruction losses on (batch, pixels, channels) tensors: a base loss per element, weighted per channel
// (preprocessing.preprocessor.weights) and optionally per pixel by the foreground mask, so background pixels
// do not count. Each returns the weighted sum and the total weight apart, so that a whole validation set can be
// averaged exactly across batches: loss = Σ w_c·m_bp·e_bpc / (C·Σ m_bp), and without a mask mean(w_c·e_bpc).
import * as tf from '@tensorflow/tfjs';
import { sumOfSquares } from './native-ops.ts';

export type BaseLoss = 'mse' | 'mae' | 'huber' | 'charbonnier';

/** ε of the Charbonnier loss sqrt(d² + ε²): smooth near 0, L1-like beyond. */
export const CHARBONNIER_EPSILON = 1e-3;

export interface LossSpec {
  base: BaseLoss;
  /** Transition point of the huber loss. */
  huberDelta: number;
  /** One weight per channel. */
  channelWeights: readonly number[];
}

/** Element-wise base loss of the difference d = prediction − truth. */
export function elementLoss(base: BaseLoss, diff: tf.Tensor, huberDelta: number): tf.Tensor {
  return tf.tidy(() => {
    switch (base) {
      case 'mse':
        return tf.square(diff);
      case 'mae':
        return tf.abs(diff);
      case 'huber': {
        // 0.5·d² for |d| ≤ δ, δ·(|d| − 0.5·δ) beyond: Keras's Huber, written branch-free as q = min(|d|, δ).
        const abs = tf.abs(diff);
        const quadratic = tf.minimum(abs, huberDelta);
        return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(huberDelta, tf.sub(abs, quadratic)));
      }
      case 'charbonnier':
        return tf.sqrt(tf.add(tf.square(diff), CHARBONNIER_EPSILON ** 2));
    }
  });
}

export interface LossParts {
  /** Σ of the weighted element losses. */
  sum: tf.Scalar;
  /** What `sum` is divided by: the element count, or C·Σ mask. */
  weight: tf.Scalar;
}

/**
 * The weighted loss of one batch in parts. `truth` and `prediction` are (B, P, C); `mask` (B, P) weights each
 * pixel (the foreground fraction) or is absent. `channelWeights` is a (C) tensor.
 */
export function lossParts(base: BaseLoss, huberDelta: number, channelWeights: tf.Tensor1D, truth: tf.Tensor3D, prediction: tf.Tensor3D, mask?: tf.Tensor2D): LossParts {
  return tf.tidy(() => {
    const weighted = tf.mul(elementLoss(base, tf.sub(prediction, truth), huberDelta), channelWeights);
    if (!mask) return { sum: tf.sum(weighted), weight: tf.scalar(weighted.size) };
    const channels = truth.shape[2];
    return { sum: tf.sum(tf.mul(weighted, tf.expandDims(mask, 2))), weight: tf.mul(tf.sum(mask), channels) };
  }) as LossParts;
}

/** sum / weight, 0 when the weight is 0 (an all-background batch); differentiable, unlike tf.divNoNan in tfjs. */
export function lossValue({ sum, weight }: LossParts): tf.Scalar {
  return tf.div(sum, tf.maximum(weight, 1e-12));
}

/** The loss value of one batch. */
export function reconstructionLoss(spec: LossSpec, truth: tf.Tensor3D, prediction: tf.Tensor3D, mask?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const weights = tf.tensor1d(spec.channelWeights as number[]);
    return lossValue(lossParts(spec.base, spec.huberDelta, weights, truth, prediction, mask));
  });
}

export interface ActivityRegularization {
  l1: number;
  l2: number;
}

/**
 * Keras's activity regularisation of one batch: Σ over layers of (l1·Σ|h| + l2·Σh²) / batch size. The sums carry
 * their own gradients (sign(h)·l1, 2·l2·h: one pass over h each), because tfjs's chain for sum(square(h)) makes
 * five passes over every activation map, which on a conv decoder's full-size maps outweighed the convolutions.
 */
export function activityPenalty(reg: ActivityRegularization, activations: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (const h of activations) {
      if (reg.l1 > 0) total = tf.add(total, tf.mul(reg.l1, sumAbs(h)));
      if (reg.l2 > 0) total = tf.add(total, tf.mul(reg.l2, sumSquares(h)));
    }
    return activations.length === 0 ? total : tf.div(total, activations[0]!.shape[0]!);
  });
}

const sumSquares = tf.customGrad((h, save) => {
  const x = h as tf.Tensor;
  (save as tf.GradSaveFunc)([x]);
  return { value: sumOfSquares(x), gradFunc: (dy, [saved]) => tf.mul(saved!, tf.mul(dy, 2)) };
}) as (h: tf.Tensor) => tf.Scalar;

const sumAbs = tf.customGrad((h, save) => {
  const x = h as tf.Tensor;
  (save as tf.GradSaveFunc)([x]);
  return { value: tf.sum(tf.abs(x)), gradFunc: (dy, [saved]) => tf.mul(tf.sign(saved!), dy) };
}) as (h: tf.Tensor) => tf.Scalar;

/** The coefficients that `regularization` (l1 | l2 | l1_l2) switches on. */
export function regularizationOf(options: { regularization: 'l1' | 'l2' | 'l1_l2'; l1_regularization: number; l2_regularization: number }): ActivityRegularization {
  return {
    l1: options.regularization === 'l2' ? 0 : options.l1_regularization,
    l2: options.regularization === 'l1' ? 0 : options.l2_regularization,
  };
}
