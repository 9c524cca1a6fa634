// Running an autoencoder on images kept as the datasets store them, (N, H'·W', C): reshaped to the model's own
// input (flat for dense, (H', W', C) maps for conv; the same bytes in the same order) and back.
import * as tf from '@tensorflow/tfjs';

/** `images` (N, P, C) as the model's image input (N, ...input shape). */
export function asModelInput(model: tf.LayersModel, images: tf.Tensor): tf.Tensor {
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  return tf.reshape(images, [images.shape[0]!, ...shape]);
}

/** A model output (N, ...) as (N, P, C) pixels. */
export function asPixels(output: tf.Tensor, channels: number): tf.Tensor3D {
  return tf.reshape(output, [output.shape[0]!, -1, channels]);
}

/** Reconstructions (N, P, C) of `images` (N, P, C), with the one-hot labels (N, T) in one-hot mode. */
export function reconstruct(model: tf.LayersModel, images: tf.Tensor3D, labels?: tf.Tensor2D, batchSize = 32): tf.Tensor3D {
  if (model.inputs.length === 2 && !labels) throw new Error('this model is conditioned on the image type (one-hot mode): labels are required');
  return tf.tidy(() => {
    const n = images.shape[0];
    const parts: tf.Tensor3D[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const batch = asModelInput(model, tf.slice(images, [start, 0, 0], [size, -1, -1]));
      const inputs = model.inputs.length === 2 ? [batch, tf.slice(labels!, [start, 0], [size, -1])] : batch;
      parts.push(asPixels(model.predict(inputs) as tf.Tensor, images.shape[2]));
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
}

/** Per-pixel reconstruction error (N, P): the mean over channels of the squared difference, as detection maps it. */
export function pixelErrors(model: tf.LayersModel, images: tf.Tensor3D, labels?: tf.Tensor2D, batchSize = 32): tf.Tensor2D {
  return tf.tidy(() => tf.mean(tf.squaredDifference(reconstruct(model, images, labels, batchSize), images), 2) as tf.Tensor2D);
}
