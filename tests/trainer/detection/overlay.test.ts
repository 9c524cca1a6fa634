import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { contour, figureLayout, figureTitle, MAX_PANEL, renderAnomalyFigure, smallRegionRings } from '../../../trainer/detection/overlay.ts';
import type { Image } from '../../../trainer/image/image.ts';

/** A lit part (orange) on a dark stage. */
function partImage(w: number, h: number, channels: 3 | 4 = 3): Image {
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const part = x >= w / 10 && x < (9 * w) / 10 && y >= h / 10 && y < (9 * h) / 10;
      data.set(part ? [190, 130, 60] : [12, 12, 12], (y * w + x) * channels);
      if (channels === 4) data[(y * w + x) * channels + 3] = 255;
    }
  }
  return { width: w, height: h, channels, data };
}

/** A block of `value` in a map of `base`. */
function blockMap(w: number, h: number, base: number, value: number, [x0, y0, x1, y1]: number[]): Float32Array {
  const map = new Float32Array(w * h).fill(base);
  for (let y = y0!; y < y1!; y++) map.fill(value, y * w + x0!, y * w + x1!);
  return map;
}

async function decode(png: Buffer): Promise<{ width: number; height: number; at: (x: number, y: number) => number[] }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, at: (x, y) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)] };
}

const isRed = ([r, g, b]: number[]) => r! > 150 && g! < 90 && b! < 90;
const isCyan = ([r, g, b]: number[]) => r! < 60 && g! > 200 && b! > 200;

