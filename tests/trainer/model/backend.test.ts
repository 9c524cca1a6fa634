import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, initBackend } from '../../../trainer/model/backend.ts';
import { nativeBackend } from '../../../trainer/model/native-ops.ts';

// One process, one native backend: the order of these steps matters, so they are one test.
describe('initBackend', () => {
  it('refuses what is not there, starts native TensorFlow on CPU, and never mixes devices', async () => {
    expect(() => nativeBackend()).toThrow(/needs the native TensorFlow backend \(call initBackend first\); active backend: /);
    // @tensorflow/tfjs-node-gpu is not installed here (no GPU build in CI).
    const gpu = initBackend('gpu');
    await expect(gpu).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(gpu).rejects.toThrow(/^device gpu: @tensorflow\/tfjs-node-gpu is not installed \(it needs the GPU build of TensorFlow and CUDA; run `npm run setup:gpu` on a machine with an NVIDIA GPU\)$/);

    const info = await initBackend('cpu');
    expect(info).toEqual({ name: 'tensorflow', device: 'cpu', package: '@tensorflow/tfjs-node', version: tf.version.tfjs, native: true });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(typeof nativeBackend().executeSingleOutput).toBe('function');
    expect(await initBackend('cpu')).toBe(info);
    await expect(initBackend('gpu')).rejects.toThrow('device gpu: this process already runs TensorFlow on cpu (@tensorflow/tfjs-node); one native backend per process');
    await expect(initBackend('wasm')).rejects.toThrow('device wasm: this process already runs on cpu (@tensorflow/tfjs-node); one backend per process');
  });

  it('falls back to wasm, and says why, where @tensorflow/tfjs-node is not installed', () => {
    // A child process in which a module hook makes tfjs-node unresolvable, as on a machine without it.
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { initBackend } from './trainer/model/backend.ts';
      const info = await initBackend('cpu');
      const again = await initBackend('cpu');
      const gpu = await initBackend('gpu').catch((e) => e.message);
      console.log(JSON.stringify({ info, same: info === again, active: tf.getBackend(), gpu }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--import', './tests/trainer/model/without-tfjs-node.mjs', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      info: {
        name: 'wasm',
        device: 'wasm',
        package: '@tensorflow/tfjs-backend-wasm',
        version: tf.version.tfjs,
        native: false,
        fallbackReason: 'device cpu: @tensorflow/tfjs-node is not installed; run `npm run setup`',
      },
      same: true,
      active: 'wasm',
      gpu: 'device gpu: this process already runs on wasm (@tensorflow/tfjs-backend-wasm); one backend per process',
    });
  });
});
