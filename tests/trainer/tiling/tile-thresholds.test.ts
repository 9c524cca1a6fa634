// threshold_scope per_tile: each tile's F1-optimal pixel threshold from its labelled pixels (the joined map's for a
// tile without defects), else the ones stored on the training run (same grid and units only), else loss_cut; the
// tag that stores them round-trips; the threshold map and the division make the pixel threshold 1.
import { describe, expect, it } from 'vitest';
import { DetectionOptions } from '../../../trainer/config/detection.ts';
import { PixelHistogram } from '../../../trainer/detection/pixel-histogram.ts';
import { toLinearThreshold } from '../../../trainer/detection/scores.ts';
import { tileGrid } from '../../../trainer/tiling/grid.ts';
import { chooseTileThresholds, divideByThresholds, storedTileThresholds, thresholdMap, TILE_THRESHOLDS_TAG, tileThresholdTag, withTileThresholds, type TileThresholdInputs } from '../../../trainer/tiling/tile-thresholds.ts';
import type { TypeDetection } from '../../../trainer/validation/detect.ts';
import { preparedSet } from './detect-fixture.ts';

const PLOTTING = { loss_cut: -2, use_log_loss: true };
const adaptive = DetectionOptions.parse({});
const shape: [number, number] = [16, 48];
const grid = tileGrid(16, 48, 16, 16); // three tiles side by side, no overlap
const PIXELS = 16 * 48;

/**
 * Image 0 good, image 1 with a 4x4 defect in the left tile (error 0.5, its good pixels ~0.2) and one in the right
 * tile (error 2, its good pixels ~1); the middle tile has no defect (good pixels ~0.2).
 */
function inputs(overrides: Partial<TileThresholdInputs> = {}): TileThresholdInputs {
  const defect = new Uint8Array(PIXELS);
  for (let y = 6; y < 10; y++) for (const x0 of [6, 38]) for (let x = x0; x < x0 + 4; x++) defect[y * 48 + x] = 1;
  const set = preparedSet({ n: 2, shape, groundTruth: [new Uint8Array(PIXELS), defect], foreground: new Float32Array(2 * PIXELS).fill(1) });
  const maps = new Float32Array(2 * PIXELS);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < PIXELS; j++) {
      const right = j % 48 >= 32;
      maps[i * PIXELS + j] = i === 1 && defect[j] ? (right ? 2 : 0.5) : (right ? 1 : 0.2) * (1 + (j % 3) / 10);
    }
  }
  return { maps, shape, items: set.items, type: 'front', grid, detection: adaptive, plotting: PLOTTING, units: 'per_pixel', sourceRunId: 'run0', ...overrides };
}

