// PIXAL's 23 per-pixel channels, each scaled to [0,1]. The default scaling uses fixed physical ranges, so a
// defect cannot change the scale of its own image; `robust_per_image` reproduces PIXAL's per-image scaling.
import { rgbToHsv, rgbToLab, rgbToYCrCb, type RgbPlanes, type ThreePlanes } from './colour.ts';
import { poolInto, poolMeans, pooledSize } from './pool.ts';

export const CHANNEL_NAMES = [
  'R', 'G', 'B',
  'H', 'S', 'V',
  'Y', 'Cr', 'Cb',
  'LAB_L', 'LAB_a', 'LAB_b',
  'LCh_C', 'LCh_sinH', 'LCh_cosH',
  'r_chroma', 'g_chroma',
  'Opp_O1', 'Opp_O2', 'Opp_O3',
  'GradMag', 'Laplacian', 'LocalStd',
] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** Named channel sets, so a config or a sweep grid can say `channels: RGB` (expanded before any work). */
export const CHANNEL_GROUPS = {
  RGB: ['R', 'G', 'B'],
  HSV: ['H', 'S', 'V'],
  YCrCb: ['Y', 'Cr', 'Cb'],
  LAB: ['LAB_L', 'LAB_a', 'LAB_b'],
  LAB_ab: ['LAB_a', 'LAB_b'],
  LCh: ['LCh_C', 'LCh_sinH', 'LCh_cosH'],
  rg_chroma: ['r_chroma', 'g_chroma'],
  Opp: ['Opp_O1', 'Opp_O2', 'Opp_O3'],
  texture: ['GradMag', 'Laplacian', 'LocalStd'],
} as const satisfies Record<string, readonly ChannelName[]>;
export type ChannelGroup = keyof typeof CHANNEL_GROUPS;
export const isChannelGroup = (name: string): name is ChannelGroup => Object.hasOwn(CHANNEL_GROUPS, name);

export const NORMALISATIONS = ['fixed', 'robust_per_image'] as const;
export type Normalisation = (typeof NORMALISATIONS)[number];

/** The raw quantity's physical range; value01 = (raw - min) / (max - min). */
export interface Range {
  min: number;
  max: number;
}

/** Largest 8-bit Lab chroma over all 2^24 sRGB colours: (a,b) = (207,20) at RGB (0,0,254). */
export const MAX_LAB_CHROMA = Math.sqrt(17905);
/** Max Sobel 3x3 magnitude on a [0,1] image: gx = 4, gy = 2 (or vice versa), so sqrt(20). */
export const MAX_SOBEL_MAGNITUDE = Math.sqrt(20);
/** Max population std of 9 values in [0,1]: four at one end, five at the other, sqrt(20)/9. */
export const MAX_LOCAL_STD = Math.sqrt(20) / 9;

/**
 * Raw units: 8-bit OpenCV outputs for the colour spaces (H 0..179; L, a, b 0..255 with a, b centred on 128);
 * chroma and hue from (a-128, b-128); opponent channels from 8-bit R, G, B; edge channels on L/255.
 */
export const FIXED_RANGES: Record<ChannelName, Range> = {
  R: { min: 0, max: 255 }, G: { min: 0, max: 255 }, B: { min: 0, max: 255 },
  H: { min: 0, max: 179 }, S: { min: 0, max: 255 }, V: { min: 0, max: 255 },
  Y: { min: 0, max: 255 }, Cr: { min: 0, max: 255 }, Cb: { min: 0, max: 255 },
  LAB_L: { min: 0, max: 255 }, LAB_a: { min: 0, max: 255 }, LAB_b: { min: 0, max: 255 },
  LCh_C: { min: 0, max: MAX_LAB_CHROMA }, LCh_sinH: { min: -1, max: 1 }, LCh_cosH: { min: -1, max: 1 },
  r_chroma: { min: 0, max: 1 }, g_chroma: { min: 0, max: 1 },
  Opp_O1: { min: -255, max: 255 }, Opp_O2: { min: -255, max: 255 }, Opp_O3: { min: 0, max: 255 },
  GradMag: { min: 0, max: MAX_SOBEL_MAGNITUDE },
  Laplacian: { min: -8, max: 8 },
  LocalStd: { min: 0, max: MAX_LOCAL_STD },
};

