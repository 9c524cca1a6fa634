// The autoencoder that model_training.model_kind names.
import type { ModelTrainingOptions } from '../config/model-training.ts';
import { buildConv } from './conv.ts';
import { buildDense } from './dense.ts';
import type { Autoencoder, ModelSpec } from './spec.ts';

export function buildAutoencoder(spec: ModelSpec, options: ModelTrainingOptions): Autoencoder {
  return options.model_kind === 'conv' ? buildConv(spec, options) : buildDense(spec, options);
}
