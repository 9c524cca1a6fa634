// One pass over an image's crop for detection: the pooled error map upsampled row by row, each row's foreground
// pixels counted at once (while the row is in cache) into per-bin counts that serve both the pixel histogram and
// the top_k score's first pass (max and mean are kept on the way); only top_k keeps the whole crop-sized map, in a
// reused buffer, for its second pass. Instead of a fresh 1920x1080-sized map written once and read three times.
// Same numbers as upsampleBilinear → imageScore → PixelHistogram.add (and anomalousFraction), to the bit.
import { BIN_COUNT, binOfBits, checkPixelMasks, highBitsOfBin, OVERFLOW_BIN, type PixelHistogram } from './pixel-histogram.ts';
import { checkScoreArguments, DEFAULT_TOP_K_PERCENT, imageScore, NON_NEGATIVE_KEY_HIGH, topKMeanOfCounts, type ScoreMethod } from './scores.ts';
import { BilinearRows, checkSize, upsampleBilinear } from './upsample.ts';

/** Float32 bits from here up are +Infinity, NaN or negative (sign bit set, -0 included). */
const NOT_PLAIN_BITS = 0x7f800000;

export interface CropImage {
  /** Pooled error map, h x w. */
  map: Float32Array;
  h: number;
  w: number;
  /** The crop's size, the map is upsampled to it. */
  cropHeight: number;
  cropWidth: number;
  /** Crop-sized foreground mask (non-zero = scored and counted). */
  foreground: Uint8Array;
  /** Crop-sized ground-truth mask (non-zero = defect), or null for an unlabelled image. */
  groundTruth: Uint8Array | null;
}

/** Holds its buffers and count arrays between images: detection over a batch should reuse one. */
export class CropPass {
  /** A whole crop-sized map (top_k reads it again), or one row of it. */
  private buffer = new Float32Array(0);
  private readonly high = new Uint32Array(65536);
  /** This image's pixels per histogram bin: [good or unlabelled | defect]. */
  private readonly counts = new Uint32Array(2 * BIN_COUNT);

  /**
   * Adds the image's foreground pixels at crop resolution to `pixels` and returns its image score. A map holding
   * NaN, infinite or negative values goes the straightforward way, which throws (or not) exactly as before.
   */
  score(image: CropImage, pixels: PixelHistogram, method: ScoreMethod, topKPercent = DEFAULT_TOP_K_PERCENT): number {
    const { map, h, w, cropHeight: outH, cropWidth: outW, foreground, groundTruth } = image;
    checkSize(map.length, h, w, outH, outW);
    const size = outH * outW;
    if (!isPlain(map)) {
      const out = upsampleBilinear(map, h, w, outH, outW, this.reuse(size));
      const score = imageScore(out, foreground, method, topKPercent);
      pixels.add(out, groundTruth, foreground);
      return score;
    }
    checkScoreArguments(size, foreground, method, topKPercent);
    checkPixelMasks(size, groundTruth, foreground);
    const topK = method === 'top_k';
    const out = this.reuse(topK ? size : outW);
    const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
    const high = topK ? this.high.fill(0) : null;
    const counts = this.counts.fill(0);
    const tally: RowTally = { n: 0, sum: 0, maxBits: 0 };
    // Per row, two tight loops (upsampling, then counting while the row is in cache) run faster in V8 than one
    // loop doing both per pixel, and faster still with the counting in a small function of its own.
    const rows = new BilinearRows(map, h, w, outH, outW);
    for (let y = 0; y < outH; y++) {
      const offset = y * outW;
      const [from, to] = foregroundSpan(foreground, offset, outW);
      if (from === to) continue;
      const at = topK ? offset : 0;
      rows.blend(y, out, at, from, to);
      tallyRow(out, bits, at, foreground, groundTruth, offset, from, to, counts, high, tally);
    }
    const { n, sum, maxBits } = tally;
    if (n === 0) throw new RangeError('no foreground pixel to score');
    const kept = counts.subarray(0, BIN_COUNT);
    const defect = counts.subarray(BIN_COUNT);
    if (groundTruth === null) pixels.addCounts(null, null, kept);
    else pixels.addCounts(kept, defect, null);
    if (high !== null) {
      for (let bin = 1; bin < OVERFLOW_BIN; bin++) {
        const c = kept[bin]! + defect[bin]!;
        if (c > 0) high[NON_NEGATIVE_KEY_HIGH | highBitsOfBin(bin)]! += c;
      }
      return topKMeanOfCounts(out, foreground, high, n, topKPercent);
    }
    bitsView[0] = maxBits;
    return method === 'max' ? floatView[0]! : sum / n;
  }

