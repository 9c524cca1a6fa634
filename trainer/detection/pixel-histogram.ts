// Streaming pixel-level metrics: per-class counts of pixel errors in fine log-like bins, so AUROC, AP and
// thresholds over millions of 1920x1080 pixels need no pixel kept. Pixels in one bin count as tied.
//
// The bins come from the float32 bit pattern: for non-negative floats the bits grow with the value, and
// the exponent plus the top mantissa bits split each octave into BINS_PER_OCTAVE equal parts (bin width
// ≤ 0.1% of the value). That costs a shift per pixel instead of a log10, and every bin edge is a float32:
// "error ≥ edge" on the float32 map is exactly "bin ≥ edge's bin", so metrics at the edges are exact.
import {
  aurocOf,
  averagePrecisionOf,
  confusionFromCounts,
  f1OptimumOf,
  prCurveOf,
  rocCurveOf,
  type Confusion,
  type F1Optimum,
  type OperatingPoints,
  type PrCurve,
  type RocCurve,
} from './metrics.ts';

const MANTISSA_BITS_KEPT = 10;
const BINS_PER_OCTAVE = 1 << MANTISSA_BITS_KEPT;
const SHIFT = 23 - MANTISSA_BITS_KEPT;
const MIN_EXPONENT = -30; // 2^-30 ≈ 9.3e-10: smaller errors (and 0) share the underflow bin
const MAX_EXPONENT = 7; // 2^7 = 128: larger errors (and +Infinity) share the overflow bin
const MIN_BITS = (127 + MIN_EXPONENT) << 23;
const MAX_BITS = (127 + MAX_EXPONENT) << 23;
const FIRST_KEY = MIN_BITS >>> SHIFT;
const REGULAR_BINS = (MAX_EXPONENT - MIN_EXPONENT) * BINS_PER_OCTAVE;
/** Underflow bin 0, regular bins 1..REGULAR_BINS, overflow bin REGULAR_BINS + 1. */
export const BIN_COUNT = REGULAR_BINS + 2;
export const OVERFLOW_BIN = REGULAR_BINS + 1;
const NEGATIVE_ZERO = 0x80000000;
const POSITIVE_INFINITY = 0x7f800000;

const bitsView = new Uint32Array(1);
const floatView = new Float32Array(bitsView.buffer);

/** Lower edge of a bin: errors ≥ it fall in this bin or a higher one. */
export function binLowerEdge(bin: number): number {
  if (bin <= 0) return 0;
  if (bin > REGULAR_BINS) return 2 ** MAX_EXPONENT;
  bitsView[0] = (FIRST_KEY + bin - 1) << SHIFT;
  return floatView[0]!;
}

/** Bin of one error value (rounded to float32 first, as the error maps are float32). */
export function binOf(error: number): number {
  floatView[0] = error;
  return binOfBits(bitsView[0]!, error);
}

/** Bin of a float32 error given its bits (`error`, its value, only names it in the message of a negative or NaN). */
export function binOfBits(bits: number, error: number): number {
  if (bits < MIN_BITS) return 0;
  if (bits < MAX_BITS) return (bits >>> SHIFT) - FIRST_KEY + 1;
  if (bits <= POSITIVE_INFINITY) return REGULAR_BINS + 1;
  if (bits === NEGATIVE_ZERO) return 0;
  throw new RangeError(`pixel error must be a non-negative number, got ${error}`);
}

/**
 * The high 16 bits of the float32 bits of every value in regular bin `bin` (a bin keeps 10 mantissa bits, the
 * high 16 bits 7 of them: 8 consecutive bins share them), for a top-k select that reuses these counts.
 */
export function highBitsOfBin(bin: number): number {
  return (FIRST_KEY + bin - 1) >>> (16 - SHIFT);
}

export interface PlotHistogram {
  /** bins + 1 ascending edges. */
  edges: number[];
  good: number[];
  defect: number[];
  unlabelled: number[];
}

export interface ClassCounts {
  good: number;
  defect: number;
  unlabelled: number;
}

function total(counts: Float64Array): number {
  let n = 0;
  for (const c of counts) n += c;
  return n;
}

/** The mask checks of PixelHistogram.add, for a caller that adds pixels itself (the fused crop pass). */
export function checkPixelMasks(n: number, defect: Uint8Array | null, include?: Uint8Array): void {
  if (defect && defect.length !== n) throw new RangeError(`defect mask has ${defect.length} pixels, error map ${n}`);
  if (include && include.length !== n) throw new RangeError(`foreground mask has ${include.length} pixels, error map ${n}`);
}

export class PixelHistogram {
  readonly good = new Float64Array(BIN_COUNT);
  readonly defect = new Float64Array(BIN_COUNT);
  /** Pixels of images without a ground-truth mask: only for the loss histogram plots, never in metrics. */
  readonly unlabelled = new Float64Array(BIN_COUNT);

  /**
   * Adds one image's pixel errors. `defect`: ground-truth mask (non-zero = defect), or null for an
   * unlabelled image; `include`: foreground mask (non-zero = evaluated), background pixels are skipped.
   */
  add(errors: Float32Array, defect: Uint8Array | null, include?: Uint8Array): this {
    const n = errors.length;
    checkPixelMasks(n, defect, include);
    const bits = new Uint32Array(errors.buffer, errors.byteOffset, n);
    for (let i = 0; i < n; i++) {
      if (include && include[i] === 0) continue;
      const bin = binOfBits(bits[i]!, errors[i]!);
      if (defect === null) this.unlabelled[bin]!++;
      else if (defect[i] !== 0) this.defect[bin]!++;
      else this.good[bin]!++;
    }
    return this;
  }

