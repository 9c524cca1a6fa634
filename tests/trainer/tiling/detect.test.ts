// Tiled detection's maps producer on real (small) conv autoencoders: a one-tile grid is the untiled detection to
// the bit; tile models that reconstruct a constant give, joined, the untiled error map; per-tile normalisation
// divides each tile by its own reference and joined normalisation by the joined one; a shared model gets each
// tile's position as its second input; per_tile thresholds make the pixel threshold 1.
import { beforeAll, describe, expect, it } from 'vitest';
import { DetectionOptions } from '../../../trainer/config/detection.ts';
import { epsilonOf, supportOf, type ErrorReference } from '../../../trainer/detection/normalisation.ts';
import { initBackend } from '../../../trainer/model/backend.ts';
import { tiledMaps } from '../../../trainer/tiling/detect.ts';
import { detectType, type TypeDetection } from '../../../trainer/validation/detect.ts';
import { constantReference, convModel, manifestOf, preparedSet, tiledModel, type TilingSetup } from './detect-fixture.ts';

const WEIGHTS = [1, 2, 1];
const CONTEXT = { detection: DetectionOptions.parse({}), plotting: { loss_cut: -1, use_log_loss: true } as never, sourceRunId: 'r0' };
const raw = DetectionOptions.parse({ normalisation: 'none' });
const perPixel = DetectionOptions.parse({ normalisation: 'per_pixel' });

beforeAll(async () => {
  await initBackend('cpu');
});

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1e-6, Math.abs(b[i]!)));
  return worst;
}

