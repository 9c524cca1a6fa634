// Per-pixel hue, value and saturation of an 8-bit image (HSV, hue in degrees). Hue separates the stage's
// back-light from the part independently of exposure; value tells the lit stage from the dark vignette.
import type { Image } from '../../image/image.ts';

export interface HsvPlanes {
  /** Degrees in [0, 360); NaN where the pixel is grey (no chroma), whose hue is undefined. */
  hue: Float32Array;
  /** max(R, G, B), 0-255. */
  value: Uint8Array;
  /** (max - min) / max, 0-1. */
  saturation: Float32Array;
}

/** HSV planes of an RGB or RGBA image (alpha is ignored). */
export function hsvPlanes(image: Image): HsvPlanes {
  const n = image.width * image.height;
  const hue = new Float32Array(n);
  const value = new Uint8Array(n);
  const saturation = new Float32Array(n);
  const { data, channels } = image;
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const r = data[p]!;
    const g = data[p + 1]!;
    const b = data[p + 2]!;
    const max = r > g ? (r > b ? r : b) : g > b ? g : b;
    const min = r < g ? (r < b ? r : b) : g < b ? g : b;
    const c = max - min;
    value[i] = max;
    saturation[i] = max > 0 ? c / max : 0;
    if (c === 0) hue[i] = NaN;
    else if (max === r) hue[i] = g >= b ? ((g - b) / c) * 60 : ((g - b) / c + 6) * 60;
    else if (max === g) hue[i] = ((b - r) / c + 2) * 60;
    else hue[i] = ((r - g) / c + 4) * 60;
  }
  return { hue, value, saturation };
}

/** Signed difference a - b of two hues in [0, 360), wrapped to [-180, 180). */
export function hueDifference(a: number, b: number): number {
  const d = a - b;
  return d >= 180 ? d - 360 : d < -180 ? d + 360 : d;
}