  /** Adds per-bin pixel counts (BIN_COUNT long) counted elsewhere (the fused crop pass); null adds none. */
  addCounts(good: Uint32Array | null, defect: Uint32Array | null, unlabelled: Uint32Array | null): this {
    for (const [to, from] of [[this.good, good], [this.defect, defect], [this.unlabelled, unlabelled]] as const) {
      if (from === null) continue;
      if (from.length !== BIN_COUNT) throw new RangeError(`counts have ${from.length} bins, expected ${BIN_COUNT}`);
      for (let b = 0; b < BIN_COUNT; b++) to[b]! += from[b]!;
    }
    return this;
  }

  merge(other: PixelHistogram): this {
    for (let b = 0; b < BIN_COUNT; b++) {
      this.good[b]! += other.good[b]!;
      this.defect[b]! += other.defect[b]!;
      this.unlabelled[b]! += other.unlabelled[b]!;
    }
    return this;
  }

  counts(): ClassCounts {
    return { good: total(this.good), defect: total(this.defect), unlabelled: total(this.unlabelled) };
  }

  /** Labelled pixels as operating points at the lower edges of the non-empty bins. */
  operatingPoints(): OperatingPoints {
    const thresholds: number[] = [];
    const tp: number[] = [];
    const fp: number[] = [];
    let t = 0;
    let f = 0;
    for (let b = BIN_COUNT - 1; b >= 0; b--) {
      if (this.defect[b] === 0 && this.good[b] === 0) continue;
      t += this.defect[b]!;
      f += this.good[b]!;
      thresholds.push(binLowerEdge(b));
      tp.push(t);
      fp.push(f);
    }
    return { thresholds: Float64Array.from(thresholds), tp: Float64Array.from(tp), fp: Float64Array.from(fp), positives: t, negatives: f };
  }

  auroc(): number {
    return aurocOf(this.operatingPoints());
  }

  averagePrecision(): number {
    return averagePrecisionOf(this.operatingPoints());
  }

  rocCurve(maxPoints = 1000): RocCurve {
    return rocCurveOf(this.operatingPoints(), maxPoints);
  }

  prCurve(maxPoints = 1000): PrCurve {
    return prCurveOf(this.operatingPoints(), maxPoints);
  }

  /** F1-optimal pixel threshold; it is a bin edge, so thresholding the float32 map with it reproduces these counts exactly. */
  f1OptimalThreshold(): F1Optimum {
    return f1OptimumOf(this.operatingPoints());
  }

  /**
   * Labelled pixels with error ≥ threshold predicted defective. Exact when the threshold is a bin edge;
   * otherwise the whole bin holding it counts as defective (off by at most that bin's pixels).
   */
  confusionAt(threshold: number): Confusion {
    const from = binOf(threshold);
    let tp = 0;
    let fp = 0;
    for (let b = from; b < BIN_COUNT; b++) {
      tp += this.defect[b]!;
      fp += this.good[b]!;
    }
    return confusionFromCounts(tp, fp, total(this.defect), total(this.good));
  }

  /**
   * Counts re-binned for a loss histogram plot: `bins` equal-width bins from 0 (linear), or log-spaced
   * bins (log; errors below 2^-30, zeros included, are left out as they have no place on a log axis),
   * over the range of the non-empty bins. Each fine bin goes whole to the plot bin holding its middle.
   */
  histogram(bins: number, log: boolean): PlotHistogram {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
    const filled = (b: number) => this.good[b]! + this.defect[b]! + this.unlabelled[b]! > 0;
    let lo = log ? 1 : 0;
    let hi = BIN_COUNT - 1;
    while (lo <= hi && !filled(lo)) lo++;
    while (hi >= lo && !filled(hi)) hi--;
    const empty = { edges: [], good: [], defect: [], unlabelled: [] };
    if (lo > hi) return empty;
    const middle = (b: number) => (b === 0 ? 0 : b > REGULAR_BINS ? binLowerEdge(b) : (binLowerEdge(b) + binLowerEdge(b + 1)) / 2);
    const start = log ? binLowerEdge(lo) : 0;
    // The overflow bin has no upper edge: it ends the range at its lower edge (or an octave above, if alone).
    const end = Math.max(binLowerEdge(Math.min(hi + 1, REGULAR_BINS + 1)), start * 2);
    const position = log ? (v: number) => Math.log(v / start) / Math.log(end / start) : (v: number) => v / end;
    const edges = Array.from({ length: bins + 1 }, (_, i) => (log ? start * (end / start) ** (i / bins) : (end * i) / bins));
    const plot: PlotHistogram = { edges, good: new Array<number>(bins).fill(0), defect: new Array<number>(bins).fill(0), unlabelled: new Array<number>(bins).fill(0) };
    for (let b = lo; b <= hi; b++) {
      if (!filled(b)) continue;
      const k = Math.min(bins - 1, Math.max(0, Math.floor(position(middle(b)) * bins)));
      plot.good[k]! += this.good[b]!;
      plot.defect[k]! += this.defect[b]!;
      plot.unlabelled[k]! += this.unlabelled[b]!;
    }
    return plot;
  }
}
