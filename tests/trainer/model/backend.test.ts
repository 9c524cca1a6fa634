import * as tf from '@tensorflow/tfjs';
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
    await expect(gpu).rejects.toThrow(/^device gpu: @tensorflow\/tfjs-node-gpu is not installed \(it needs the GPU build of TensorFlow and CUDA/);

    const info = await initBackend('cpu');
    expect(info).toEqual({ name: 'tensorflow', device: 'cpu', package: '@tensorflow/tfjs-node', version: tf.version.tfjs });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(typeof nativeBackend().executeSingleOutput).toBe('function');
    expect(await initBackend('cpu')).toBe(info);
    await expect(initBackend('gpu')).rejects.toThrow('device gpu: this process already runs TensorFlow on cpu (@tensorflow/tfjs-node); one native backend per process');
  });
});
