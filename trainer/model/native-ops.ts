// The few TensorFlow kernels the trainer calls directly through tfjs-node's backend, where tfjs would chain
// several element-wise ops (each allocating a tensor the size of an activation map) for what TensorFlow does in
// one pass: the leaky ReLU gradient and the sum of squares. The optimizer's fused Adam lives in
// trainer/training/optimizer.ts and uses nativeBackend() too. Off the native backend (wasm) tfjs's own ops do it.
import * as tf from '@tensorflow/tfjs';
import type { NodeJSKernelBackend } from '@tensorflow/tfjs-node/dist/nodejs_kernel_backend.js';

export class BackendUnavailableError extends Error {}

/** Whether the active backend is native TensorFlow (tfjs-node or tfjs-node-gpu). */
export function isNativeBackend(): boolean {
  return tf.getBackend() === 'tensorflow' && typeof (tf.backend() as Partial<NodeJSKernelBackend>).executeMultipleOutputs === 'function';
}

/** The native backend; an error when another backend is active. */
export function nativeBackend(): NodeJSKernelBackend {
  const backend = tf.backend() as Partial<NodeJSKernelBackend>;
  if (!isNativeBackend()) {
    throw new BackendUnavailableError(`training needs the native TensorFlow backend (call initBackend first); active backend: ${tf.getBackend()}`);
  }
  return backend as NodeJSKernelBackend;
}

const floatType = (backend: NodeJSKernelBackend) => ({ name: 'T', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT });

/**
 * Replaces tfjs's leaky ReLU gradient (greater + mul + select over the map) by TensorFlow's LeakyReluGrad.
 * Gradients are registered for every backend at once: call this only when the process trains on native TensorFlow.
 */
export function registerNativeGradients(): void {
  tf.registerGradient({
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => {
        const backend = nativeBackend();
        const alpha = { name: 'alpha', type: backend.binding.TF_ATTR_FLOAT, value: (attrs as unknown as tf.LeakyReluAttrs).alpha };
        return backend.executeSingleOutput('LeakyReluGrad', [floatType(backend), alpha], [dy as tf.Tensor, saved[0]!]);
      },
    }),
  });
}

/** Σx² in one pass without an intermediate tensor (TensorFlow's L2Loss is Σx²/2). */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  if (!isNativeBackend()) return tf.tidy(() => tf.sum(tf.square(x)));
  const backend = nativeBackend();
  return tf.tidy(() => tf.mul(backend.executeSingleOutput('L2Loss', [floatType(backend)], [x]), 2));
}
