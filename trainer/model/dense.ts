// PIXAL's dense autoencoder on the flattened image (H'·W'·C inputs): encoder Dense layers from
// autoencoder_architecture (the last entry is the latent size), the decoder mirrors them, leaky ReLU (0.2) on
// every hidden layer, and an output Dense(H'·W'·C) with output_activation. The first layer is an InputDense
// (a Dense that skips the unused gradient with respect to the image).
import * as tf from '@tensorflow/tfjs';
import type { ModelTrainingOptions } from '../config/model-training.ts';
import { conditionVector, labelBranch } from './conditioning.ts';
import { InputDense } from './input-dense.ts';
import { assemble, LayerSeeds, LEAKY_RELU_ALPHA, type Autoencoder, type ModelSpec } from './spec.ts';

export function buildDense(spec: ModelSpec, options: ModelTrainingOptions): Autoencoder {
  const seeds = new LayerSeeds(options.seed);
  const inputDim = spec.height * spec.width * spec.channels;
  const image = tf.input({ shape: [inputDim], name: 'image' });
  const hidden: tf.SymbolicTensor[] = [];
  const layer = (x: tf.SymbolicTensor, units: number, name: string): tf.SymbolicTensor => {
    const dense = x === image ? new InputDense({ units, kernelInitializer: seeds.glorot(), name }) : tf.layers.dense({ units, kernelInitializer: seeds.glorot(), name });
    const z = dense.apply(x);
    const h = tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: `${name}_act` }).apply(z) as tf.SymbolicTensor;
    hidden.push(h);
    return h;
  };

  const widths = options.autoencoder_architecture;
  let x = image;
  widths.slice(0, -1).forEach((units, i) => (x = layer(x, units, `encoder_${i + 1}`)));
  x = layer(x, widths.at(-1)!, 'latent');
  const branch = spec.labelCount ? labelBranch(spec.labelCount, options.label_latent_size, seeds) : null;
  if (branch) x = conditionVector(x, branch);
  widths.slice(0, -1).reverse().forEach((units, i) => (x = layer(x, units, `decoder_${i + 1}`)));
  const output = tf.layers
    .dense({ units: inputDim, activation: options.output_activation, kernelInitializer: seeds.glorot(), name: 'reconstruction' })
    .apply(x) as tf.SymbolicTensor;
  return assemble(branch ? [image, branch.input] : [image], output, hidden, 'dense_autoencoder');
}
