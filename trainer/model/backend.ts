// The TensorFlow.js backend the trainer runs on: native TensorFlow through @tensorflow/tfjs-node (CPU) or
// @tensorflow/tfjs-node-gpu (`device: gpu`). Both register the backend named "tensorflow" on the one shared
// @tensorflow/tfjs instance the model code imports, so only one of them may be loaded per process. There is no
// silent fallback: a missing package, an addon that does not load, or a GPU package that finds no GPU is an error.
import * as tf from '@tensorflow/tfjs';
import type { NodeJSKernelBackend } from '@tensorflow/tfjs-node/dist/nodejs_kernel_backend.js';
import { registerConvKernels } from './conv-kernels.ts';
import { BackendUnavailableError, registerNativeGradients } from './native-ops.ts';

export { BackendUnavailableError };

export type Device = 'cpu' | 'gpu';

export interface BackendInfo {
  /** tfjs backend name ("tensorflow"). */
  name: string;
  device: Device;
  /** npm package that provides the backend. */
  package: string;
  /** TensorFlow.js version. */
  version: string;
}

const PACKAGES: Record<Device, string> = { cpu: '@tensorflow/tfjs-node', gpu: '@tensorflow/tfjs-node-gpu' };
let loaded: BackendInfo | null = null;

/** Loads the native backend for `device` once per process and makes it the active tfjs backend. */
export async function initBackend(device: Device = 'cpu'): Promise<BackendInfo> {
  if (loaded) {
    if (loaded.device !== device) {
      throw new BackendUnavailableError(`device ${device}: this process already runs TensorFlow on ${loaded.device} (${loaded.package}); one native backend per process`);
    }
    return loaded;
  }
  const pkg = PACKAGES[device];
  // TensorFlow's C++ startup logs (CPU feature notes, oneDNN banners) would drown the trainer's output.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // TensorFlow's default CPU allocator takes every tensor from malloc, and glibc maps each one over 32 MB fresh
  // from the kernel: an eager op on a conv decoder's 100 MB activation map then spends 3-6x its arithmetic in page
  // faults (measured: a 105 MB add 93 ms, 23 ms with BFC). The BFC allocator keeps freed blocks for reuse. Read by
  // TensorFlow when it first allocates, so it must be set before the addon loads.
  process.env.TF_CPU_ALLOCATOR_USE_BFC ??= 'true';
  try {
    await import(pkg);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && reason?.includes(pkg);
    throw new BackendUnavailableError(
      missing
        ? `device ${device}: ${pkg} is not installed` +
            (device === 'gpu' ? ' (it needs the GPU build of TensorFlow and CUDA; see DESIGN.md, "GPU TensorFlow")' : '; run `npm run setup`')
        : `device ${device}: ${pkg} is installed but its native addon does not load (${reason}); run \`npm run setup\` to rebuild it`,
    );
  }
  if (!(await tf.setBackend('tensorflow')) || tf.getBackend() !== 'tensorflow') {
    throw new BackendUnavailableError(`device ${device}: ${pkg} loaded but the "tensorflow" backend did not start (active: ${tf.getBackend()})`);
  }
  if (device === 'gpu' && !(tf.backend() as NodeJSKernelBackend).isUsingGpuDevice) {
    throw new BackendUnavailableError(`device gpu: ${pkg} found no GPU that TensorFlow can use (check the CUDA libraries and \`nvidia-smi\`)`);
  }
  registerNativeGradients();
  registerConvKernels();
  loaded = { name: tf.getBackend(), device, package: pkg, version: tf.version.tfjs };
  return loaded;
}
