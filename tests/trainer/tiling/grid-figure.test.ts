// plots/tile_grid_<type>.png: the anomaly figure with every tile's rectangle drawn over its heatmap and overlay
// panels, at the crop's scale (pooled-map tiles stretched as detection upsamples the map).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { figureLayout } from '../../../trainer/detection/overlay.ts';
import { writePng, type Image } from '../../../trainer/image/image.ts';
import { renderTileGridFigure, tileRectangles, writeTileGridFigure } from '../../../trainer/tiling/grid-figure.ts';
import { tileGrid } from '../../../trainer/tiling/grid.ts';
import { PixelHistogram } from '../../../trainer/detection/pixel-histogram.ts';
import { ReconstructionStats } from '../../../trainer/detection/reconstruction-stats.ts';
import { RegionOverlap } from '../../../trainer/detection/region-overlap.ts';
import type { TypeDetection } from '../../../trainer/validation/detect.ts';
import type { ImageRow } from '../../../trainer/validation/results.ts';
import { preparedSet } from './detect-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'pixal-tile-grid-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function grey(width: number, height: number): Image {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(60) };
}

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, at: (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)] };
}

const isOrange = ([r, g, b]: number[]) => r! > 200 && g! > 100 && g! < 180 && b! < 60;
const isWhite = ([r, g, b]: number[]) => r! > 220 && g! > 220 && b! > 220;

describe('tile grid figure', () => {
  it('stretches the tiles to the crop', () => {
    const grid = tileGrid(48, 64, 32, 16);
    expect(tileRectangles(grid.tiles, [48, 64], { width: 128, height: 96 })[5]).toEqual({ row: 1, col: 2, x: 64, y: 32, width: 64, height: 64 });
  });

  it('draws every tile over the heatmap and the overlay, in alternating colours, and nothing over the input', async () => {
    // 2x3 tiles of 32 on a 48x64 map (overlapping by 16 in y and 16 in x), the crop twice the map (pool 2)
    const grid = tileGrid(48, 64, 32, 16);
    expect([grid.rows, grid.cols]).toEqual([2, 3]);
    const image = grey(128, 96);
    const png = await renderTileGridFigure({ image, map: new Float32Array(128 * 96), threshold: 1, title: 'front/0.png', tiles: grid.tiles, mapShape: [48, 64] });
    const layout = figureLayout(128, 96);
    const figure = await pixels(png);
    expect([figure.width, figure.height]).toEqual([layout.width, layout.height]);
    const s = layout.scale;
    const [input, heat, over] = layout.panels;
    // tile r0c0 (white) has its left edge at crop x 0, tile r0c1 (orange) at crop x 32, r1c0 (orange) its top at crop y 32
    for (const panel of [heat, over]) {
      const at = (x: number, y: number) => figure.at(Math.round(panel.left + x * s), Math.round(panel.top + y * s));
      expect(isWhite(at(0, 10))).toBe(true);
      expect(isOrange(at(32, 10))).toBe(true);
      expect(isOrange(at(10, 32))).toBe(true);
    }
    expect(isOrange(figure.at(Math.round(input.left + 32 * s), Math.round(input.top + 10 * s)))).toBe(false);
    await expect(renderTileGridFigure({ image, map: new Float32Array(128 * 96), threshold: 1, title: '', tiles: [{ ...grid.tiles[0]!, x: 40 }], mapShape: [48, 64] })).rejects.toThrow(
      'tile r0 c0 (0,40 32x32) leaves the 48x64 map',
    );
  });

  it('is written as plots/tile_grid_<type>.png for the chosen image', async () => {
    const set = preparedSet({ n: 2, shape: [32, 32] });
    for (const item of set.items) {
      item.croppedFile = join(root, item.name);
      await writePng(item.croppedFile, grey(32, 32));
    }
    const grid = tileGrid(32, 32, 16, 16);
    const detection: TypeDetection = { type: 'front', items: set.items, scores: [0.1, 0.2], maps: new Float32Array(2 * 32 * 32).fill(0.05), normalised: true, shape: [32, 32], pixels: new PixelHistogram(), regions: new RegionOverlap(), stats: new ReconstructionStats(['R', 'G', 'B']) };
    const rows = set.items.map((item, i) => ({ type: 'front', name: item.name, score: [0.1, 0.2][i]! }) as ImageRow);
    const name = await writeTileGridFigure({ stage: root, detection, tiling: { grid, tileSize: 16, stride: 16, mode: 'per_location' }, rows, image: 1, threshold: 0.1, mapCaption: 'pixel error (× its usual error)' });
    expect(name).toBe('plots/tile_grid_front.png');
    const meta = await sharp(join(root, name)).metadata();
    expect(meta.width).toBe(figureLayout(32, 32).width);
  });
});
