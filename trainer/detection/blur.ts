// Separable Gaussian blur of a row-major (height, width) map, edges clamped. One routine serves the seam bands of
// joined tile maps (trainer/tiling/join.ts) and the whole-map smoothing of error maps (detection.map_sigma).

function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += k[i + radius]!;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/**
 * Blurs `map` in place where rowAlpha or colAlpha > 0, blending blurred and original by the larger alpha
 * (alpha 1 everywhere: a plain blur of the whole map).
 */
export function blurBands(map: Float32Array, height: number, width: number, rowAlpha: Float32Array, colAlpha: Float32Array, sigma: number): void {
  const kernel = gaussianKernel(sigma);
  const r = (kernel.length - 1) / 2;
  const bandCols: number[] = [];
  for (let x = 0; x < width; x++) if (colAlpha[x]! > 0) bandCols.push(x);
  // The vertical pass at a band row reads the horizontal pass r rows around it: those rows are blurred in full.
  const fullRow = new Uint8Array(height);
  for (let y = 0; y < height; y++) if (rowAlpha[y]! > 0) fullRow.fill(1, Math.max(0, y - r), Math.min(height, y + r + 1));
  const horizontal = new Float32Array(map.length);
  const blurRowAt = (y: number, x: number) => {
    const row = y * width;
    let s = 0;
    for (let k = -r; k <= r; k++) s += kernel[k + r]! * map[row + Math.min(width - 1, Math.max(0, x + k))]!;
    horizontal[row + x] = s;
  };
  for (let y = 0; y < height; y++) {
    if (fullRow[y]) for (let x = 0; x < width; x++) blurRowAt(y, x);
    else for (const x of bandCols) blurRowAt(y, x);
  }
  const blurColumnAt = (y: number, x: number) => {
    let s = 0;
    for (let k = -r; k <= r; k++) s += kernel[k + r]! * horizontal[Math.min(height - 1, Math.max(0, y + k)) * width + x]!;
    const i = y * width + x;
    const a = Math.max(rowAlpha[y]!, colAlpha[x]!);
    map[i] = map[i]! + a * (s - map[i]!);
  };
  for (let y = 0; y < height; y++) {
    if (rowAlpha[y]! > 0) for (let x = 0; x < width; x++) blurColumnAt(y, x);
    else for (const x of bandCols) blurColumnAt(y, x);
  }
}

/** Blurs each of the `n` (height, width) maps in `maps` in place with a Gaussian of `sigma` pixels. */
export function gaussianBlurMaps(maps: Float32Array, n: number, height: number, width: number, sigma: number): void {
  const rows = new Float32Array(height).fill(1);
  const cols = new Float32Array(width).fill(1);
  const pixels = height * width;
  for (let i = 0; i < n; i++) blurBands(maps.subarray(i * pixels, (i + 1) * pixels), height, width, rows, cols, sigma);
}
