import { describe, expect, it } from 'vitest';
import { splitTileMetrics } from '../../../web/src/data/columns.ts';
import { toXY } from '../../../web/src/data/downsample.ts';
import {
  colorScale,
  defaultTileSelection,
  isTileMetric,
  parseTileGrid,
  parseTileKey,
  parseTileSelection,
  rankTiles,
  scoreHistory,
  scoreTiles,
  tileLayout,
  tileMetric,
} from '../../../web/src/data/tiles.ts';

const xy = (ys: number[], xs = ys.map((_, i) => i)) => toXY({ x: xs, y: ys });

describe('parseTileKey', () => {
  it('reads row, column and metric from unpadded and padded keys', () => {
    expect(parseTileKey('tile_2_11/val_loss')).toEqual({ row: 2, col: 11, metric: 'val_loss' });
    expect(parseTileKey('tile_02_03/loss')).toEqual({ row: 2, col: 3, metric: 'loss' });
    expect(parseTileKey('tile_0_0/val_mse_RGB')).toEqual({ row: 0, col: 0, metric: 'val_mse_RGB' });
  });

  it('rejects keys that are not a tile metric', () => {
    for (const key of ['val_loss', 'tile_1/val_loss', 'tile_a_1/loss', 'tile_1_2', 'tile_1_2/', 'xtile_1_2/loss', 'tile_-1_2/loss', 'tile_999_0/loss']) {
      expect(parseTileKey(key), key).toBeUndefined();
      expect(isTileMetric(key), key).toBe(false);
    }
    expect(isTileMetric('tile_1_2/loss')).toBe(true);
  });
});

describe('parseTileGrid', () => {
  it('reads "<rows>x<cols>"', () => {
    expect(parseTileGrid('3x4')).toEqual({ rows: 3, cols: 4 });
    expect(parseTileGrid(' 10X2 ')).toEqual({ rows: 10, cols: 2 });
  });
  it('is undefined for a missing or malformed tag', () => {
    for (const tag of [undefined, '', '3', '3x', 'x4', '0x4', '3x4x5', 'threexfour']) expect(parseTileGrid(tag), String(tag)).toBeUndefined();
  });
});

describe('tileLayout', () => {
  const keys = ['loss', 'val_loss', 'tile_0_0/loss', 'tile_0_0/val_loss', 'tile_1_2/val_loss', 'tile_01_01/val_loss', 'learning_rate'];

  it('is undefined for a run without tile metrics', () => {
    expect(tileLayout(['loss', 'val_loss'], '3x4')).toBeUndefined();
  });

  it('takes the tag’s shape, every cell row-major, with the keys each tile logged under', () => {
    const layout = tileLayout(keys, '3x4')!;
    expect([layout.rows, layout.cols]).toEqual([3, 4]);
    expect(layout.tiles).toHaveLength(12);
    expect(layout.tiles.map((t) => t.id).slice(0, 5)).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0']);
    expect(layout.tiles[0]!.keys).toEqual({ loss: 'tile_0_0/loss', val_loss: 'tile_0_0/val_loss' });
    // A padded key lands on the same cell as an unpadded one would.
    expect(layout.tiles.find((t) => t.id === '1_1')!.keys).toEqual({ val_loss: 'tile_01_01/val_loss' });
    expect(layout.tiles.find((t) => t.id === '2_3')!.keys).toEqual({});
  });

  it('without a tag (or with one too small) holds every logged tile', () => {
    expect(tileLayout(keys)).toMatchObject({ rows: 2, cols: 3 });
    expect(tileLayout(keys, '1x1')).toMatchObject({ rows: 2, cols: 3 });
    expect(tileLayout(keys, 'garbage')).toMatchObject({ rows: 2, cols: 3 });
  });

  it('shows val_loss, else loss, else the first metric name', () => {
    expect(tileMetric(tileLayout(keys)!)).toBe('val_loss');
    expect(tileMetric(tileLayout(['tile_0_0/loss', 'tile_0_0/zeta'])!)).toBe('loss');
    expect(tileMetric(tileLayout(['tile_0_0/zeta', 'tile_0_1/alpha'])!)).toBe('alpha');
  });
});

