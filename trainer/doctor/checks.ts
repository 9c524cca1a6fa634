// `pixal doctor`'s checks: what is installed on this machine, whether it loads, and what to do when it does not.
// Each check answers {status, detail, fix}; runChecks turns a check that throws into a BROKEN line, so
// one bad native library cannot stop the report. The native TensorFlow packages are loaded in child
// processes: both register the same "tensorflow" backend, and an addon that aborts must not take doctor along.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GPU_SETUP_HINT, NATIVE_PACKAGES, WASM_PACKAGE } from '../model/backend.ts';
import { resolveConfig } from '../mlflow/config.ts';

export type CheckStatus = 'OK' | 'MISSING' | 'BROKEN';

export interface Finding {
  status: CheckStatus;
  /** What was found, or why it is missing or broken. */
  detail: string;
  /** What to do about it. */
  fix?: string;
}

export interface CheckResult extends Finding {
  name: string;
}

export interface Check {
  name: string;
  run(): Promise<Finding>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const execFileAsync = promisify(execFile);

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();

/** The version in node_modules/<name>/package.json (read directly: some packages do not export it). */
function installedVersion(name: string): string | undefined {
  const file = join(ROOT, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

/** The error line of a failed child process (its stderr ends in a stack; the `Error: ...` line says why). */
function childError(err: unknown): string {
  const stderr = (err as { stderr?: string }).stderr ?? '';
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1) ?? firstLine(err);
}

export const nodeCheck: Check = {
  name: 'Node.js',
  async run() {
    const major = Number(process.versions.node.split('.')[0]);
    const detail = `${process.version}, ABI ${process.versions.modules} (${process.platform}-${process.arch})`;
    return major === 20 || major >= 22 ? { status: 'OK', detail } : { status: 'BROKEN', detail: `${detail}: pixal needs Node 20 or ≥ 22`, fix: 'install Node 20 LTS or 22+' };
  },
};

interface NativeProbe {
  tensorflow: string | null;
  gpu: boolean;
}

/** Loads a native TensorFlow package in a child process and says what it runs on. */
async function probeNative(pkg: string, libraryPath?: string): Promise<NativeProbe> {
  const script = `const tf = require(${JSON.stringify(pkg)}); const b = tf.backend();
console.log(JSON.stringify({ tensorflow: (b.binding && b.binding.TF_Version) || null, gpu: Boolean(b.isUsingGpuDevice) }));`;
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  if (libraryPath) env.LD_LIBRARY_PATH = [libraryPath, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const { stdout } = await execFileAsync(process.execPath, ['-e', script], { cwd: ROOT, env, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as NativeProbe;
}

/** The CUDA library folders that trainer/setup/tfjs-native-gpu.sh wrote to deps/cuda.env, if it did. */
function cudaLibraryPath(packageDir: string): string | undefined {
  const file = join(packageDir, 'deps', 'cuda.env');
  return existsSync(file) ? /LD_LIBRARY_PATH="([^"$]*)/.exec(readFileSync(file, 'utf8'))?.[1] : undefined;
}

export function nativeTensorflowCheck(device: 'cpu' | 'gpu'): Check {
  const name = NATIVE_PACKAGES[device];
  const setup = device === 'gpu' ? GPU_SETUP_HINT : 'run `npm run setup` (builds the addon against the tensorflow-cpu wheel)';
  const run = async (): Promise<Finding> => {
    const version = installedVersion(name);
    if (!version) {
      return device === 'gpu'
        ? { status: 'MISSING', detail: "not installed: it needs TensorFlow's GPU build and CUDA, set up only where there is an NVIDIA GPU (optional: --device gpu)", fix: setup }
        : { status: 'MISSING', detail: 'not installed: training falls back to wasm (dense models only)', fix: setup };
    }
    const packageDir = join(ROOT, 'node_modules', name);
    const lib = join(packageDir, 'deps', 'lib');
    let probe: NativeProbe;
    try {
      probe = await probeNative(name);
    } catch (err) {
      const fallback = device === 'cpu' ? '; training falls back to wasm (dense models only)' : '';
      return { status: 'BROKEN', detail: `${version} installed, but its addon does not load: ${childError(err)}${fallback}`, fix: setup };
    }
    const detail = `${version}, TensorFlow ${probe.tensorflow ?? '(version unknown)'}, C library in ${existsSync(lib) ? lib : '(no deps/lib)'}`;
    if (device === 'cpu') return { status: 'OK', detail };
    if (probe.gpu) return { status: 'OK', detail: `${detail}; uses the GPU` };
    const cuda = cudaLibraryPath(packageDir);
    if (cuda && (await probeNative(name, cuda).catch(() => null))?.gpu) {
      return {
        status: 'BROKEN',
        detail: `${detail}; finds the GPU only with the CUDA libraries on LD_LIBRARY_PATH`,
        fix: `run \`source ${join('node_modules', name, 'deps', 'cuda.env')}\` before pixal`,
      };
    }
    return { status: 'BROKEN', detail: `${detail}; loads, but TensorFlow finds no GPU it can use`, fix: `check \`nvidia-smi\`, then ${GPU_SETUP_HINT} again` };
  };
  return { name, run };
}

export const nvidiaSmiCheck: Check = {
  name: 'nvidia-smi',
  async run() {
    try {
      const { stdout } = await execFileAsync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], { timeout: 20_000 });
      const gpus = stdout.trim().split('\n').filter(Boolean);
      return gpus.length > 0
        ? { status: 'OK', detail: gpus.map((g) => g.replace(', ', ', driver ')).join('; ') }
        : { status: 'BROKEN', detail: 'runs but lists no GPU', fix: 'check the NVIDIA driver (`nvidia-smi` says why)' };
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') {
        return { status: 'MISSING', detail: 'not found: no NVIDIA driver on this machine (needed only for --device gpu)', fix: 'nothing for CPU training; for a GPU, install its NVIDIA driver' };
      }
      return { status: 'BROKEN', detail: `fails: ${childError(err)}`, fix: 'check the NVIDIA driver and that the GPU is visible (containers: --gpus)' };
    }
  },
};

