import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../trainer/model/backend.ts';

beforeAll(async () => {
  await initBackend('cpu');
  tf.env().set('IS_TEST', true); // keeps the cpu backend's "install tfjs-node" banner out of the output
});

/** Gradients of Σ(conv(x, w)·r) with respect to x and w, on the given backend. */
async function gradients(backend: string, x: number[], w: number[], shapes: { x: number[]; w: number[] }, stride: number, pad: 'same' | 'valid') {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, shapes.x as [number, number, number, number]);
    const wt = tf.tensor4d(w, shapes.w as [number, number, number, number]);
    const out = tf.conv2d(xt, wt, stride, pad);
    const r = tf.randomUniform(out.shape, -1, 1, 'float32', 5);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), r)))([xt, wt]);
    return { dx: [...dx!.dataSync()], dw: [...dw!.dataSync()] };
  });
}

// The replaced kernel against tfjs's own JavaScript (cpu backend) implementation of the same gradients.
describe('stride-1 convolution input gradient', () => {
  const cases: [string, number[], number[], number, 'same' | 'valid'][] = [
    ['3x3, 6 → 2 channels', [2, 7, 9, 6], [3, 3, 6, 2], 1, 'same'],
    ['5x3, 3 → 8 channels', [1, 6, 5, 3], [5, 3, 3, 8], 1, 'same'],
    ['1x1 bottleneck', [2, 4, 3, 5], [1, 1, 5, 3], 1, 'same'],
    ['stride 2 (original kernel)', [2, 7, 9, 3], [3, 3, 3, 2], 2, 'same'],
    ["'valid' (original kernel)", [1, 6, 6, 2], [3, 3, 2, 2], 1, 'valid'],
  ];
  it('are registered over tfjs-node\'s kernels', async () => {
    const tfjsNode = (await import('@tensorflow/tfjs-node/dist/kernels/Conv2DBackpropInput.js')) as { conv2DBackpropInputConfig: tf.KernelConfig };
    expect(tf.getKernel(tf.Conv2DBackpropInput, 'tensorflow')!.kernelFunc).not.toBe(tfjsNode.conv2DBackpropInputConfig.kernelFunc);
  });

  for (const [name, xShape, wShape, stride, pad] of cases) {
    it(`match the reference: ${name}`, async () => {
      const x = Array.from({ length: xShape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.37));
      const w = Array.from({ length: wShape.reduce((a, b) => a * b) }, (_, i) => Math.cos(i * 0.53));
      const reference = await gradients('cpu', x, w, { x: xShape, w: wShape }, stride, pad);
      const native = await gradients('tensorflow', x, w, { x: xShape, w: wShape }, stride, pad);
      native.dx.forEach((v, i) => expect(v).toBeCloseTo(reference.dx[i]!, 4));
      native.dw.forEach((v, i) => expect(v).toBeCloseTo(reference.dw[i]!, 4));
    });
  }
});
