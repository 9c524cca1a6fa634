// What a model is built for: the dataset's image geometry and, in one-hot mode, the number of types.
import * as tf from '@tensorflow/tfjs';

export interface ModelSpec {
  /** Pooled image size (H', W') and channel count C. */
  height: number;
  width: number;
  channels: number;
  /** One-hot mode: the number of image types (the label input's width); absent in per-type mode. */
  labelCount?: number;
}

/** A built autoencoder: the model that is saved, and a view of it that also outputs the regularised activations. */
export interface Autoencoder {
  /** Inputs [image] or [image, label]; output the reconstruction, shaped like the image input. */
  model: tf.LayersModel;
  /** Same layers; outputs [reconstruction, ...hidden activations] for the activity regularisation. */
  training: tf.LayersModel;
}

export const LEAKY_RELU_ALPHA = 0.2;

/** Deterministic, distinct initialiser seeds per layer, derived from the config seed. */
export class LayerSeeds {
  private next = 0;
  constructor(private readonly seed: number) {}
  glorot(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.seed * 1009 + this.next++ });
  }
}

export function assemble(inputs: tf.SymbolicTensor[], reconstruction: tf.SymbolicTensor, hidden: tf.SymbolicTensor[], name: string): Autoencoder {
  return {
    model: tf.model({ inputs, outputs: reconstruction, name }),
    training: tf.model({ inputs, outputs: [reconstruction, ...hidden], name: `${name}_training` }),
  };
}
