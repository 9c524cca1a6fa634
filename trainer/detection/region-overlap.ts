// Per-region overlap (PRO): at a threshold, the share of each ground-truth defect region's pixels at or above it,
// averaged over the regions, so a 3-pixel speck counts as much as a long scratch (pixel AUROC weighs defects by
// their area, and a coarse map that spreads over a large defect wins it). AUPRO is the area under PRO against the
// good pixels' false-positive rate up to 0.3, divided by 0.3: the small-defect metric of MVTec AD and anomalib.
// Regions keep their pixels' bins of the pixel histogram, so PRO and the good pixels' rate share thresholds.
import { componentLabels } from '../pipeline/background/binary-mask.ts';
import { thinnedIndices } from './metrics.ts';
import { BIN_COUNT, binOf, checkPixelMasks } from './pixel-histogram.ts';

export const AUPRO_MAX_FPR = 0.3;

export class RegionOverlap {
  /** Per defect region, the histogram bin of each of its pixels. */
  private readonly regions: Uint16Array[] = [];

  get count(): number {
    return this.regions.length;
  }

  /**
   * Adds the regions of one image: the 8-connected components of its ground truth within `foreground` (pixels
   * outside it are not scored, as in the pixel histogram), each with the bins of its pixels' errors.
   */
  addImage(errors: Float32Array, width: number, height: number, groundTruth: Uint8Array, foreground?: Uint8Array): this {
    if (errors.length !== width * height) throw new RangeError(`${errors.length} errors for a ${width}x${height} image`);
    checkPixelMasks(errors.length, groundTruth, foreground);
    const scored = foreground ? groundTruth.map((v, i) => (v !== 0 && foreground[i] !== 0 ? 1 : 0)) : groundTruth;
    const { labels, count } = componentLabels(scored, width, height);
    if (count === 0) return this;
    const sizes = new Uint32Array(count + 1);
    for (let i = 0; i < labels.length; i++) sizes[labels[i]!]!++;
    const bins = Array.from({ length: count }, (_, k) => new Uint16Array(sizes[k + 1]!));
    const filled = new Uint32Array(count + 1);
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (label > 0) bins[label - 1]![filled[label]!++] = binOf(errors[i]!);
    }
    this.regions.push(...bins);
    return this;
  }

  merge(other: RegionOverlap): this {
    this.regions.push(...other.regions);
    return this;
  }

  /**
   * AUPRO against the good pixels' counts per bin (PixelHistogram.good), in [0, 1]; NaN without a region or a good
   * pixel. Pixels in one bin count as tied: the curve goes straight across a bin, as the ROC does.
   */
  aupro(good: ArrayLike<number>, maxFpr = AUPRO_MAX_FPR): number {
    const { fpr, pro } = this.curve(good, maxFpr);
    if (fpr.length === 0) return NaN;
    let area = 0;
    for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (pro[i]! + pro[i - 1]!)) / 2;
    return area / maxFpr;
  }

  /**
   * The PRO curve from (0, 0) to the false-positive rate `maxFpr` (the last point cut there on the straight line),
   * one point per non-empty bin (thinned to about `maxPoints` for a plot); empty without a region or a good pixel.
   */
  curve(good: ArrayLike<number>, maxFpr = AUPRO_MAX_FPR, maxPoints = Infinity): ProCurve {
    if (good.length !== BIN_COUNT) throw new RangeError(`good counts have ${good.length} bins, expected ${BIN_COUNT}`);
    if (!(maxFpr > 0 && maxFpr <= 1)) throw new RangeError(`maxFpr must be in (0, 1], got ${maxFpr}`);
    let negatives = 0;
    for (let b = 0; b < BIN_COUNT; b++) negatives += good[b]!;
    if (this.regions.length === 0 || negatives === 0) return { fpr: [], pro: [] };
    // Each region pixel raises the mean overlap by 1 / (its region's size x the number of regions).
    const rise = new Float64Array(BIN_COUNT);
    for (const region of this.regions) {
      const step = 1 / (region.length * this.regions.length);
      for (const bin of region) rise[bin]! += step;
    }
    const curve: ProCurve = { fpr: [0], pro: [0] };
    let fpr = 0;
    let pro = 0;
    for (let b = BIN_COUNT - 1; b >= 0 && fpr < maxFpr; b--) {
      if (good[b] === 0 && rise[b] === 0) continue;
      const nextFpr = fpr + good[b]! / negatives;
      const nextPro = pro + rise[b]!;
      if (nextFpr > maxFpr) {
        curve.fpr.push(maxFpr);
        curve.pro.push(pro + ((nextPro - pro) * (maxFpr - fpr)) / (nextFpr - fpr));
        break;
      }
      curve.fpr.push(nextFpr);
      curve.pro.push(nextPro);
      [fpr, pro] = [nextFpr, nextPro];
    }
    // Thinning judges distances on the unit square: the rate axis is stretched to it.
    const keep = thinnedIndices(curve.fpr.map((f) => f / maxFpr), curve.pro, maxPoints);
    return { fpr: keep.map((i) => curve.fpr[i]!), pro: keep.map((i) => curve.pro[i]!) };
  }
}

/** Mean per-region overlap against the good pixels' false-positive rate, both ascending. */
export interface ProCurve {
  fpr: number[];
  pro: number[];
}