describe('per-tile thresholds', () => {
  it('are F1-optimal in a tile with defect pixels, the joined optimum elsewhere, and learned', () => {
    const p = inputs();
    const t = chooseTileThresholds(p);
    expect(t.learned).toBe(true);
    expect(t.origin).toBe("F1-optimal on this set's labels in 2 of 3 tiles (the others, without defect pixels, take the joined map's)");
    // left: the defect (0.5) over good pixels up to 0.24, right: the defect (2) over good pixels up to 1.2
    expect(t.values[0]).toBeGreaterThan(0.24);
    expect(t.values[0]).toBeLessThanOrEqual(0.5);
    expect(t.values[2]).toBeGreaterThan(1.2);
    expect(t.values[2]).toBeLessThanOrEqual(2);
    // middle: the joined optimum, which the right tile's bright good pixels push over the left defect
    const joined = new PixelHistogram();
    for (let i = 0; i < 2; i++) joined.add(p.maps.subarray(i * PIXELS, (i + 1) * PIXELS), p.items[i]!.groundTruth, p.items[i]!.foregroundCrop);
    expect(t.values[1]).toBe(joined.f1OptimalThreshold().threshold);
    expect(t.values[1]).toBeGreaterThan(1.2);
  });

  it('label each pooled pixel by the crop pixel at its centre when the crop is larger than the map', () => {
    const p = inputs();
    // the same labels at twice the resolution: each pooled pixel's centre lands in its own 2x2 block
    const items = p.items.map((item) => {
      const up = (mask: Uint8Array) => Uint8Array.from({ length: 32 * 96 }, (_, k) => mask[Math.floor(Math.floor(k / 96) / 2) * 48 + Math.floor((k % 96) / 2)]!);
      return { ...item, cropSize: { height: 32, width: 96 }, groundTruth: item.groundTruth && up(item.groundTruth), foregroundCrop: up(item.foregroundCrop) };
    });
    expect(chooseTileThresholds({ ...p, items }).values).toEqual(chooseTileThresholds(p).values);
  });

  it('come from loss_cut in every tile when detection.threshold is loss_cut', () => {
    const t = chooseTileThresholds(inputs({ detection: DetectionOptions.parse({ threshold: 'loss_cut' }) }));
    expect(t).toEqual({ values: [0.01, 0.01, 0.01], origin: 'loss_cut -2 (log10) in every tile', learned: false });
  });

  it('are stored in one tag and reused for an unlabelled set of the same grid and units only', () => {
    const learned = chooseTileThresholds(inputs());
    const detection = { type: 'front', tiling: { grid, tileSize: 16, stride: 16, mode: 'per_location', thresholds: learned } } as unknown as TypeDetection;
    const tag = tileThresholdTag([detection], 'per_pixel', 'val1');
    expect(tag && 'key' in tag && tag.key).toBe(TILE_THRESHOLDS_TAG);
    const stored = storedTileThresholds({ [TILE_THRESHOLDS_TAG]: (tag as { value: string }).value });
    expect(stored).toEqual({ grid: [1, 3], units: 'per_pixel', from: 'val1', types: { front: learned.values.map((v) => Number(v.toPrecision(9))) } });
    // 9 significant digits give back the float32 thresholds exactly
    expect(Float32Array.from(stored!.types.front!)).toEqual(Float32Array.from(learned.values));

    const unlabelled = inputs({ items: preparedSet({ n: 2, shape }).items, stored: stored! });
    expect(chooseTileThresholds(unlabelled)).toEqual({ values: stored!.types.front, origin: 'stored on training run run0 by validation run val1', learned: false });
    const lossCut = toLinearThreshold(PLOTTING.loss_cut, true);
    const otherUnits = chooseTileThresholds({ ...unlabelled, units: 'none' });
    expect(otherUnits.values).toEqual([lossCut, lossCut, lossCut]);
    expect(otherUnits.origin).toMatch(/are for normalisation per_pixel maps, these are none$/);
    const otherGrid = chooseTileThresholds({ ...unlabelled, stored: { ...stored!, grid: [2, 2] } });
    expect(otherGrid.origin).toMatch(/are for a 2x2 grid, this one is 1x3$/);
    expect(chooseTileThresholds({ ...unlabelled, stored: undefined as never }).origin).toBe('loss_cut -2 (log10) in every tile: no labelled pixels and no stored per-tile thresholds');
    // nothing learned: no tag; an unreadable tag is not used
    expect(tileThresholdTag([{ ...detection, tiling: { ...detection.tiling!, thresholds: { ...learned, learned: false } } }], 'per_pixel', 'v')).toBeUndefined();
    expect(storedTileThresholds({ [TILE_THRESHOLDS_TAG]: '{"grid":[1]}' })).toBeUndefined();
  });

  it('that do not fit in a tag are not stored', () => {
    const big = tileGrid(16, 16 * 700, 16, 16);
    const detection = { type: 'front', tiling: { grid: big, thresholds: { values: big.tiles.map(() => 0.123456789), origin: '', learned: true } } } as unknown as TypeDetection;
    expect(tileThresholdTag([detection], 'none', 'v')).toEqual({ tooLong: expect.any(Number) as number });
  });

  it('divide the maps through the joined threshold map, and the pixel threshold becomes 1', () => {
    const map = thresholdMap([0.5, 2, 4], grid, { apply: false, width: 4, sigma: 2 });
    expect([map[3 * 48 + 5], map[3 * 48 + 20], map[3 * 48 + 40]]).toEqual([0.5, 2, 4]);
    const maps = Float32Array.from({ length: 2 * PIXELS }, () => 1);
    divideByThresholds(maps, 2, map);
    expect([maps[PIXELS + 3 * 48 + 5], maps[PIXELS + 3 * 48 + 20], maps[PIXELS + 3 * 48 + 40]]).toEqual([2, 0.5, 0.25]);
    expect(() => divideByThresholds(new Float32Array(3), 2, map)).toThrow(`divideByThresholds: 3 values for 2 maps of ${PIXELS} pixels`);
    // with seam smoothing the threshold map blends across the seams, without a step
    const smooth = thresholdMap([0.5, 2, 4], grid, { apply: true, width: 4, sigma: 2 });
    const row = Array.from({ length: 48 }, (_, x) => smooth[8 * 48 + x]!);
    expect(Math.max(...row.slice(1).map((v, x) => Math.abs(v - row[x]!)))).toBeLessThan(0.6);

    const base = { image: 0.3, pixel: 0.7, origin: "F1-optimal on this set's labels", learned: true };
    expect(withTileThresholds(base, [{ type: 'front' } as TypeDetection])).toBe(base);
    const tiled = { type: 'front', tiling: { thresholds: { values: [1], origin: 'stored on training run r', learned: false } } } as unknown as TypeDetection;
    expect(withTileThresholds(base, [tiled])).toEqual({ ...base, pixel: 1, origin: "F1-optimal on this set's labels; pixel: per tile, stored on training run r (maps divided by the joined threshold map)" });
  });
});
