// Defects of the copper pattern, placed where the part's own pixels show a trace: a cut trace (a gap across one
// trace, showing the etched colour), bridged traces (a copper spill across the gap between two traces), and a
// missing pad (a connector finger whose copper is gone, bare film showing).
import { markOver, materialAt, materialColour, Material, type DefectCanvas } from './canvas.ts';
import { px, type Drafter } from './kinds.ts';
import { ellipseDistance, fromDistance } from './shapes.ts';
import type { Box } from '../template.ts';
import type { Random } from '../random.ts';

/** The run of one material through (x, y) along the column: [first row, last row]. */
function columnRun(canvas: DefectCanvas, x: number, y: number, material: Material, limit: number): [number, number] | null {
  if (materialAt(canvas, x, y) !== material) return null;
  let a = Math.floor(y);
  let b = a;
  while (a - 1 >= 0 && materialAt(canvas, x, a - 1) === material && b - a < limit) a--;
  while (materialAt(canvas, x, b + 1) === material && b - a < limit) b++;
  return b - a < limit ? [a, b] : null;
}

/** No silkscreen and no part edge in the box (a defect under text would be hidden or look odd). */
function clear(canvas: DefectCanvas, x0: number, y0: number, x1: number, y1: number): boolean {
  for (let y = Math.floor(y0); y <= y1; y++) {
    for (let x = Math.floor(x0); x <= x1; x++) {
      const m = materialAt(canvas, x, y);
      if (m === Material.Outside || m === Material.Silkscreen) return false;
    }
  }
  return true;
}

/** Share of the pixels of a row segment made of one material. */
function share(canvas: DefectCanvas, x0: number, x1: number, y: number, material: Material): number {
  let hits = 0;
  let all = 0;
  for (let x = Math.floor(x0); x <= x1; x++, all++) if (materialAt(canvas, x, y) === material) hits++;
  return all ? hits / all : 0;
}

function pointIn(box: Box, random: Random): [number, number] {
  return [Math.floor(random.uniform(box.x0, box.x1)), Math.floor(random.uniform(box.y0, box.y1))];
}

const setColour = (colour: readonly number[]) => (_: readonly number[], out: number[]) => colour.forEach((v, k) => (out[k] = v));

export const draftCutTrace: Drafter = (canvas, random) => {
  const [x, y] = pointIn(random.pick(canvas.zones.traceBands), random);
  const run = columnRun(canvas, x, y, Material.Copper, Math.ceil(px(canvas, 9, 2)));
  if (!run) return null;
  const [top, bottom] = run;
  if (materialAt(canvas, x, top - 1) !== Material.Gap || materialAt(canvas, x, bottom + 1) !== Material.Gap) return null;
  const width = px(canvas, random.uniform(3, 14), 1);
  const middle = Math.floor((top + bottom) / 2);
  if (share(canvas, x - 2, x + width + 2, middle, Material.Copper) < 0.8) return null;
  if (!clear(canvas, x - 2, top - 2, x + width + 2, bottom + 2)) return null;
  const gap = materialColour(canvas, x + width / 2, middle, px(canvas, 12, 3), Material.Gap);
  if (!gap) return null;
  // Cut edges are not perfectly straight: each side slants a little.
  const slant = random.uniform(-0.3, 0.3);
  const left = x;
  const right = x + width;
  return {
    mark: markOver(
      canvas,
      { x0: left - 2, y0: top - 1, x1: right + 2, y1: bottom + 2 },
      (u, v) => Math.min(u - (left + slant * (v - middle)), right + slant * (v - middle) - u) + 0.5,
      setColour(gap),
    ),
    details: { width: Number(width.toFixed(1)), trace_width: bottom - top + 1 },
  };
};