describe('scoring and ranking', () => {
  it('best is the lowest value and its step, latest the last finite one', () => {
    const history = xy([0.5, 0.2, 0.3, 0.2, NaN], [1, 2, 3, 4, 5]);
    expect(scoreHistory(history, 'best')).toEqual({ value: 0.2, step: 2 });
    expect(scoreHistory(history, 'latest')).toEqual({ value: 0.2, step: 4 });
    expect(scoreHistory(xy([]), 'best')).toBeUndefined();
    expect(scoreHistory(undefined, 'latest')).toBeUndefined();
  });

  const layout = tileLayout(['tile_0_0/val_loss', 'tile_0_1/val_loss', 'tile_1_0/val_loss', 'tile_1_1/loss'])!;
  const histories = new Map([
    ['tile_0_0/val_loss', xy([0.3, 0.1, 0.2])],
    ['tile_0_1/val_loss', xy([0.9, 0.8, 0.85])],
    ['tile_1_0/val_loss', xy([0.4, 0.3, 0.25])],
  ]);

  it('scores the tiles that logged the metric', () => {
    const best = scoreTiles(layout, 'val_loss', histories, 'best');
    expect([...best.keys()]).toEqual(['0_0', '0_1', '1_0']);
    expect(best.get('0_1')).toEqual({ value: 0.8, step: 1 });
    expect(scoreTiles(layout, 'val_loss', histories, 'latest').get('0_0')).toEqual({ value: 0.2, step: 2 });
  });

  it('ranks worst first, grid order on ties', () => {
    const scores = scoreTiles(layout, 'val_loss', histories, 'best');
    expect(rankTiles(layout, scores)).toEqual(['0_1', '1_0', '0_0']);
    const tied = new Map([
      ['1_0', { value: 1, step: 0 }],
      ['0_1', { value: 1, step: 0 }],
    ]);
    expect(rankTiles(layout, tied)).toEqual(['0_1', '1_0']);
  });

  it('selects the three worst and the best by default, each once', () => {
    expect(defaultTileSelection(['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'b', 'c', 'e']);
    expect(defaultTileSelection(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(defaultTileSelection(['a'])).toEqual(['a']);
    expect(defaultTileSelection([])).toEqual([]);
  });

  it('reads a selection from the URL, keeping only tiles of the grid', () => {
    expect(parseTileSelection('1_0,9_9,0_1,1_0', layout)).toEqual(['1_0', '0_1']);
    expect(parseTileSelection('', layout)).toEqual([]);
    expect(parseTileSelection(null, layout)).toBeUndefined();
  });
});

describe('colorScale', () => {
  it('is linear over a narrow range', () => {
    const scale = colorScale([0.2, 0.4, 0.3])!;
    expect(scale.log).toBe(false);
    expect(scale.position(0.2)).toBe(0);
    expect(scale.position(0.4)).toBe(1);
    expect(scale.position(0.3)).toBeCloseTo(0.5);
    expect(scale.valueAt(0.5)).toBeCloseTo(0.3);
  });

  it('is logarithmic when positive values span a factor of ten, so the others stay apart', () => {
    const scale = colorScale([0.01, 0.1, 1])!;
    expect(scale.log).toBe(true);
    expect(scale.position(0.1)).toBeCloseTo(0.5);
    expect(scale.valueAt(0.5)).toBeCloseTo(0.1);
  });

  it('puts a single value mid-scale and ignores non-finite values', () => {
    const scale = colorScale([NaN, 0.5, Infinity])!;
    expect([scale.min, scale.max]).toEqual([0.5, 0.5]);
    expect(scale.position(0.5)).toBe(0.5);
    expect(colorScale([NaN])).toBeUndefined();
  });

  it('clamps values outside the range', () => {
    const scale = colorScale([1, 2])!;
    expect(scale.position(0)).toBe(0);
    expect(scale.position(5)).toBe(1);
  });
});

describe('splitTileMetrics (data/columns.ts)', () => {
  it('parts per-tile keys from the ordinary ones, each in order', () => {
    expect(splitTileMetrics(['loss', 'tile_0_0/loss', 'tile_0_1/val_loss', 'val_loss'])).toEqual({
      plain: ['loss', 'val_loss'],
      tiles: ['tile_0_0/loss', 'tile_0_1/val_loss'],
    });
  });
});
