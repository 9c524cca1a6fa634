// Joins per-tile maps into one map of the whole (H', W') grid, without visible seams. Overlapping tiles are
// cross-faded: each tile's weight ramps linearly to ~0 over `width` pixels towards every edge that lies inside the
// map (edges on the map's border keep full weight), and each pixel is the weighted mean of the tiles covering it.
// Then a separable Gaussian (sigma) is applied in the bands of ±width around interior tile edges only, feathered
// linearly into the untouched interior, so a level difference between neighbouring tile models leaves no step.
// apply false: the plain mean in overlaps, no blur. Error maps, error references and per-tile threshold maps are all
// joined with this, so they line up pixel for pixel.
import { blurBands } from '../detection/blur.ts';
import type { TileGrid } from './grid.ts';

export interface SeamSmoothing {
  apply: boolean;
  /** Pixels on each side of a seam that are blended (and blurred). */
  width: number;
  /** Gaussian sigma, pixels. */
  sigma: number;
}

/** Weight of each pixel along one tile axis: ramps towards edges inside the map, 1 elsewhere. */
function axisWeights(length: number, start: number, mapLength: number, ramp: number): Float32Array {
  const w = new Float32Array(length).fill(1);
  if (ramp <= 0) return w;
  const innerStart = start > 0;
  const innerEnd = start + length < mapLength;
  for (let i = 0; i < length; i++) {
    // (i + 0.5) / ramp: two tiles overlapping by exactly `ramp` pixels sum to 1 everywhere in the overlap.
    if (innerStart) w[i] = Math.min(w[i]!, (i + 0.5) / ramp);
    if (innerEnd) w[i] = Math.min(w[i]!, (length - i - 0.5) / ramp);
  }
  return w;
}

/** Per pixel along an axis: 1 at an interior tile edge, falling linearly to 0 at `width` pixels from the nearest. */
function bandAlpha(mapLength: number, edges: readonly number[], width: number): Float32Array {
  const alpha = new Float32Array(mapLength);
  for (const e of edges) {
    const from = Math.max(0, Math.floor(e - width));
    const to = Math.min(mapLength, Math.ceil(e + width));
    for (let i = from; i < to; i++) alpha[i] = Math.max(alpha[i]!, 1 - Math.abs(i + 0.5 - e) / width);
  }
  return alpha;
}

function interiorEdges(spans: readonly { start: number; length: number }[], mapLength: number): number[] {
  const edges = new Set<number>();
  for (const { start, length } of spans) {
    if (start > 0) edges.add(start);
    if (start + length < mapLength) edges.add(start + length);
  }
  return [...edges];
}

/**
 * A joiner for one grid: the blend weights and seam bands are computed once, then each call joins one set of
 * tile maps (in grid order, each tile.height x tile.width row-major) into a new (H'·W') map.
 */
export function tileJoiner(grid: TileGrid, seams: SeamSmoothing): (tileMaps: readonly Float32Array[]) => Float32Array {
  const { height: H, width: W, tiles } = grid;
  const ramp = seams.apply ? seams.width : 0;
  const weights = tiles.map((t) => ({ y: axisWeights(t.height, t.y, H, ramp), x: axisWeights(t.width, t.x, W, ramp) }));
  const inverseTotal = new Float32Array(H * W);
  tiles.forEach((t, k) => {
    const { y: wy, x: wx } = weights[k]!;
    for (let i = 0; i < t.height; i++) for (let j = 0; j < t.width; j++) inverseTotal[(t.y + i) * W + t.x + j]! += wy[i]! * wx[j]!;
  });
  for (let p = 0; p < inverseTotal.length; p++) inverseTotal[p] = 1 / inverseTotal[p]!;
  const rowAlpha = bandAlpha(H, interiorEdges(tiles.map((t) => ({ start: t.y, length: t.height })), H), seams.width);
  const colAlpha = bandAlpha(W, interiorEdges(tiles.map((t) => ({ start: t.x, length: t.width })), W), seams.width);

  return (tileMaps) => {
    if (tileMaps.length !== tiles.length) throw new RangeError(`joinTiles: ${tileMaps.length} maps for a ${grid.rows}x${grid.cols} grid of ${tiles.length} tiles`);
    const out = new Float32Array(H * W);
    tiles.forEach((t, k) => {
      const map = tileMaps[k]!;
      if (map.length !== t.height * t.width) throw new RangeError(`joinTiles: tile r${t.row} c${t.col} map has ${map.length} values, expected ${t.height}x${t.width}`);
      const { y: wy, x: wx } = weights[k]!;
      for (let i = 0; i < t.height; i++) {
        const row = (t.y + i) * W + t.x;
        const src = i * t.width;
        const a = wy[i]!;
        for (let j = 0; j < t.width; j++) out[row + j]! += a * wx[j]! * map[src + j]!;
      }
    });
    for (let p = 0; p < out.length; p++) out[p]! *= inverseTotal[p]!;
    if (seams.apply) blurBands(out, H, W, rowAlpha, colAlpha, seams.sigma);
    return out;
  };
}

/** Joins one set of tile maps (grid order) into the (H'·W') map; see tileJoiner to join many with one grid. */
export function joinTiles(tileMaps: readonly Float32Array[], grid: TileGrid, seams: SeamSmoothing): Float32Array {
  return tileJoiner(grid, seams)(tileMaps);
}