describe('tiled maps', () => {
  it('with one tile over the whole map, equal the untiled detection to the bit (raw and normalised)', async () => {
    const set = preparedSet({ n: 3, shape: [32, 32] });
    const model = convModel(32, 32);
    const reference: ErrorReference = { shape: [32, 32], images: 4, meanError: Float32Array.from({ length: 1024 }, (_, j) => 0.01 + (j % 7) * 0.001), foregroundShare: new Float32Array(1024).fill(1) };
    const setup: TilingSetup = { shape: [32, 32], tileSize: 32, stride: 32, seams: { apply: true, width: 4, sigma: 2 } };
    const tiled = tiledMaps(tiledModel(setup, [model], [reference]), CONTEXT);
    for (const options of [raw, perPixel]) {
      const untiled = await detectType({ model, set, channelWeights: WEIGHTS, options, reference });
      const joined = await detectType({ model: tiled, set, channelWeights: WEIGHTS, options, reference });
      expect(joined.maps).toEqual(untiled.maps);
      expect(joined.scores).toEqual(untiled.scores);
      expect(joined.normalised).toBe(options === perPixel);
      expect(joined.tiling?.grid.tiles).toHaveLength(1);
      expect(joined.tiling?.thresholds).toBeUndefined();
    }
  });

  it('of tile models that reconstruct a constant, joined without smoothing, are the untiled error map (in two batches)', async () => {
    // Every model outputs 0.5 everywhere, so a pixel's error does not depend on which tile computed it.
    const shape: [number, number] = [48, 64];
    const set = preparedSet({ n: 10, shape });
    const setup: TilingSetup = { shape, tileSize: 24, stride: 16 };
    const { grid } = manifestOf(setup);
    expect([grid.rows, grid.cols]).toEqual([3, 4]); // the last row and column flush with the map's end
    const tiled = tiledMaps(tiledModel(setup, grid.tiles.map(() => convModel(24, 24, { zero: true }))), CONTEXT);
    const untiled = await detectType({ model: convModel(48, 64, { zero: true }), set, channelWeights: WEIGHTS, options: raw });
    const progress: number[] = [];
    const joined = await detectType({ model: tiled, set, channelWeights: WEIGHTS, options: raw, onProgress: (done) => progress.push(done) });
    expect(joined.maps.length).toBe(10 * 48 * 64);
    expect(maxRelativeDifference(joined.maps, untiled.maps)).toBeLessThan(1e-5);
    expect(progress.at(-1)).toBe(20);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // the background (the 2-pixel frame) stays 0
    expect(joined.maps[0]).toBe(0);
  });

  it('normalise each tile by its own reference (per_tile) or the joined map by the joined reference (joined)', async () => {
    const shape: [number, number] = [32, 48];
    const set = preparedSet({ n: 2, shape });
    const setup = (scope: 'per_tile' | 'joined'): TilingSetup => ({ shape, tileSize: 16, stride: 16, normalisation_scope: scope });
    const { grid } = manifestOf(setup('per_tile'));
    const levels = grid.tiles.map((_, k) => 0.01 * (k + 1));
    const references = grid.tiles.map((t, k) => constantReference([t.height, t.width], levels[k]!));
    const models = grid.tiles.map(() => convModel(16, 16, { zero: true }));
    const rawMaps = (await detectType({ model: tiledMaps(tiledModel(setup('per_tile'), models, references), CONTEXT), set, channelWeights: WEIGHTS, options: raw })).maps;
    const joinedReference = tiledModel(setup('joined'), models, references).joinedReferences().get('front')!;
    expect(joinedReference.shape).toEqual(shape);

    const perTile = await detectType({ model: tiledMaps(tiledModel(setup('per_tile'), models, references), CONTEXT), set, channelWeights: WEIGHTS, options: perPixel, reference: joinedReference });
    const joined = await detectType({ model: tiledMaps(tiledModel(setup('joined'), models, references), CONTEXT), set, channelWeights: WEIGHTS, options: perPixel, reference: joinedReference });
    // A constant reference's ε (a quantile of it) is the level itself: per tile, error / (2 level).
    const support = supportOf(joinedReference, perPixel.support_share);
    const epsilon = epsilonOf(joinedReference, support, perPixel.normalisation_epsilon_quantile);
    for (const [k, tile] of grid.tiles.entries()) {
      const [y, x] = [tile.y + 5, tile.x + 7];
      const at = 32 * 48 + y * 48 + x; // second image
      expect(perTile.maps[at]).toBeCloseTo(rawMaps[at]! / (2 * levels[k]!), 4);
      expect(joined.maps[at]).toBeCloseTo(rawMaps[at]! / (levels[k]! + epsilon), 4);
    }
  });

  it('give a shared model each tile position as its second input', async () => {
    // Every pixel of every image alike: without a position input all tiles reconstruct the same; with one they differ.
    const shape: [number, number] = [32, 32];
    const images = new Float32Array(1 * 32 * 32 * 3).fill(0.3);
    const set = preparedSet({ n: 1, shape, images, foreground: new Float32Array(32 * 32).fill(1) });
    const tileMeans = (d: TypeDetection) => [0, 16].flatMap((y) => [0, 16].map((x) => d.maps[(y + 8) * 32 + x + 8]!));
    const base: TilingSetup = { shape, tileSize: 16, stride: 16, mode: 'shared' };
    const none = await detectType({ model: tiledMaps(tiledModel(base, [convModel(16, 16)]), CONTEXT), set, channelWeights: WEIGHTS, options: raw });
    expect(new Set(tileMeans(none)).size).toBe(1);
    for (const [position, labels] of [['one_hot', 4], ['coordinates', 2]] as const) {
      const model = convModel(16, 16, { labelCount: labels });
      const withPosition = await detectType({ model: tiledMaps(tiledModel({ ...base, position_input: position }, [model]), CONTEXT), set, channelWeights: WEIGHTS, options: raw });
      expect(new Set(tileMeans(withPosition)).size, position).toBe(4);
    }
  });

  it('refuse images whose map the grid does not cut', async () => {
    const tiled = tiledMaps(tiledModel({ shape: [32, 32], tileSize: 16, stride: 16 }, [0, 1, 2, 3].map(() => convModel(16, 16))), CONTEXT);
    await expect(detectType({ model: tiled, set: preparedSet({ n: 1, shape: [32, 40] }), channelWeights: WEIGHTS, options: raw })).rejects.toThrow(
      'front: the tiled model cuts 32x32 maps into tiles, these images\' maps are 32x40',
    );
  });

  it('with threshold_scope per_tile, divide each tile by its F1-optimal threshold, so the pixel threshold is 1', async () => {
    const shape: [number, number] = [32, 32];
    // image 0 good, image 1 with a defect block in tile r0c0 and one in tile r1c1
    const truth = new Uint8Array(32 * 32);
    for (let y = 4; y < 8; y++) for (let x = 4; x < 8; x++) truth[y * 32 + x] = 1;
    for (let y = 20; y < 26; y++) for (let x = 20; x < 26; x++) truth[y * 32 + x] = 1;
    const set = preparedSet({ n: 2, shape, groundTruth: [new Uint8Array(32 * 32), truth] });
    const setup: TilingSetup = { shape, tileSize: 16, stride: 16, threshold_scope: 'per_tile' };
    const models = [0, 1, 2, 3].map((k) => convModel(16, 16, { seed: k + 1 }));
    const plain = await detectType({ model: tiledMaps(tiledModel({ ...setup, threshold_scope: 'joined' }, models), CONTEXT), set, channelWeights: WEIGHTS, options: raw });
    const divided = await detectType({ model: tiledMaps(tiledModel(setup, models), CONTEXT), set, channelWeights: WEIGHTS, options: raw });
    const thresholds = divided.tiling!.thresholds!;
    expect(thresholds.learned).toBe(true);
    expect(thresholds.values).toHaveLength(4);
    expect(thresholds.origin).toMatch(/^F1-optimal on this set's labels in 2 of 4 tiles/);
    // tiles r0c1 and r1c0 have no defect pixel: they take the same (joined) threshold
    expect(thresholds.values[1]).toBe(thresholds.values[2]);
    for (const [k, [y, x]] of [[0, 0], [0, 16], [16, 0], [16, 16]].entries()) {
      const at = 32 * 32 + (y! + 5) * 32 + x! + 5;
      expect(divided.maps[at]).toBeCloseTo(plain.maps[at]! / thresholds.values[k]!, 5);
    }
  });
});
