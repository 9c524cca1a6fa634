// What the part is made of, pixel by pixel, read from its colours alone (so it works the same on a drawn part
// and on a real photo): silkscreen is pale (much blue), copper is brighter than its surroundings, etched gaps
// darker. Pixels near the part's edge are left out: defects go inside the part.
import { erode } from '../../pipeline/background/binary-mask.ts';
import type { PartTemplate } from '../template.ts';
import { Material, type PartAnalysis } from './canvas.ts';

/** Defects keep this far (reference pixels) from the part's outline. */
const EDGE_MARGIN = 8;
/** Half-size of the window of the local brightness (reference pixels): about one trace pitch. */
const LOCAL_RADIUS = 4;
/** Copper may be this much (R + G levels) darker than its surroundings and still count as copper (flat pours). */
const FLAT_TOLERANCE = 3;

/** Box sums over a (2r+1)² window of a plane, with an integral image. */
function boxMean(plane: Float64Array, width: number, height: number, r: number): Float64Array {
  const stride = width + 1;
  const integral = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += plane[y * width + x]!;
      integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1]! + row;
    }
  }
  const mean = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const ya = Math.max(0, y - r);
    const yb = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const xa = Math.max(0, x - r);
      const xb = Math.min(width, x + r + 1);
      const sum = integral[yb * stride + xb]! - integral[ya * stride + xb]! - integral[yb * stride + xa]! + integral[ya * stride + xa]!;
      mean[y * width + x] = sum / ((yb - ya) * (xb - xa));
    }
  }
  return mean;
}

export function analysePart(template: PartTemplate): PartAnalysis {
  const { part, scale } = template;
  const { width, height, data } = part;
  const n = width * height;
  const solid = new Uint8Array(n);
  const brightness = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    solid[i] = data[4 * i + 3] === 255 ? 1 : 0;
    brightness[i] = data[4 * i]! + data[4 * i + 1]!;
  }
  const inside = erode(solid, width, height, Math.max(1, Math.round(EDGE_MARGIN * scale)));
  const local = boxMean(brightness, width, height, Math.max(1, Math.round(LOCAL_RADIUS * scale)));
  const material = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!inside[i]) continue;
    count++;
    const g = data[4 * i + 1]!;
    const b = data[4 * i + 2]!;
    if (b > 0.4 * g && g > 60) material[i] = Material.Silkscreen;
    else material[i] = brightness[i]! >= local[i]! - FLAT_TOLERANCE ? Material.Copper : Material.Gap;
  }
  const interior = new Uint32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (material[i]) interior[k++] = i;
  if (count === 0) throw new Error('the part has no interior where defects could go (is it too small for this frame?)');
  return { material, interior };
}
