// Lock-step training of tile models on real (tiny) datasets: each tile trains exactly as train() would train it
// alone, stops on its own, counts with its last value in the aggregate once stopped; shared mode splits its
// validation error by tile; an abort stops every tile.
import { beforeAll, describe, expect, it } from 'vitest';
import { TilingOptions } from '../../../trainer/config/tiling.ts';
import { initBackend } from '../../../trainer/model/backend.ts';
import { dataGrid, tileData } from '../../../trainer/tiling/tile-data.ts';
import { tileMetrics, trainTiles, type TiledEpochReport } from '../../../trainer/tiling/train-tiles.ts';
import { loadTrainingData, type TrainingData } from '../../../trainer/training/dataset.ts';
import { train } from '../../../trainer/training/train.ts';
import { makeDatasets, PREPROCESSOR } from '../training/fixture.ts';

let data: TrainingData;
beforeAll(async () => {
  await initBackend('cpu');
  // 22x40 maps: a 2x3 grid of 16-pixel tiles at stride 12.
  data = await loadTrainingData((await makeDatasets({ count: 8, width: 80, height: 44 })).dirs, { preprocessor: PREPROCESSOR, oneHot: false });
});

/** patience 1 and min_delta 1e-3 stop these tiles at different epochs (4, 6, 5, 4, 6, 4 on the CPU backend). */
const options = { model_kind: 'dense', autoencoder_architecture: [16, 4], batchsize: 3, learning_rate: 0.01, n_epochs: 6, patience: 1, min_delta: 0.001 };
const tiling = (over: object = {}) => TilingOptions.parse({ enabled: true, tile_size: 16, stride: 12, ...over });
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('trainTiles', () => {
  it('per_location: each tile trains as train() trains it alone, stops on its own, and the aggregate is the mean of the last values', async () => {
    const reports: TiledEpochReport[] = [];
    const tiled = await trainTiles({ data, options, channelWeights: PREPROCESSOR.weights, tiling: tiling(), onEpoch: (r) => reports.push(r) });
    const grid = dataGrid(data, 16, 12);
    expect(tiled.tiles.map((t) => t.name)).toEqual(['r00_c00', 'r00_c01', 'r00_c02', 'r01_c00', 'r01_c01', 'r01_c02']);
    expect(reports).toEqual(tiled.history);
    const stoppedAt = tiled.tiles.map((t) => t.history.length);
    expect(new Set(stoppedAt).size, 'tiles stop at different epochs').toBeGreaterThan(1);
    expect(tiled.history).toHaveLength(Math.max(...stoppedAt));

    for (const [k, tile] of grid.tiles.entries()) {
      const alone = await train({ data: tileData(data, tile), options, channelWeights: PREPROCESSOR.weights });
      const t = tiled.tiles[k]!;
      expect(t.result!.history.map((e) => [e.loss, e.val_loss])).toEqual(alone.history.map((e) => [e.loss, e.val_loss]));
      expect([t.bestEpoch, t.bestValLoss, t.stopReason]).toEqual([alone.bestEpoch, alone.bestValLoss, alone.stopReason]);
      alone.model.dispose();
    }

    for (const report of tiled.history) {
      const e = report.epoch;
      // Only tiles still training report the epoch; a stopped one counts with its last value.
      expect(report.tiles.map((t) => `${t.tile.row}${t.tile.col}`)).toEqual(grid.tiles.filter((_, k) => stoppedAt[k]! >= e).map((t) => `${t.row}${t.col}`));
      const last = tiled.tiles.map((t) => t.history[Math.min(e, t.history.length) - 1]!);
      expect(report.loss).toBeCloseTo(mean(last.map((h) => h.loss!)), 12);
      expect(report.val_loss).toBeCloseTo(mean(last.map((h) => h.val_loss)), 12);
      const metrics = tileMetrics(report);
      expect(Object.keys(metrics)).toHaveLength(2 * report.tiles.length);
      for (const { tile, report: r } of report.tiles) expect(metrics).toMatchObject({ [`tile_${tile.row}_${tile.col}/loss`]: r.loss, [`tile_${tile.row}_${tile.col}/val_loss`]: r.val_loss });
    }
    expect(tiled.bestValLoss).toBe(Math.min(...tiled.history.map((e) => e.val_loss)));
    // Every tile stopped early (the last two in epoch 6): so did the run.
    expect(tiled.tiles.map((t) => t.stopReason)).toEqual(Array(6).fill('early_stopping'));
    expect(tiled.stopReason).toBe('early_stopping');
    expect([tiled.trainCount, tiled.validationCount]).toEqual([6, 2]);
  });

  it('shared: one model over every tile, the per-tile val_loss split from its validation', async () => {
    const tiled = await trainTiles({ data, options: { ...options, n_epochs: 3, min_delta: 0 }, channelWeights: PREPROCESSOR.weights, tiling: tiling({ mode: 'shared', position_input: 'coordinates' }) });
    expect(tiled.shared!.info.one_hot_types).toEqual(['y', 'x']);
    expect(tiled.shared!.model.inputs).toHaveLength(2);
    expect([tiled.trainCount, tiled.validationCount]).toEqual([6, 2]);
    expect(tiled.history.map((e) => e.val_loss)).toEqual(tiled.shared!.history.map((e) => e.val_loss));
    for (const report of tiled.history) {
      expect(report.tiles).toHaveLength(6);
      expect(report.tiles.every((t) => t.report.loss === undefined && t.report.val_loss > 0)).toBe(true);
      expect(Object.keys(tileMetrics(report)).every((key) => key.endsWith('/val_loss'))).toBe(true);
      expect(report).not.toHaveProperty('val_loss_groups');
    }
    const best = tiled.history[tiled.bestEpoch - 1]!;
    expect(tiled.tiles.map((t) => t.bestValLoss)).toEqual(best.tiles.map((t) => t.report.val_loss));
  });

  it('stops every tile when the signal aborts, reporting only whole epochs', async () => {
    const stop = new AbortController();
    const tiled = await trainTiles({ data, options, channelWeights: PREPROCESSOR.weights, tiling: tiling(), signal: stop.signal, onEpoch: (r) => r.epoch === 1 && stop.abort() });
    expect(tiled.stopReason).toBe('aborted');
    expect(tiled.history.map((e) => e.epoch)).toEqual([1]);
    expect(tiled.tiles.every((t) => t.stopReason === 'aborted' && t.history.length === 1)).toBe(true);
  });
});
