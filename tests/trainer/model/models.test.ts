import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelTrainingOptions } from '../../../trainer/config/model-training.ts';
import { initBackend } from '../../../trainer/model/backend.ts';
import { buildAutoencoder } from '../../../trainer/model/build.ts';
import { loadModel, MODEL_INFO_FILE, saveModel } from '../../../trainer/model/io.ts';
import { pixelErrors, reconstruct } from '../../../trainer/model/reconstruct.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const options = (extra: object = {}) => ModelTrainingOptions.parse({ model_kind: 'dense', autoencoder_architecture: [16, 8, 4], conv_filters: [4, 8], conv_latent_channels: 3, label_latent_size: 5, ...extra });
const widths = (model: tf.LayersModel) =>
  model.layers.filter((l) => ['Dense', 'PixalInputDense'].includes(l.getClassName())).map((l) => (l.getConfig() as { units: number }).units);

describe('dense autoencoder', () => {
  it("is PIXAL's: flattened input, encoder widths, mirrored decoder, leaky ReLU, sigmoid output of the input size", () => {
    const { model, training } = buildAutoencoder({ height: 3, width: 5, channels: 2 }, options());
    expect(model.inputs[0]!.shape).toEqual([null, 30]);
    expect(widths(model)).toEqual([16, 8, 4, 8, 16, 30]);
    // the first layer is a Dense computed without the gradient with respect to the image
    expect(model.layers[1]!.getClassName()).toBe('PixalInputDense');
    const x = tf.randomUniform([2, 30], 0, 1, 'float32', 2);
    const [kernel, bias] = model.layers[1]!.getWeights();
    const expected = tf.add(tf.matMul(x, kernel!), bias!);
    expect([...(model.layers[1]!.apply(x) as tf.Tensor).dataSync()]).toEqual([...expected.dataSync()]);
    expect(model.layers.filter((l) => l.getClassName() === 'LeakyReLU').map((l) => (l.getConfig() as { alpha: number }).alpha)).toEqual(Array(5).fill(0.2));
    expect((model.layers.at(-1)!.getConfig() as { activation: string }).activation).toBe('sigmoid');
    // weights: 30·16+16 + 16·8+8 + 8·4+4 + 4·8+8 + 8·16+16 + 16·30+30
    expect(model.countParams()).toBe(496 + 136 + 36 + 40 + 144 + 510);
    // the training view also outputs the five hidden activations that are regularised
    expect(training.outputs.map((o) => o.shape)).toEqual([[null, 30], [null, 16], [null, 8], [null, 4], [null, 8], [null, 16]]);
  });

  it('in one-hot mode takes the label through Dense(label_latent_size, relu) next to the latent', () => {
    const { model } = buildAutoencoder({ height: 3, width: 5, channels: 2, labelCount: 3 }, options({ one_hot_encoding: true }));
    expect(model.inputs.map((i) => i.shape)).toEqual([[null, 30], [null, 3]]);
    const label = model.getLayer('label_embedding').getConfig() as { units: number; activation: string };
    expect(label).toMatchObject({ units: 5, activation: 'relu' });
    expect(model.getLayer('latent_with_label').outputShape).toEqual([null, 4 + 5]);
    const out = model.predict([tf.ones([2, 30]), tf.oneHot([0, 2], 3)]) as tf.Tensor;
    expect(out.shape).toEqual([2, 30]);
  });

  it('is initialised from the seed: same seed same weights, another seed other weights', () => {
    const weights = (seed: number) => buildAutoencoder({ height: 2, width: 2, channels: 1 }, options({ seed })).model.getWeights().map((w) => [...w.dataSync()]);
    expect(weights(5)).toEqual(weights(5));
    expect(weights(5)).not.toEqual(weights(6));
  });
});