export type PerImageScaling = 'p1_p99' | 'max';
/** How PIXAL scales these channels per image (the others keep their fixed range in robust mode too). */
export const PER_IMAGE_SCALING: Partial<Record<ChannelName, PerImageScaling>> = {
  Opp_O1: 'p1_p99', Opp_O2: 'p1_p99', LCh_C: 'p1_p99', Laplacian: 'p1_p99',
  GradMag: 'max', LocalStd: 'max',
};

export function isChannelName(name: string): name is ChannelName {
  return (CHANNEL_NAMES as readonly string[]).includes(name);
}

// Chroma and hue depend on (a, b) only: 65,536-entry tables replace sqrt/atan2 per pixel.
// sin(atan2(y, x)) = y / r and cos = x / r; achromatic pixels (r = 0) have no hue and get sin = cos = 0.
const AB_CHROMA = new Float32Array(65536);
const AB_SIN = new Float32Array(65536);
const AB_COS = new Float32Array(65536);
for (let a = 0; a < 256; a++) {
  for (let b = 0; b < 256; b++) {
    const x = a - 128;
    const y = b - 128;
    const r = Math.sqrt(x * x + y * y);
    const k = (a << 8) | b;
    AB_CHROMA[k] = r;
    AB_SIN[k] = r === 0 ? 0 : y / r;
    AB_COS[k] = r === 0 ? 0 : x / r;
  }
}

/** Lazily computed shared intermediates of one cropped image. */
class Sources {
  private hsvPlanes?: ThreePlanes;
  private ycrcbPlanes?: ThreePlanes;
  private labPlanes?: ThreePlanes;
  private padded?: Uint8Array;

  constructor(readonly rgb: RgbPlanes) {}

  get hsv(): ThreePlanes {
    return (this.hsvPlanes ??= rgbToHsv(this.rgb));
  }
  get ycrcb(): ThreePlanes {
    return (this.ycrcbPlanes ??= rgbToYCrCb(this.rgb));
  }
  get lab(): ThreePlanes {
    return (this.labPlanes ??= rgbToLab(this.rgb));
  }
  /** L with a one-pixel BORDER_REFLECT_101 frame (OpenCV's default border), for the 3x3 operators. */
  get paddedL(): Uint8Array {
    return (this.padded ??= padReflect101(this.lab[0], this.rgb.width, this.rgb.height));
  }
}

function padReflect101(plane: Uint8Array, width: number, height: number): Uint8Array {
  const pw = width + 2;
  const out = new Uint8Array(pw * (height + 2));
  const reflect = (i: number, n: number): number => (n === 1 ? 0 : i < 0 ? 1 : i >= n ? n - 2 : i);
  for (let py = 0; py < height + 2; py++) {
    const sy = reflect(py - 1, height);
    const src = sy * width;
    const dst = py * pw;
    out.set(plane.subarray(src, src + width), dst + 1);
    out[dst] = plane[src + reflect(-1, width)]!;
    out[dst + width + 1] = plane[src + reflect(width, width)]!;
  }
  return out;
}

/** Channels that are affine in 8-bit planes: raw = sum of coefficient x plane. */
function linearTerms(name: ChannelName, src: Sources): [Uint8Array, number][] | null {
  const { r, g, b } = src.rgb;
  switch (name) {
    case 'R': return [[r, 1]];
    case 'G': return [[g, 1]];
    case 'B': return [[b, 1]];
    case 'H': return [[src.hsv[0], 1]];
    case 'S': return [[src.hsv[1], 1]];
    case 'V': return [[src.hsv[2], 1]];
    case 'Y': return [[src.ycrcb[0], 1]];
    case 'Cr': return [[src.ycrcb[1], 1]];
    case 'Cb': return [[src.ycrcb[2], 1]];
    case 'LAB_L': return [[src.lab[0], 1]];
    case 'LAB_a': return [[src.lab[1], 1]];
    case 'LAB_b': return [[src.lab[2], 1]];
    case 'Opp_O1': return [[r, 1], [g, -1]];
    case 'Opp_O2': return [[r, 0.5], [g, 0.5], [b, -1]];
    case 'Opp_O3': return [[r, 1 / 3], [g, 1 / 3], [b, 1 / 3]];
    default: return null;
  }
}

