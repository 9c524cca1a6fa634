// One-hot mode: one model for all image types. The type's one-hot label goes through Dense(label_latent_size,
// relu) and is concatenated to the latent code, so the decoder knows which type it reconstructs.
import * as tf from '@tensorflow/tfjs';
import type { LayerSeeds } from './spec.ts';

export interface LabelBranch {
  input: tf.SymbolicTensor;
  /** (B, label_latent_size) embedding of the label. */
  embedding: tf.SymbolicTensor;
}

export function labelBranch(labelCount: number, size: number, seeds: LayerSeeds): LabelBranch {
  const input = tf.input({ shape: [labelCount], name: 'type_label' });
  const embedding = tf.layers.dense({ units: size, activation: 'relu', kernelInitializer: seeds.glorot(), name: 'label_embedding' }).apply(input) as tf.SymbolicTensor;
  return { input, embedding };
}

/** Dense latent (B, L): the embedding appended to it. */
export function conditionVector(latent: tf.SymbolicTensor, branch: LabelBranch): tf.SymbolicTensor {
  return tf.layers.concatenate({ name: 'latent_with_label' }).apply([latent, branch.embedding]) as tf.SymbolicTensor;
}

/** Spatial latent (B, h, w, L): the embedding repeated at every position and appended as channels. */
export function conditionMap(latent: tf.SymbolicTensor, branch: LabelBranch): tf.SymbolicTensor {
  const [, h, w] = latent.shape as [null, number, number, number];
  const size = branch.embedding.shape[1] as number;
  const column = tf.layers.reshape({ targetShape: [1, 1, size], name: 'label_column' }).apply(branch.embedding);
  // Nearest-neighbour upsampling of a 1x1 map is a tile, with a standard (serialisable) layer.
  const tiled = tf.layers.upSampling2d({ size: [h, w], name: 'label_map' }).apply(column) as tf.SymbolicTensor;
  return tf.layers.concatenate({ axis: -1, name: 'latent_with_label' }).apply([latent, tiled]) as tf.SymbolicTensor;
}
