// Per-channel distributions of a model's reconstructions, accumulated batch by batch over a whole validation set
// (foreground pixels only), for the plots "per-channel loss histograms" and "predicted vs true value
// distributions". Streaming counts: nothing per pixel is kept.
import { FOREGROUND_MIN } from './error-map.ts';

/**
 * The plain data shape the charts read (and that can be written as JSON): one channel's histogram,
 * `counts[i]` foreground pixels in [edges[i], edges[i + 1]); edges.length = counts.length + 1.
 * Value histograms: `bins` equal bins over [0, 1], values outside [0, 1] counted in the end bins.
 * Squared-error histograms: `bins` log-spaced bins over SQUARED_ERROR_RANGE, errors below it (0 included) counted
 * in the first bin and above it in the last, so the counts always add up to the pixels seen.
 */
export interface ChannelHistogram {
  channel: string;
  edges: number[];
  counts: number[];
}

export interface ReconstructionSummary {
  /** Foreground pixels counted (each has a value in every channel). */
  pixels: number;
  trueValues: ChannelHistogram[];
  predictedValues: ChannelHistogram[];
  squaredErrors: ChannelHistogram[];
  /** Per channel, in the order of `channels`: mean of (x - x̂)² over the foreground. */
  meanSquaredError: number[];
}

/** Squared errors of values in [0, 1] lie in [0, 1]; below 1e-8 (an error of 1e-4) is as good as exact. */
export const SQUARED_ERROR_RANGE = [1e-8, 1] as const;

/** Adjacent doubles, for pinning the squared-error bin edges to the last ULP. */
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);
function nextDouble(x: number, step: 1n | -1n): number {
  f64[0] = x;
  u64[0] = u64[0]! + step;
  return f64[0]!;
}
/** Sixteen slots per octave: the double's exponent and top 4 mantissa bits (its high word >>> 16; x > 0). */
function slotOf(x: number): number {
  f64[0] = x;
  return u32[1]! >>> 16;
}

/**
 * The squared-error bin of `e` among `bins` log-spaced bins over SQUARED_ERROR_RANGE, by its definition:
 * floor((log10(e) − log10(min)) · bins per decade), clamped to the bins (NaN, 0 and below-range in the first).
 */
export function squaredErrorBin(e: number, bins: number): number {
  const logMin = Math.log10(SQUARED_ERROR_RANGE[0]);
  const binsPerDecade = bins / (Math.log10(SQUARED_ERROR_RANGE[1]) - logMin);
  // Math.min/max with NaN give NaN and `| 0` turns it into bin 0: a broken prediction still counts, visibly.
  return Math.max(0, Math.min(bins - 1, Math.floor((Math.log10(e) - logMin) * binsPerDecade))) | 0;
}

/**
 * squaredErrorBin without a log10 per value (~100k values per image): the smallest double of each bin is found
 * once from the definition itself, and a value's bin is the number of those edges at or below it, looked up from
 * its binary exponent and top mantissa bits and settled by a comparison or two.
 */
export class SquaredErrorBins {
  /** lower[k]: the smallest double squaredErrorBin puts in bin k ≥ 1. */
  private readonly lower: Float64Array;
  private readonly top: number;
  private readonly firstSlot: number;
  /** Bin of the smallest double of each slot from firstSlot on. */
  private readonly slotBins: Int32Array;

  constructor(bins: number) {
    const top = (this.top = bins - 1);
    const logMin = Math.log10(SQUARED_ERROR_RANGE[0]);
    const binsPerDecade = bins / (Math.log10(SQUARED_ERROR_RANGE[1]) - logMin);
    this.lower = new Float64Array(bins);
    for (let k = 1; k <= top; k++) {
      let e = 10 ** (logMin + k / binsPerDecade);
      while (squaredErrorBin(e, bins) >= k) e = nextDouble(e, -1n);
      while (squaredErrorBin(e, bins) < k) e = nextDouble(e, 1n);
      this.lower[k] = e;
    }
    this.firstSlot = top > 0 ? slotOf(this.lower[1]!) : 0;
    const slots = top > 0 ? slotOf(this.lower[top]!) - this.firstSlot + 1 : 0;
    this.slotBins = new Int32Array(slots);
    for (let s = 0, k = 0; s < slots; s++) {
      f64[0] = 0;
      u32[1] = (this.firstSlot + s) << 16;
      const start = f64[0]!;
      while (k < top && this.lower[k + 1]! <= start) k++;
      this.slotBins[s] = k;
    }
  }

