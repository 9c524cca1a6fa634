import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../trainer/model/backend.ts';
import { activityPenalty, CHARBONNIER_EPSILON, reconstructionLoss, regularizationOf, type BaseLoss } from '../../../trainer/model/losses.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

// One batch of 2 images, 2 pixels, 2 channels; differences d = prediction − truth chosen to hit both huber branches.
const truth = [
  [
    [0.0, 1.0],
    [0.5, 0.5],
  ],
  [
    [0.2, 0.4],
    [1.0, 0.0],
  ],
];
const diffs = [
  [
    [0.1, -0.5],
    [0.0, 0.3],
  ],
  [
    [-0.2, 0.05],
    [-1.0, 0.25],
  ],
];
const prediction = truth.map((image, b) => image.map((pixel, p) => pixel.map((v, c) => v + diffs[b]![p]![c]!)));
const weights = [3, 1];
const mask = [
  [1, 0],
  [0.5, 0.25],
];

const hand: Record<BaseLoss, (d: number) => number> = {
  mse: (d) => d * d,
  mae: (d) => Math.abs(d),
  huber: (d) => (Math.abs(d) <= 0.25 ? 0.5 * d * d : 0.25 * (Math.abs(d) - 0.125)),
  charbonnier: (d) => Math.sqrt(d * d + CHARBONNIER_EPSILON ** 2),
};

function handLoss(base: BaseLoss, withMask: boolean): number {
  let sum = 0;
  let weight = 0;
  diffs.forEach((image, b) =>
    image.forEach((pixel, p) => {
      const m = withMask ? mask[b]![p]! : 1;
      pixel.forEach((d, c) => (sum += weights[c]! * m * hand[base](d)));
      weight += m * pixel.length;
    }),
  );
  return sum / weight;
}

function loss(base: BaseLoss, withMask: boolean, pred = prediction): number {
  return tf.tidy(() =>
    reconstructionLoss(
      { base, huberDelta: 0.25, channelWeights: weights },
      tf.tensor3d(truth),
      tf.tensor3d(pred),
      withMask ? tf.tensor2d(mask) : undefined,
    ).dataSync()[0]!,
  );
}

describe('reconstruction losses', () => {
  for (const base of ['mse', 'mae', 'huber', 'charbonnier'] as const) {
    it(`${base}: channel-weighted mean, and foreground-weighted with a mask`, () => {
      expect(loss(base, false)).toBeCloseTo(handLoss(base, false), 6);
      expect(loss(base, true)).toBeCloseTo(handLoss(base, true), 6);
    });
  }

  it('weights mse by channel: (3·Σd_0² + 1·Σd_1²) / 8 without a mask', () => {
    const d0 = [0.1, 0, -0.2, -1].reduce((s, d) => s + d * d, 0);
    const d1 = [-0.5, 0.3, 0.05, 0.25].reduce((s, d) => s + d * d, 0);
    expect(loss('mse', false)).toBeCloseTo((3 * d0 + d1) / 8, 6);
  });

  it('is 0, not NaN, for an all-background batch, and its gradient is finite', () => {
    const zeroMask = tf.zeros([2, 2]) as tf.Tensor2D;
    const spec = { base: 'mse' as const, huberDelta: 0.25, channelWeights: weights };
    const grad = tf.grad((p: tf.Tensor) => reconstructionLoss(spec, tf.tensor3d(truth), p as tf.Tensor3D, zeroMask))(tf.tensor3d(prediction));
    expect(reconstructionLoss(spec, tf.tensor3d(truth), tf.tensor3d(prediction), zeroMask).dataSync()[0]).toBe(0);
    expect([...grad.dataSync()].every((g) => g === 0)).toBe(true);
  });
});

describe('activity regularisation', () => {
  const h1 = [
    [1, -2, 0.5],
    [0, 3, -1],
  ];
  const h2 = [
    [0.5, 0.5],
    [-4, 1],
  ];

  it('adds (l1·Σ|h| + l2·Σh²) / batch size over the layers, as Keras does', () => {
    const reg = regularizationOf({ regularization: 'l1_l2', l1_regularization: 0.1, l2_regularization: 0.01 });
    const abs = [...h1.flat(), ...h2.flat()].reduce((s, v) => s + Math.abs(v), 0);
    const sq = [...h1.flat(), ...h2.flat()].reduce((s, v) => s + v * v, 0);
    const value = activityPenalty(reg, [tf.tensor2d(h1), tf.tensor2d(h2)]).dataSync()[0]!;
    expect(value).toBeCloseTo((0.1 * abs + 0.01 * sq) / 2, 6);
    expect(regularizationOf({ regularization: 'l2', l1_regularization: 0.1, l2_regularization: 0.01 })).toEqual({ l1: 0, l2: 0.01 });
    expect(regularizationOf({ regularization: 'l1', l1_regularization: 0.1, l2_regularization: 0.01 })).toEqual({ l1: 0.1, l2: 0 });
  });

  it('has the gradient (l1·sign(h) + 2·l2·h) / batch size', () => {
    const reg = { l1: 0.1, l2: 0.01 };
    const grad = tf.grad((h: tf.Tensor) => activityPenalty(reg, [h]))(tf.tensor2d(h1));
    const expected = h1.flat().map((v) => (0.1 * Math.sign(v) + 2 * 0.01 * v) / 2);
    [...grad.dataSync()].forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 6));
  });
});
