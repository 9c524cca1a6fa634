import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelTrainingOptions } from '../../../trainer/config/model-training.ts';
import { errorMaps, FOREGROUND_MIN } from '../../../trainer/detection/error-map.ts';
import { ReconstructionStats } from '../../../trainer/detection/reconstruction-stats.ts';
import { initBackend } from '../../../trainer/model/backend.ts';
import { buildAutoencoder } from '../../../trainer/model/build.ts';
import { Random } from '../../../trainer/synth/random.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const H = 5;
const W = 6;
const P = H * W;
const C = 2;
const N = 5;

const options = (extra: object = {}) =>
  ModelTrainingOptions.parse({ autoencoder_architecture: [16, 4], conv_filters: [4, 8], conv_latent_channels: 3, label_latent_size: 4, seed: 3, ...extra });

function randomArray(length: number, seed: string): Float32Array {
  const random = new Random('error-map', seed);
  return Float32Array.from({ length }, () => random.next());
}

const images = randomArray(N * P * C, 'images');
// a quarter of the pooled pixels are background
const foreground = randomArray(N * P, 'foreground').map((v) => (v < 0.25 ? v : 1));
const oneHot = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);

/** The model's reconstruction straight from predict, then the error map computed here in float64. */
function directMaps(model: tf.LayersModel, weights: number[], labels?: Float32Array): Float64Array {
  const input = tf.tensor(images, [N, ...(model.inputs[0]!.shape.slice(1) as number[])]);
  const output = model.predict(labels ? [input, tf.tensor2d(labels, [N, 2])] : input) as tf.Tensor;
  const predicted = output.dataSync();
  const sum = weights.reduce((a, b) => a + b, 0);
  const maps = new Float64Array(N * P);
  for (let i = 0; i < N * P; i++) {
    if (foreground[i]! < FOREGROUND_MIN) continue;
    for (let c = 0; c < C; c++) maps[i]! += (weights[c]! * (images[i * C + c]! - predicted[i * C + c]!) ** 2) / sum;
  }
  return maps;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('errorMaps', () => {
  for (const kind of ['dense', 'conv'] as const) {
    it(`${kind}: equals the channel-weighted squared error of predict, in uneven batches, background zeroed`, async () => {
      const { model } = buildAutoencoder({ height: H, width: W, channels: C }, options({ model_kind: kind }));
      const progress: number[][] = [];
      const { maps } = await errorMaps(model, images, N, P, C, { channelWeights: [1, 3], foreground, batchSize: 2 }, (done, total) => progress.push([done, total]));
      expect(maps.length).toBe(N * P);
      expect(maxDifference(maps, directMaps(model, [1, 3]))).toBeLessThan(1e-6);
      expect(progress).toEqual([[2, 5], [4, 5], [5, 5]]);
      for (let i = 0; i < N * P; i++) {
        if (foreground[i]! < FOREGROUND_MIN) expect(maps[i]).toBe(0);
        else expect(maps[i]).toBeGreaterThan(0);
      }
    });
  }

  it('honours the weights: a channel with weight 0 adds no error', async () => {
    const { model } = buildAutoencoder({ height: H, width: W, channels: C }, options());
    const only = async (weights: number[]) => (await errorMaps(model, images, N, P, C, { channelWeights: weights, foreground })).maps;
    const first = await only([1, 0]);
    const second = await only([0, 2]);
    expect(maxDifference(first, directMaps(model, [1, 0]))).toBeLessThan(1e-6);
    expect(maxDifference(second, directMaps(model, [0, 1]))).toBeLessThan(1e-6);
    // equal weights: the plain mean of the two single-channel errors
    const both = await only([5, 5]);
    expect(maxDifference(both, first.map((v, i) => (v + second[i]!) / 2))).toBeLessThan(1e-6);
    expect(maxDifference(first, second)).toBeGreaterThan(1e-4);
  });

  it('takes the one-hot labels of a conditioned model, and frees every tensor it makes', async () => {
    const { model } = buildAutoencoder({ height: H, width: W, channels: C, labelCount: 2 }, options({ model_kind: 'conv', one_hot_encoding: true }));
    await errorMaps(model, images, N, P, C, { channelWeights: [1, 1], foreground, labels: oneHot }); // warm-up: kernels, lazy weights
    const before = tf.memory().numTensors;
    const stats = new ReconstructionStats(['a', 'b']);
    const { maps } = await errorMaps(model, images, N, P, C, { channelWeights: [2, 1], foreground, labels: oneHot, batchSize: 3, stats });
    expect(tf.memory().numTensors).toBe(before);
    expect(maxDifference(maps, directMaps(model, [2, 1], oneHot))).toBeLessThan(1e-6);
    const otherType = await errorMaps(model, images, N, P, C, { channelWeights: [2, 1], foreground, labels: oneHot.map((v) => 1 - v) });
    expect(maxDifference(maps, otherType.maps)).toBeGreaterThan(0);
    await expect(errorMaps(model, images, N, P, C, { channelWeights: [1, 1], foreground })).rejects.toThrow(/labels are required/);
  });

  it('feeds the reconstruction statistics from the same pass: foreground pixels only', async () => {
    const { model } = buildAutoencoder({ height: H, width: W, channels: C }, options());
    const stats = new ReconstructionStats(['L', 'a'], 10);
    await errorMaps(model, images, N, P, C, { channelWeights: [1, 1], foreground, batchSize: 2, stats });
    const summary = stats.summary();
    const inForeground = foreground.filter((f) => f >= FOREGROUND_MIN).length;
    expect(summary.pixels).toBe(inForeground);
    for (const h of [...summary.trueValues, ...summary.predictedValues, ...summary.squaredErrors]) expect(h.counts.reduce((a, b) => a + b, 0)).toBe(inForeground);
    // each channel's mean squared error over the foreground: single-channel maps averaged
    for (const [c, weights] of [[0, [1, 0]], [1, [0, 1]]] as const) {
      const direct = directMaps(model, [...weights]);
      expect(summary.meanSquaredError[c]).toBeCloseTo(direct.reduce((a, b) => a + b, 0) / inForeground, 7);
    }
    // true values binned from the images themselves
    const firstBin = [...foreground.keys()].filter((i) => foreground[i]! >= FOREGROUND_MIN && images[i * C]! < 0.1).length;
    expect(summary.trueValues[0]!.counts[0]).toBe(firstBin);
  });

  it('refuses inputs that do not fit together, naming what is wrong', async () => {
    const { model } = buildAutoencoder({ height: H, width: W, channels: C }, options());
    const run = (extra: object, n = N) => errorMaps(model, images, n, P, C, { channelWeights: [1, 1], foreground, ...extra });
    await expect(run({}, 4)).rejects.toThrow(/images has 300 values, expected N x P x C = 4 x 30 x 2/);
    await expect(run({ foreground: foreground.subarray(1) })).rejects.toThrow(/foreground has 149 values/);
    await expect(run({ channelWeights: [1] })).rejects.toThrow(/1 channel weights for 2 channels/);
    await expect(run({ channelWeights: [0, 0] })).rejects.toThrow(/positive sum/);
    await expect(run({ labels: oneHot })).rejects.toThrow(/not conditioned on the image type/);
    await expect(run({ stats: new ReconstructionStats(['R', 'G', 'B']) })).rejects.toThrow(/stats has 3 channels, the images 2/);
    const empty = await errorMaps(model, new Float32Array(0), 0, P, C, { channelWeights: [1, 1], foreground: new Float32Array(0) });
    expect(empty.maps.length).toBe(0);
  });
});