/** Starts the wasm backend in this process (and gives the previous backend back). */
export const wasmCheck: Check = {
  name: 'wasm backend',
  async run() {
    const fix = 'run `npm run setup` (reinstalls @tensorflow/tfjs-backend-wasm)';
    const version = installedVersion(WASM_PACKAGE);
    if (!version) return { status: 'MISSING', detail: `${WASM_PACKAGE} is not installed; without tfjs-node nothing can train`, fix };
    const tf = await import('@tensorflow/tfjs');
    const previous = tf.engine().backendName;
    try {
      await import(WASM_PACKAGE);
      if (!(await tf.setBackend('wasm'))) return { status: 'BROKEN', detail: `${WASM_PACKAGE} ${version} loads but its backend does not start`, fix };
      const sum = tf.tidy(() => tf.sum(tf.matMul(tf.ones([4, 4]), tf.ones([4, 4]))).dataSync()[0]);
      if (sum !== 64) return { status: 'BROKEN', detail: `${WASM_PACKAGE} ${version} computes wrongly (a 4x4 matmul of ones sums to ${sum}, not 64)`, fix };
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'yes' : 'no';
      const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'yes' : 'no';
      return { status: 'OK', detail: `${version}, SIMD ${simd}, threads ${threads}; the fallback trains dense models only (no convolution gradients)` };
    } finally {
      if (previous && previous !== 'wasm') await tf.setBackend(previous);
    }
  },
};

export const opencvCheck: Check = {
  name: 'OpenCV binding',
  async run() {
    const fix = 'run `npm run setup` (builds @u4/opencv4nodejs against Debian libopencv-dev)';
    const version = installedVersion('@u4/opencv4nodejs');
    if (!version) return { status: 'MISSING', detail: '@u4/opencv4nodejs is not installed', fix };
    try {
      const cv = (await import('../image/opencv.ts')).default;
      const sift = typeof cv.SIFTDetector === 'function';
      const detail = `@u4/opencv4nodejs ${version}, OpenCV ${cv.version.major}.${cv.version.minor}.${cv.version.revision}, ${sift ? 'with SIFT' : 'without SIFT (alignment needs it)'}`;
      return sift ? { status: 'OK', detail } : { status: 'BROKEN', detail, fix };
    } catch (err) {
      return { status: 'BROKEN', detail: `@u4/opencv4nodejs ${version} does not load: ${firstLine(err)}`, fix };
    }
  },
};

