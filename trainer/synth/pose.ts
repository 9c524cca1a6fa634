// How the part lies on the stage in one photo: turned and shifted by hand, a little closer or farther (scale),
// and slightly tilted (mild perspective). One homography maps the canonical part into the photo; the defect mask
// goes through the very same one, so it stays aligned with the pixels.
import type { Random } from './random.ts';

export interface Pose {
  rotationDeg: number;
  scale: number;
  /** Output pixels. */
  shift: [number, number];
  /** Perspective: relative change of scale across the part's half-width (x) and half-height (y). */
  tilt: [number, number];
  /** 3x3 row-major, canonical frame -> output frame. */
  homography: number[];
}

export interface PoseLimits {
  rotationDeg: number;
  scale: number;
  /** Fraction of the frame's width / height. */
  shift: number;
  tilt: number;
}

/** Placing the part by hand: a few degrees, a few percent. */
export const POSE_LIMITS: PoseLimits = { rotationDeg: 3, scale: 0.04, shift: 0.025, tilt: 0.015 };

type Matrix = number[];

function multiply(a: Matrix, b: Matrix): Matrix {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += a[r * 3 + k]! * b[k * 3 + c]!;
  return out;
}

const translation = (x: number, y: number): Matrix => [1, 0, x, 0, 1, y, 0, 0, 1];

/**
 * A random pose around the canonical one. `centre` is the part's centre and `halfSize` its half-width and
 * half-height (output pixels): the part turns about its centre, and the tilt is relative to its size.
 */
export function samplePose(random: Random, width: number, height: number, centre: [number, number], halfSize: [number, number], limits = POSE_LIMITS): Pose {
  const rotationDeg = random.uniform(-limits.rotationDeg, limits.rotationDeg);
  const scale = 1 + random.uniform(-limits.scale, limits.scale);
  const shift: [number, number] = [random.uniform(-limits.shift, limits.shift) * width, random.uniform(-limits.shift, limits.shift) * height];
  const tilt: [number, number] = [random.uniform(-limits.tilt, limits.tilt), random.uniform(-limits.tilt, limits.tilt)];
  const theta = (rotationDeg * Math.PI) / 180;
  const cos = Math.cos(theta) * scale;
  const sin = Math.sin(theta) * scale;
  const [cx, cy] = centre;
  const rotate: Matrix = [cos, -sin, 0, sin, cos, 0, 0, 0, 1];
  const perspective: Matrix = [1, 0, 0, 0, 1, 0, tilt[0] / halfSize[0], tilt[1] / halfSize[1], 1];
  const h = multiply(translation(cx + shift[0], cy + shift[1]), multiply(rotate, multiply(perspective, translation(-cx, -cy))));
  return { rotationDeg, scale, shift, tilt, homography: h.map((v) => v / h[8]!) };
}

/** Where the homography sends a point. */
export function project(h: readonly number[], x: number, y: number): [number, number] {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}
