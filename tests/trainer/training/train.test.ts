import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../trainer/model/backend.ts';
import { loadModel } from '../../../trainer/model/io.ts';
import { pixelErrors } from '../../../trainer/model/reconstruct.ts';
import { loadTrainingData, type TrainingData } from '../../../trainer/training/dataset.ts';
import { stopOnInterrupt } from '../../../trainer/training/interrupt.ts';
import { train, TrainingError, type EpochReport, type TrainParams } from '../../../trainer/training/train.ts';
import { makeDatasets, PREPROCESSOR } from './fixture.ts';

let data: TrainingData;
let oneHot: TrainingData;
beforeAll(async () => {
  await initBackend('cpu');
  data = await loadTrainingData((await makeDatasets({ count: 8 })).dirs, { preprocessor: PREPROCESSOR, oneHot: false });
  oneHot = await loadTrainingData((await makeDatasets({ types: ['front', 'back'], count: 5, oneHot: true })).dirs, { preprocessor: PREPROCESSOR, oneHot: true });
});

const small = { model_kind: 'dense', autoencoder_architecture: [16, 4], conv_filters: [4, 8], conv_latent_channels: 4, batchsize: 3, learning_rate: 0.01, n_epochs: 3 };
const run = (options: object, extra: Partial<TrainParams> = {}) => train({ data, options: { ...small, ...options }, channelWeights: PREPROCESSOR.weights, ...extra });
const curve = (history: EpochReport[]) => history.map((e) => [e.loss, e.val_loss]);
const images = (d: TrainingData) => tf.tensor3d(d.images, [d.count, d.height * d.width, d.channels.length]);