describe('conv autoencoder', () => {
  for (const [height, width] of [
    [8, 12],
    [7, 10],
    [13, 5],
    [1, 3],
  ] as const) {
    it(`reconstructs exactly ${height}x${width} maps (strides that do not divide the size are cropped)`, () => {
      const { model } = buildAutoencoder({ height, width, channels: 3 }, options({ model_kind: 'conv' }));
      expect(model.inputs[0]!.shape).toEqual([null, height, width, 3]);
      expect(model.outputs[0]!.shape).toEqual([null, height, width, 3]);
      const out = model.predict(tf.ones([2, height, width, 3])) as tf.Tensor;
      expect(out.shape).toEqual([2, height, width, 3]);
      expect(Math.min(...out.dataSync())).toBeGreaterThan(0); // sigmoid
    });
  }

  it('has stride-2 encoder convolutions, a 1x1 bottleneck and mirrored transposed convolutions, far fewer weights than dense', () => {
    const { model } = buildAutoencoder({ height: 64, width: 96, channels: 2 }, options({ model_kind: 'conv' }));
    const convs = model.layers.filter((l) => /Conv2D/.test(l.getClassName())).map((l) => {
      const c = l.getConfig() as { filters: number; strides: number[]; kernelSize: number[] };
      return `${l.getClassName()}:${c.filters}/${c.strides.join('')}/${c.kernelSize.join('')}`;
    });
    expect(convs).toEqual(['Conv2D:4/22/33', 'Conv2D:8/22/33', 'Conv2D:3/11/11', 'Conv2DTranspose:8/22/33', 'Conv2DTranspose:4/22/33', 'Conv2D:2/11/33']);
    const dense = buildAutoencoder({ height: 64, width: 96, channels: 2 }, options()).model;
    expect(model.countParams() * 100).toBeLessThan(dense.countParams());
  });

  it('in one-hot mode tiles the label embedding over the latent map', () => {
    const { model } = buildAutoencoder({ height: 7, width: 10, channels: 2, labelCount: 2 }, options({ model_kind: 'conv', one_hot_encoding: true }));
    expect(model.getLayer('latent_with_label').outputShape).toEqual([null, 2, 3, 3 + 5]);
    const images = tf.randomUniform([2, 7, 10, 2], 0, 1, 'float32', 1);
    const a = model.predict([images, tf.oneHot([0, 0], 2)]) as tf.Tensor;
    const b = model.predict([images, tf.oneHot([1, 1], 2)]) as tf.Tensor;
    expect(a.shape).toEqual([2, 7, 10, 2]);
    // the label changes the reconstruction
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(0);
  });
});

describe('native leaky ReLU gradient', () => {
  it("equals the derivative: 1 above 0, alpha below", () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.2), tf.tensor1d([1, 2, 3, 4]))))(x);
    expect([...g.dataSync()].map((v) => Number(v.toFixed(6)))).toEqual([0.2, 0.4, 3, 4]);
  });
});

describe('save and load', () => {
  it('a reloaded model reproduces the reconstruction and the pixel errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-model-'));
    for (const kind of ['dense', 'conv'] as const) {
      const { model } = buildAutoencoder({ height: 5, width: 6, channels: 2, labelCount: 2 }, options({ model_kind: kind, one_hot_encoding: true }));
      const info = { model_kind: kind, shape: [5, 6] as [number, number], channels: ['LAB_a', 'LAB_b'] as [string, ...string[]], one_hot_types: ['F', 'B'] as [string, ...string[]] };
      await saveModel(model, join(dir, kind), info);
      const loaded = await loadModel(join(dir, kind));
      expect(loaded.info).toEqual(info);
      const images = tf.randomUniform([3, 30, 2], 0, 1, 'float32', 3) as tf.Tensor3D;
      const labels = tf.oneHot([0, 1, 1], 2) as tf.Tensor2D;
      expect([...pixelErrors(loaded.model, images, labels, 2).dataSync()]).toEqual([...pixelErrors(model, images, labels, 2).dataSync()]);
      expect(reconstruct(loaded.model, images, labels).shape).toEqual([3, 30, 2]);
      expect(() => reconstruct(loaded.model, images)).toThrow(/labels are required/);
    }
  });

  it('refuses a description that disagrees with the model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-model-'));
    const { model } = buildAutoencoder({ height: 5, width: 6, channels: 2 }, options());
    await saveModel(model, dir, { model_kind: 'dense', shape: [5, 6], channels: ['LAB_a', 'LAB_b'] });
    writeFileSync(join(dir, MODEL_INFO_FILE), JSON.stringify({ model_kind: 'dense', shape: [6, 6], channels: ['LAB_a', 'LAB_b'] }));
    await expect(loadModel(dir)).rejects.toThrow(/model input 60 does not match pixal-model.json \(dense, 6x6, 2 channels: 72\)/);
    writeFileSync(join(dir, MODEL_INFO_FILE), JSON.stringify({ model_kind: 'mlp', shape: [5, 6], channels: ['a'] }));
    await expect(loadModel(dir)).rejects.toThrow(/pixal-model.json: model_kind: Invalid enum value/);
  });
});
