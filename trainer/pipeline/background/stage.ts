// The back-lit stage, estimated from the image itself: its dominant hue (the mode of the hue histogram of
// bright, coloured pixels), and how its hue and brightness drift across the field (vignette, LED spectrum
// towards the rim) on a coarse grid. Nothing is assumed about its colour, so other stages, exposures and
// white balances work the same way.
import { hueDifference, type HsvPlanes } from './colour.ts';
import { BackgroundRemovalError } from './errors.ts';

export interface StageModel {
  /** Dominant hue of the stage, degrees. */
  hue: number;
  /** Robust standard deviation of stage pixels' hue around the local stage hue, degrees. */
  hueSpread: number;
  /** Per pixel: the local stage hue, as an offset from `hue` in degrees. */
  localHueOffset: Float32Array;
  /** Per pixel: the local stage brightness (HSV value, 0-255). */
  localValue: Float32Array;
  /** Fraction of the image that shows the stage (bright pixels of its colour). */
  coverage: number;
}

/** Stage samples are at least this fraction as bright as the image's 99th brightness percentile. */
const BRIGHT_FRACTION = 0.6;
/** Below this saturation a hue is mostly noise: such pixels neither sample nor classify the stage. */
export const MIN_SATURATION = 0.15;
/** Stage samples lie within this many degrees of the dominant hue (drift towards the rim included). */
const HUE_WINDOW = 30;
/** Grid cells per image diagonal for the local stage colour. */
const CELLS_PER_DIAGONAL = 64;
/** Statistics use every STEP-th pixel in x and y: a 1920x1080 image still gives half a million samples. */
const STEP = 2;
/** An image whose 99th brightness percentile is below this (10% of full scale) shows no lit stage. */
const NEARLY_BLACK = 26;

function percentile(histogram: Uint32Array, total: number, fraction: number): number {
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= fraction * total) return i;
  }
  return histogram.length - 1;
}

/** The dominant hue of the samples: the histogram mode, refined to the circular mean of the samples near it. */
function dominantHue(hue: Float32Array, samples: Int32Array): number {
  // 0.1° bins: fine enough for the mean, coarse enough to need no trigonometry per pixel.
  const histogram = new Float64Array(3600);
  for (const p of samples) histogram[Math.floor(hue[p]! * 10) % 3600]!++;
  let mode = 0;
  let best = -1;
  for (let h = 0; h < 360; h++) {
    // Degree-wide bins, smoothed with weights 1 2 3 2 1.
    let s = 0;
    for (let k = -2; k <= 2; k++) {
      const weight = 3 - Math.abs(k);
      const start = ((h + k + 360) % 360) * 10;
      for (let b = start; b < start + 10; b++) s += weight * histogram[b]!;
    }
    if (s > best) {
      best = s;
      mode = h + 0.5;
    }
  }
  let sin = 0;
  let cos = 0;
  for (let b = 0; b < 3600; b++) {
    const centre = (b + 0.5) / 10;
    if (!histogram[b] || Math.abs(hueDifference(centre, mode)) > HUE_WINDOW) continue;
    sin += histogram[b]! * Math.sin((centre * Math.PI) / 180);
    cos += histogram[b]! * Math.cos((centre * Math.PI) / 180);
  }
  return (((Math.atan2(sin, cos) * 180) / Math.PI) % 360 + 360) % 360;
}

interface Grid {
  cols: number;
  rows: number;
  cell: number;
}

/**
 * Per-cell means from per-cell sample counts and sums (one sum array per quantity). A cell with fewer than
 * `enough` samples (under the part, in the vignette) takes the mean over the smallest square of cells
 * around it that has enough.
 */
function fillCells(grid: Grid, count: Float64Array, sums: Float64Array[], enough: number): Float64Array[] {
  const { cols, rows } = grid;
  // Summed-area tables over the grid, (cols+1) x (rows+1), for any square of cells in O(1).
  const integral = (a: Float64Array) => {
    const t = new Float64Array((cols + 1) * (rows + 1));
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < cols; i++)
        t[(j + 1) * (cols + 1) + i + 1] = a[j * cols + i]! + t[j * (cols + 1) + i + 1]! + t[(j + 1) * (cols + 1) + i]! - t[j * (cols + 1) + i]!;
    return t;
  };
  const countT = integral(count);
  const sumsT = sums.map(integral);
  const boxSum = (t: Float64Array, i: number, j: number, r: number) => {
    const i0 = Math.max(0, i - r);
    const j0 = Math.max(0, j - r);
    const i1 = Math.min(cols, i + r + 1);
    const j1 = Math.min(rows, j + r + 1);
    return t[j1 * (cols + 1) + i1]! - t[j0 * (cols + 1) + i1]! - t[j1 * (cols + 1) + i0]! + t[j0 * (cols + 1) + i0]!;
  };
  const means = sums.map(() => new Float64Array(cols * rows));
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      let r = 0;
      while (boxSum(countT, i, j, r) < enough && r < Math.max(cols, rows)) r = r === 0 ? 1 : 2 * r;
      const n = boxSum(countT, i, j, r);
      for (let k = 0; k < sums.length; k++) means[k]![j * cols + i] = boxSum(sumsT[k]!, i, j, r) / n;
    }
  }
  return means;
}

