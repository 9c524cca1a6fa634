// Tiled training runs on `pixal synth` data, logged to a real pixal server: per-tile and aggregate metrics per
// epoch, the tags, the manifest and every tile model and reference in the run's model/ artifacts, the tile heatmap,
// and the error a tile larger than the map gives.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import { initBackend, type BackendInfo } from '../../../trainer/model/backend.ts';
import { loadModel } from '../../../trainer/model/io.ts';
import { pixelErrors } from '../../../trainer/model/reconstruct.ts';
import { loadTrainingUnits, type TrainingUnit } from '../../../trainer/runs/datasets.ts';
import { runTraining, type TrainingRunOutcome } from '../../../trainer/runs/training-run.ts';
import { tileGrid, tileName } from '../../../trainer/tiling/grid.ts';
import { TilingManifest } from '../../../trainer/tiling/manifest.ts';
import { positionLabelTypes } from '../../../trainer/tiling/position.ts';
import { tileData } from '../../../trainer/tiling/tile-data.ts';
import { readNpz } from '../../../trainer/training/npz.ts';
import { asMap, uniqueName } from '../../support/rest.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';
import { IMAGES_PER_TYPE, type SynthComponent } from '../runs/fixture.ts';
import { synthTiledComponent, tinyTiledConfig } from './fixture.ts';

const EPOCHS = 3;
const TILE = ['tiling.enabled=true', 'tiling.tile_size=16', 'tiling.stride=12', `model_training.n_epochs=${EPOCHS}`];

const scratch = mkdtempSync(join(tmpdir(), 'pixal-tiled-run-'));
let backend: BackendInfo;
let synth: SynthComponent;
let server: TestServer;
let client: MlflowClient;
let experimentId: string;

beforeAll(async () => {
  backend = await initBackend('cpu');
  synth = await synthTiledComponent();
  server = await startPixal();
  client = new MlflowClient({ trackingUri: server.url, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 } }, {});
  experimentId = (await client.getOrCreateExperiment(uniqueName('tiled'))).experimentId;
});
afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
  if (synth) rmSync(synth.root, { recursive: true, force: true });
});

async function trainFront(sets: string[]): Promise<{ unit: TrainingUnit; outcome: TrainingRunOutcome }> {
  const config = tinyTiledConfig(sets);
  const [unit] = await loadTrainingUnits(synth.componentDir, config, ['front']);
  const outcome = await runTraining({ client, experimentId, unit: unit!, config, backend, outputDir: scratch, logger: { spoolDir: join(scratch, 'spool') } });
  return { unit: unit!, outcome };
}

