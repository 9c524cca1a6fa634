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

export class ReconstructionStats {
  private readonly trueCounts: Float64Array[];
  private readonly predictedCounts: Float64Array[];
  private readonly errorCounts: Float64Array[];
  private readonly errorSums: Float64Array;
  private pixels = 0;
  private readonly logMin = Math.log10(SQUARED_ERROR_RANGE[0]);
  private readonly binsPerDecade: number;

  constructor(
    readonly channels: string[],
    readonly bins = 100,
  ) {
    if (channels.length === 0) throw new RangeError('ReconstructionStats needs at least one channel');
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
    const counts = () => channels.map(() => new Float64Array(bins));
    this.trueCounts = counts();
    this.predictedCounts = counts();
    this.errorCounts = counts();
    this.errorSums = new Float64Array(channels.length);
    this.binsPerDecade = bins / (Math.log10(SQUARED_ERROR_RANGE[1]) - this.logMin);
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
    const top = this.bins - 1;
    for (let p = 0; p < foreground.length; p++) {
      if (!(foreground[p]! >= FOREGROUND_MIN)) continue;
      this.pixels++;
      for (let k = 0; k < c; k++) {
        const x = truth[p * c + k]!;
        const y = predicted[p * c + k]!;
        const e = (x - y) * (x - y);
        // Math.min/max with NaN give NaN and `| 0` turns it into bin 0: a broken prediction still counts, visibly.
        this.trueCounts[k]![Math.max(0, Math.min(top, Math.floor(x * this.bins))) | 0]!++;
        this.predictedCounts[k]![Math.max(0, Math.min(top, Math.floor(y * this.bins))) | 0]!++;
        this.errorCounts[k]![Math.max(0, Math.min(top, Math.floor((Math.log10(e) - this.logMin) * this.binsPerDecade))) | 0]!++;
        this.errorSums[k]! += e;
      }
    }
  }

  summary(): ReconstructionSummary {
    const linear = Array.from({ length: this.bins + 1 }, (_, i) => i / this.bins);
    const log = Array.from({ length: this.bins + 1 }, (_, i) => 10 ** (this.logMin + i / this.binsPerDecade));
    const histograms = (counts: Float64Array[], edges: number[]) => this.channels.map((channel, k) => ({ channel, edges: [...edges], counts: [...counts[k]!] }));
    return {
      pixels: this.pixels,
      trueValues: histograms(this.trueCounts, linear),
      predictedValues: histograms(this.predictedCounts, linear),
      squaredErrors: histograms(this.errorCounts, log),
      meanSquaredError: [...this.errorSums].map((sum) => (this.pixels > 0 ? sum / this.pixels : NaN)),
    };
  }
}
