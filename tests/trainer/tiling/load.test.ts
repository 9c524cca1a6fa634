// Loading a tiled model folder (model/tiling.json) as training leaves it: per_location tile models or the shared one,
// every tile's reference with its image count, the joined references; and a broken folder named in the error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../trainer/model/backend.ts';
import { saveModel } from '../../../trainer/model/io.ts';
import { isTiledModelDir, loadTiledModel } from '../../../trainer/tiling/load.ts';
import { constantReference, convModel, infoOf, manifestOf, saveTiledModel, type TilingSetup } from './detect-fixture.ts';

let root: string;
beforeAll(async () => {
  await initBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'pixal-tiled-load-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const setup: TilingSetup = { shape: [32, 40], tileSize: 16, stride: 12, seams: { apply: true, width: 4, sigma: 2 } };

function predictions(model: tf.LayersModel, inputs: tf.Tensor[]): Float32Array {
  return tf.tidy(() => (model.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor).dataSync() as Float32Array);
}

describe('loadTiledModel', () => {
  it('loads per_location tile models and their references; joins the references over the map', async () => {
    const dir = join(root, 'per-location');
    const { grid } = manifestOf(setup);
    expect([grid.rows, grid.cols]).toEqual([3, 3]);
    const models = grid.tiles.map((_, k) => convModel(16, 16, { seed: k + 1 }));
    const references = grid.tiles.map((t, k) => constantReference([t.height, t.width], 0.01 * (k + 1), 12));
    await saveTiledModel(dir, setup, models, references);
    expect(isTiledModelDir(dir)).toBe(true);
    expect(isTiledModelDir(root)).toBe(false);

    const tiled = await loadTiledModel(dir, ['front']);
    expect(tiled.manifest.mode).toBe('per_location');
    expect(tiled.grid).toEqual(grid);
    expect(tiled.info).toEqual(infoOf(16));
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 5);
    for (const k of [0, 4, 8]) expect(predictions(tiled.modelOf(k), [x])).toEqual(predictions(models[k]!, [x]));
    const loaded = tiled.references.get('front')!;
    expect(loaded.map((r) => [r.images, r.meanError[0]])).toEqual(references.map((r) => [12, r.meanError[0]]));

    const joined = tiled.joinedReferences().get('front')!;
    expect(joined.shape).toEqual([32, 40]);
    expect(joined.images).toBe(12);
    expect(joined.foregroundShare.every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    // each corner is covered by its tile alone: its level (the last corner lies at the edge of a seam band)
    expect(joined.meanError[0]).toBeCloseTo(0.01, 6);
    expect(joined.meanError[31 * 40 + 39]).toBeCloseTo(0.09, 3);
    tiled.dispose();
    x.dispose();
  });

  it('loads the shared model (with its position input) from beside the manifest', async () => {
    const dir = join(root, 'shared');
    const shared: TilingSetup = { ...setup, mode: 'shared', position_input: 'coordinates' };
    const { grid } = manifestOf(shared);
    const model = convModel(16, 16, { labelCount: 2 });
    await saveTiledModel(dir, shared, [model], grid.tiles.map((t) => constantReference([t.height, t.width], 0.02)), ['y', 'x']);
    const tiled = await loadTiledModel(dir, ['front']);
    expect(tiled.manifest.position_input).toBe('coordinates');
    expect(tiled.modelOf(0)).toBe(tiled.modelOf(8));
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 6);
    const position = tf.tensor2d([[0.25, 0.5]]);
    expect(predictions(tiled.modelOf(3), [x, position])).toEqual(predictions(model, [x, position]));
    tiled.dispose();
    tf.dispose([x, position]);
  });

  it('names what is wrong with a broken folder', async () => {
    const dir = join(root, 'broken');
    const { grid } = manifestOf(setup);
    const references = grid.tiles.map((t) => constantReference([t.height, t.width], 0.01));
    await saveTiledModel(dir, setup, grid.tiles.map(() => convModel(16, 16)), references);
    const manifestFile = join(dir, 'tiling.json');
    const manifest = readFileSync(manifestFile, 'utf8');

    await expect(loadTiledModel(dir, ['back'])).rejects.toThrow(`${manifestFile}: the tiles' references are for type 'front', which the model has no preprocessing for`);

    writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(manifest), stride: 0 }));
    await expect(loadTiledModel(dir, ['front'])).rejects.toThrow(`${manifestFile}: not a pixal tiling manifest (stride: Number must be greater than 0)`);

    writeFileSync(manifestFile, manifest);
    await saveModel(convModel(24, 24), join(dir, 'tiles', 'r01_c01'), infoOf(24));
    await expect(loadTiledModel(dir, ['front'])).rejects.toThrow(`${join(dir, 'tiles', 'r01_c01')}: the model is for 24x24 maps, the manifest's tiles are 16x16`);

    await saveModel(convModel(16, 16), join(dir, 'tiles', 'r01_c01'), infoOf(16));
    rmSync(join(dir, 'error_reference', 'front', 'r02_c00.npz'));
    await expect(loadTiledModel(dir, ['front'])).rejects.toThrow(`${join(dir, 'error_reference', 'front', 'r02_c00.npz')}: cannot read the tile's error reference`);
  });
});
