import { describe, expect, it } from 'vitest';
import { tileGrid, type TileGrid } from '../../../trainer/tiling/grid.ts';
import { joinTiles, tileJoiner } from '../../../trainer/tiling/join.ts';

const H = 150;
const W = 200;
/** The signal every tile sees: a smooth ramp over the map, 0.01 per pixel along each axis. */
const ramp = (y: number, x: number) => 0.01 * (y + x);
const SLOPE = 0.01;

/** Each tile's map: the ramp at its pixels plus `levels[k]` (tile models that disagree by a constant). */
function tileMaps(grid: TileGrid, levels: readonly number[], signal = ramp): Float32Array[] {
  return grid.tiles.map((t, k) => {
    const m = new Float32Array(t.height * t.width);
    for (let i = 0; i < t.height; i++) for (let j = 0; j < t.width; j++) m[i * t.width + j] = levels[k]! + signal(t.y + i, t.x + j);
    return m;
  });
}

/** Seeded levels in [0, amplitude). */
function levelsFor(count: number, amplitude: number): number[] {
  let seed = 7;
  return Array.from({ length: count }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * amplitude);
}

/** The largest difference between horizontally or vertically neighbouring pixels. */
function largestStep(map: Float32Array, h: number, w: number): number {
  let largest = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x]!;
      if (x + 1 < w) largest = Math.max(largest, Math.abs(map[y * w + x + 1]! - v));
      if (y + 1 < h) largest = Math.max(largest, Math.abs(map[(y + 1) * w + x]! - v));
    }
  }
  return largest;
}

describe('joinTiles', () => {
  it('returns a map of exactly the map size (H·W), also when the grid does not divide it', () => {
    for (const [h, w, t, s] of [[H, W, 64, 48], [97, 131, 32, 24], [64, 64, 64, 64]] as const) {
      const grid = tileGrid(h, w, t, s);
      for (const apply of [true, false]) {
        const joined = joinTiles(tileMaps(grid, levelsFor(grid.tiles.length, 0.1)), grid, { apply, width: 8, sigma: 2 });
        expect(joined).toBeInstanceOf(Float32Array);
        expect(joined.length).toBe(h * w);
        expect(joined.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('gives back the map the tiles were cut from when they agree (apply false), and a constant stays constant', () => {
    const grid = tileGrid(H, W, 64, 48);
    const wave = (y: number, x: number) => Math.sin(y / 7) * Math.cos(x / 11);
    const joined = joinTiles(tileMaps(grid, grid.tiles.map(() => 0), wave), grid, { apply: false, width: 16, sigma: 4 });
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(joined[y * W + x]).toBeCloseTo(wave(y, x), 5);
    const flat = joinTiles(tileMaps(grid, grid.tiles.map(() => 0.25), () => 0), grid, { apply: true, width: 16, sigma: 4 });
    expect(flat.every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
  });

  it('leaves no step at the seams after smoothing; without smoothing the step is there', () => {
    // Tile models that disagree by up to 0.1 on a ramp of 0.01 per pixel: 10 pixels' worth of signal.
    const overlapping = tileGrid(H, W, 64, 48);
    const smoothed = joinTiles(tileMaps(overlapping, levelsFor(overlapping.tiles.length, 0.1)), overlapping, { apply: true, width: 16, sigma: 4 });
    const inside = SLOPE; // the largest neighbour difference within any tile's own map
    expect(largestStep(smoothed, H, W)).toBeLessThanOrEqual(2 * inside);

    // Abutting tiles (stride = tile size) with smoothing: only the blur hides the step, still no jump.
    const abutting = tileGrid(H, W, 50, 50);
    const levels = levelsFor(abutting.tiles.length, 0.1);
    const blurred = joinTiles(tileMaps(abutting, levels), abutting, { apply: true, width: 16, sigma: 4 });
    expect(largestStep(blurred, H, W)).toBeLessThanOrEqual(3 * inside);

    // The same tiles without smoothing: the level difference shows as a step at the seam.
    const raw = joinTiles(tileMaps(abutting, levels), abutting, { apply: false, width: 16, sigma: 4 });
    const largestLevelJump = Math.max(...abutting.tiles.flatMap((t, k) => [t.col > 0 ? Math.abs(levels[k]! - levels[k - 1]!) : 0, t.row > 0 ? Math.abs(levels[k]! - levels[k - abutting.cols]!) : 0]));
    expect(largestLevelJump).toBeGreaterThan(5 * inside);
    expect(largestStep(raw, H, W)).toBeGreaterThan(5 * inside);
    expect(largestStep(raw, H, W)).toBeCloseTo(largestLevelJump + inside, 4);
  });

  it('touches only the seam bands: pixels farther than width from every interior edge keep the blend', () => {
    const grid = tileGrid(H, W, 64, 48);
    const maps = tileMaps(grid, levelsFor(grid.tiles.length, 0.1));
    const smoothed = joinTiles(maps, grid, { apply: true, width: 8, sigma: 2 });
    // Tile r0 c0 owns rows and columns 0..39 alone (the next tile starts at 48, its band at 40).
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) expect(smoothed[y * W + x]).toBeCloseTo(maps[0]![y * 64 + x]!, 6);
  });

  it('joins many map sets with one joiner as joinTiles does, and refuses maps that do not fit the grid', () => {
    const grid = tileGrid(97, 131, 32, 24);
    const seams = { apply: true, width: 8, sigma: 2 };
    const join = tileJoiner(grid, seams);
    const maps = tileMaps(grid, levelsFor(grid.tiles.length, 0.3));
    expect(join(maps)).toEqual(joinTiles(maps, grid, seams));
    expect(() => join(maps.slice(1))).toThrow(/for a 4x6 grid/);
    expect(() => join([new Float32Array(3), ...maps.slice(1)])).toThrow(/r0 c0 map has 3 values/);
  });
});
