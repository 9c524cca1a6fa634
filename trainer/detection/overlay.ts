// The per-image anomaly figure, one PNG read at a glance: the input crop | its error map as a heatmap with a colour
// bar in error units | the input in gray with the heatmap blended over it, the pixels over the pixel threshold in
// red and the ground-truth defect contour in cyan. Pixels are drawn here into raw buffers; text, colour bar and
// legend are an SVG layer; sharp composites them.
import sharp from 'sharp';
import type { Image } from '../image/image.ts';
import { linearScale } from '../plots/scale.ts';
import { el, escapeXml, text } from '../plots/svg.ts';
import { downsampleMax, upsampleBilinear } from './upsample.ts';

export interface AnomalyFigure {
  /** The aligned, cropped input (gray, RGB or RGBA 8-bit); transparent background is drawn black. */
  image: Image;
  /** Error map at the crop size (image.height x image.width), in error units. */
  map: Float32Array;
  /** Pixel threshold in error units: pixels with a larger error are drawn red in the overlay. */
  threshold: number;
  /** Ground-truth defect mask at the crop size, non-zero = defect. */
  groundTruth?: Uint8Array;
  /** One line, e.g. from figureTitle. */
  title: string;
  /** Panel size / crop size. Default: big crops shrink to MAX_PANEL px, small ones grow to MIN_PANEL px wide. */
  scale?: number;
  /** Top of the colour scale. Default: the larger of the map's maximum and the threshold. */
  maxError?: number;
  /** Caption of the heatmap panel, naming the map's units. Default: 'pixel error (weighted squared error)'. */
  mapCaption?: string;
}

/** Longest panel side of a default-scaled big crop, and the narrowest panel (captions must fit). */
export const MAX_PANEL = 800;
export const MIN_PANEL = 240;

const MARGIN = 14;
const GAP = 20;
const BAR_GAP = 10;
const BAR_WIDTH = 16;
const BAR_LABELS = 64;
const TITLE_HEIGHT = 34;
const CAPTION_HEIGHT = 24;
const FOOTER_HEIGHT = 34;
const FONT = 'DejaVu Sans, Arial, sans-serif';
/** Average glyph width per px of font size, for layout estimates. */
const CHAR_WIDTH = 0.62;
const RED = [255, 0, 0] as const;
const CYAN = [0, 255, 255] as const;
/** Opacity of the red fill over the over-threshold pixels (their outline is opaque). */
const RED_FILL = 0.6;
/** Opacity of the heatmap over the gray input at the top of the colour scale (0 at error 0). */
const HEAT_OPACITY = 0.75;

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface FigureLayout {
  width: number;
  height: number;
  scale: number;
  /** input, heatmap, overlay: each panel.width x panel.height. */
  panels: [Box, Box, Box];
  colourBar: Box;
}

export function defaultScale(width: number, height: number): number {
  const side = Math.max(width, height);
  if (side > MAX_PANEL) return MAX_PANEL / side;
  // Small crops grow by a whole factor (crisp pixels), as far as the longest side allows.
  if (width < MIN_PANEL) return Math.max(1, Math.min(Math.ceil(MIN_PANEL / width), Math.floor(MAX_PANEL / side)));
  return 1;
}

/** Where everything goes, for a crop of width x height. */
export function figureLayout(width: number, height: number, scale = defaultScale(width, height)): FigureLayout {
  const panelWidth = Math.max(1, Math.round(width * scale));
  const panelHeight = Math.max(1, Math.round(height * scale));
  const top = TITLE_HEIGHT + CAPTION_HEIGHT;
  const panel = (left: number): Box => ({ left, top, width: panelWidth, height: panelHeight });
  const heatmapLeft = MARGIN + panelWidth + GAP;
  const barLeft = heatmapLeft + panelWidth + BAR_GAP;
  const overlayLeft = barLeft + BAR_WIDTH + BAR_LABELS + GAP;
  return {
    width: overlayLeft + panelWidth + MARGIN,
    height: top + panelHeight + FOOTER_HEIGHT,
    scale,
    panels: [panel(MARGIN), panel(heatmapLeft), panel(overlayLeft)],
    colourBar: { left: barLeft, top, width: BAR_WIDTH, height: panelHeight },
  };
}

