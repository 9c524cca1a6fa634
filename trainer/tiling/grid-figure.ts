// plots/tile_grid_<type>.png: one validation image's anomaly figure (trainer/detection/overlay.ts) with the tile
// grid drawn over its heatmap and overlay panels, so a reader sees where the tiles lie, how much they overlap and
// whether a hot spot follows a seam. Tiles are drawn in two alternating colours (by row + column parity) and filled
// faintly, so an overlap band, covered twice, shows brighter with both outlines through it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { figureLayout, formatError, renderAnomalyFigure, type AnomalyFigure } from '../detection/overlay.ts';
import { readImage } from '../image/image.ts';
import { el, text } from '../plots/svg.ts';
import { cropMap, type TypeDetection } from '../validation/detect.ts';
import type { ImageRow } from '../validation/results.ts';
import type { TiledDetection } from './detect.ts';
import type { Tile } from './grid.ts';

export interface TileGridFigure extends Omit<AnomalyFigure, 'scale'> {
  /** The tiles, in pooled-map pixels. */
  tiles: readonly Tile[];
  /** The pooled map the tiles cut, [H', W']; the figure's crop is image.height x image.width. */
  mapShape: readonly [number, number];
}

const COLOURS = ['rgb(255,255,255)', 'rgb(255,140,0)'] as const;
/** Tiles narrower than this on the panel (px) get no r/c label: it would cover the tile. */
const LABEL_MIN = 36;

/** The tiles' rectangles at the crop's scale: pooled-map pixels stretched as detection upsamples the map. */
export function tileRectangles(tiles: readonly Tile[], mapShape: readonly [number, number], crop: { width: number; height: number }) {
  const [h, w] = mapShape;
  const sy = crop.height / h;
  const sx = crop.width / w;
  return tiles.map((t) => ({ row: t.row, col: t.col, x: t.x * sx, y: t.y * sy, width: t.width * sx, height: t.height * sy }));
}

export async function renderTileGridFigure(figure: TileGridFigure): Promise<Buffer> {
  const { image, tiles, mapShape } = figure;
  const [h, w] = mapShape;
  for (const t of tiles) {
    if (t.y < 0 || t.x < 0 || t.y + t.height > h || t.x + t.width > w) throw new RangeError(`tile r${t.row} c${t.col} (${t.y},${t.x} ${t.height}x${t.width}) leaves the ${h}x${w} map`);
  }
  const png = await renderAnomalyFigure(figure);
  const layout = figureLayout(image.width, image.height);
  const rects = tileRectangles(tiles, mapShape, image);
  const s = layout.scale;
  const shapes = [layout.panels[1], layout.panels[2]].flatMap((panel) =>
    rects.map((r) => {
      const colour = COLOURS[(r.row + r.col) % 2]!;
      const box = { x: panel.left + r.x * s + 0.75, y: panel.top + r.y * s + 0.75, width: Math.max(0, r.width * s - 1.5), height: Math.max(0, r.height * s - 1.5) };
      const rect = el('rect', { ...box, fill: colour, 'fill-opacity': 0.07, stroke: colour, 'stroke-width': 1.5, 'stroke-opacity': 0.9 });
      const label = box.width >= LABEL_MIN && box.height >= 16 ? text(box.x + 3, box.y + 12, `r${r.row}c${r.col}`, { 'font-size': 10, fill: colour }) : '';
      return rect + label;
    }),
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" font-family="DejaVu Sans, Arial, sans-serif">${shapes.join('')}</svg>`;
  return sharp(png)
    .composite([{ input: Buffer.from(svg), left: 0, top: 0 }])
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
}

export interface TileGridParams {
  /** The validation's staging folder: the figure goes to plots/tile_grid_<type>.png. */
  stage: string;
  detection: TypeDetection;
  tiling: TiledDetection;
  /** The detection's rows, in item order. */
  rows: readonly ImageRow[];
  /** Which item to draw (the most telling one, as the overlays pick them). */
  image: number;
  /** The pixel threshold, in the maps' units. */
  threshold: number;
  /** The heatmap's caption, naming the maps' units, as the overlays have it. */
  mapCaption?: string;
}

/** Writes plots/tile_grid_<type>.png; returns its path relative to the stage. */
export async function writeTileGridFigure(p: TileGridParams): Promise<string> {
  const { detection: d, tiling } = p;
  const item = d.items[p.image]!;
  const row = p.rows[p.image]!;
  const { grid } = tiling;
  const png = await renderTileGridFigure({
    image: await readImage(item.croppedFile, 4),
    map: cropMap(d, p.image),
    threshold: p.threshold,
    ...(p.mapCaption ? { mapCaption: p.mapCaption } : {}),
    ...(item.groundTruth ? { groundTruth: item.groundTruth } : {}),
    title: `${d.type}/${item.name} · score ${formatError(row.score)} · ${grid.rows}x${grid.cols} tiles of ${tiling.tileSize} px, stride ${tiling.stride} (${tiling.mode})`,
    tiles: grid.tiles,
    mapShape: d.shape,
  });
  const name = `plots/tile_grid_${d.type}.png`;
  await mkdir(join(p.stage, 'plots'), { recursive: true });
  await writeFile(join(p.stage, name), png);
  return name;
}
