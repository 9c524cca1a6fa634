// The copper layer of the flex as SVG, in part units: a copper pour cut by dark etched gaps into traces. In the
// middle the traces run straight; at each end they bend (S-curves) out to the wider pitch of the connector
// fingers; some traces end inside the fan-out, and the wider copper there has etched-out voids. All choices come
// from the type's design stream, so one type always has one layout, like a real production part.
import type { Random } from '../random.ts';
import { END, f, MIDDLE_TOP, PART_HEIGHT, PART_WIDTH, polylinePath, sBend, TAPER, type Box } from './geometry.ts';
import { css, type FlexPalette } from './palette.ts';

/** Width of an etched gap between traces. */
const GAP = 3.2;
/** Middle traces: the first gap line lies this far inside the outline. */
const MIDDLE_MARGIN = 10;
const MIDDLE_LINES = 36;
/** Gap lines that reach the fingers at each end, and how far inside the outline the outermost lies. */
const FINGER_LINES = 26;
const END_MARGIN = 12;
/** The finger zone at the very end of the part, and how far the end-zone geometry is drawn into the middle. */
const FINGER_ZONE = 72;
const FAN_REACH = 320;
const GRID_STEP = 3;
/** Copper-free voids per fan-out. */
const VOIDS = 40;

export interface CopperDesign {
  /** Rows of small zigzag shield patterns between two middle traces (indices of the upper gap line). */
  zigzagRows: number[];
  /** Cross-hatched copper areas (ground plane, hatched pads), part units. */
  hatches: Box[];
}


interface FanLine {
  /** y at each x of the end grid. */
  ys: number[];
  /** The line starts at this grid index (terminating lines start inside the fan-out). */
  start: number;
}

/** The y of middle gap line i (markings and hatches align with the traces). */
export const middleY = (i: number) => MIDDLE_TOP + MIDDLE_MARGIN + (i * (PART_HEIGHT - 2 * MIDDLE_TOP - 2 * MIDDLE_MARGIN)) / (MIDDLE_LINES - 1);
const fingerY = (k: number) => END_MARGIN + (k * (PART_HEIGHT - 2 * END_MARGIN)) / (FINGER_LINES - 1);
/** Which middle gap line continues to finger gap line k. */
const throughLine = (k: number) => Math.round((k * (MIDDLE_LINES - 1)) / (FINGER_LINES - 1));

/** x positions of the end grid (left end; the right end is mirrored). */
const GRID: number[] = Array.from({ length: Math.ceil((FAN_REACH + 4) / GRID_STEP) + 1 }, (_, j) => -4 + j * GRID_STEP);

/**
 * The gap lines of one end, in left-end coordinates. Every line bends over a window that starts further out for
 * outer lines (they must clear the taper of the outline) and drifts slowly inwards, so neighbours never cross.
 */
function fanOut(random: Random): FanLine[] {
  const lines: FanLine[] = new Array(MIDDLE_LINES);
  const length = random.uniform(105, 125);
  const outerStart = random.uniform(62, 72);
  const innerStart = outerStart + random.uniform(35, 60);
  const bends: { x0: number }[] = [];
  for (let k = 0; k < FINGER_LINES; k++) {
    const u = Math.abs((2 * k) / (FINGER_LINES - 1) - 1);
    bends.push({ x0: innerStart + (outerStart - innerStart) * u });
    const i = throughLine(k);
    const x0 = bends[k]!.x0;
    lines[i] = { ys: GRID.map((x) => sBend(x, x0, x0 + length, fingerY(k), middleY(i))), start: 0 };
  }
  // Lines between two through lines follow them proportionally and end somewhere in the bend.
  for (let k = 0; k + 1 < FINGER_LINES; k++) {
    const lo = throughLine(k);
    const hi = throughLine(k + 1);
    for (let i = lo + 1; i < hi; i++) {
      const t = (i - lo) / (hi - lo);
      const ys = GRID.map((_, j) => lines[lo]!.ys[j]! + t * (lines[hi]!.ys[j]! - lines[lo]!.ys[j]!));
      const endX = (bends[k]!.x0 + bends[k + 1]!.x0) / 2 + length * random.uniform(0.25, 0.85);
      lines[i] = { ys, start: GRID.findIndex((x) => x >= endX) };
    }
  }
  return lines;
}

