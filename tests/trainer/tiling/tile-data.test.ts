import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrainingData, type TrainingData } from '../../../trainer/training/dataset.ts';
import { splitByType } from '../../../trainer/training/split.ts';
import { tileGrid } from '../../../trainer/tiling/grid.ts';
import { positionLabels, positionLabelTypes } from '../../../trainer/tiling/position.ts';
import { dataGrid, sharedTileData, tileData, TilingError, withPosition } from '../../../trainer/tiling/tile-data.ts';
import { makeDatasets, PREPROCESSOR } from '../training/fixture.ts';

let data: TrainingData;
beforeAll(async () => {
  // 80x44 images at pool 2: 22x40 maps of R, G, B.
  data = await loadTrainingData((await makeDatasets({ count: 5, width: 80, height: 44 })).dirs, { preprocessor: PREPROCESSOR, oneHot: false });
});

describe('tileData', () => {
  it("cuts the tile's window out of every image and mask, keeping the rest", () => {
    const grid = dataGrid(data, 16, 12);
    expect([data.height, data.width, grid.rows, grid.cols]).toEqual([22, 40, 2, 3]);
    const C = data.channels.length;
    for (const tile of grid.tiles) {
      const part = tileData(data, tile);
      expect(part).toMatchObject({ height: 16, width: 16, count: data.count, channels: data.channels, types: data.types, files: data.files });
      expect(part.images.length).toBe(data.count * 16 * 16 * C);
      for (let i = 0; i < data.count; i++) {
        for (let y = 0; y < 16; y++) {
          for (let x = 0; x < 16; x++) {
            const from = (i * data.height * data.width + (tile.y + y) * data.width + tile.x + x);
            const to = i * 256 + y * 16 + x;
            expect(part.mask[to]).toBe(data.mask[from]);
            for (let c = 0; c < C; c++) expect(part.images[to * C + c]).toBe(data.images[from * C + c]);
          }
        }
      }
    }
  });

  it('refuses a map smaller than a tile, naming the type, the map size and the key', () => {
    expect(() => dataGrid(data, 32, 16)).toThrow(TilingError);
    expect(() => dataGrid(data, 32, 16)).toThrow("type front: its pooled map is 22x40 (H'xW'), smaller than tiling.tile_size 32;");
    expect(() => tileData(data, { row: 0, col: 0, y: 10, x: 0, height: 16, width: 16 })).toThrow(/leaves the 22x40 map/);
  });
});

describe('position input', () => {
  it('encodes a tile as a one-hot row or its centre in [0, 1]', () => {
    const grid = tileGrid(22, 40, 16, 12);
    expect(positionLabelTypes(grid, 'one_hot')).toEqual(['r00_c00', 'r00_c01', 'r00_c02', 'r01_c00', 'r01_c01', 'r01_c02']);
    expect([...positionLabels(grid, 4, 'one_hot')]).toEqual([0, 0, 0, 0, 1, 0]);
    expect(positionLabelTypes(grid, 'coordinates')).toEqual(['y', 'x']);
    // tile r1 c2: y 6..22, x 24..40
    expect([...positionLabels(grid, 5, 'coordinates')]).toEqual([Math.fround(14 / 22), Math.fround(32 / 40)]);
    const labelled = withPosition(tileData(data, grid.tiles[1]!), grid, 1, 'one_hot');
    expect(labelled.labelTypes).toHaveLength(6);
    expect([...labelled.labels!.subarray(6, 12)]).toEqual([0, 1, 0, 0, 0, 0]);
  });
});

describe('sharedTileData', () => {
  it('holds every tile of every image, tile-major, with the images kept whole on their side of the split', () => {
    const grid = dataGrid(data, 16, 12);
    const imageSplit = splitByType(data.types, 0.4, 3);
    const shared = sharedTileData(data, grid, 'coordinates', imageSplit);
    const T = grid.tiles.length;
    const N = data.count;
    expect(shared.data.count).toBe(N * T);
    expect(shared.tileOf).toEqual(grid.tiles.flatMap((_, k) => Array<number>(N).fill(k)));
    expect(shared.split.train).toEqual(grid.tiles.flatMap((_, k) => imageSplit.train.map((i) => k * N + i)));
    expect(shared.split.validation).toEqual(grid.tiles.flatMap((_, k) => imageSplit.validation.map((i) => k * N + i)));
    const size = 16 * 16 * data.channels.length;
    for (const [k, tile] of grid.tiles.entries()) {
      const part = tileData(data, tile);
      expect(shared.data.images.subarray(k * N * size, (k + 1) * N * size)).toEqual(part.images);
      expect([...shared.data.labels!.subarray(k * N * 2, k * N * 2 + 2)]).toEqual([...positionLabels(grid, k, 'coordinates')]);
    }
    expect(shared.data.labelTypes).toEqual(['y', 'x']);
    expect(sharedTileData(data, grid, 'none', imageSplit).data.labels).toBeUndefined();
  });
});
