// The "5mm" scale bar the microscope software burns into the bottom-left corner of every photo (drawn after the
// camera: it is an overlay, sharp and noise-free).
import sharp from 'sharp';
import type { Image } from '../image/image.ts';
import { referenceToOutput } from './template.ts';

export interface Overlay {
  /** RGBA, transparent but for the bar and its label. */
  layer: Image;
  /** Rows [y0, y1) that hold anything. */
  y0: number;
  y1: number;
}

/** The overlay for a frame of this size. */
export async function renderScaleBar(width: number, height: number): Promise<Overlay> {
  const frame = referenceToOutput(width, height);
  const s = frame.scale;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect x="${frame.x(60)}" y="${frame.y(1030)}" width="${79 * s}" height="${Math.max(1, 2.2 * s)}" fill="rgb(240,240,240)"/>` +
    `<text x="${frame.x(99.5)}" y="${frame.y(1053)}" font-family="DejaVu Sans" font-size="${15 * s}" text-anchor="middle" fill="rgb(236,236,236)">5mm</text>` +
    `</svg>`;
  const { data } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let y0 = height;
  let y1 = 0;
  for (let i = 3; i < data.length; i += 4) {
    if (!data[i]) continue;
    const y = Math.floor((i >> 2) / width);
    y0 = Math.min(y0, y);
    y1 = y + 1;
  }
  return { layer: { width, height, channels: 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }, y0, y1 };
}

/** Draws the overlay onto an RGB image in place. */
export function overlay(image: Image, { layer, y0, y1 }: Overlay): void {
  for (let i = y0 * image.width; i < y1 * image.width; i++) {
    const a = layer.data[4 * i + 3]!;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) {
      const p = 3 * i + c;
      image.data[p] = Math.round((layer.data[4 * i + c]! * a + image.data[p]! * (255 - a)) / 255);
    }
  }
}
