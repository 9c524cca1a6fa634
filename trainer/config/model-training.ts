// Section `model_training`: the autoencoder and its training, read by `pixal train` (and by `pixal validate`,
// which rebuilds the model from the copy stored in the run's metadata). PIXAL's keys; its GPU and threading
// flags are left out on purpose: the trainer cannot honour them, so they are rejected.
//
// Defaults depart from PIXAL's (dense, lr 1e-4, batch 32, patience 30, min_delta 1e-3, background in the loss)
// where the detection-quality grid on synthetic flexes measured a better model (BENCHMARKS.md, issue 5): a conv
// autoencoder, lr 0.002, batch 8, patience 50, min_delta 1e-6 (val_loss still falls by ~1e-5 per epoch late in
// training; PIXAL's 1e-3 stops it within a few dozen epochs), loss on the foreground only. Held out, with the
// preprocessing defaults (LAB, pool 4, alignment) and detection's per-pixel normalisation, it reached pixel AUROC
// 0.997 and image AUROC 0.96; PIXAL's defaults gave pixel AUROC 0.19. Set PIXAL's values to reproduce PIXAL.
import { z } from 'zod';

const positiveInt = z.number().int().positive();

export const ModelTrainingOptions = z
  .object({
    /** Name of the model: MLflow run name and model file names. */
    model_name: z.string().min(1).default('autoencoder'),
    /** MLflow experiment of the training runs (--experiment, then MLFLOW_EXPERIMENT_NAME, win over it). */
    experiment_name: z.string().min(1).default('pixal'),
    /** Seed of weight initialisation and of the train/validation split. */
    seed: z.number().int().nonnegative().default(101),
    /** One model for all types, with the type one-hot encoded next to the latent vector. */
    one_hot_encoding: z.boolean().default(false),
    /** Encoder layer widths; the last entry is the latent size, the decoder mirrors the rest. */
    autoencoder_architecture: z.array(positiveInt).min(1).default([512, 256, 128, 64]),
    /** Width of the dense layer the one-hot type label goes through (one-hot mode only). */
    label_latent_size: positiveInt.default(16),
    /** Maximum number of epochs (early stopping may end sooner). */
    n_epochs: positiveInt.default(500),
    /** Images per gradient step. */
    batchsize: positiveInt.default(8),
    /** Adam learning rate. */
    learning_rate: z.number().positive().default(0.002),
    /** Learning rate multiplied by this after lr_plateau_patience epochs without val_loss improvement (Keras's ReduceLROnPlateau); 1 keeps it constant. */
    lr_plateau_factor: z.number().gt(0).lte(1).default(1),
    /** Epochs without val_loss improvement (by more than min_delta) before the learning rate is lowered. */
    lr_plateau_patience: positiveInt.default(10),
    /** The plateau schedule never lowers the learning rate below this. */
    min_learning_rate: z.number().nonnegative().default(1e-6),
    /** An epoch whose val_loss exceeds this many times the best is undone: best weights back, Adam restarted at half the learning rate; 0: off. */
    divergence_guard: z.number().nonnegative().default(10),
    /** Activity regularisation of the hidden layers. */
    regularization: z.enum(['l1', 'l2', 'l1_l2']).default('l2'),
    /** L1 coefficient (regularization l1 or l1_l2). */
    l1_regularization: z.number().nonnegative().default(1e-4),
    /** L2 coefficient (regularization l2 or l1_l2). */
    l2_regularization: z.number().nonnegative().default(1e-5),
    /** Base loss per element, weighted per channel by preprocessing.preprocessor.weights. */
    loss_function: z.enum(['mse', 'mae', 'huber', 'charbonnier']).default('mse'),
    /** Transition point of the huber loss. */
    huber_delta: z.number().positive().default(0.25),
    /** Activation of the output layer (inputs are scaled to [0, 1]). */
    output_activation: z.enum(['sigmoid', 'linear', 'relu']).default('sigmoid'),
    /** Epochs without improvement of val_loss before training stops (see restore_best). */
    patience: positiveInt.default(50),
    /** Smallest decrease of val_loss that counts as an improvement. */
    min_delta: z.number().nonnegative().default(1e-6),
    /** Autoencoder: PIXAL's dense network on the flattened image, or a convolutional one on the (H', W', C) maps. */
    model_kind: z.enum(['dense', 'conv']).default('conv'),
    /** conv only: filters of the stride-2 encoder convolutions, in order (the decoder mirrors them). */
    conv_filters: z.array(positiveInt).min(1).default([32, 64, 128]),
    /** conv only: side of the square convolution kernels. */
    conv_kernel_size: positiveInt.default(3),
    /** conv only: channels of the 1x1 bottleneck convolution (the latent map). */
    conv_latent_channels: positiveInt.default(16),
    /** Optimiser: Adam, or AdamW (Adam with decoupled weight decay). */
    optimizer: z.enum(['adam', 'adamw']).default('adam'),
    /** adamw only: decoupled weight decay; each step multiplies the weights by 1 - learning_rate x weight_decay. */
    weight_decay: z.number().nonnegative().default(0.004),
    /** Fraction of each type's images held out for validation (at least one image on each side). */
    validation_split: z.number().gt(0).lt(1).default(0.2),
    /** Weight each pixel's loss by its foreground fraction (the pipeline's mask), so background pixels do not count. */
    ignore_background: z.boolean().default(true),
    /** At the end, keep the weights of the epoch with the lowest val_loss instead of the last epoch's. */
    restore_best: z.boolean().default(true),
  })
  .strict();
export type ModelTrainingOptions = z.infer<typeof ModelTrainingOptions>;
