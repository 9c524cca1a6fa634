// 3x3 homographies as row-major number arrays: projection, composition, inversion, rescaling, corner error.

/** Row-major 3x3 matrix [h00, h01, h02, h10, ..., h22]; maps (x, y, 1) to homogeneous coordinates. */
export type Homography = number[];

export function project(h: Homography, x: number, y: number): [number, number] {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

/** a · b (apply b first, then a). */
export function multiply(a: Homography, b: Homography): Homography {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  }
  return out;
}

export function invert(h: Homography): Homography {
  const [a, b, c, d, e, f, g, i, j] = h as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * j - f * i) - b * (d * j - f * g) + c * (d * i - e * g);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-15) throw new RangeError('homography is singular');
  return [(e * j - f * i) / det, (c * i - b * j) / det, (b * f - c * e) / det, (f * g - d * j) / det, (a * j - c * g) / det, (c * d - a * f) / det, (d * i - e * g) / det, (b * g - a * i) / det, (a * e - b * d) / det];
}

/**
 * Pixel coordinates of an image resized by sx, sy (pixel centres on integers, as OpenCV's resize):
 * x_small = sx·(x + 0.5) − 0.5. Returns the homography that does this.
 */
export function resizeMap(sx: number, sy: number): Homography {
  return [sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5, 0, 0, 1];
}

/**
 * A homography found between resized copies of two images (`small` maps image-copy → reference-copy
 * coordinates), expressed in full-size pixel coordinates of the image and the reference.
 */
export function fromResized(small: Homography, imageMap: Homography, referenceMap: Homography): Homography {
  return multiply(invert(referenceMap), multiply(small, imageMap));
}

/**
 * Mean distance in px between where two homographies send the four corner pixels (0,0), (w−1,0),
 * (w−1,h−1), (0,h−1) of a width x height image: the usual accuracy measure of an estimated homography.
 */
export function cornerError(estimated: Homography, truth: Homography, width: number, height: number): number {
  const corners: [number, number][] = [
    [0, 0],
    [width - 1, 0],
    [width - 1, height - 1],
    [0, height - 1],
  ];
  let sum = 0;
  for (const [x, y] of corners) {
    const [ex, ey] = project(estimated, x, y);
    const [tx, ty] = project(truth, x, y);
    sum += Math.hypot(ex - tx, ey - ty);
  }
  return sum / 4;
}