describe('train', () => {
  it('gives the same loss curve for the same seed and backend, another for another seed', async () => {
    for (const model_kind of ['dense', 'conv']) {
      const a = await run({ model_kind, seed: 7 });
      const b = await run({ model_kind, seed: 7 });
      const c = await run({ model_kind, seed: 8 });
      expect(curve(a.history)).toEqual(curve(b.history));
      expect(curve(a.history)).not.toEqual(curve(c.history));
      expect(a.history.at(-1)!.loss).toBeLessThan(a.history[0]!.loss);
    }
  });

  it('reports every epoch: losses, per-channel val mse, learning rate, timing', async () => {
    const reports: EpochReport[] = [];
    const batches: number[][] = [];
    const result = await run({ n_epochs: 2 }, { onEpoch: (e) => reports.push(e), onBatch: (done, total) => batches.push([done, total]) });
    expect(result).toMatchObject({ stopReason: 'completed', trainCount: 6, validationCount: 2 });
    expect(reports).toEqual(result.history);
    expect(reports.map((r) => r.epoch)).toEqual([1, 2]);
    expect(Object.keys(reports[0]!.val_mse)).toEqual(['R', 'G', 'B']);
    expect(reports[0]).toMatchObject({ learning_rate: 0.01, improved: true, best_epoch: 1 });
    for (const r of reports) {
      expect(r.samples_per_second).toBeCloseTo(6 / r.epoch_seconds, 6);
      expect(Object.values(r.val_mse).every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    }
    expect(batches).toEqual([[1, 2], [2, 2], [1, 2], [2, 2]]);
  });

  it('stops early after `patience` epochs without a min_delta improvement, restores the best, writes best and last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-ckpt-'));
    const result = await run({ n_epochs: 20, patience: 2, min_delta: 10 }, { checkpointDir: dir });
    expect(result).toMatchObject({ stopReason: 'early_stopping', bestEpoch: 1 });
    expect(result.history.map((e) => e.improved)).toEqual([true, false, false]);
    expect(result.checkpoints).toEqual({ best: join(dir, 'best'), last: join(dir, 'last') });
    // restore_best: the returned model is the epoch-1 model saved in best/, not the last one
    const best = await loadModel(result.checkpoints.best!);
    const last = await loadModel(result.checkpoints.last!);
    const x = images(data);
    const errors = [...pixelErrors(result.model, x).dataSync()];
    expect([...pixelErrors(best.model, x).dataSync()]).toEqual(errors);
    expect([...pixelErrors(last.model, x).dataSync()]).not.toEqual(errors);
    expect(best.info).toEqual({ model_kind: 'dense', shape: [7, 10], channels: ['R', 'G', 'B'] });
  });

  it('lowers the learning rate on a val_loss plateau and reports it per epoch (lr_plateau_factor)', async () => {
    // min_delta 10: only epoch 1 improves, so from epoch 2 every epoch completes a plateau of patience 1.
    const result = await run({ n_epochs: 4, patience: 10, min_delta: 10, learning_rate: 0.01, lr_plateau_factor: 0.5, lr_plateau_patience: 1, min_learning_rate: 0.002 });
    expect(result.history.map((e) => e.learning_rate)).toEqual([0.01, 0.01, 0.005, 0.0025]);
    const constant = await run({ n_epochs: 3, patience: 10, min_delta: 10, learning_rate: 0.01 });
    expect(constant.history.map((e) => e.learning_rate)).toEqual([0.01, 0.01, 0.01]);
  });

  it('undoes an epoch whose val_loss passes divergence_guard x the best: best weights, half the learning rate', async () => {
    // Learning rate 5 bounces the loss around; guard 1 undoes every epoch worse than the best.
    const result = await run({ n_epochs: 8, patience: 20, learning_rate: 5, divergence_guard: 1 });
    const history = result.history;
    const undone = history.filter((e) => e.rolled_back).map((e) => e.epoch);
    expect(undone.length).toBeGreaterThan(0);
    for (const epoch of undone) {
      const [report, next] = [history[epoch - 1]!, history[epoch]];
      expect(report.val_loss).toBeGreaterThan(report.best_val_loss);
      if (next) expect(next.learning_rate).toBe(report.learning_rate / 2);
    }
    const off = await run({ n_epochs: 8, patience: 20, learning_rate: 5, divergence_guard: 0 });
    expect(off.history.some((e) => e.rolled_back)).toBe(false);
    expect(new Set(off.history.map((e) => e.learning_rate))).toEqual(new Set([5]));
  });

  it('keeps the last weights when restore_best is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-ckpt-'));
    const result = await run({ n_epochs: 3, patience: 1, min_delta: 10, restore_best: false }, { checkpointDir: dir });
    const last = await loadModel(result.checkpoints.last!);
    const x = images(data);
    expect([...pixelErrors(last.model, x).dataSync()]).toEqual([...pixelErrors(result.model, x).dataSync()]);
  });

  it('stops cleanly on an AbortSignal, between batches, and still writes the last checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-ckpt-'));
    const afterTwo = new AbortController();
    const result = await run({ n_epochs: 50 }, { checkpointDir: dir, signal: afterTwo.signal, onEpoch: (e) => e.epoch === 2 && afterTwo.abort() });
    expect(result.stopReason).toBe('aborted');
    expect(result.history).toHaveLength(2);
    expect(existsSync(join(dir, 'last', 'model.json'))).toBe(true);

    const midEpoch = new AbortController();
    setImmediate(() => midEpoch.abort()); // fires while the first epoch runs: the loop yields after every batch
    const early = await run({ model_kind: 'conv', n_epochs: 50 }, { signal: midEpoch.signal });
    expect(early).toMatchObject({ stopReason: 'aborted', history: [] });
  });

  it('trains one conditioned model for all types (one-hot), dense and conv, with any loss, AdamW and background ignored', async () => {
    for (const model_kind of ['dense', 'conv']) {
      const result = await train({
        data: oneHot,
        options: { ...small, model_kind, one_hot_encoding: true, optimizer: 'adamw', loss_function: 'huber', ignore_background: true, n_epochs: 2 },
        channelWeights: PREPROCESSOR.weights,
      });
      expect(result.model.inputs).toHaveLength(2);
      expect(result.info.one_hot_types).toEqual(['front', 'back']);
      // each type holds out ceil(0.2·5) = 1 image
      expect([result.trainCount, result.validationCount]).toEqual([8, 2]);
      expect(result.history.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.val_loss))).toBe(true);
    }
  });

  it('stops on bad options before training, naming the field', async () => {
    await expect(run({ model_kind: 'lstm' })).rejects.toThrow("model_training.model_kind: Invalid enum value. Expected 'dense' | 'conv', received 'lstm'");
    await expect(run({ autoencoder_architecure: [8] })).rejects.toThrow(/^model_training.autoencoder_architecure: unknown key; valid keys: model_name, experiment_name, seed, /);
    await expect(run({ autoencoder_architecture: [] })).rejects.toThrow(/^model_training.autoencoder_architecture: Array must contain at least 1 element/);
    await expect(train({ data, options: small, channelWeights: [1, 1] })).rejects.toThrow(TrainingError);
    await expect(train({ data, options: small, channelWeights: [1, 1] })).rejects.toThrow('2 channel weights for 3 channels (R, G, B): give one weight per channel');
    await expect(run({ one_hot_encoding: true })).rejects.toThrow('model_training.one_hot_encoding is true but the dataset has no type labels');
  });
});

describe('stopOnInterrupt', () => {
  it('aborts on the first Ctrl-C and lets go of SIGINT when released', () => {
    const notes: string[] = [];
    const stop = stopOnInterrupt(() => notes.push('stopping after this batch'));
    const before = process.listenerCount('SIGINT');
    process.emit('SIGINT');
    expect(stop.signal.aborted).toBe(true);
    expect(notes).toEqual(['stopping after this batch']);
    stop.release();
    expect(process.listenerCount('SIGINT')).toBe(before - 1);
  });
});
