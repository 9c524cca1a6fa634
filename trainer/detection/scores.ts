// Image scores from an upsampled pixel error map, over the foreground only, and thresholds in linear units.

export type ScoreMethod = 'max' | 'mean' | 'top_k';

/** Default k of the top_k score: mean of the largest 1% foreground pixel errors. */
export const DEFAULT_TOP_K_PERCENT = 1;

const bitsView = new Uint32Array(1);
const floatView = new Float32Array(bitsView.buffer);

/** Maps float32 bits to an unsigned key with the same order as the values (negatives reversed below positives). */
function orderKey(bits: number): number {
  return (bits & 0x80000000 ? ~bits : bits | 0x80000000) >>> 0;
}

function valueOfKey(key: number): number {
  bitsView[0] = key & 0x80000000 ? key & 0x7fffffff : ~key;
  return floatView[0]!;
}

/** A non-negative float32's order key is its bits with the sign bit set: the key's high 16 bits are this | bits >>> 16. */
export const NON_NEGATIVE_KEY_HIGH = 0x8000;

/**
 * Mean of the ceil(percent% of foreground) largest foreground values, exact, in two passes and no sort
 * (a 1920x1080 map has ~2M pixels): a radix select on the order keys' high 16 bits finds the bucket
 * holding the k-th largest value; the values above it are summed, and within it the low 16 bits (which
 * then fix the value exactly) are counted to take just the remaining ones.
 */
function topKMean(map: Float32Array, foreground: Uint8Array, percent: number): number {
  const bits = new Uint32Array(map.buffer, map.byteOffset, map.length);
  const high = new Uint32Array(65536);
  let n = 0;
  for (let i = 0; i < bits.length; i++) {
    if (foreground[i] === 0) continue;
    high[orderKey(bits[i]!) >>> 16]!++;
    n++;
  }
  return topKMeanOfCounts(map, foreground, high, n, percent);
}

/**
 * The second pass of the top-k mean, for a first pass done elsewhere (the fused crop pass): `high` counts the
 * `n` foreground pixels by their order key's high 16 bits (for a non-negative value, NON_NEGATIVE_KEY_HIGH | its
 * bits >>> 16). `map` is read again only to sum the values in and above the k-th largest's bucket.
 */
export function topKMeanOfCounts(map: Float32Array, foreground: Uint8Array, high: Uint32Array, n: number, percent: number): number {
  if (n === 0) throw new RangeError('no foreground pixel to score');
  // The outermost 128 buckets at each end hold only NaN and ±Infinity (finite float32 keys fill buckets 128..65407).
  for (let b = 0; b < 128; b++) if (high[b]! + high[65535 - b]! > 0) throw new RangeError('error map holds NaN or infinite values');
  const bits = new Uint32Array(map.buffer, map.byteOffset, map.length);
  const k = Math.max(1, Math.ceil((n * percent) / 100 - 1e-9));
  let bucket = 65535;
  let above = 0;
  while (above + high[bucket]! < k) above += high[bucket--]!;
  const low = new Uint32Array(65536);
  let sum = 0;
  for (let i = 0; i < bits.length; i++) {
    if (foreground[i] === 0) continue;
    const key = orderKey(bits[i]!);
    const h = key >>> 16;
    if (h > bucket) sum += map[i]!;
    else if (h === bucket) low[key & 0xffff]!++;
  }
  let remaining = k - above;
  for (let l = 65535; remaining > 0; l--) {
    const take = Math.min(remaining, low[l]!);
    if (take > 0) sum += take * valueOfKey(((bucket << 16) | l) >>> 0);
    remaining -= take;
  }
  return sum / k;
}

/** Checks what imageScore checks before it reads a pixel; the fused crop pass calls it before touching anything. */
export function checkScoreArguments(mapLength: number, foreground: Uint8Array, method: ScoreMethod, topKPercent: number): void {
  if (foreground.length !== mapLength) throw new RangeError(`foreground mask has ${foreground.length} pixels, error map ${mapLength}`);
  if (method === 'top_k' && !(topKPercent > 0 && topKPercent <= 100)) throw new RangeError(`top_k percent must be in (0, 100], got ${topKPercent}`);
}

/**
 * Image score of an error map over its foreground (non-zero pixels of `foreground`): the largest error,
 * the mean error, or (top_k) the mean of the ceil(k% of foreground pixels) largest errors — robust to a
 * single hot pixel, yet driven by a small defect. Throws when the foreground is empty or the map holds NaN or
 * infinite values.
 */
export function imageScore(map: Float32Array, foreground: Uint8Array, method: ScoreMethod, topKPercent = DEFAULT_TOP_K_PERCENT): number {
  checkScoreArguments(map.length, foreground, method, topKPercent);
  if (method === 'top_k') return topKMean(map, foreground, topKPercent);
  let n = 0;
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    if (foreground[i] === 0) continue;
    const v = map[i]!;
    n++;
    sum += v;
    if (v > max) max = v;
  }
  if (n === 0) throw new RangeError('no foreground pixel to score');
  if (!Number.isFinite(sum)) throw new RangeError('error map holds NaN or infinite values');
  return method === 'max' ? max : sum / n;
}

/** Fraction of foreground pixels with error ≥ threshold (the anomalous area of an image). */
export function anomalousFraction(map: Float32Array, foreground: Uint8Array, threshold: number): number {
  if (foreground.length !== map.length) throw new RangeError(`foreground mask has ${foreground.length} pixels, error map ${map.length}`);
  let n = 0;
  let over = 0;
  for (let i = 0; i < map.length; i++) {
    if (foreground[i] === 0) continue;
    n++;
    if (map[i]! >= threshold) over++;
  }
  return n === 0 ? 0 : over / n;
}

/**
 * PIXAL's loss_cut in linear error units: with use_log_loss it is compared with log10(error), so the
 * linear threshold is 10^loss_cut. Thresholds stay linear everywhere else.
 */
export function toLinearThreshold(lossCut: number, useLogLoss: boolean): number {
  if (!Number.isFinite(lossCut)) throw new RangeError(`loss_cut must be a finite number, got ${lossCut}`);
  if (useLogLoss) return 10 ** lossCut;
  if (lossCut < 0) throw new RangeError(`loss_cut must be ≥ 0 for a linear loss (errors are squared), got ${lossCut}`);
  return lossCut;
}

/** Score relative to the image threshold: the threshold sits at 1.0, defective images above it. */
export function normalisedScore(score: number, threshold: number): number {
  if (!(threshold > 0)) throw new RangeError(`threshold must be > 0 to normalise scores, got ${threshold}`);
  return score / threshold;
}