/** Error values as the figure prints them: three significant digits. */
export function formatError(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs < 1e-3 || abs >= 1e4 ? value.toExponential(2) : String(Number(value.toPrecision(3)));
}

/** The figure's title line. */
export function figureTitle(parts: { file: string; score: number; normalisedScore: number; label?: string; prediction: string }): string {
  return `${parts.file} · score ${formatError(parts.score)} (normalised ${parts.normalisedScore.toFixed(2)}) · label: ${parts.label ?? 'unlabelled'} · prediction: ${parts.prediction}`;
}

/** Renders the figure as PNG bytes. */
export async function renderAnomalyFigure(figure: AnomalyFigure): Promise<Buffer> {
  const { image, threshold } = figure;
  const { width, height } = image;
  if (figure.map.length !== width * height) throw new RangeError(`anomaly figure: the error map has ${figure.map.length} values, the image is ${width}x${height}`);
  if (figure.groundTruth && figure.groundTruth.length !== width * height) {
    throw new RangeError(`anomaly figure: the ground-truth mask has ${figure.groundTruth.length} values, the image is ${width}x${height}`);
  }
  if (!(threshold > 0 && Number.isFinite(threshold))) throw new RangeError(`anomaly figure: the pixel threshold must be a positive number, got ${threshold}`);
  if (figure.scale !== undefined && !(figure.scale > 0)) throw new RangeError(`anomaly figure: scale must be positive, got ${figure.scale}`);

  const layout = figureLayout(width, height, figure.scale);
  const { width: w, height: h } = layout.panels[0];
  const input = await panelPixels(image, w, h);
  const map = resizeMap(figure.map, width, height, w, h);
  const truth = figure.groundTruth && resizeMask(figure.groundTruth, width, height, w, h);
  const top = figure.maxError ?? Math.max(threshold, maxOf(figure.map));
  const lut = viridisTable();

  const heat = new Uint8Array(w * h * 3);
  const over = new Uint8Array(w * h * 3);
  const exceeds = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const t = Math.min(1, Math.max(0, map[i]! / top));
    const c = Math.round(t * 255) * 3;
    const gray = 0.299 * input[i * 3]! + 0.587 * input[i * 3 + 1]! + 0.114 * input[i * 3 + 2]!;
    const alpha = HEAT_OPACITY * Math.sqrt(t); // sqrt: errors well below the top still tint the gray
    exceeds[i] = map[i]! > threshold ? 1 : 0;
    for (let k = 0; k < 3; k++) {
      heat[i * 3 + k] = lut[c + k]!;
      // Over the threshold the gray shows through plain red: red alone means "anomalous pixel".
      over[i * 3 + k] = Math.round(exceeds[i] ? gray * (1 - RED_FILL) + RED[k]! * RED_FILL : gray * (1 - alpha) + lut[c + k]! * alpha);
    }
  }
  paint(over, contour(exceeds, w, h), RED);
  if (truth) paint(over, contour(truth, w, h), CYAN);

  const raw = (data: Uint8Array, box: Box) => ({ input: Buffer.from(data.buffer, data.byteOffset, data.byteLength), raw: { width: w, height: h, channels: 3 as const }, left: box.left, top: box.top });
  return sharp({ create: { width: layout.width, height: layout.height, channels: 3, background: '#ffffff' } })
    .composite([
      raw(input, layout.panels[0]),
      raw(heat, layout.panels[1]),
      raw(over, layout.panels[2]),
      { input: Buffer.from(decorations(layout, figure.title, top, threshold, truth, figure.mapCaption ?? 'pixel error (weighted squared error)')), left: 0, top: 0 },
    ])
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** The crop as RGB at the panel size: whole-factor enlargements keep crisp pixels. */
async function panelPixels(image: Image, w: number, h: number): Promise<Uint8Array> {
  let pipeline = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  if (image.channels === 4) pipeline = pipeline.flatten({ background: '#000000' });
  if (w !== image.width || h !== image.height) pipeline = pipeline.resize(w, h, { fit: 'fill', kernel: w > image.width ? 'nearest' : 'lanczos3' });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) rgb.fill(data[i * info.channels]!, i * 3, i * 3 + 3);
  return rgb;
}