/** Voids: copper-free islands where neighbouring gap lines run far apart in the fan-out. */
function voids(lines: FanLine[], random: Random, count: number): { x: number; y: number; rx: number; ry: number }[] {
  const found: { x: number; y: number; rx: number; ry: number }[] = [];
  for (let attempt = 0; attempt < count * 20 && found.length < count; attempt++) {
    const i = random.int(0, MIDDLE_LINES - 2);
    const j = random.int(0, GRID.length - 1);
    const x = GRID[j]!;
    if (x < FINGER_ZONE + 8 || x > END + TAPER + 40) continue;
    const a = lines[i]!;
    const b = lines[i + 1]!;
    if (j < a.start || j < b.start) continue;
    const space = b.ys[j]! - a.ys[j]! - GAP;
    if (space < 6.5) continue;
    const ry = Math.min(space / 2 - 1.2, random.uniform(2.5, 7));
    found.push({ x, y: (a.ys[j]! + b.ys[j]!) / 2, rx: random.uniform(3, 14), ry });
  }
  return found;
}

/** One gap line's points across the whole part: left end, straight middle, mirrored right end. */
function gapLinePoints(left: FanLine, right: FanLine): [number, number][] {
  const points: [number, number][] = [];
  for (let j = left.start; j < GRID.length; j++) points.push([GRID[j]!, left.ys[j]!]);
  for (let j = GRID.length - 1; j >= right.start; j--) points.push([PART_WIDTH - GRID[j]!, right.ys[j]!]);
  return points;
}

function hatchSvg(box: Box, palette: FlexPalette, pitch: number): string {
  const lines: string[] = [];
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  for (let d = -h; d < w + h; d += pitch) {
    lines.push(`M${f(box.x0 + d)} ${f(box.y0)} l${f(h)} ${f(h)}`, `M${f(box.x0 + d)} ${f(box.y1)} l${f(h)} ${f(-h)}`);
  }
  const rect = `x="${f(box.x0)}" y="${f(box.y0)}" width="${f(w)}" height="${f(h)}" rx="3"`;
  return [
    `<clipPath id="hatch${box.x0}_${box.y0}"><rect ${rect}/></clipPath>`,
    `<rect ${rect} fill="${css(palette.copper)}"/>`,
    `<path clip-path="url(#hatch${box.x0}_${box.y0})" d="${lines.join(' ')}" stroke="${css(palette.gap)}" stroke-width="${GAP * 0.85}" fill="none"/>`,
    `<rect ${rect} fill="none" stroke="${css(palette.gap)}" stroke-width="${GAP}"/>`,
  ].join('');
}

/** A row of small dark triangles between two middle traces (a shield pattern of the real flex). */
function zigzagSvg(row: number, palette: FlexPalette): string {
  const top = middleY(row) + GAP / 2;
  const bottom = middleY(row + 1) - GAP / 2;
  const period = 12;
  const parts: string[] = [];
  for (let x = FAN_REACH + 10; x < PART_WIDTH - FAN_REACH - 10; x += period) {
    parts.push(`M${f(x)} ${f(top)} h${f(period * 0.78)} L${f(x + period * 0.39)} ${f(bottom)} Z`);
  }
  return `<path d="${parts.join(' ')}" fill="${css(palette.gap)}"/>`;
}

