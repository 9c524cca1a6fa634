// Tiled runs (issue 8) log each tile's curves as `tile_<r>_<c>/<metric>` beside the aggregate and tag
// their grid `pixal.tile_grid=<rows>x<cols>`. Reading those keys back into a grid, scoring each tile on
// one metric and ranking the tiles is pure, so the run page's tile view only draws.
import type { XY } from './downsample.ts';

/** Row and column zero-based; padded indices (`tile_01_02`) read the same as unpadded ones. */
const TILE_KEY = /^tile_(\d+)_(\d+)\/(.+)$/;
const GRID_TAG = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i;
/** A grid tag or key beyond this is not a tile grid anyone trained (and would make a huge page). */
const MAX_SIDE = 256;

export interface TilePosition {
  row: number;
  col: number;
}

export interface TileMetricKey extends TilePosition {
  /** The metric's name within the tile, e.g. `val_loss`. */
  metric: string;
}

export function parseTileKey(key: string): TileMetricKey | undefined {
  const m = TILE_KEY.exec(key);
  if (!m) return undefined;
  const row = Number(m[1]);
  const col = Number(m[2]);
  return row < MAX_SIDE && col < MAX_SIDE ? { row, col, metric: m[3]! } : undefined;
}

export const isTileMetric = (key: string): boolean => parseTileKey(key) !== undefined;

/** `pixal.tile_grid` ("3x4") as rows and columns; anything else is no grid. */
export function parseTileGrid(tag: string | undefined): { rows: number; cols: number } | undefined {
  const m = tag === undefined ? null : GRID_TAG.exec(tag);
  if (!m) return undefined;
  const rows = Number(m[1]);
  const cols = Number(m[2]);
  return rows > 0 && cols > 0 && rows <= MAX_SIDE && cols <= MAX_SIDE ? { rows, cols } : undefined;
}

/** A tile's id in URLs and maps: "r_c". */
export const tileId = (tile: TilePosition): string => `${tile.row}_${tile.col}`;

export interface Tile extends TilePosition {
  id: string;
  /** Metric name → the key the run logged it under (padded or not). */
  keys: Readonly<Record<string, string>>;
}

export interface TileLayout {
  rows: number;
  cols: number;
  /** Every cell of the grid, row-major; a tile that logged nothing has no keys. */
  tiles: Tile[];
}

/**
 * The grid of a run's tiles: its tag's shape when the tag covers every logged tile, otherwise the
 * smallest grid that holds them (a run still training, or tagged by hand). undefined when the run
 * logged no tile metric.
 */
export function tileLayout(metricKeys: Iterable<string>, gridTag?: string): TileLayout | undefined {
  const keys = new Map<string, Record<string, string>>();
  let rows = 0;
  let cols = 0;
  for (const key of metricKeys) {
    const parsed = parseTileKey(key);
    if (!parsed) continue;
    rows = Math.max(rows, parsed.row + 1);
    cols = Math.max(cols, parsed.col + 1);
    const id = tileId(parsed);
    const own = keys.get(id) ?? {};
    own[parsed.metric] ??= key;
    keys.set(id, own);
  }
  if (keys.size === 0) return undefined;
  const tagged = parseTileGrid(gridTag);
  if (tagged) {
    rows = Math.max(rows, tagged.rows);
    cols = Math.max(cols, tagged.cols);
  }
  const tiles: Tile[] = [];
  for (let row = 0; row < rows; row++)
    for (let col = 0; col < cols; col++) {
      const id = tileId({ row, col });
      tiles.push({ row, col, id, keys: keys.get(id) ?? {} });
    }
  return { rows, cols, tiles };
}

/** The metric the tile view shows: val_loss when any tile has it, else loss, else the first logged. */
export function tileMetric(layout: TileLayout): string | undefined {
  const names = new Set(layout.tiles.flatMap((t) => Object.keys(t.keys)));
  if (names.has('val_loss')) return 'val_loss';
  if (names.has('loss')) return 'loss';
  return [...names].sort()[0];
}

export type TileScoreMode = 'best' | 'latest';

export interface TileScore {
  value: number;
  /** The step (epoch) the value was logged at. */
  step: number;
}

/** best: the lowest value (earliest on ties); latest: the last finite value. */
export function scoreHistory(history: XY | undefined, mode: TileScoreMode): TileScore | undefined {
  if (!history) return undefined;
  const { xs, ys } = history;
  let found: TileScore | undefined;
  if (mode === 'latest') {
    for (let i = ys.length - 1; i >= 0 && !found; i--) if (Number.isFinite(ys[i]!)) found = { value: ys[i]!, step: xs[i]! };
    return found;
  }
  for (let i = 0; i < ys.length; i++) if (Number.isFinite(ys[i]!) && (!found || ys[i]! < found.value)) found = { value: ys[i]!, step: xs[i]! };
  return found;
}

/** Each tile's score on `metric`; tiles without that history are left out. */
export function scoreTiles(layout: TileLayout, metric: string, histories: ReadonlyMap<string, XY>, mode: TileScoreMode): Map<string, TileScore> {
  const scores = new Map<string, TileScore>();
  for (const tile of layout.tiles) {
    const key = tile.keys[metric];
    const score = key === undefined ? undefined : scoreHistory(histories.get(key), mode);
    if (score) scores.set(tile.id, score);
  }
  return scores;
}

/** Tile ids worst (highest loss) first; equal scores keep grid order. */
export function rankTiles(layout: TileLayout, scores: ReadonlyMap<string, TileScore>): string[] {
  return layout.tiles.filter((t) => scores.has(t.id)).sort((a, b) => scores.get(b.id)!.value - scores.get(a.id)!.value).map((t) => t.id);
}

/** What the curves show first: the `worst` worst tiles and the best one, each once. */
export function defaultTileSelection(ranked: readonly string[], worst = 3): string[] {
  const chosen = ranked.slice(0, worst);
  const best = ranked[ranked.length - 1];
  if (best !== undefined && !chosen.includes(best)) chosen.push(best);
  return chosen;
}

/** A selection from the URL ("0_1,2_3"): ids of tiles in the grid, each once, in the given order. */
export function parseTileSelection(text: string | null | undefined, layout: TileLayout): string[] | undefined {
  if (text === null || text === undefined) return undefined;
  const known = new Set(layout.tiles.map((t) => t.id));
  return [...new Set(text.split(',').map((s) => s.trim()))].filter((id) => known.has(id));
}

export interface ColorScale {
  min: number;
  max: number;
  /** Log when the values are positive and span a factor of ten or more: one bad tile then does not flatten the rest. */
  log: boolean;
  /** A value's position on the scale, 0 (min) … 1 (max). */
  position(value: number): number;
  /** The value at a position (for the legend's labels). */
  valueAt(position: number): number;
}

export function colorScale(values: Iterable<number>): ColorScale | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (min > max) return undefined;
  const log = min > 0 && max / min >= 10;
  const f = log ? Math.log : (v: number) => v;
  const [a, b] = [f(min), f(max)];
  const span = b - a;
  return {
    min,
    max,
    log,
    position: (v) => (span === 0 ? 0.5 : Math.min(1, Math.max(0, (f(v) - a) / span))),
    valueAt: (t) => (span === 0 ? min : log ? Math.exp(a + t * span) : a + t * span),
  };
}