  of(e: number): number {
    const { lower, top } = this;
    // NaN, 0 and below the range; with a single bin lower[1] is undefined and everything lands here.
    if (!(e >= lower[1]!)) return 0;
    if (e >= lower[top]!) return top;
    let bin = this.slotBins[slotOf(e) - this.firstSlot]!;
    while (e >= lower[bin + 1]!) bin++;
    return bin;
  }
}

export class ReconstructionStats {
  /** Per kind, channel-major: [channel · bins + bin]. */
  private readonly trueCounts: Float64Array;
  private readonly predictedCounts: Float64Array;
  private readonly errorCounts: Float64Array;
  private readonly errorSums: Float64Array;
  private pixels = 0;
  private readonly logMin = Math.log10(SQUARED_ERROR_RANGE[0]);
  private readonly binsPerDecade: number;
  private readonly errorBins: SquaredErrorBins;

  constructor(
    readonly channels: string[],
    readonly bins = 100,
  ) {
    if (channels.length === 0) throw new RangeError('ReconstructionStats needs at least one channel');
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
    this.trueCounts = new Float64Array(channels.length * bins);
    this.predictedCounts = new Float64Array(channels.length * bins);
    this.errorCounts = new Float64Array(channels.length * bins);
    this.errorSums = new Float64Array(channels.length);
    this.binsPerDecade = bins / (Math.log10(SQUARED_ERROR_RANGE[1]) - this.logMin);
    this.errorBins = new SquaredErrorBins(bins);
  }

  /**
   * Adds a batch: `truth` and `predicted` (B, P, C) interleaved as the datasets store them, `foreground` (B, P)
   * fractions; pooled pixels with less than FOREGROUND_MIN foreground are left out, as in the error maps.
   */
  add(truth: Float32Array, predicted: Float32Array, foreground: Float32Array): void {
    const c = this.channels.length;
    if (truth.length !== predicted.length || truth.length !== foreground.length * c) {
      throw new RangeError(`truth (${truth.length}), predicted (${predicted.length}) and foreground (${foreground.length} x ${c} channels) sizes differ`);
    }
    const { bins, trueCounts, predictedCounts, errorCounts, errorSums, errorBins } = this;
    for (let p = 0; p < foreground.length; p++) {
      if (!(foreground[p]! >= FOREGROUND_MIN)) continue;
      this.pixels++;
      for (let k = 0; k < c; k++) {
        const x = truth[p * c + k]!;
        const y = predicted[p * c + k]!;
        const e = (x - y) * (x - y);
        const offset = k * bins;
        trueCounts[offset + valueBin(x, bins)]!++;
        predictedCounts[offset + valueBin(y, bins)]!++;
        errorCounts[offset + errorBins.of(e)]!++;
        errorSums[k]! += e;
      }
    }
  }

  summary(): ReconstructionSummary {
    const linear = Array.from({ length: this.bins + 1 }, (_, i) => i / this.bins);
    const log = Array.from({ length: this.bins + 1 }, (_, i) => 10 ** (this.logMin + i / this.binsPerDecade));
    const histograms = (counts: Float64Array, edges: number[]) =>
      this.channels.map((channel, k) => ({ channel, edges: [...edges], counts: [...counts.subarray(k * this.bins, (k + 1) * this.bins)] }));
    return {
      pixels: this.pixels,
      trueValues: histograms(this.trueCounts, linear),
      predictedValues: histograms(this.predictedCounts, linear),
      squaredErrors: histograms(this.errorCounts, log),
      meanSquaredError: [...this.errorSums].map((sum) => (this.pixels > 0 ? sum / this.pixels : NaN)),
    };
  }
}

/**
 * floor(v · bins) clamped to the bins, values outside [0, 1] in the end bins and NaN in the first; the same as
 * Math.max(0, Math.min(bins − 1, Math.floor(v · bins))) | 0 without the calls.
 */
function valueBin(v: number, bins: number): number {
  const scaled = v * bins;
  return scaled >= bins - 1 ? bins - 1 : scaled > 0 ? scaled | 0 : 0;
}