/**
 * Writes the raw (unscaled) values of one channel for rows y0..y1-1 into `out` (from index 0), in the
 * units of FIXED_RANGES. Working in bands of rows lets pooling consume values while they are in cache.
 */
function rawRows(name: ChannelName, src: Sources, y0: number, y1: number, out: Float32Array): void {
  const { r, g, b, width } = src.rgb;
  const base = y0 * width;
  const end = y1 * width;
  const terms = linearTerms(name, src);
  if (terms) {
    out.fill(0, 0, end - base);
    for (const [plane, k] of terms) for (let i = base, o = 0; i < end; i++, o++) out[o]! += k * plane[i]!;
    return;
  }
  switch (name) {
    case 'LCh_C': return lookupAb(src.lab, AB_CHROMA, base, end, out);
    case 'LCh_sinH': return lookupAb(src.lab, AB_SIN, base, end, out);
    case 'LCh_cosH': return lookupAb(src.lab, AB_COS, base, end, out);
    case 'r_chroma':
    case 'g_chroma': {
      const num = name === 'r_chroma' ? r : g;
      for (let i = base, o = 0; i < end; i++, o++) {
        const sum = r[i]! + g[i]! + b[i]!;
        out[o] = sum === 0 ? 0 : num[i]! / sum;
      }
      return;
    }
    case 'GradMag': return sobelMagnitude(src.paddedL, width, y0, y1, out);
    case 'Laplacian': return laplacian(src.paddedL, width, y0, y1, out);
    case 'LocalStd': return localStd(src.paddedL, width, y0, y1, out);
  }
}

function lookupAb([, a, b]: ThreePlanes, table: Float32Array, base: number, end: number, out: Float32Array): void {
  for (let i = base, o = 0; i < end; i++, o++) out[o] = table[(a[i]! << 8) | b[i]!]!;
}

// 3x3 operators on L/255, from integer sums on the padded 8-bit L (pw = width + 2), rows y0..y1-1.

function sobelMagnitude(p: Uint8Array, width: number, y0: number, y1: number, out: Float32Array): void {
  const pw = width + 2;
  for (let y = y0, o = 0; y < y1; y++) {
    for (let x = 0, c = (y + 1) * pw + 1; x < width; x++, o++, c++) {
      const gx = p[c - pw + 1]! + 2 * p[c + 1]! + p[c + pw + 1]! - p[c - pw - 1]! - 2 * p[c - 1]! - p[c + pw - 1]!;
      const gy = p[c + pw - 1]! + 2 * p[c + pw]! + p[c + pw + 1]! - p[c - pw - 1]! - 2 * p[c - pw]! - p[c - pw + 1]!;
      out[o] = Math.sqrt(gx * gx + gy * gy) / 255;
    }
  }
}

/** OpenCV's Laplacian with ksize 3: kernel [2 0 2; 0 -8 0; 2 0 2]. */
function laplacian(p: Uint8Array, width: number, y0: number, y1: number, out: Float32Array): void {
  const pw = width + 2;
  for (let y = y0, o = 0; y < y1; y++) {
    for (let x = 0, c = (y + 1) * pw + 1; x < width; x++, o++, c++) {
      out[o] = (2 * (p[c - pw - 1]! + p[c - pw + 1]! + p[c + pw - 1]! + p[c + pw + 1]!) - 8 * p[c]!) / 255;
    }
  }
}

/** Population std of the 3x3 neighbourhood: sqrt(9·Σx² − (Σx)²) / 9, exact in integers. */
function localStd(p: Uint8Array, width: number, y0: number, y1: number, out: Float32Array): void {
  const pw = width + 2;
  for (let y = y0, o = 0; y < y1; y++) {
    for (let x = 0, c = (y + 1) * pw + 1; x < width; x++, o++, c++) {
      let s = 0;
      let q = 0;
      for (let k = c - pw - 1; k <= c + pw - 1; k += pw) {
        const a = p[k]!, b = p[k + 1]!, d = p[k + 2]!;
        s += a + b + d;
        q += a * a + b * b + d * d;
      }
      out[o] = Math.sqrt(9 * q - s * s) / (9 * 255);
    }
  }
}

