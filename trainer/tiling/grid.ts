// Where the tiles of a (height x width) pooled map lie: origins 0, stride, 2·stride, …, the last row and column
// moved flush with the map's end (overlapping more) so every pixel is covered and no tile leaves the map.

export interface Tile {
  /** Grid row and column, from 0. */
  row: number;
  col: number;
  /** Top-left corner in map pixels. */
  y: number;
  x: number;
  height: number;
  width: number;
}

export interface TileGrid {
  /** The map the tiles cut. */
  height: number;
  width: number;
  rows: number;
  cols: number;
  /** Row-major: tiles[row * cols + col]. */
  tiles: Tile[];
}

/** `r00_c00`: a tile's name in artifact paths (model/tiles/…, error_reference/<type>/….npz). */
export function tileName(tile: Pick<Tile, 'row' | 'col'>): string {
  return `r${String(tile.row).padStart(2, '0')}_c${String(tile.col).padStart(2, '0')}`;
}

/** `tile_<r>_<c>`: a tile's metric prefix. */
export function tileMetricPrefix(tile: Pick<Tile, 'row' | 'col'>): string {
  return `tile_${tile.row}_${tile.col}`;
}

/** The origins along one axis of `length` pixels. */
function origins(length: number, tileSize: number, stride: number): number[] {
  const starts: number[] = [];
  for (let o = 0; o + tileSize < length; o += stride) starts.push(o);
  starts.push(length - tileSize); // flush with the end (the first origin when the map is one tile long)
  return starts;
}

export function tileGrid(height: number, width: number, tileSize: number, stride: number): TileGrid {
  if (!Number.isInteger(tileSize) || tileSize < 1) throw new RangeError(`tile size ${tileSize} must be a positive integer`);
  if (!Number.isInteger(stride) || stride < 1 || stride > tileSize) throw new RangeError(`stride ${stride} must be a positive integer no larger than the tile size ${tileSize}`);
  if (height < tileSize || width < tileSize) throw new RangeError(`a ${height}x${width} map is smaller than the ${tileSize}-pixel tile`);
  const ys = origins(height, tileSize, stride);
  const xs = origins(width, tileSize, stride);
  const tiles = ys.flatMap((y, row) => xs.map((x, col) => ({ row, col, y, x, height: tileSize, width: tileSize })));
  return { height, width, rows: ys.length, cols: xs.length, tiles };
}
