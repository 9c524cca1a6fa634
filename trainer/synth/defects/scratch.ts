// Scratches: thin curved lines, tapering at both ends, that either catch the light (bright, the coverlay
// scuffed) or cut into it (dark).
import { interiorPoint, markOver, materialAt, Material } from './canvas.ts';
import { px, type Drafter } from './kinds.ts';
import { boundsOf, polylineDistance, quadratic, type Point } from './shapes.ts';

const BRIGHT: readonly number[] = [232, 238, 212];

export const draftScratch: Drafter = (canvas, random) => {
  const length = px(canvas, random.uniform(20, 160), 6);
  const width = px(canvas, random.uniform(0.8, 2.4), 0.9);
  const angle = random.uniform(0, Math.PI);
  const [x, y] = interiorPoint(canvas, random);
  const end: Point = [x + length * Math.cos(angle), y + length * Math.sin(angle)];
  const bend = random.uniform(-0.22, 0.22) * length;
  const control: Point = [(x + end[0]) / 2 - bend * Math.sin(angle), (y + end[1]) / 2 + bend * Math.cos(angle)];
  const points = quadratic([x, y], control, end, Math.max(8, Math.ceil(length / 3)));
  if (points.some(([u, v]) => materialAt(canvas, u, v) === Material.Outside)) return null;
  const bright = random.chance(0.6);
  const strength = random.uniform(0.55, 0.85);
  return {
    mark: markOver(
      canvas,
      boundsOf(points, width + 1),
      (u, v) => {
        const { distance, along } = polylineDistance(points, u, v);
        // Full width over most of the length, thinning to nothing at both ends.
        const half = (width / 2) * Math.min(1, 4 * Math.sin(Math.PI * along));
        return 0.5 + half - distance;
      },
      bright
        ? (rgb, out) => rgb.forEach((v, k) => (out[k] = v + strength * (BRIGHT[k]! - v)))
        : (rgb, out) => rgb.forEach((v, k) => (out[k] = v * (1 - strength))),
    ),
    details: { tone: bright ? 'bright' : 'dark', length: Math.round(length), width: Number(width.toFixed(2)) },
  };
};