describe('anomaly figure', () => {
  it('is three panels wide; red where the map exceeds the threshold, cyan on the ground-truth edge', async () => {
    const w = 40;
    const h = 30;
    // hot block: x 24..32, y 16..24; ground truth: x 6..14, y 5..12 (apart, so each colour is checked on its own)
    const map = blockMap(w, h, 0.002, 0.05, [24, 16, 32, 24]);
    const groundTruth = new Uint8Array(blockMap(w, h, 0, 255, [6, 5, 14, 12]));
    const title = figureTitle({ file: 'good/003.png', score: 0.05, normalisedScore: 1.82, label: 'good', prediction: 'anomalous' });
    expect(title).toBe('good/003.png · score 0.05 (normalised 1.82) · label: good · prediction: anomalous');
    const png = await renderAnomalyFigure({ image: partImage(w, h), map, threshold: 0.01, groundTruth, title });
    const file = join(mkdtempSync(join(tmpdir(), 'pixal-overlay-')), 'figure.png');
    writeFileSync(file, png);

    const layout = figureLayout(w, h);
    expect(layout.scale).toBe(6); // small crops grow to at least 240 px panels
    const figure = await decode(await sharp(file).png().toBuffer());
    expect([figure.width, figure.height]).toEqual([layout.width, layout.height]);
    const [input, heat, over] = layout.panels;
    expect(input.width).toBe(240);
    expect(figure.width).toBeGreaterThan(3 * input.width);
    expect(heat.left).toBeGreaterThanOrEqual(input.left + input.width);
    expect(over.left).toBeGreaterThanOrEqual(heat.left + heat.width);

    const s = layout.scale;
    const px = (box: typeof over, x: number, y: number) => figure.at(box.left + Math.round(x * s), box.top + Math.round(y * s));
    // overlay: the hot block is red-filled and outlined in pure red; the part elsewhere stays gray
    expect(isRed(px(over, 28, 20))).toBe(true);
    const row = Array.from({ length: 8 * s }, (_, i) => figure.at(over.left + 20 * s + i, over.top + 20 * s).join());
    expect(row.filter((p) => p === '255,0,0').length).toBe(2); // the outline crossed once, 2 px wide
    const [r, g, b] = px(over, 20, 20);
    expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!)).toBeLessThan(40);
    // the ground-truth edge is cyan, its inside is not
    expect(isCyan(px(over, 10, 5))).toBe(true);
    expect(isCyan(px(over, 6, 8))).toBe(true);
    expect(isCyan(px(over, 10, 8))).toBe(false);
    // nothing red or cyan in the input panel; the heatmap is bright (viridis yellow) on the hot block, dark elsewhere
    expect(isRed(px(input, 28, 20)) || isCyan(px(input, 10, 5))).toBe(false);
    const [hr, hg, hb] = px(heat, 28, 20);
    expect(hr! > 200 && hg! > 200 && hb! < 100).toBe(true);
    expect(Math.max(...px(heat, 5, 25))).toBeLessThan(120);
  });

  it('shrinks a big crop to MAX_PANEL wide and keeps a one-pixel hot spot and a thin defect visible', async () => {
    const w = 1000;
    const h = 500;
    const map = new Float32Array(w * h).fill(0.001);
    map[250 * w + 601] = 0.2;
    const groundTruth = new Uint8Array(blockMap(w, h, 0, 1, [200, 100, 201, 400])); // one pixel wide
    const png = await renderAnomalyFigure({ image: partImage(w, h, 4), map, threshold: 0.01, groundTruth, title: 'big' });
    const layout = figureLayout(w, h);
    expect(layout.panels[0].width).toBe(MAX_PANEL);
    const figure = await decode(png);
    expect([figure.width, figure.height]).toEqual([layout.width, layout.height]);
    const over = layout.panels[2];
    const near = (x: number, y: number, test: (p: number[]) => boolean) => {
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (test(figure.at(over.left + Math.round(x * 0.8) + dx, over.top + Math.round(y * 0.8) + dy))) return true;
      return false;
    };
    expect(near(601, 250, isRed)).toBe(true);
    expect(near(200, 250, isCyan)).toBe(true);
  });

  it('draws the same pixels at scale 1 without a mask, and refuses maps of another size', async () => {
    const map = blockMap(300, 200, 0, 0.5, [100, 50, 200, 150]);
    const png = await renderAnomalyFigure({ image: partImage(300, 200), map, threshold: 0.1, title: 'plain', scale: 1 });
    const layout = figureLayout(300, 200, 1);
    const figure = await decode(png);
    expect(figure.width).toBe(layout.width);
    expect(isRed(figure.at(layout.panels[2].left + 150, layout.panels[2].top + 100))).toBe(true);
    await expect(renderAnomalyFigure({ image: partImage(300, 200), map: map.subarray(1), threshold: 0.1, title: 'x' })).rejects.toThrow(/error map has 59999 values, the image is 300x200/);
    await expect(renderAnomalyFigure({ image: partImage(300, 200), map, threshold: 0, title: 'x' })).rejects.toThrow(/threshold must be a positive number/);
  });
});

describe('contour', () => {
  it('is a 2 px line straddling the mask edge; the image border closes it', () => {
    // 6x4 mask with a 2x2 square at x 1..2, y 1..2 and a pixel at the right border
    const mask = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect([...contour(mask, 6, 4)]).toEqual([0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1]);
  });
});

describe('smallRegionRings', () => {
  it('rings each small 4-connected region, not the big ones', () => {
    const w = 40;
    const mask = new Uint8Array(w * 30);
    mask.fill(1, 2 * w + 3, 2 * w + 5); // a 2x2 blob at x 3..4, y 2..3
    mask.fill(1, 3 * w + 3, 3 * w + 5);
    mask[10 * w + 10] = 1; // diagonal neighbours are separate regions
    mask[11 * w + 11] = 1;
    mask.fill(1, 20 * w + 5, 20 * w + 35); // 30 px long: big enough to see
    expect(smallRegionRings(mask, w, 30)).toEqual([
      { x: 4, y: 3, r: Math.SQRT2 + 8 },
      { x: 10.5, y: 10.5, r: Math.SQRT1_2 + 8 },
      { x: 11.5, y: 11.5, r: Math.SQRT1_2 + 8 },
    ]);
  });
});