/** Bilinear interpolation of a grid plane between cell centres, one value per pixel. */
function expand(grid: Grid, plane: Float64Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const { cols, rows, cell } = grid;
  const at = (g: number, size: number) => {
    const c = Math.min(Math.max(g, 0), size - 1);
    const i0 = Math.min(Math.floor(c), Math.max(size - 2, 0));
    return { i0, i1: Math.min(i0 + 1, size - 1), f: c - i0 };
  };
  const xs = Array.from({ length: width }, (_, x) => at((x + 0.5) / cell - 0.5, cols));
  const i0s = Int32Array.from(xs, (c) => c.i0);
  const i1s = Int32Array.from(xs, (c) => c.i1);
  const fxs = Float32Array.from(xs, (c) => c.f);
  const line = new Float64Array(cols);
  for (let y = 0; y < height; y++) {
    // Vertical interpolation once per row of cells, then horizontal per pixel.
    const { i0: j0, i1: j1, f: fy } = at((y + 0.5) / cell - 0.5, rows);
    for (let i = 0; i < cols; i++) line[i] = plane[j0 * cols + i]! + fy * (plane[j1 * cols + i]! - plane[j0 * cols + i]!);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const a = line[i0s[x]!]!;
      out[row + x] = a + fxs[x]! * (line[i1s[x]!]! - a);
    }
  }
  return out;
}

/** Estimates the back-lit stage; throws BackgroundRemovalError when the image shows none. */
export function estimateStage(hsv: HsvPlanes, width: number, height: number): StageModel {
  const { hue, value, saturation } = hsv;
  const valueHistogram = new Uint32Array(256);
  for (let y = 0; y < height; y += STEP) for (let x = 0; x < width; x += STEP) valueHistogram[value[y * width + x]!]!++;
  const total = Math.ceil(height / STEP) * Math.ceil(width / STEP);
  const bright = percentile(valueHistogram, total, 0.99);
  if (bright < NEARLY_BLACK) {
    throw new BackgroundRemovalError(`no back-lit stage: the image is nearly black (99th brightness percentile ${bright}/255)`);
  }
  const candidates = new Int32Array(total);
  let found = 0;
  const brightEnough = BRIGHT_FRACTION * bright;
  for (let y = 0; y < height; y += STEP) {
    for (let x = 0; x < width; x += STEP) {
      const p = y * width + x;
      if (value[p]! >= brightEnough && saturation[p]! >= MIN_SATURATION) candidates[found++] = p;
    }
  }
  const samples = candidates.subarray(0, found);
  if (found < 0.05 * total) {
    throw new BackgroundRemovalError(
      `no coloured back-lit stage: only ${pct(found / total)} of the pixels are bright and coloured (the classical method needs a coloured stage; method ml does not)`,
    );
  }
  const stageHue = dominantHue(hue, samples);

  const cell = Math.max(8, Math.round(Math.hypot(width, height) / CELLS_PER_DIAGONAL));
  const grid: Grid = { cols: Math.ceil(width / cell), rows: Math.ceil(height / cell), cell };
  const count = new Float64Array(grid.cols * grid.rows);
  const offsetSum = new Float64Array(count.length);
  const valueSum = new Float64Array(count.length);
  const stageSamples = new Int32Array(found);
  const offsets = new Float32Array(found);
  let sampled = 0;
  for (const p of samples) {
    const d = hueDifference(hue[p]!, stageHue);
    if (d > HUE_WINDOW || d < -HUE_WINDOW) continue;
    const x = p % width;
    const c = Math.floor((p - x) / width / cell) * grid.cols + Math.floor(x / cell);
    count[c]!++;
    offsetSum[c]! += d;
    valueSum[c]! += value[p]!;
    stageSamples[sampled] = p;
    offsets[sampled++] = d;
  }
  if (sampled < 0.05 * total) {
    throw new BackgroundRemovalError(`no back-lit stage: its colour (hue ${stageHue.toFixed(0)}°) covers only ${pct(sampled / total)} of the image`);
  }
  const [offsetMean, valueMean] = fillCells(grid, count, [offsetSum, valueSum], (cell * cell) / (4 * STEP * STEP));
  const localHueOffset = expand(grid, offsetMean!, width, height);
  const localValue = expand(grid, valueMean!, width, height);
  // Median absolute deviation from the local hue, in 0.05° bins, scaled to a standard deviation.
  const deviations = new Uint32Array(HUE_WINDOW * 2 * 20 + 1);
  for (let k = 0; k < sampled; k++) deviations[Math.round(Math.abs(offsets[k]! - localHueOffset[stageSamples[k]!]!) * 20)]!++;
  const hueSpread = (1.4826 * percentile(deviations, sampled, 0.5)) / 20;
  return { hue: stageHue, hueSpread, localHueOffset, localValue, coverage: sampled / total };
}

function pct(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}
