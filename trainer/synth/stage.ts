// The empty back-lit stage as the microscope camera sees it: a pink-salmon lit disc whose green and blue fall
// off towards the rim, a thin violet fringe at its edge, dark vignette outside with the faint brown ring of the
// lens mount. Radial profile measured on the real photo (disc centre (966, 525), radius 684 reference px).
import type { Image } from '../image/image.ts';
import { referenceToOutput } from './template.ts';

const DISC_CENTRE = { x: 966, y: 525 } as const;

/** [radius in reference px, R, G, B], mean colour of the stage at that distance from the disc's centre. */
const PROFILE: readonly (readonly [number, number, number, number])[] = [
  [0, 252, 126, 109],
  [240, 252.6, 126, 110],
  [400, 252.8, 123.6, 112.6],
  [480, 252.5, 120.2, 110.4],
  [560, 252.7, 116.7, 105.9],
  [600, 252.2, 110, 95.5],
  [640, 245.6, 99.6, 79.3],
  [660, 236, 92, 72],
  [672, 222, 86, 74],
  [680, 150, 50, 78],
  [686, 40, 10, 30],
  [694, 12, 4, 8],
  [750, 6.2, 3.9, 4.8],
  [762, 8.6, 4.1, 3.7],
  [772, 30, 11, 1.5],
  [780, 46, 21.5, 3],
  [790, 24, 13, 9.6],
  [802, 7, 5, 6],
  [850, 4.4, 3.4, 3.9],
  [1400, 3.5, 3.4, 3.4],
];

function profileAt(r: number, out: Float64Array): void {
  let i = 1;
  while (i < PROFILE.length - 1 && PROFILE[i]![0] < r) i++;
  const a = PROFILE[i - 1]!;
  const b = PROFILE[i]!;
  const t = Math.min(1, Math.max(0, (r - a[0]) / (b[0] - a[0])));
  for (let c = 0; c < 3; c++) out[c] = a[c + 1]! + t * (b[c + 1]! - a[c + 1]!);
}

/** The stage in a width x height frame (RGB), the disc where the real photo has it. */
export function drawStage(width: number, height: number): Image {
  const frame = referenceToOutput(width, height);
  const cx = frame.x(DISC_CENTRE.x);
  const cy = frame.y(DISC_CENTRE.y);
  const data = new Uint8Array(width * height * 3);
  // The profile is radial: tabulate it at quarter-pixel steps of the output, then look up.
  const step = 0.25;
  const maxRadius = Math.hypot(Math.max(cx, width - cx), Math.max(cy, height - cy)) + 1;
  const table = new Float64Array(Math.ceil(maxRadius / step + 2) * 3);
  const rgb = new Float64Array(3);
  for (let k = 0; k * 3 < table.length; k++) {
    profileAt((k * step) / frame.scale, rgb);
    table.set(rgb, k * 3);
  }
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p += 3) {
      const k = Math.round(Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / step) * 3;
      data[p] = Math.round(table[k]!);
      data[p + 1] = Math.round(table[k + 1]!);
      data[p + 2] = Math.round(table[k + 2]!);
    }
  }
  return { width, height, channels: 3, data };
}
