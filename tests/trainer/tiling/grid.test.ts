import { describe, expect, it } from 'vitest';
import { tileGrid, tileMetricPrefix, tileName } from '../../../trainer/tiling/grid.ts';

describe('tileGrid', () => {
  it('steps by stride and moves the last row and column flush with the map end', () => {
    const grid = tileGrid(150, 200, 64, 48);
    expect([grid.rows, grid.cols, grid.height, grid.width]).toEqual([3, 4, 150, 200]);
    expect([...new Set(grid.tiles.map((t) => t.y))]).toEqual([0, 48, 86]);
    expect([...new Set(grid.tiles.map((t) => t.x))]).toEqual([0, 48, 96, 136]);
    expect(grid.tiles[5]).toEqual({ row: 1, col: 1, y: 48, x: 48, height: 64, width: 64 });
  });

  it('adds no extra tile when the tiles fit exactly, and one tile when the map is one tile', () => {
    expect(tileGrid(128, 192, 64, 64).tiles.map((t) => [t.y, t.x])).toEqual([[0, 0], [0, 64], [0, 128], [64, 0], [64, 64], [64, 128]]);
    expect(tileGrid(64, 64, 64, 16).tiles).toEqual([{ row: 0, col: 0, y: 0, x: 0, height: 64, width: 64 }]);
  });

  it('covers every pixel, keeps every tile inside the map and orders tiles row-major', () => {
    for (const [h, w, t, s] of [[97, 131, 32, 24], [33, 40, 16, 16], [300, 17, 17, 5], [70, 90, 20, 1]] as const) {
      const grid = tileGrid(h, w, t, s);
      const covered = new Uint8Array(h * w);
      grid.tiles.forEach((tile, k) => {
        expect(tile.row * grid.cols + tile.col).toBe(k);
        expect(tile.y + tile.height).toBeLessThanOrEqual(h);
        expect(tile.x + tile.width).toBeLessThanOrEqual(w);
        for (let y = tile.y; y < tile.y + tile.height; y++) covered.fill(1, y * w + tile.x, y * w + tile.x + tile.width);
      });
      expect(covered.every((c) => c === 1)).toBe(true);
      expect(grid.tiles.length).toBe(grid.rows * grid.cols);
    }
  });

  it('refuses a map smaller than a tile and a stride that leaves gaps', () => {
    expect(() => tileGrid(40, 100, 64, 32)).toThrow(/40x100 map is smaller than the 64-pixel tile/);
    expect(() => tileGrid(100, 100, 32, 40)).toThrow(/stride 40/);
  });

  it('names tiles for artifacts and metrics', () => {
    expect(tileName({ row: 1, col: 12 })).toBe('r01_c12');
    expect(tileMetricPrefix({ row: 1, col: 12 })).toBe('tile_1_12');
  });
});
