// Where defects are drawn: the part at its canonical pose, what each of its pixels is made of (copper, etched
// gap, silkscreen), and a mark — a coverage map and the colour it turns pixels into — painted onto it. The mark's
// mask keeps the pixels it covers at least half and visibly changes, always inside the part.
import type { Image } from '../../image/image.ts';
import type { DefectZones, PartTemplate } from '../template.ts';

/** What a pixel of the part is, as far as defects care. */
export const Material = {
  /** Off the part, or too close to its edge for a defect. */
  Outside: 0,
  Copper: 1,
  Gap: 2,
  Silkscreen: 3,
} as const;
export type Material = (typeof Material)[keyof typeof Material];

export interface PartAnalysis {
  /** A Material per pixel. */
  material: Uint8Array;
  /** Indices of the pixels defects may touch (not Outside), for drawing positions uniformly. */
  interior: Uint32Array;
}

export interface DefectCanvas {
  /** A private copy of the template's part (RGBA), painted in place. */
  part: Image;
  analysis: PartAnalysis;
  zones: DefectZones;
  /** Output pixels per reference pixel. */
  scale: number;
}

export interface Mark {
  /** Pixel box [x0, x1) x [y0, y1), clipped to the frame. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Coverage of each pixel of the box, 0..1 (row-major, (x1 - x0) per row). */
  coverage: Float32Array;
  /** The colour the defect gives a pixel of colour `rgb` where it covers it fully (written into `out`). */
  tint(rgb: readonly number[], out: number[]): void;
}

/** A pixel counts as defective when the mark changes it by at least this much (sum over R, G, B). */
const VISIBLE_CHANGE = 12;

/** An empty mark over a box (clipped to the frame); fill its coverage with `cover`. */
export function markOver(
  canvas: DefectCanvas,
  box: { x0: number; y0: number; x1: number; y1: number },
  cover: (x: number, y: number) => number,
  tint: Mark['tint'],
): Mark {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(canvas.part.width, Math.ceil(box.x1));
  const y1 = Math.min(canvas.part.height, Math.ceil(box.y1));
  const w = Math.max(0, x1 - x0);
  const coverage = new Float32Array(w * Math.max(0, y1 - y0));
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) coverage[(y - y0) * w + x - x0] = Math.min(1, Math.max(0, cover(x + 0.5, y + 0.5)));
  return { x0, y0, x1, y1, coverage, tint };
}

/**
 * Paints a mark onto the canvas (inside the part only) and returns its mask (0/255, frame-sized), or null when
 * the mark would leave no visible trace (the caller tries elsewhere).
 */
export function paint(canvas: DefectCanvas, mark: Mark): Uint8Array | null {
  const { part, analysis } = canvas;
  const width = part.width;
  const w = mark.x1 - mark.x0;
  const mask = new Uint8Array(width * part.height);
  const old = [0, 0, 0];
  const target = [0, 0, 0];
  let visible = 0;
  for (let y = mark.y0; y < mark.y1; y++) {
    for (let x = mark.x0; x < mark.x1; x++) {
      const c = mark.coverage[(y - mark.y0) * w + x - mark.x0]!;
      const i = y * width + x;
      if (c <= 0 || analysis.material[i] === Material.Outside) continue;
      const p = 4 * i;
      for (let k = 0; k < 3; k++) old[k] = part.data[p + k]!;
      mark.tint(old, target);
      let change = 0;
      for (let k = 0; k < 3; k++) {
        const v = Math.round(old[k]! + c * (target[k]! - old[k]!));
        part.data[p + k] = v < 0 ? 0 : v > 255 ? 255 : v;
        change += Math.abs(part.data[p + k]! - old[k]!);
      }
      if (c < 0.5) continue;
      if (change >= VISIBLE_CHANGE) {
        mask[i] = 255;
        visible++;
      }
    }
  }
  return visible > 0 ? mask : null;
}

/** Snapshot of the pixels a mark may touch, to undo a mark that turned out invisible. */
export function saveBox(canvas: DefectCanvas, mark: Mark): () => void {
  const { part } = canvas;
  const rows: Uint8Array[] = [];
  for (let y = mark.y0; y < mark.y1; y++) rows.push(part.data.slice(4 * (y * part.width + mark.x0), 4 * (y * part.width + mark.x1)));
  return () => rows.forEach((row, k) => part.data.set(row, 4 * ((mark.y0 + k) * part.width + mark.x0)));
}

/** Mean colour of the pixels of one material within `radius` of (x, y), or null when there are none. */
export function materialColour(canvas: DefectCanvas, x: number, y: number, radius: number, material: Material): [number, number, number] | null {
  const { part, analysis } = canvas;
  const values: number[][] = [[], [], []];
  const r = Math.max(1, Math.round(radius));
  for (let yy = Math.max(0, Math.round(y) - r); yy <= Math.min(part.height - 1, Math.round(y) + r); yy++) {
    for (let xx = Math.max(0, Math.round(x) - r); xx <= Math.min(part.width - 1, Math.round(x) + r); xx++) {
      const i = yy * part.width + xx;
      if (analysis.material[i] !== material) continue;
      for (let k = 0; k < 3; k++) values[k]!.push(part.data[4 * i + k]!);
    }
  }
  if (values[0]!.length === 0) return null;
  // The median: robust to the antialiased pixels at material borders.
  return values.map((v) => v.sort((a, b) => a - b)[v.length >> 1]!) as [number, number, number];
}

/** A fresh copy of the part to paint one defect on; defectScale multiplies the defect's size over the frame's scale. */
export function newCanvas(template: PartTemplate, analysis: PartAnalysis, defectScale = 1): DefectCanvas {
  return { part: { ...template.part, data: template.part.data.slice() }, analysis, zones: template.zones, scale: template.scale * defectScale };
}

export function materialAt(canvas: DefectCanvas, x: number, y: number): Material {
  if (x < 0 || y < 0 || x >= canvas.part.width || y >= canvas.part.height) return Material.Outside;
  return canvas.analysis.material[Math.floor(y) * canvas.part.width + Math.floor(x)]! as Material;
}

/** A random point inside the part where defects may go. */
export function interiorPoint(canvas: DefectCanvas, random: { int(a: number, b: number): number }): [number, number] {
  const { interior } = canvas.analysis;
  const i = interior[random.int(0, interior.length - 1)]!;
  return [(i % canvas.part.width) + 0.5, Math.floor(i / canvas.part.width) + 0.5];
}