// Shrinking keeps each output pixel's maximum, so no hot spot or thin defect disappears from a smaller figure.
function resizeMap(map: Float32Array, width: number, height: number, w: number, h: number): Float32Array {
  if (w === width && h === height) return map;
  return w < width ? downsampleMax(map, height, width, h, w) : upsampleBilinear(map, height, width, h, w);
}

function resizeMask(mask: Uint8Array, width: number, height: number, w: number, h: number): Uint8Array {
  if (w === width && h === height) return mask;
  if (w < width) return downsampleMax(mask, height, width, h, w);
  const smooth = upsampleBilinear(Float32Array.from(mask, (v) => (v > 0 ? 1 : 0)), height, width, h, w);
  return Uint8Array.from(smooth, (v) => (v >= 0.5 ? 1 : 0));
}

function maxOf(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/**
 * A 2 px line along the edge of a mask: the mask pixels with a 4-neighbour outside it (the image border counts as
 * outside) and the outside pixels with a 4-neighbour in it, so the line straddles the edge.
 */
export function contour(mask: Uint8Array, w: number, h: number): Uint8Array {
  const line = new Uint8Array(w * h);
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x]! > 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const here = inside(x, y);
      if (here !== inside(x - 1, y) || here !== inside(x + 1, y) || here !== inside(x, y - 1) || here !== inside(x, y + 1)) line[y * w + x] = 1;
    }
  }
  return line;
}

function paint(rgb: Uint8Array, where: Uint8Array, colour: readonly [number, number, number]): void {
  for (let i = 0; i < where.length; i++) if (where[i]) rgb.set(colour, i * 3);
}

/** Viridis (perceptually uniform, readable in gray and by most colour-blind readers), 33 samples from matplotlib. */
const VIRIDIS =
  '440154470d6048186a482374472d7b4537814240863e49893b528b375b8d33638d2f6b8e2c728e297a8e26828e23898e21918c1f988b' +
  '1fa08822a78528ae8032b67a3fbc734ec36b5ec96270cf5784d44b98d83eaddc30c2df23d8e219ece51bfde725';

function viridisStops(): number[][] {
  return Array.from({ length: VIRIDIS.length / 6 }, (_, i) => [0, 2, 4].map((k) => parseInt(VIRIDIS.slice(i * 6 + k, i * 6 + k + 2), 16)));
}

let table: Uint8Array | undefined;
/** 256 RGB entries interpolated between the stops (within 3/255 of matplotlib's table). */
function viridisTable(): Uint8Array {
  if (table) return table;
  const stops = viridisStops();
  table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const at = (i / 255) * (stops.length - 1);
    const lo = Math.min(stops.length - 2, Math.floor(at));
    const f = at - lo;
    for (let k = 0; k < 3; k++) table[i * 3 + k] = Math.round(stops[lo]![k]! * (1 - f) + stops[lo + 1]![k]! * f);
  }
  return table;
}

/** Defects smaller than this (px at output scale, either side) also get a ring, or a glance would miss them. */
const SMALL_DEFECT = 16;

