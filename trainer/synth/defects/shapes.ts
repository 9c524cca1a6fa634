// Antialiased coverage of the shapes defects are made of, evaluated at pixel centres: a coverage of 1 inside,
// 0 outside, and a one-pixel ramp across the boundary.

export type Point = [number, number];

/** Coverage from a signed distance to the boundary (negative inside), in pixels. */
export const fromDistance = (d: number) => Math.min(1, Math.max(0, 0.5 - d));

/** Points along a quadratic Bézier curve p0 -> p2 pulled towards p1. */
export function quadratic(p0: Point, p1: Point, p2: Point, count: number): Point[] {
  const points: Point[] = [];
  for (let k = 0; k <= count; k++) {
    const t = k / count;
    const a = (1 - t) * (1 - t);
    const b = 2 * t * (1 - t);
    const c = t * t;
    points.push([a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1]]);
  }
  return points;
}

/** Distance from (x, y) to a polyline and the position along it (0 at the start, 1 at the end). */
export function polylineDistance(points: readonly Point[], x: number, y: number): { distance: number; along: number } {
  let best = Infinity;
  let along = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const [ax, ay] = points[k]!;
    const [bx, by] = points[k + 1]!;
    const dx = bx - ax;
    const dy = by - ay;
    const length2 = dx * dx + dy * dy;
    const t = length2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / length2)) : 0;
    const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
    if (d < best) {
      best = d;
      along = (k + t) / (points.length - 1);
    }
  }
  return { distance: best, along };
}

export function boundsOf(points: readonly Point[], pad: number): { x0: number; y0: number; x1: number; y1: number } {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { x0: Math.min(...xs) - pad, y0: Math.min(...ys) - pad, x1: Math.max(...xs) + pad, y1: Math.max(...ys) + pad };
}

/** Signed distance (approximate, pixels) to an ellipse with radii rx, ry turned by `angle` radians. */
export function ellipseDistance(x: number, y: number, cx: number, cy: number, rx: number, ry: number, angle = 0): number {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const u = (x - cx) * cos + (y - cy) * sin;
  const v = -(x - cx) * sin + (y - cy) * cos;
  return (Math.hypot(u / rx, v / ry) - 1) * Math.min(rx, ry);
}

/** An irregular closed outline: an ellipse whose radius wobbles with a few low harmonics. */
export interface Blob {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  angle: number;
  harmonics: { order: number; amplitude: number; phase: number }[];
}

/** Signed distance (approximate) to a blob's outline. */
export function blobDistance(blob: Blob, x: number, y: number): number {
  const cos = Math.cos(blob.angle);
  const sin = Math.sin(blob.angle);
  const u = ((x - blob.cx) * cos + (y - blob.cy) * sin) / blob.rx;
  const v = (-(x - blob.cx) * sin + (y - blob.cy) * cos) / blob.ry;
  const theta = Math.atan2(v, u);
  let wobble = 1;
  for (const h of blob.harmonics) wobble += h.amplitude * Math.sin(h.order * theta + h.phase);
  return (Math.hypot(u, v) - wobble) * Math.min(blob.rx, blob.ry);
}