  /** anomalousFraction of the image's map upsampled to its crop, row by row (any values: no fast path needed). */
  anomalousFraction(image: Omit<CropImage, 'groundTruth'>, threshold: number): number {
    const { map, h, w, cropHeight: outH, cropWidth: outW, foreground } = image;
    checkSize(map.length, h, w, outH, outW);
    checkScoreArguments(outH * outW, foreground, 'max', DEFAULT_TOP_K_PERCENT); // the mask size, as anomalousFraction checks it
    const row = this.reuse(outW);
    const rows = new BilinearRows(map, h, w, outH, outW);
    let n = 0;
    let over = 0;
    for (let y = 0; y < outH; y++) {
      const offset = y * outW;
      const [from, to] = foregroundSpan(foreground, offset, outW);
      if (from === to) continue;
      rows.blend(y, row, 0, from, to);
      for (let x = from; x < to; x++) {
        if (foreground[offset + x] === 0) continue;
        n++;
        if (row[x]! >= threshold) over++;
      }
    }
    return n === 0 ? 0 : over / n;
  }

  private reuse(size: number): Float32Array {
    if (this.buffer.length < size) this.buffer = new Float32Array(size);
    return this.buffer.subarray(0, size);
  }
}

/** Columns [from, to) of a row from its first to its last foreground pixel; from = to when it has none. */
function foregroundSpan(foreground: Uint8Array, offset: number, width: number): [number, number] {
  let from = 0;
  while (from < width && foreground[offset + from] === 0) from++;
  let to = width;
  while (to > from && foreground[offset + to - 1] === 0) to--;
  return [from, to];
}

interface RowTally {
  /** Foreground pixels. */
  n: number;
  sum: number;
  /** Bits of the largest value (all values are ≥ 0, so the largest bits). */
  maxBits: number;
}

/**
 * Counts one row's foreground pixels [from, to) (values at values[at + x], masks at offset + x) into `counts`
 * and `tally`; with `high` (top_k), the pixels of the under- and overflow bins, which lump values of many high
 * bits, into their order-key buckets. Every value is a blend of finite non-negative floats, so finite and ≥ 0:
 * its bits are in the order of the values.
 */
function tallyRow(
  values: Float32Array,
  bits: Uint32Array,
  at: number,
  foreground: Uint8Array,
  groundTruth: Uint8Array | null,
  offset: number,
  from: number,
  to: number,
  counts: Uint32Array,
  high: Uint32Array | null,
  tally: RowTally,
): void {
  // Carried in and out: the sum runs over the whole image in pixel order, as imageScore adds.
  let { n, sum, maxBits } = tally;
  for (let x = from; x < to; x++) {
    if (foreground[offset + x] === 0) continue;
    const b = bits[at + x]!;
    const bin = binOfBits(b, 0);
    counts[groundTruth !== null && groundTruth[offset + x] !== 0 ? bin + BIN_COUNT : bin]!++;
    n++;
    if (high !== null) {
      if (bin === 0 || bin === OVERFLOW_BIN) high[NON_NEGATIVE_KEY_HIGH | (b >>> 16)]!++;
    } else {
      sum += values[at + x]!;
      if (b > maxBits) maxBits = b;
    }
  }
  tally.n = n;
  tally.sum = sum;
  tally.maxBits = maxBits;
}

const bitsView = new Uint32Array(1);
const floatView = new Float32Array(bitsView.buffer);

function isPlain(map: Float32Array): boolean {
  const bits = new Uint32Array(map.buffer, map.byteOffset, map.length);
  for (let i = 0; i < bits.length; i++) if (bits[i]! >= NOT_PLAIN_BITS) return false;
  return true;
}