/** Centre and radius of a ring around each small connected region (4-connected) of a mask. */
export function smallRegionRings(mask: Uint8Array, w: number, h: number): { x: number; y: number; r: number }[] {
  const seen = new Uint8Array(w * h);
  const rings: { x: number; y: number; r: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || seen[start]) continue;
    let [x0, y0, x1, y1] = [w, h, -1, -1];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
        if (j >= 0 && mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    if (x1 - x0 + 1 < SMALL_DEFECT && y1 - y0 + 1 < SMALL_DEFECT) {
      rings.push({ x: (x0 + x1 + 1) / 2, y: (y0 + y1 + 1) / 2, r: Math.hypot(x1 - x0 + 1, y1 - y0 + 1) / 2 + 8 });
    }
  }
  return rings;
}

/** Title, panel captions, the colour bar with its ticks and the threshold, and the legend: one SVG layer. */
function decorations(layout: FigureLayout, title: string, top: number, threshold: number, truth: Uint8Array | undefined, mapCaption: string): string {
  const [input, heat, over] = layout.panels;
  const bar = layout.colourBar;
  const titleSize = Math.max(10, Math.min(16, (layout.width - 2 * MARGIN) / (CHAR_WIDTH * Math.max(1, title.length))));
  const caption = (box: Box, content: string) => text(box.left, TITLE_HEIGHT + CAPTION_HEIGHT - 7, content, { 'font-size': 13, fill: '#333333' });
  const scale = linearScale(0, top, [bar.top + bar.height, bar.top], false, 5);
  const thresholdY = scale.map(Math.min(threshold, top));
  const stops = viridisStops()
    .map((rgb, i, all) => el('stop', { offset: i / (all.length - 1), 'stop-color': `rgb(${rgb.join(',')})` }))
    .join('');
  const ticks = scale.ticks
    .filter((t) => Math.abs(scale.map(t) - thresholdY) > 10)
    .map((t) => {
      const y = scale.map(t);
      return el('line', { x1: bar.left + bar.width, x2: bar.left + bar.width + 4, y1: y, y2: y, stroke: '#444444' }) + text(bar.left + bar.width + 7, y + 4, scale.format(t), { 'font-size': 11, fill: '#333333' });
    })
    .join('');
  const legendY = layout.height - FOOTER_HEIGHT / 2;
  // legend entries one after the other, from the left (a narrow figure has no room under each panel)
  const redLabel = `pixel error > ${formatError(threshold)} (pixel threshold)`;
  const second = input.left + 20 + redLabel.length * 12 * CHAR_WIDTH + 24;
  const swatch = (x: number, colour: string, label: string) =>
    el('rect', { x, y: legendY - 9, width: 14, height: 14, fill: colour, stroke: '#444444' }) + text(x + 20, legendY + 3, label, { 'font-size': 12, fill: '#222222' });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" font-family="${escapeXml(FONT)}">`,
    `<defs><linearGradient id="viridis" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`,
    text(MARGIN, 23, title, { 'font-size': titleSize, 'font-weight': 'bold', fill: '#111111' }),
    caption(input, 'input'),
    caption(heat, mapCaption),
    caption(over, 'overlay'),
    el('rect', { x: bar.left, y: bar.top, width: bar.width, height: bar.height, fill: 'url(#viridis)', stroke: '#444444' }),
    ticks,
    el('line', { x1: bar.left - 4, x2: bar.left + bar.width + 4, y1: thresholdY, y2: thresholdY, stroke: 'rgb(255,0,0)', 'stroke-width': 2 }),
    text(bar.left + bar.width + 7, thresholdY + 4, 'threshold', { 'font-size': 11, fill: 'rgb(220,0,0)', 'font-weight': 'bold' }),
    swatch(input.left, 'rgb(255,0,0)', redLabel),
    ...(truth ? smallRegionRings(truth, over.width, over.height).map((c) => el('circle', { cx: over.left + c.x, cy: over.top + c.y, r: c.r, fill: 'none', stroke: 'rgb(0,255,255)', 'stroke-width': 1.5 })) : []),
    truth ? swatch(second, 'rgb(0,255,255)', 'ground-truth defect contour (small defects ringed)') : text(second, legendY + 3, 'no ground-truth mask', { 'font-size': 12, fill: '#666666' }),
    '</svg>',
  ].join('');
}
