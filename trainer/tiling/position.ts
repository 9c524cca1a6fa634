// shared mode's position input: the tile's place in the grid, fed through the label branch the one-hot type mode
// uses (trainer/model/conditioning.ts), so one model can learn what differs between locations. Training and
// detection both encode with this, so they feed the same rows.
import { tileName, type TileGrid } from './grid.ts';

export type PositionInput = 'none' | 'one_hot' | 'coordinates';

/** The label columns (ModelInfo.one_hot_types of the saved model): tile names, or y and x. */
export function positionLabelTypes(grid: TileGrid, kind: Exclude<PositionInput, 'none'>): string[] {
  return kind === 'one_hot' ? grid.tiles.map(tileName) : ['y', 'x'];
}

/** Tile `index`'s label row: one-hot of the tile index, or its centre's (y, x) as fractions of the map, in [0, 1]. */
export function positionLabels(grid: TileGrid, index: number, kind: Exclude<PositionInput, 'none'>): Float32Array {
  const tile = grid.tiles[index];
  if (!tile) throw new RangeError(`tile ${index} of a ${grid.rows}x${grid.cols} grid`);
  if (kind === 'coordinates') return Float32Array.of((tile.y + tile.height / 2) / grid.height, (tile.x + tile.width / 2) / grid.width);
  const row = new Float32Array(grid.tiles.length);
  row[index] = 1;
  return row;
}