/** Connector fingers of one end (left-end coordinates): bright pads between the finger gap lines. */
function fingersSvg(palette: FlexPalette, mirror: (x: number) => number): string {
  const parts: string[] = [];
  const x0 = mirror(0);
  const x1 = mirror(FINGER_ZONE);
  parts.push(`<rect x="${f(Math.min(x0, x1))}" y="0" width="${FINGER_ZONE}" height="${PART_HEIGHT}" fill="${css(palette.fingerGap)}"/>`);
  for (let k = 0; k + 1 < FINGER_LINES; k++) {
    const top = fingerY(k) + GAP / 2 + 0.4;
    const bottom = fingerY(k + 1) - GAP / 2 - 0.4;
    const neckInset = (bottom - top) * 0.18;
    // A straight finger to the edge, widening into a teardrop where the trace leaves it.
    const a = mirror(-2);
    const b = mirror(FINGER_ZONE - 30);
    parts.push(`<rect x="${f(Math.min(a, b))}" y="${f(top + neckInset)}" width="${FINGER_ZONE - 28}" height="${f(bottom - top - 2 * neckInset)}" rx="3" fill="${css(palette.finger)}"/>`);
    parts.push(`<ellipse cx="${f(mirror(FINGER_ZONE - 20))}" cy="${f((top + bottom) / 2)}" rx="17" ry="${f((bottom - top) / 2)}" fill="${css(palette.finger)}"/>`);
  }
  return parts.join('');
}

/** Where straight horizontal traces run between the fan-outs, part units. */
export const TRACE_BAND: Box = { x0: FAN_REACH, y0: middleY(0) - 3, x1: PART_WIDTH - FAN_REACH, y1: middleY(MIDDLE_LINES - 1) + 3 };
/** Where the connector fingers are. */
export const FINGER_ZONES: Box[] = [
  { x0: 0, y0: fingerY(0), x1: FINGER_ZONE, y1: fingerY(FINGER_LINES - 1) },
  { x0: PART_WIDTH - FINGER_ZONE, y0: fingerY(0), x1: PART_WIDTH, y1: fingerY(FINGER_LINES - 1) },
];

/** The copper layer's SVG (to be clipped to the outline by the caller). */
export function copperLayer(palette: FlexPalette, design: CopperDesign, random: Random): string {
  const left = fanOut(random.fork('left'));
  const right = fanOut(random.fork('right'));
  const parts: string[] = [`<rect x="-10" y="-10" width="${PART_WIDTH + 20}" height="${PART_HEIGHT + 20}" fill="${css(palette.copper)}"/>`];
  // Traces alternate slightly in tone, as the coverlay's thickness varies.
  const tint = random.fork('tint');
  for (let i = 0; i + 1 < MIDDLE_LINES; i++) {
    if (!tint.chance(0.45)) continue;
    const y = (middleY(i) + middleY(i + 1)) / 2;
    parts.push(`<path d="M${FAN_REACH - 60} ${f(y)} H${PART_WIDTH - FAN_REACH + 60}" stroke="${css(palette.copperAlt)}" stroke-opacity="${f(tint.uniform(0.4, 0.9))}" stroke-width="${f(middleY(1) - middleY(0) - GAP)}"/>`);
  }
  const holes = [...voids(left, random.fork('voids-left'), VOIDS), ...voids(right, random.fork('voids-right'), VOIDS).map((v) => ({ ...v, x: PART_WIDTH - v.x }))];
  for (const v of holes) parts.push(`<ellipse cx="${f(v.x)}" cy="${f(v.y)}" rx="${f(v.rx)}" ry="${f(v.ry)}" fill="${css(palette.void)}"/>`);
  const paths = left.map((line, i) => polylinePath(gapLinePoints(line, right[i]!)));
  parts.push(`<path d="${paths.join(' ')}" stroke="${css(palette.gap)}" stroke-width="${GAP}" stroke-linecap="round" stroke-linejoin="round" fill="none"/>`);
  for (const row of design.zigzagRows) parts.push(zigzagSvg(row, palette));
  parts.push(fingersSvg(palette, (x) => x), fingersSvg(palette, (x) => PART_WIDTH - x));
  for (const box of design.hatches) parts.push(hatchSvg(box, palette, 11));
  return parts.join('\n');
}

