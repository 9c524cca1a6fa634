import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../trainer/model/backend.ts';
import { createAdam, FusedAdam, PortableAdam, type Optimizer } from '../../../trainer/training/optimizer.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Keras's Adam(W), step by step in plain numbers; `rates` gives a learning rate per step. */
function handAdam(w: number[], grads: number[][], rates: number | number[], decay = 0, b1 = 0.9, b2 = 0.999, eps = 1e-7): number[] {
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  grads.forEach((g, step) => {
    const t = step + 1;
    const lr = typeof rates === 'number' ? rates : rates[step]!;
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    w.forEach((_, i) => {
      w[i]! -= w[i]! * lr * decay;
      m[i]! += (g[i]! - m[i]!) * (1 - b1);
      v[i]! += (g[i]! ** 2 - v[i]!) * (1 - b2);
      w[i]! -= (m[i]! * alpha) / (Math.sqrt(v[i]!) + eps);
    });
  });
  return w;
}

const grads = [
  [0.5, -1, 0.01, 0],
  [0.4, -0.5, 2, 0],
  [-0.3, 0.2, 0.02, 0],
];

type Kind = typeof FusedAdam | typeof PortableAdam;

function run(weightDecay: number, Adam: Kind = FusedAdam): { values: number[]; variable: tf.Variable; optimizer: Optimizer } {
  const variable = tf.variable(tf.tensor1d([1, -2, 0.5, 3]), true, `w_${weightDecay}_${Adam.name}`);
  const optimizer = new Adam([variable], { learningRate: 0.01, weightDecay });
  for (const g of grads) tf.tidy(() => optimizer.applyGradients({ [variable.name]: tf.tensor1d(g) }));
  return { values: [...variable.dataSync()], variable, optimizer };
}

describe('FusedAdam', () => {
  it("follows Keras's Adam update", () => {
    const { values, optimizer } = run(0);
    handAdam([1, -2, 0.5, 3], grads, 0.01).forEach((w, i) => expect(values[i]).toBeCloseTo(w, 6));
    expect(values[3]).toBe(3); // a zero gradient leaves the weight alone
    optimizer.dispose();
  });

  it('AdamW decays the weights apart from the gradient: w·(1 − lr·wd) per step', () => {
    const { values, optimizer } = run(0.5);
    handAdam([1, -2, 0.5, 3], grads, 0.01, 0.5).forEach((w, i) => expect(values[i]).toBeCloseTo(w, 6));
    expect(values[3]).toBeCloseTo(3 * (1 - 0.01 * 0.5) ** 3, 6);
    optimizer.dispose();
  });

  it('keeps snapshots of a variable intact while it updates it in place, and frees its state', () => {
    const variable = tf.variable(tf.tensor1d([1, 2]), true, 'snapshot_w');
    const snapshot = variable.clone();
    const before = tf.memory().numTensors;
    const optimizer = new FusedAdam([variable], { learningRate: 0.1 });
    tf.tidy(() => optimizer.applyGradients({ [variable.name]: tf.tensor1d([1, 1]) }));
    expect([...snapshot.dataSync()]).toEqual([1, 2]);
    expect(variable.dataSync()[0]).toBeCloseTo(0.9, 5);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => optimizer.applyGradients({ other: tf.scalar(1) })).toThrow('optimizer: gradient for unknown variable "other"');
  });
});

describe('a learning rate lowered between steps (the plateau schedule)', () => {
  it.each([FusedAdam, PortableAdam])('%o keeps its moments and steps at the new rate', (Adam) => {
    const variable = tf.variable(tf.tensor1d([1, -2, 0.5, 3]), true, `w_rate_${Adam.name}`);
    const optimizer = new Adam([variable], { learningRate: 0.01, weightDecay: 0.5 });
    grads.forEach((g, step) => {
      if (step === 2) optimizer.setLearningRate(0.001);
      tf.tidy(() => optimizer.applyGradients({ [variable.name]: tf.tensor1d(g) }));
    });
    expect(optimizer.learningRate).toBe(0.001);
    const values = [...variable.dataSync()];
    handAdam([1, -2, 0.5, 3], grads, [0.01, 0.01, 0.001], 0.5).forEach((w, i) => expect(values[i]).toBeCloseTo(w, 6));
    // Not what a constant rate gives.
    expect(values[0]).not.toBeCloseTo(handAdam([1, -2, 0.5, 3], grads, 0.01, 0.5)[0]!, 4);
    optimizer.dispose();
  });
});

describe('PortableAdam (for backends without the fused kernel)', () => {
  it("follows Keras's Adam and AdamW updates", () => {
    for (const decay of [0, 0.5]) {
      const { values, optimizer } = run(decay, PortableAdam);
      handAdam([1, -2, 0.5, 3], grads, 0.01, decay).forEach((w, i) => expect(values[i]).toBeCloseTo(w, 6));
      optimizer.dispose();
    }
  });

  it("gives the fused kernel's weights on a layer after a few steps, and frees its state", () => {
    const kernel = tf.randomNormal([12, 5], 0, 1, 'float32', 3);
    const x = tf.randomNormal([8, 12], 0, 1, 'float32', 4);
    const trained = (Adam: Kind): number[] => {
      const w = tf.variable(kernel, true, `layer_${Adam.name}`);
      const optimizer = new Adam([w], { learningRate: 0.05, weightDecay: 0.1 });
      for (let step = 0; step < 5; step++) {
        tf.tidy(() => optimizer.applyGradients(tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.tanh(tf.matMul(x, w)), 0.3))), [w]).grads));
      }
      optimizer.dispose();
      const values = [...w.dataSync()];
      w.dispose();
      return values;
    };
    const before = tf.memory().numTensors;
    const portable = trained(PortableAdam);
    expect(tf.memory().numTensors).toBe(before);
    const fused = trained(FusedAdam);
    expect(portable).not.toEqual([...kernel.dataSync()]);
    portable.forEach((w, i) => expect(Math.abs(w - fused[i]!)).toBeLessThan(1e-5));
  });

  it('createAdam takes the fused kernel on native TensorFlow', () => {
    const variable = tf.variable(tf.tensor1d([1]), true, 'create_w');
    const optimizer = createAdam([variable], { learningRate: 0.1 });
    expect(optimizer).toBeInstanceOf(FusedAdam);
    optimizer.dispose();
  });
});
