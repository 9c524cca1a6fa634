// Convolutional autoencoder on the (H', W', C) maps: a stride-2 convolution per conv_filters entry (leaky ReLU
// 0.2), a 1x1 convolution to conv_latent_channels as the bottleneck, transposed stride-2 convolutions back up,
// and a final convolution to C channels with output_activation. Its weights do not grow with the image, and
// it sees neighbouring pixels as neighbours. Sizes that the strides do not divide: each stride-2 'same'
// convolution rounds up (ceil(H/2)), so the decoder ends at ceil(H/2^n)·2^n ≥ H and the output is cropped to H×W.
import * as tf from '@tensorflow/tfjs';
import type { ModelTrainingOptions } from '../config/model-training.ts';
import { conditionMap, labelBranch } from './conditioning.ts';
import { assemble, LayerSeeds, LEAKY_RELU_ALPHA, type Autoencoder, type ModelSpec } from './spec.ts';

export function buildConv(spec: ModelSpec, options: ModelTrainingOptions): Autoencoder {
  const seeds = new LayerSeeds(options.seed);
  const kernelSize = options.conv_kernel_size;
  const image = tf.input({ shape: [spec.height, spec.width, spec.channels], name: 'image' });
  const hidden: tf.SymbolicTensor[] = [];
  const activate = (z: tf.SymbolicTensor | tf.SymbolicTensor[] | tf.Tensor | tf.Tensor[], name: string): tf.SymbolicTensor => {
    const h = tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: `${name}_act` }).apply(z) as tf.SymbolicTensor;
    hidden.push(h);
    return h;
  };

  let x = image;
  options.conv_filters.forEach((filters, i) => {
    const name = `encoder_${i + 1}`;
    x = activate(tf.layers.conv2d({ filters, kernelSize, strides: 2, padding: 'same', kernelInitializer: seeds.glorot(), name }).apply(x), name);
  });
  x = activate(tf.layers.conv2d({ filters: options.conv_latent_channels, kernelSize: 1, kernelInitializer: seeds.glorot(), name: 'latent' }).apply(x), 'latent');
  const branch = spec.labelCount ? labelBranch(spec.labelCount, options.label_latent_size, seeds) : null;
  if (branch) x = conditionMap(x, branch);
  [...options.conv_filters].reverse().forEach((filters, i) => {
    const name = `decoder_${i + 1}`;
    x = activate(tf.layers.conv2dTranspose({ filters, kernelSize, strides: 2, padding: 'same', kernelInitializer: seeds.glorot(), name }).apply(x), name);
  });
  let output = tf.layers
    .conv2d({ filters: spec.channels, kernelSize, padding: 'same', activation: options.output_activation, kernelInitializer: seeds.glorot(), name: 'reconstruction' })
    .apply(x) as tf.SymbolicTensor;
  // Cropped last, where the map has C channels rather than the decoder's filters (a crop and its gradient copy
  // the whole map: on 32 filters that cost more than the final convolution saved by cropping first).
  const [, upHeight, upWidth] = output.shape as [null, number, number, number];
  if (upHeight !== spec.height || upWidth !== spec.width) {
    output = tf.layers.cropping2D({ cropping: [[0, upHeight - spec.height], [0, upWidth - spec.width]], name: 'crop' }).apply(output) as tf.SymbolicTensor;
  }
  return assemble(branch ? [image, branch.input] : [image], output, hidden, 'conv_autoencoder');
}
