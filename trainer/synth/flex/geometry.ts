// Geometry of the R0 triplet data flex in part units (1 unit = 1 pixel of the real 1920x1080 photo): a long
// narrow middle of horizontal traces between two taller ends, where the traces fan out to the connector fingers.

export const PART_WIDTH = 1296;
export const PART_HEIGHT = 348;
/** The ends span x in [0, END] and [PART_WIDTH - END, PART_WIDTH]; the outline tapers over TAPER units. */
export const END = 160;
export const TAPER = 40;
/** The middle spans y in [MIDDLE_TOP, PART_HEIGHT - MIDDLE_TOP]. */
export const MIDDLE_TOP = 42;
/** Where the part sits in the real photo (its top-left corner), so the canonical pose matches it. */
export const PART_ORIGIN = { x: 324, y: 355 } as const;

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The outline as an SVG path (corners slightly rounded, as a die-cut part has). */
export function outlinePath(): string {
  const r = 3;
  const w = PART_WIDTH;
  const h = PART_HEIGHT;
  const m = MIDDLE_TOP;
  const points: [number, number][] = [
    [0, 0],
    [END, 0],
    [END + TAPER, m],
    [w - END - TAPER, m],
    [w - END, 0],
    [w, 0],
    [w, h],
    [w - END, h],
    [w - END - TAPER, h - m],
    [END + TAPER, h - m],
    [END, h],
    [0, h],
  ];
  return roundedPolygon(points, r);
}

/** A closed polygon whose corners are cut by quadratic curves of about `r` units. */
function roundedPolygon(points: [number, number][], r: number): string {
  const n = points.length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const [px, py] = points[(i + n - 1) % n]!;
    const [x, y] = points[i]!;
    const [nx, ny] = points[(i + 1) % n]!;
    const toward = (ax: number, ay: number) => {
      const d = Math.hypot(ax - x, ay - y);
      const t = Math.min(r, d / 2) / d;
      return [x + (ax - x) * t, y + (ay - y) * t] as const;
    };
    const [ax, ay] = toward(px, py);
    const [bx, by] = toward(nx, ny);
    parts.push(`${i === 0 ? 'M' : 'L'}${f(ax)} ${f(ay)} Q${f(x)} ${f(y)} ${f(bx)} ${f(by)}`);
  }
  return `${parts.join(' ')} Z`;
}

/** A number for SVG: two decimals at most. */
export function f(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** An open polyline as an SVG path. */
export function polylinePath(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f(x)} ${f(y)}`).join(' ');
}

/** Smoothstep with horizontal tangents at both ends: the S-bend of a trace between two heights. */
export function sBend(x: number, x0: number, x1: number, y0: number, y1: number): number {
  if (x <= x0) return y0;
  if (x >= x1) return y1;
  const t = (x - x0) / (x1 - x0);
  return y0 + (y1 - y0) * t * t * (3 - 2 * t);
}
