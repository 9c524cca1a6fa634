// The TensorFlow.js backend the trainer runs on: native TensorFlow through @tensorflow/tfjs-node (CPU, the
// default) or @tensorflow/tfjs-node-gpu (`device: gpu`), or the portable WebAssembly backend
// (@tensorflow/tfjs-backend-wasm, `device: wasm`). Both native packages register the backend named "tensorflow"
// on the one shared @tensorflow/tfjs instance the model code imports, so one backend per process.
// The CPU device falls back to wasm when tfjs-node is missing or its addon does not load (machines where no
// native build is possible), and says why in `fallbackReason`; wasm trains dense models only (no convolution
// gradients). The GPU device never falls back: a missing package or a GPU it cannot use is an error.
import * as tf from '@tensorflow/tfjs';
import type { NodeJSKernelBackend } from '@tensorflow/tfjs-node/dist/nodejs_kernel_backend.js';
import { registerConvKernels } from './conv-kernels.ts';
import { BackendUnavailableError, registerNativeGradients } from './native-ops.ts';

export { BackendUnavailableError };

export type Device = 'cpu' | 'gpu' | 'wasm';

export interface BackendInfo {
  /** tfjs backend name ("tensorflow" or "wasm"). */
  name: string;
  /** The device the trainer runs on: "wasm" also after a fallback from "cpu". */
  device: Device;
  /** npm package that provides the backend. */
  package: string;
  /** TensorFlow.js version. */
  version: string;
  /** Native TensorFlow (fused kernels, convolution training) rather than wasm. */
  native: boolean;
  /** Set when device cpu fell back to wasm: why native TensorFlow did not load (for a warning). */
  fallbackReason?: string;
}

export const NATIVE_PACKAGES = { cpu: '@tensorflow/tfjs-node', gpu: '@tensorflow/tfjs-node-gpu' } as const;
export const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
export const GPU_SETUP_HINT = 'run `npm run setup:gpu` on a machine with an NVIDIA GPU';

/** The device asked for and what it gave, once per process. */
let loaded: { requested: Device; info: BackendInfo } | null = null;

/** Loads the backend for `device` once per process and makes it the active tfjs backend. */
export async function initBackend(device: Device = 'cpu'): Promise<BackendInfo> {
  if (loaded) {
    if (loaded.requested !== device) {
      const { info } = loaded;
      throw new BackendUnavailableError(
        info.native && device !== 'wasm'
          ? `device ${device}: this process already runs TensorFlow on ${info.device} (${info.package}); one native backend per process`
          : `device ${device}: this process already runs on ${info.device} (${info.package}); one backend per process`,
      );
    }
    return loaded.info;
  }
  let info: BackendInfo;
  if (device === 'wasm') {
    info = await startWasm();
  } else if (device === 'gpu') {
    info = await startNative('gpu');
  } else {
    try {
      info = await startNative('cpu');
    } catch (err) {
      if (!(err instanceof BackendUnavailableError)) throw err;
      try {
        info = { ...(await startWasm()), fallbackReason: err.message };
      } catch (wasmError) {
        throw new BackendUnavailableError(`${err.message}; the wasm fallback did not start either: ${(wasmError as Error).message}`);
      }
    }
  }
  loaded = { requested: device, info };
  return info;
}

/** Imports a native package (with the environment TensorFlow reads when it starts); its error says why not. */
async function loadNativePackage(device: 'cpu' | 'gpu'): Promise<void> {
  const pkg = NATIVE_PACKAGES[device];
  // TensorFlow's C++ startup logs (CPU feature notes, oneDNN banners) would drown the trainer's output.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // TensorFlow's default CPU allocator takes every tensor from malloc, and glibc maps each one over 32 MB fresh
  // from the kernel: an eager op on a conv decoder's 100 MB activation map then spends 3-6x its arithmetic in page
  // faults (measured: a 105 MB add 93 ms, 23 ms with BFC). The BFC allocator keeps freed blocks for reuse. Read by
  // TensorFlow when it first allocates, so it must be set before the addon loads.
  process.env.TF_CPU_ALLOCATOR_USE_BFC ??= 'true';
  // node-pre-gyp, which finds the addon as tfjs-node loads, parses process.argv as its own flags: a command's
  // `--dir x` became its --directory and it looked for the addon there. It sees no arguments.
  const argv = process.argv;
  process.argv = argv.slice(0, 2);
  try {
    await import(pkg);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && reason?.includes(pkg);
    throw new BackendUnavailableError(
      missing
        ? `device ${device}: ${pkg} is not installed` +
            (device === 'gpu' ? ` (it needs the GPU build of TensorFlow and CUDA; ${GPU_SETUP_HINT})` : '; run `npm run setup`')
        : `device ${device}: ${pkg} is installed but its native addon does not load (${reason}); run \`npm run ${device === 'gpu' ? 'setup:gpu' : 'setup'}\` to rebuild it`,
    );
  } finally {
    process.argv = argv;
  }
}

async function startNative(device: 'cpu' | 'gpu'): Promise<BackendInfo> {
  const pkg = NATIVE_PACKAGES[device];
  await loadNativePackage(device);
  if (!(await tf.setBackend('tensorflow')) || tf.getBackend() !== 'tensorflow') {
    throw new BackendUnavailableError(`device ${device}: ${pkg} loaded but the "tensorflow" backend did not start (active: ${tf.getBackend()})`);
  }
  if (device === 'gpu' && !(tf.backend() as NodeJSKernelBackend).isUsingGpuDevice) {
    throw new BackendUnavailableError(
      `device gpu: ${pkg} found no GPU that TensorFlow can use (check \`nvidia-smi\` and the CUDA libraries that \`npm run setup:gpu\` installs; \`pixal doctor\` lists them)`,
    );
  }
  registerNativeGradients();
  registerConvKernels();
  return { name: tf.getBackend(), device, package: pkg, version: tf.version.tfjs, native: true };
}

async function startWasm(): Promise<BackendInfo> {
  // In Node the package finds its .wasm files next to its own script: no setWasmPaths needed.
  try {
    await import(WASM_PACKAGE);
  } catch (err) {
    throw new BackendUnavailableError(`device wasm: ${WASM_PACKAGE} does not load (${(err as Error).message.split('\n')[0]}); run \`npm run setup\``);
  }
  // setBackend resolves false (and tfjs quietly keeps another backend) when the module fails to instantiate.
  if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') {
    throw new BackendUnavailableError(`device wasm: the wasm backend did not start (active: ${tf.getBackend()})`);
  }
  return { name: 'wasm', device: 'wasm', package: WASM_PACKAGE, version: tf.version.tfjs, native: false };
}
