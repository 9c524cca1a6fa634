// Particles on the part: dust specks, clumps (a few overlapping discs), and fibres (thin curly lines); mostly
// dark as they block the light, sometimes pale lint.
import { interiorPoint, markOver, materialAt, Material } from './canvas.ts';
import { px, type DefectDraft, type Drafter } from './kinds.ts';
import { boundsOf, fromDistance, polylineDistance, quadratic, type Point } from './shapes.ts';

export const draftParticle: Drafter = (canvas, random): DefectDraft | null => {
  const [x, y] = interiorPoint(canvas, random);
  const shape = random.pick(['speck', 'speck', 'clump', 'clump', 'fibre'] as const);
  const pale = random.chance(0.2);
  const shade = random.uniform(28, 70);
  const colour = pale ? [226, 224, 212] : [shade * 1.15, shade, shade * 0.8];
  const opacity = random.uniform(0.8, 0.96);
  const tint = (rgb: readonly number[], out: number[]) => rgb.forEach((v, k) => (out[k] = v + opacity * (colour[k]! - v)));
  if (shape === 'fibre') {
    const length = px(canvas, random.uniform(14, 70), 4);
    const width = px(canvas, random.uniform(1, 2), 0.9);
    const angle = random.uniform(0, 2 * Math.PI);
    const end: Point = [x + length * Math.cos(angle), y + length * Math.sin(angle)];
    const bend = random.uniform(-0.5, 0.5) * length;
    const control: Point = [(x + end[0]) / 2 - bend * Math.sin(angle), (y + end[1]) / 2 + bend * Math.cos(angle)];
    const points = quadratic([x, y], control, end, Math.max(8, Math.ceil(length / 2)));
    if (points.some(([u, v]) => materialAt(canvas, u, v) === Material.Outside)) return null;
    return {
      mark: markOver(canvas, boundsOf(points, width + 1), (u, v) => fromDistance(polylineDistance(points, u, v).distance - width / 2), tint),
      details: { shape, tone: pale ? 'pale' : 'dark', length: Math.round(length) },
    };
  }
  const discs: [number, number, number][] = [];
  const count = shape === 'speck' ? 1 : random.int(2, 5);
  const size = shape === 'speck' ? random.uniform(2, 5) : random.uniform(2.5, 10);
  for (let k = 0; k < count; k++) {
    const r = px(canvas, size * (k === 0 ? 1 : random.uniform(0.5, 1)), 0.8);
    const offset = k === 0 ? 0 : px(canvas, size * random.uniform(0.4, 1.1), 0);
    const a = random.uniform(0, 2 * Math.PI);
    discs.push([x + offset * Math.cos(a), y + offset * Math.sin(a), r]);
  }
  if (discs.some(([u, v]) => materialAt(canvas, u, v) === Material.Outside)) return null;
  const reach = Math.max(...discs.map(([, , r]) => r)) + px(canvas, size * 1.2, 0) + 1;
  return {
    mark: markOver(
      canvas,
      { x0: x - reach, y0: y - reach, x1: x + reach, y1: y + reach },
      (u, v) => Math.max(...discs.map(([cx, cy, r]) => fromDistance(Math.hypot(u - cx, v - cy) - r))),
      tint,
    ),
    details: { shape, tone: pale ? 'pale' : 'dark', discs: count, radius: Number(px(canvas, size, 0.8).toFixed(1)) },
  };
};
