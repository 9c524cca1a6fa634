// Discolouration: an irregular stained patch with a soft edge — oxidation (browner), a dark stain, a reddish burn,
// or a pale residue left by a solvent.
import { interiorPoint, markOver, materialAt, Material } from './canvas.ts';
import { px, type Drafter } from './kinds.ts';
import { blobDistance, type Blob } from './shapes.ts';

type Stain = (rgb: readonly number[], out: number[]) => void;

const STAINS: Record<string, Stain> = {
  oxidation: (c, out) => ((out[0] = c[0]! * 0.86), (out[1] = c[1]! * 0.6), (out[2] = c[2]! * 0.5)),
  dark: (c, out) => c.forEach((v, k) => (out[k] = v * 0.55)),
  burn: (c, out) => ((out[0] = c[0]! * 0.95), (out[1] = c[1]! * 0.5), (out[2] = c[2]! * 0.35)),
  residue: (c, out) => c.forEach((v, k) => (out[k] = v + 0.6 * ([224, 226, 196][k]! - v))),
};

export const draftDiscolouration: Drafter = (canvas, random) => {
  const [cx, cy] = interiorPoint(canvas, random);
  const radius = px(canvas, random.uniform(10, 50), 2.5);
  const blob: Blob = {
    cx,
    cy,
    rx: radius,
    ry: radius * random.uniform(0.5, 1),
    angle: random.uniform(0, Math.PI),
    harmonics: [2, 3, 5].map((order) => ({ order, amplitude: random.uniform(0, 0.16), phase: random.uniform(0, 2 * Math.PI) })),
  };
  // The whole patch lies on the part: a stain is not cut off by the edge margin.
  for (let k = 0; k < 16; k++) {
    const a = (k / 16) * 2 * Math.PI;
    if (materialAt(canvas, cx + 1.2 * radius * Math.cos(a), cy + 1.2 * radius * Math.sin(a)) === Material.Outside) return null;
  }
  const feather = Math.max(1, 0.35 * radius);
  const name = random.pick(Object.keys(STAINS));
  const stain = STAINS[name]!;
  const strength = random.uniform(0.5, 0.85);
  const reach = radius * 1.5 + feather;
  return {
    mark: markOver(
      canvas,
      { x0: cx - reach, y0: cy - reach, x1: cx + reach, y1: cy + reach },
      (x, y) => 0.5 - blobDistance(blob, x, y) / feather,
      (rgb, out) => {
        stain(rgb, out);
        for (let k = 0; k < 3; k++) out[k] = rgb[k]! + strength * (out[k]! - rgb[k]!);
      },
    ),
    details: { stain: name, radius: Math.round(radius), strength: Number(strength.toFixed(2)) },
  };
};