/** numpy.percentile (linear interpolation) of several q at once, by selection on one copy. */
export function percentiles(values: Float32Array, qs: readonly number[]): number[] {
  const a = Float32Array.from(values);
  const n = a.length;
  return qs.map((q) => {
    const pos = ((n - 1) * q) / 100;
    const k = Math.floor(pos);
    const lo = select(a, k);
    if (k + 1 >= n) return lo;
    let hi = Infinity;
    for (let i = k + 1; i < n; i++) if (a[i]! < hi) hi = a[i]!;
    return lo + (hi - lo) * (pos - k);
  });
}

/** Hoare quickselect: afterwards a[k] is the k-th smallest, smaller ones before it, larger after. */
function select(a: Float32Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

/** PIXAL's per-image range of a channel it scales per image (robust_per_image). */
function perImageRange(scaling: PerImageScaling, raw: Float32Array): Range {
  if (scaling === 'p1_p99') {
    const [lo, hi] = percentiles(raw, [1, 99]) as [number, number];
    return { min: lo, max: hi };
  }
  let max = 0;
  for (let i = 0; i < raw.length; i++) if (raw[i]! > max) max = raw[i]!;
  return { min: 0, max };
}

/** In place: (x - min) / (max - min), clipped to [0,1]; a degenerate range maps everything to 0. */
function scaleInPlace(values: Float32Array, { min, max }: Range): void {
  const inv = max > min ? 1 / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = (values[i]! - min) * inv;
    values[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/**
 * Computes the requested channels of a cropped 8-bit RGB image, each scaled to [0,1], and average-pools
 * them into `out`, interleaved (pooled pixels, channels). Shared intermediates (HSV, YCrCb, Lab, padded L,
 * block means of 8-bit planes) are computed once and only when needed. Under a fixed range every raw
 * value lies inside the range, so scaling (affine, never clipping) commutes with pooling and runs on the
 * pooled values: channels affine in 8-bit planes are pooled straight from the planes' block means, the
 * others are computed in bands of `pool` rows and pooled at once, so their values never leave the cache.
 * Per-image scaling needs every pixel: those channels are scaled (clipping included) at full resolution,
 * then pooled, as PIXAL does. Channels are pooled into planes and interleaved once at the end, as writing
 * one channel at a time into the interleaved array would touch a cache line per value.
 */
export function poolChannels(rgb: RgbPlanes, names: readonly ChannelName[], normalisation: Normalisation, pool: number, out: Float32Array): void {
  const src = new Sources(rgb);
  const { width, height } = rgb;
  const pooled = pooledSize(height, width, pool);
  const pixels = pooled.height * pooled.width;
  const means = new Map<Uint8Array, Float64Array>();
  const meanOf = (plane: Uint8Array): Float64Array => {
    let m = means.get(plane);
    if (!m) means.set(plane, (m = poolMeans(plane, width, height, pool)));
    return m;
  };
  let full: Float32Array | undefined; // a full-resolution channel, for per-image scaling
  let band: Float32Array | undefined; // `pool` rows of a channel
  const planes = names.map((name) => {
    const plane = new Float32Array(pixels);
    const perImage = normalisation === 'robust_per_image' ? PER_IMAGE_SCALING[name] : undefined;
    const terms = perImage ? null : linearTerms(name, src);
    if (terms) {
      for (const [source, k] of terms) addScaled(plane, meanOf(source), k);
    } else if (perImage) {
      full ??= new Float32Array(width * height);
      rawRows(name, src, 0, height, full);
      scaleInPlace(full, perImageRange(perImage, full));
      poolInto(full, width, height, pool, plane);
      return plane;
    } else {
      band ??= new Float32Array(width * pool);
      for (let oy = 0; oy < pooled.height; oy++) {
        rawRows(name, src, oy * pool, oy * pool + pool, band);
        poolInto(band, width, pool, pool, plane, oy * pooled.width);
      }
    }
    scaleInPlace(plane, FIXED_RANGES[name]);
    return plane;
  });
  interleave(planes, out);
}

/** plane += k x values. */
function addScaled(plane: Float32Array, values: Float64Array, k: number): void {
  for (let i = 0; i < plane.length; i++) plane[i]! += k * values[i]!;
}

/** out[i * planes.length + c] = planes[c][i], written in order. */
function interleave(planes: Float32Array[], out: Float32Array): void {
  const count = planes.length;
  const pixels = out.length / count;
  for (let i = 0, o = 0; i < pixels; i++) for (let c = 0; c < count; c++, o++) out[o] = planes[c]![i]!;
}