/** A metric's values by step. */
async function history(runId: string, key: string): Promise<{ steps: number[]; values: number[] }> {
  const points = (await client.getMetricHistory(runId, key)).sort((a, b) => a.step - b.step);
  return { steps: points.map((p) => p.step), values: points.map((p) => p.value) };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('a tiled training run', () => {
  it('per_location: one model per tile in lock-step, per-tile and aggregate metrics, the manifest and every tile model', async () => {
    const { unit, outcome } = await trainFront([...TILE, 'model_training.model_kind=dense']);
    expect(outcome.status, outcome.error).toBe('FINISHED');
    expect(outcome.close, outcome.close.message).toMatchObject({ drained: true, pending: 0, rejected: [] });
    expect(outcome.result).toBeUndefined();
    const tiled = outcome.tiled!;
    const grid = tileGrid(unit.data.height, unit.data.width, 16, 12);
    expect(grid.tiles.length).toBeGreaterThan(1);
    expect(tiled.grid).toEqual(grid);
    const { runId } = outcome;
    const run = await client.getRun(runId);
    const tags = asMap(run.data.tags);
    expect(tags).toMatchObject({ 'pixal.tiling': 'per_location', 'pixal.tile_grid': `${grid.rows}x${grid.cols}`, 'pixal.stop_reason': 'completed', 'pixal.train_images': '6', 'pixal.validation_images': '2' });
    expect(asMap(run.data.params)).toMatchObject({ 'tiling.enabled': 'true', 'tiling.tile_size': '16', 'tiling.stride': '12', 'tiling.mode': 'per_location' });

    // Every tile's loss and val_loss at every epoch, as its own model reported them.
    const perTile: { loss: number[]; val_loss: number[] }[] = [];
    for (const [k, tile] of grid.tiles.entries()) {
      const loss = await history(runId, `tile_${tile.row}_${tile.col}/loss`);
      const valLoss = await history(runId, `tile_${tile.row}_${tile.col}/val_loss`);
      expect(loss.steps).toEqual([1, 2, 3]);
      expect(valLoss.steps).toEqual([1, 2, 3]);
      expect(loss.values).toEqual(tiled.tiles[k]!.history.map((e) => e.loss));
      expect(valLoss.values).toEqual(tiled.tiles[k]!.result!.history.map((e) => e.val_loss));
      expect(valLoss.values.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      perTile.push({ loss: loss.values, val_loss: valLoss.values });
    }
    // The tiles are separate models: they do not all learn the same.
    expect(new Set(perTile.map((t) => t.val_loss[0])).size).toBeGreaterThan(1);
    // The aggregate: the mean over tiles, epoch by epoch.
    const loss = await history(runId, 'loss');
    const valLoss = await history(runId, 'val_loss');
    expect(loss.steps).toEqual([1, 2, 3]);
    for (let e = 0; e < EPOCHS; e++) {
      expect(loss.values[e]).toBeCloseTo(mean(perTile.map((t) => t.loss[e]!)), 10);
      expect(valLoss.values[e]).toBeCloseTo(mean(perTile.map((t) => t.val_loss[e]!)), 10);
    }
    for (const key of ['learning_rate', 'epoch_seconds', 'samples_per_second', 'val_mse_LAB_a', 'val_mse_LAB_b']) expect((await history(runId, key)).steps, key).toEqual([1, 2, 3]);
    expect(asMap(run.data.metrics.map((m) => ({ key: m.key, value: String(m.value) })))).toMatchObject({ best_val_loss: String(tiled.bestValLoss), best_epoch: String(tiled.bestEpoch) });
    expect(tiled.bestValLoss).toBe(Math.min(...valLoss.values));

    // Artifacts: the manifest, every tile's model and reference, no untiled model, the plots.
    const names = grid.tiles.map(tileName);
    const artifacts = await client.runArtifacts(runId);
    const files = (await artifacts.listFiles()).map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['model/tiling.json', 'model/MLmodel', 'model/config.yaml', 'model/preprocessing/front/preprocessing.yaml', 'plots/loss_curve.png', 'plots/tile_val_loss.png', 'metadata/training.yaml', 'dataset/summary.json']));
    for (const name of names) {
      expect(files).toEqual(expect.arrayContaining([`model/tiles/${name}/model.json`, `model/tiles/${name}/weights.bin`, `model/tiles/${name}/pixal-model.json`, `model/error_reference/front/${name}.npz`]));
    }
    expect(files).not.toContain('model/model.json');
    expect(files).not.toContain('model/error_reference/reference.json');

    const { localPath } = await client.downloadModel(`runs:/${runId}/model`, join(scratch, 'per-location-model'));
    const manifest = TilingManifest.parse(JSON.parse(readFileSync(join(localPath, 'tiling.json'), 'utf8')));
    expect(manifest).toMatchObject({ format: 1, mode: 'per_location', tile_size: 16, stride: 12, position_input: 'none', map: { height: unit.data.height, width: unit.data.width }, grid: { rows: grid.rows, cols: grid.cols } });
    expect(manifest.tiles.map((t) => [t.row, t.col, t.y, t.x, t.height, t.width])).toEqual(grid.tiles.map((t) => [t.row, t.col, t.y, t.x, t.height, t.width]));
    const images = (d: typeof unit.data) => tf.tensor3d(d.images, [d.count, d.height * d.width, d.channels.length]);
    for (const [k, entry] of manifest.tiles.entries()) {
      const name = names[k]!;
      expect(entry).toMatchObject({ model: `tiles/${name}`, reference: `error_reference/front/${name}.npz`, reference_images: IMAGES_PER_TYPE, stop_reason: 'completed' });
      expect(entry.best_val_loss).toBe(tiled.tiles[k]!.bestValLoss);
      expect(entry.best_epoch).toBe(tiled.tiles[k]!.bestEpoch);
      // The stored tile model is the trained one: same reconstruction error on its tile of the images.
      const stored = await loadModel(join(localPath, entry.model!));
      expect(stored.info).toEqual({ model_kind: 'dense', shape: [16, 16], channels: ['LAB_a', 'LAB_b'] });
      const x = images(tileData(unit.data, grid.tiles[k]!));
      expect([...pixelErrors(stored.model, x).dataSync()]).toEqual([...pixelErrors(tiled.tiles[k]!.result!.model, x).dataSync()]);
      x.dispose();
      stored.model.dispose();
      const reference = await readNpz(join(localPath, entry.reference));
      expect(reference.mean_error).toMatchObject({ dtype: 'float32', shape: [16, 16] });
      expect(reference.foreground_share).toMatchObject({ dtype: 'float32', shape: [16, 16] });
    }
    const mlmodel = YAML.parse(readFileSync(join(localPath, 'MLmodel'), 'utf8')) as { flavors: { pixal_tfjs: Record<string, string> } };
    expect(mlmodel.flavors.pixal_tfjs).toMatchObject({ format: 'pixal-tiled-tfjs-layers-models', model_file: 'tiling.json', tiling: 'per_location' });

    const all = await artifacts.download('plots', join(scratch, 'per-location-plots'));
    const heatmap = join(all, 'tile_val_loss.png');
    expect(await sharp(heatmap).metadata()).toMatchObject({ format: 'png' });
    expect((await sharp(heatmap).stats()).channels.some((c) => c.stdev > 0), 'the heatmap is not blank').toBe(true);
  });

  it('shared: one conv model for every tile with its position as input, per-tile val_loss from its validation error', async () => {
    const { unit, outcome } = await trainFront([...TILE, 'model_training.model_kind=conv', 'tiling.mode=shared', 'tiling.position_input=one_hot']);
    expect(outcome.status, outcome.error).toBe('FINISHED');
    const tiled = outcome.tiled!;
    const grid = tileGrid(unit.data.height, unit.data.width, 16, 12);
    const { runId } = outcome;
    const run = await client.getRun(runId);
    // Images, not tiles: the split keeps every tile of an image on one side.
    expect(asMap(run.data.tags)).toMatchObject({ 'pixal.tiling': 'shared', 'pixal.tile_grid': `${grid.rows}x${grid.cols}`, 'pixal.train_images': '6', 'pixal.validation_images': '2' });
    const valLoss = await history(runId, 'val_loss');
    expect(valLoss.values).toEqual(tiled.shared!.history.map((e) => e.val_loss));
    const perTile = [];
    for (const tile of grid.tiles) {
      const h = await history(runId, `tile_${tile.row}_${tile.col}/val_loss`);
      expect(h.steps).toEqual([1, 2, 3]);
      perTile.push(h.values);
      expect(await client.getMetricHistory(runId, `tile_${tile.row}_${tile.col}/loss`)).toEqual([]);
    }
    for (let e = 0; e < EPOCHS; e++) {
      const values = perTile.map((v) => v[e]!);
      expect(valLoss.values[e]).toBeGreaterThanOrEqual(Math.min(...values) * (1 - 1e-6));
      expect(valLoss.values[e]).toBeLessThanOrEqual(Math.max(...values) * (1 + 1e-6));
    }
    // Each tile's best is its val_loss at the shared model's best epoch.
    const best = tiled.bestEpoch;
    expect(tiled.tiles.map((t) => t.bestValLoss)).toEqual(perTile.map((v) => v[best - 1]));

    const { localPath } = await client.downloadModel(`runs:/${runId}/model`, join(scratch, 'shared-model'));
    const manifest = TilingManifest.parse(JSON.parse(readFileSync(join(localPath, 'tiling.json'), 'utf8')));
    expect(manifest).toMatchObject({ mode: 'shared', position_input: 'one_hot' });
    expect(manifest.tiles.every((t) => t.model === undefined && t.best_epoch === best)).toBe(true);
    const shared = await loadModel(localPath);
    expect(shared.info).toEqual({ model_kind: 'conv', shape: [16, 16], channels: ['LAB_a', 'LAB_b'], one_hot_types: positionLabelTypes(grid, 'one_hot') });
    expect(shared.model.inputs).toHaveLength(2);
    shared.model.dispose();
    expect(existsSync(join(localPath, 'tiles'))).toBe(false);
    for (const name of grid.tiles.map(tileName)) expect(existsSync(join(localPath, 'error_reference', 'front', `${name}.npz`)), name).toBe(true);
  });

  it('fails the run, naming the type, the map and tiling.tile_size, when a tile is larger than the map', async () => {
    const { unit, outcome } = await trainFront(['tiling.enabled=true', 'tiling.tile_size=256', 'tiling.stride=128', 'model_training.model_kind=dense']);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe(
      `type front: its pooled map is ${unit.data.height}x${unit.data.width} (H'xW'), smaller than tiling.tile_size 256; lower tiling.tile_size, or preprocessing.preprocessor.pool_size to train on a larger map`,
    );
    const tags = asMap((await client.getRun(outcome.runId)).data.tags);
    expect(tags['pixal.error']).toBe(outcome.error);
    expect(tags['pixal.tiling']).toBe('per_location');
    expect(tags['pixal.tile_grid']).toBeUndefined();
  });
});
