// Training on the portable wasm backend, in a file of its own: the backend is chosen once per process, and the
// other training tests run on native TensorFlow.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, type BackendInfo } from '../../../trainer/model/backend.ts';
import { loadModel } from '../../../trainer/model/io.ts';
import { pixelErrors } from '../../../trainer/model/reconstruct.ts';
import { loadTrainingData, type TrainingData } from '../../../trainer/training/dataset.ts';
import { createAdam, PortableAdam } from '../../../trainer/training/optimizer.ts';
import { train, TrainingError, type EpochReport } from '../../../trainer/training/train.ts';
import { makeDatasets, PREPROCESSOR } from './fixture.ts';

let info: BackendInfo;
let data: TrainingData;
beforeAll(async () => {
  info = await initBackend('wasm');
  data = await loadTrainingData((await makeDatasets({ count: 8 })).dirs, { preprocessor: PREPROCESSOR, oneHot: false });
});

const small = { model_kind: 'dense', autoencoder_architecture: [16, 4], batchsize: 3, learning_rate: 0.01, n_epochs: 4, seed: 7 };
const curve = (history: EpochReport[]) => history.map((e) => [e.loss, e.val_loss]);

describe('training on wasm', () => {
  it('runs on the wasm backend, asked for explicitly', () => {
    expect(info).toEqual({ name: 'wasm', device: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: tf.version.tfjs, native: false });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('trains a dense autoencoder (Adam and AdamW, L2 activity penalty): the loss falls, every epoch is reported, same seed same curve', async () => {
    for (const optimizer of ['adam', 'adamw']) {
      const reports: EpochReport[] = [];
      const options = { ...small, optimizer, regularization: 'l1_l2', l2_regularization: 1e-3 };
      const result = await train({ data, options, channelWeights: PREPROCESSOR.weights, onEpoch: (e) => reports.push(e) });
      expect(result.stopReason).toBe('completed');
      expect(result.history.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
      expect(reports).toEqual(result.history);
      expect(result.history.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.val_loss))).toBe(true);
      expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
      const again = await train({ data, options, channelWeights: PREPROCESSOR.weights });
      expect(curve(again.history)).toEqual(curve(result.history));
      const errors = pixelErrors(result.model, tf.tensor3d(data.images, [data.count, data.height * data.width, data.channels.length]));
      expect(errors.shape).toEqual([data.count, data.height * data.width]);
    }
  });

  it('writes its checkpoints and loads them back without the native file handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-wasm-'));
    const result = await train({ data, options: { ...small, restore_best: false }, channelWeights: PREPROCESSOR.weights, checkpointDir: dir });
    const images = tf.tensor3d(data.images, [data.count, data.height * data.width, data.channels.length]);
    for (const which of ['best', 'last']) {
      const { model, info: saved } = await loadModel(join(dir, which));
      expect(saved).toEqual(result.info);
      if (which === 'last') expect(await pixelErrors(model, images).data()).toEqual(await pixelErrors(result.model, images).data());
    }
  });

  it('takes the portable Adam here', () => {
    const variable = tf.variable(tf.tensor1d([1, 2]), true, 'wasm_w');
    const optimizer = createAdam([variable], { learningRate: 0.1 });
    expect(optimizer).toBeInstanceOf(PortableAdam);
    tf.tidy(() => optimizer.applyGradients({ [variable.name]: tf.tensor1d([1, -1]) }));
    // the first Adam step moves each weight by the learning rate against its gradient's sign
    [0.9, 2.1].forEach((w, i) => expect(variable.dataSync()[i]).toBeCloseTo(w, 5));
    optimizer.dispose();
  });

  it('refuses a conv model before any epoch, saying what to do', async () => {
    const events: string[] = [];
    const attempt = train({
      data,
      options: { ...small, model_kind: 'conv', conv_filters: [4, 8], conv_latent_channels: 4 },
      channelWeights: PREPROCESSOR.weights,
      onEpoch: () => events.push('epoch'),
      onBatch: () => events.push('batch'),
    });
    await expect(attempt).rejects.toBeInstanceOf(TrainingError);
    await expect(attempt).rejects.toThrow(
      'model_kind conv needs the native TensorFlow backend (@tensorflow/tfjs-node); the active backend is wasm, which cannot train convolutions: ' +
        'run `npm run setup` to build tfjs-node (`pixal doctor` says why it does not load), or train model_kind dense',
    );
    expect(events).toEqual([]);
  });
});
