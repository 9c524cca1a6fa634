// Resizing single-channel maps (row-major, h x w): the pooled error map up to the crop for pixel metrics, and
// maps and masks down to the size an anomaly figure shows them at.

export function checkSize(length: number, h: number, w: number, outH: number, outW: number): void {
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
 * The output rows of a bilinear resize of an h x w map to outH x outW, top to bottom: `row(y)` makes `upper`
 * and `lower` the two source rows output row y blends, each already interpolated horizontally to outW, and
 * returns the weight f of `lower` (f = 0: the row is `upper`, and `lower` may be stale). Separable: each source
 * row is interpolated horizontally once and kept while consecutive output rows blend it. A class rather than a
 * callback so a caller's per-pixel loop keeps its counters in locals (a closure's would live in its context).
 */
export class BilinearRows {
  upper: Float32Array;
  lower: Float32Array;
  private upperRow = -1;
  private lowerRow = -1;
  private readonly x: Taps;
  private readonly y: Taps;

  constructor(
    private readonly map: Float32Array,
    h: number,
    private readonly w: number,
    outH: number,
    private readonly outW: number,
  ) {
    checkSize(map.length, h, w, outH, outW);
    this.x = taps(w, outW);
    this.y = taps(h, outH);
    this.upper = new Float32Array(outW);
    this.lower = new Float32Array(outW);
  }

  /** Call with y ascending; rows no one needs may be skipped. */
  row(y: number): number {
    const { lo, hi, weight } = this.y;
    if (lo[y] !== this.upperRow) {
      // Going down, the lower row becomes the next upper one.
      if (lo[y] === this.lowerRow) {
        [this.upper, this.lower] = [this.lower, this.upper];
        this.lowerRow = -1;
      } else {
        this.horizontal(lo[y]!, this.upper);
      }
      this.upperRow = lo[y]!;
    }
    const f = weight[y]!;
    if (f !== 0 && hi[y] !== this.lowerRow) {
      this.horizontal(hi[y]!, this.lower);
      this.lowerRow = hi[y]!;
    }
    return f;
  }

  /** Output row y (rows ascending, as row()), columns [from, to), blended into target[offset + from, offset + to). */
  blend(y: number, target: Float32Array, offset: number, from = 0, to = this.outW): void {
    const f = this.row(y);
    const { upper, lower } = this;
    if (f === 0) {
      target.set(upper.subarray(from, to), offset + from);
      return;
    }
    for (let x = from; x < to; x++) {
      const a = upper[x]!;
      target[offset + x] = a + (lower[x]! - a) * f;
    }
  }

  private horizontal(y: number, row: Float32Array): void {
    const { map, outW } = this;
    const { lo, hi, weight } = this.x;
    const offset = y * this.w;
    for (let x = 0; x < outW; x++) {
      const a = map[offset + lo[x]!]!;
      row[x] = a + (map[offset + hi[x]!]! - a) * weight[x]!;
    }
  }
}

/**
 * Bilinear resize of an h x w map to outH x outW (meant for enlarging: shrinking samples, it does not average).
 * `out` (outH x outW) is written in place when given: a fresh 1920x1080 map costs more in page faults than the
 * interpolation itself, so a loop over many images should reuse one.
 */
export function upsampleBilinear(map: Float32Array, h: number, w: number, outH: number, outW: number, out: Float32Array = new Float32Array(outH * outW)): Float32Array {
  checkSize(map.length, h, w, outH, outW);
  if (out.length !== outH * outW) throw new RangeError(`out has ${out.length} values, expected outH x outW = ${outH * outW}`);
  const rows = new BilinearRows(map, h, w, outH, outW);
  for (let y = 0; y < outH; y++) rows.blend(y, out, y * outW);
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
