// Resizing single-channel maps (row-major, h x w): the pooled error map up to the crop for pixel metrics, and
// maps and masks down to the size an anomaly figure shows them at.

function checkSize(length: number, h: number, w: number, outH: number, outW: number): void {
  for (const [name, v] of [['h', h], ['w', w], ['outH', outH], ['outW', outW]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  if (length !== h * w) throw new RangeError(`map has ${length} values, expected h x w = ${h} x ${w} = ${h * w}`);
}

/** Per output coordinate: the two source indices it blends and the weight of the second. */
interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  weight: Float32Array;
}

// Pixel centres aligned as in OpenCV's INTER_LINEAR (and sharp/libvips): output pixel i samples the source at
// (i + 0.5) * size / outSize - 0.5, clamped to the edge pixels (replicated border).
function taps(size: number, outSize: number): Taps {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const weight = new Float32Array(outSize);
  const ratio = size / outSize;
  for (let i = 0; i < outSize; i++) {
    const at = (i + 0.5) * ratio - 0.5;
    let base = Math.floor(at);
    let f = at - base;
    if (base < 0) {
      base = 0;
      f = 0;
    } else if (base >= size - 1) {
      base = size - 1;
      f = 0;
    }
    lo[i] = base;
    hi[i] = Math.min(base + 1, size - 1);
    weight[i] = f;
  }
  return { lo, hi, weight };
}

/**
 * Bilinear resize of an h x w map to outH x outW (meant for enlarging: shrinking samples, it does not average).
 * Separable: each source row is interpolated horizontally once and kept while consecutive output rows blend it.
 * `out` (outH x outW) is written in place when given: a fresh 1920x1080 map costs more in page faults than the
 * interpolation itself, so a loop over many images should reuse one.
 */
export function upsampleBilinear(map: Float32Array, h: number, w: number, outH: number, outW: number, out = new Float32Array(outH * outW)): Float32Array {
  checkSize(map.length, h, w, outH, outW);
  if (out.length !== outH * outW) throw new RangeError(`out has ${out.length} values, expected outH x outW = ${outH * outW}`);
  const { lo: x0, hi: x1, weight: fx } = taps(w, outW);
  const { lo: y0, hi: y1, weight: fy } = taps(h, outH);
  const horizontal = (y: number, row: Float32Array) => {
    const offset = y * w;
    for (let x = 0; x < outW; x++) {
      const a = map[offset + x0[x]!]!;
      row[x] = a + (map[offset + x1[x]!]! - a) * fx[x]!;
    }
  };
  // The two source rows the current output row blends, interpolated horizontally once each: going down, the
  // lower row becomes the next upper one.
  let upper = new Float32Array(outW);
  let lower = new Float32Array(outW);
  let upperRow = -1;
  let lowerRow = -1;
  for (let y = 0; y < outH; y++) {
    if (y0[y] !== upperRow) {
      if (y0[y] === lowerRow) {
        [upper, lower] = [lower, upper];
        lowerRow = -1;
      } else {
        horizontal(y0[y]!, upper);
      }
      upperRow = y0[y]!;
    }
    const f = fy[y]!;
    const row = out.subarray(y * outW, (y + 1) * outW);
    if (f === 0) {
      row.set(upper);
      continue;
    }
    if (y1[y] !== lowerRow) {
      horizontal(y1[y]!, lower);
      lowerRow = y1[y]!;
    }
    for (let x = 0; x < outW; x++) {
      const a = upper[x]!;
      row[x] = a + (lower[x]! - a) * f;
    }
  }
  return out;
}

/** Source index ranges [start, end) covered by each output cell. */
function footprints(size: number, outSize: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.min(size - 1, Math.floor((i * size) / outSize));
    end[i] = Math.max(start[i]! + 1, Math.ceil(((i + 1) * size) / outSize));
  }
  return { start, end };
}

/**
 * Shrinks a map or mask to outH x outW keeping, per output pixel, the maximum over the source pixels it covers:
 * a figure drawn smaller never hides a hot spot or a one-pixel defect. (Enlarging gives nearest-neighbour.)
 * Separable: the maximum along each source row first, then down the columns.
 */
export function downsampleMax<T extends Float32Array | Uint8Array>(values: T, h: number, w: number, outH: number, outW: number): T {
  checkSize(values.length, h, w, outH, outW);
  const xs = footprints(w, outW);
  const ys = footprints(h, outH);
  const rowMax = new Float32Array(h * outW);
  for (let y = 0; y < h; y++) {
    const from = y * w;
    const to = y * outW;
    for (let x = 0; x < outW; x++) {
      const end = from + xs.end[x]!;
      let max = values[from + xs.start[x]!]!;
      for (let i = from + xs.start[x]! + 1; i < end; i++) if (values[i]! > max) max = values[i]!;
      rowMax[to + x] = max;
    }
  }
  const out = (values instanceof Float32Array ? new Float32Array(outH * outW) : new Uint8Array(outH * outW)) as T;
  for (let y = 0; y < outH; y++) {
    const row = out.subarray(y * outW, (y + 1) * outW);
    row.set(rowMax.subarray(ys.start[y]! * outW, (ys.start[y]! + 1) * outW));
    for (let sy = ys.start[y]! + 1; sy < ys.end[y]!; sy++) {
      const offset = sy * outW;
      for (let x = 0; x < outW; x++) if (rowMax[offset + x]! > row[x]!) row[x] = rowMax[offset + x]!;
    }
  }
  return out;
}