export const draftBridgedTraces: Drafter = (canvas, random) => {
  const [x, y] = pointIn(random.pick(canvas.zones.traceBands), random);
  const limit = Math.ceil(px(canvas, 6, 2));
  const run = columnRun(canvas, x, y, Material.Gap, limit);
  if (!run) return null;
  const top = run[0];
  let bottom = run[1];
  if (materialAt(canvas, x, top - 1) !== Material.Copper || materialAt(canvas, x, bottom + 1) !== Material.Copper) return null;
  let gaps = 1;
  // Sometimes the spill reaches over the next trace to a third one.
  if (random.chance(0.3)) {
    const trace = columnRun(canvas, x, bottom + 1, Material.Copper, Math.ceil(px(canvas, 9, 2)));
    const next = trace && columnRun(canvas, x, trace[1] + 1, Material.Gap, limit);
    if (next && materialAt(canvas, x, next[1] + 1) === Material.Copper) {
      bottom = next[1];
      gaps = 2;
    }
  }
  const length = px(canvas, random.uniform(3, 16), 1);
  const middle = (top + bottom + 1) / 2;
  if (share(canvas, x, x + length, Math.floor((run[0] + run[1]) / 2), Material.Gap) < 0.8) return null;
  if (!clear(canvas, x - 2, top - 3, x + length + 2, bottom + 3)) return null;
  const copper = materialColour(canvas, x + length / 2, middle, px(canvas, 12, 3), Material.Copper);
  if (!copper) return null;
  const rx = length / 2 + 0.5;
  const ry = (bottom - top + 1) / 2 + px(canvas, 1.5, 0.5);
  const cx = x + length / 2;
  return {
    mark: markOver(canvas, { x0: cx - rx - 1, y0: middle - ry - 1, x1: cx + rx + 1, y1: middle + ry + 1 }, (u, v) => fromDistance(ellipseDistance(u, v, cx, middle, rx, ry)), setColour(copper)),
    details: { length: Number(length.toFixed(1)), gaps },
  };
};

export const draftMissingPad: Drafter = (canvas, random) => {
  const zone = random.pick(canvas.zones.fingerZones);
  const inset = 0.15 * (zone.x1 - zone.x0);
  const [x, y] = pointIn({ ...zone, x0: zone.x0 + inset, x1: zone.x1 - inset }, random);
  const run = columnRun(canvas, x, y, Material.Copper, Math.ceil(px(canvas, 14, 2)));
  if (!run) return null;
  const [top, bottom] = run;
  if (bottom - top + 1 < px(canvas, 5, 2)) return null;
  if (materialAt(canvas, x, top - 1) !== Material.Gap || materialAt(canvas, x, bottom + 1) !== Material.Gap) return null;
  // The pad's length: along its middle row while it stays copper, within the finger zone.
  const row = Math.floor((top + bottom) / 2);
  let left = x;
  let right = x;
  while (left - 1 >= zone.x0 && materialAt(canvas, left - 1, row) === Material.Copper) left--;
  while (right + 1 < zone.x1 && materialAt(canvas, right + 1, row) === Material.Copper) right++;
  if (right - left + 1 < px(canvas, 20, 3)) return null;
  // Sometimes only part of the pad has lifted.
  const partial = random.chance(0.4);
  if (partial) {
    const keep = Math.round((right - left + 1) * random.uniform(0.3, 0.6));
    if (random.chance(0.5)) left += keep;
    else right -= keep;
  }
  const gap = materialColour(canvas, (left + right) / 2, row, px(canvas, 12, 3), Material.Gap);
  if (!gap) return null;
  // Bare polyimide with the back-light behind it: the etched colour, warmer (as the copper-free voids are).
  const film = [Math.min(255, gap[0] * 1.1 + 12), gap[1] * 0.62, gap[2] * 0.6];
  const cx = (left + right + 1) / 2;
  const cy = (top + bottom + 1) / 2;
  // The run is the pad's core: its blurred rim reads as gap, so the copper removed reaches a little further.
  const rim = px(canvas, 1.5, 0.5);
  const hw = (right - left + 1) / 2 + rim;
  const hh = (bottom - top + 1) / 2 + rim;
  return {
    mark: markOver(
      canvas,
      { x0: cx - hw - 1, y0: cy - hh - 1, x1: cx + hw + 1, y1: cy + hh + 1 },
      (u, v) => Math.min(hw - Math.abs(u - cx), hh - Math.abs(v - cy)) + 0.5,
      setColour(film),
    ),
    details: { length: right - left + 1, height: bottom - top + 1, partial: partial ? 'yes' : 'no' },
  };
};