export const sharpCheck: Check = {
  name: 'sharp',
  async run() {
    try {
      const sharp = (await import('sharp')).default;
      return { status: 'OK', detail: `${sharp.versions.sharp}, libvips ${sharp.versions.vips}` };
    } catch (err) {
      return { status: installedVersion('sharp') ? 'BROKEN' : 'MISSING', detail: `does not load: ${firstLine(err)}`, fix: 'run `npm run setup`' };
    }
  },
};

export const sqliteCheck: Check = {
  name: 'better-sqlite3',
  async run() {
    const version = installedVersion('better-sqlite3');
    try {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(':memory:');
      const sqlite = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
      db.close();
      return { status: 'OK', detail: `${version}, SQLite ${sqlite}` };
    } catch (err) {
      return { status: version ? 'BROKEN' : 'MISSING', detail: `does not load: ${firstLine(err)}`, fix: 'run `npm run setup` (builds better-sqlite3 for this Node)' };
    }
  },
};

/** The real MLflow the tests compare pixal with (not needed to run pixal). */
export const mlflowPeerCheck: Check = {
  name: 'mlflow (test peer)',
  async run() {
    const fix = 'run `bash tests/setup/setup.sh` (only the tests need it)';
    const python = join(ROOT, '.venv', 'bin', 'python');
    if (!existsSync(python)) return { status: 'MISSING', detail: 'no .venv: the tests that compare pixal with MLflow cannot run', fix };
    try {
      const { stdout } = await execFileAsync(python, ['-c', 'import mlflow; print(mlflow.__version__)'], { timeout: 60_000 });
      return { status: 'OK', detail: `mlflow ${stdout.trim()} in .venv` };
    } catch (err) {
      return { status: 'BROKEN', detail: `.venv/bin/python cannot import mlflow: ${childError(err)}`, fix };
    }
  },
};

/** Whether the tracking server the trainer would log to answers GET /health within `timeoutMs`. */
export function trackingServerCheck(env: NodeJS.ProcessEnv = process.env, timeoutMs = 2000): Check {
  const run = async (): Promise<Finding> => {
    // Unset is a working set-up: pixal train and sweep then log to ./mlruns through a server of their own.
    if (!env.MLFLOW_TRACKING_URI) return { status: 'OK', detail: 'not set: pixal train and sweep log to ./mlruns through a server they start (browse it with `pixal server`)' };
    let baseUrl: string;
    try {
      baseUrl = resolveConfig({}, env).baseUrl;
    } catch (err) {
      return { status: 'BROKEN', detail: firstLine(err), fix: 'set it to http(s)://host:port of a tracking server' };
    }
    const fix = 'start the server, e.g. `pixal server`, or unset MLFLOW_TRACKING_URI to log to ./mlruns';
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      if (response.ok) return { status: 'OK', detail: `${baseUrl}: the server answers /health` };
      return { status: 'BROKEN', detail: `${baseUrl}: GET /health answered HTTP ${response.status}; is it an MLflow tracking server?`, fix };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      const cause = timedOut ? `no answer in ${timeoutMs / 1000} s` : ((err as { cause?: { code?: string } }).cause?.code ?? firstLine(err));
      return { status: 'BROKEN', detail: `${baseUrl}: unreachable (${cause})`, fix };
    }
  };
  return { name: 'MLFLOW_TRACKING_URI', run };
}

export const DEFAULT_CHECKS: readonly Check[] = [
  nodeCheck,
  nativeTensorflowCheck('cpu'),
  nativeTensorflowCheck('gpu'),
  nvidiaSmiCheck,
  wasmCheck,
  opencvCheck,
  sharpCheck,
  sqliteCheck,
  mlflowPeerCheck,
  trackingServerCheck(),
];

/** Runs the checks one after another; a check that throws is reported as BROKEN. */
export async function runChecks(checks: readonly Check[] = DEFAULT_CHECKS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push({ name: check.name, ...(await check.run()) });
    } catch (err) {
      results.push({ name: check.name, status: 'BROKEN', detail: `the check itself failed: ${firstLine(err)}` });
    }
  }
  return results;
}

/** How the default `pixal train` would run: native TensorFlow on the CPU, its wasm fallback, or not at all. */
export function defaultTraining(results: readonly CheckResult[]): 'native' | 'wasm' | null {
  const ok = (name: string) => results.some((r) => r.name === name && r.status === 'OK');
  return ok(NATIVE_PACKAGES.cpu) ? 'native' : ok('wasm backend') ? 'wasm' : null;
}
