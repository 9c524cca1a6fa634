// The empty back-lit stage as the microscope camera sees it: a pink-salmon lit disc whose green and blue fall
// off towards the rim, a thin violet fringe at its edge, dark vignette outside with the faint brown ring of the
// lens mount. Radial profile measured on the real photo (disc centre (966, 525), radius 684 reference px).
// The diffuser's grain and a few specks of dust on it are part of the stage: the same in every photo.
import type { Image } from '../image/image.ts';
import { Random } from './random.ts';
import { referenceToOutput } from './template.ts';

/** Relative brightness variation of the diffuser's grain, and its grain size (reference px). */
const GRAIN = 0.018;
const GRAIN_SIZE = 2.5;
/** Dust specks lying on the stage: how many, their radius (reference px) and how much light they let through. */
const DUST = 6;
const DUST_RADIUS = [1.2, 3] as const;
const DUST_TRANSMISSION = 0.35;

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
  const grain = grainField(width, height, Math.max(1, GRAIN_SIZE * frame.scale));
  const random = new Random('stage-dust');
  const specks = Array.from({ length: DUST }, () => {
    const r = Math.sqrt(random.next()) * 0.85 * 684 * frame.scale;
    const a = random.uniform(0, 2 * Math.PI);
    return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a), radius: Math.max(0.7, random.uniform(...DUST_RADIUS) * frame.scale) };
  });
  for (let y = 0, p = 0, i = 0; y < height; y++) {
    const dy2 = (y + 0.5 - cy) ** 2;
    for (let x = 0; x < width; x++, p += 3, i++) {
      const k = Math.round(Math.sqrt((x + 0.5 - cx) ** 2 + dy2) / step) * 3;
      const light = 1 + GRAIN * grain[i]!;
      data[p] = Math.min(255, Math.round(table[k]! * light));
      data[p + 1] = Math.min(255, Math.round(table[k + 1]! * light));
      data[p + 2] = Math.min(255, Math.round(table[k + 2]! * light));
    }
  }
  for (const speck of specks) {
    for (let y = Math.max(0, Math.floor(speck.y - speck.radius - 1)); y <= Math.min(height - 1, speck.y + speck.radius + 1); y++) {
      for (let x = Math.max(0, Math.floor(speck.x - speck.radius - 1)); x <= Math.min(width - 1, speck.x + speck.radius + 1); x++) {
        const d = Math.hypot(x + 0.5 - speck.x, y + 0.5 - speck.y) - speck.radius;
        if (d >= 1) continue;
        const light = 1 - (1 - DUST_TRANSMISSION) * Math.min(1, 1 - d);
        for (let c = 0; c < 3; c++) data[3 * (y * width + x) + c] = Math.round(data[3 * (y * width + x) + c]! * light);
      }
    }
  }
  return { width, height, channels: 3, data };
}

/** Unit-variance noise smoothed to grains of about `size` pixels: white noise on a coarse grid, interpolated. */
function grainField(width: number, height: number, size: number): Float32Array {
  const random = new Random('stage-grain');
  const cols = Math.ceil(width / size) + 2;
  const rows = Math.ceil(height / size) + 2;
  const coarse = Float32Array.from({ length: cols * rows }, () => random.normal());
  const field = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / size;
    const y0 = Math.floor(gy);
    const ty = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = x / size;
      const x0 = Math.floor(gx);
      const tx = gx - x0;
      const i = y0 * cols + x0;
      const top = (1 - tx) * coarse[i]! + tx * coarse[i + 1]!;
      const bottom = (1 - tx) * coarse[i + cols]! + tx * coarse[i + cols + 1]!;
      field[y * width + x] = (1 - ty) * top + ty * bottom;
    }
  }
  return field;
}
