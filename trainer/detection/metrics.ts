// Exact detection metrics on scores with 0/1 labels (1 = defective, the positive class), plus the same
// metrics on "operating points": cumulative counts at descending distinct thresholds. PixelHistogram
// produces operating points from binned counts, so image and pixel metrics share one implementation.

/** Confusion counts when predicting defective for score ≥ threshold, cumulated from the highest threshold down. */
export interface OperatingPoints {
  /** Distinct thresholds, strictly descending. */
  thresholds: Float64Array;
  /** tp[i], fp[i]: defective / good samples with score ≥ thresholds[i]. */
  tp: Float64Array;
  fp: Float64Array;
  positives: number;
  negatives: number;
}

export interface RocCurve {
  /** Starts at (0, 0) with threshold +Infinity (nothing predicted defective), ends at (1, 1). */
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

export interface PrCurve {
  /** Ascending recall (descending threshold); starts at recall 0, precision 1, threshold +Infinity (sklearn's convention). */
  recall: number[];
  precision: number[];
  thresholds: number[];
}

/** Precision, recall and F1 define 0/0 as 0 (sklearn's zero_division=0): no prediction or no defect scores 0, not NaN. */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface F1Optimum {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function confusionFromCounts(tp: number, fp: number, positives: number, negatives: number): Confusion {
  const fn = positives - tp;
  return { tp, fp, tn: negatives - fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, positives), f1: ratio(2 * tp, 2 * tp + fp + fn) };
}

function checkInputs(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is ${labels[i]}, expected 0 (good) or 1 (defective)`);
  }
}

/** Operating points of scored samples: one per distinct score, so tied scores move together (ties count 1/2 in the AUROC). */
export function operatingPoints(scores: ArrayLike<number>, labels: ArrayLike<number>): OperatingPoints {
  checkInputs(scores, labels);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[b]! > scores[a]! ? 1 : scores[b]! < scores[a]! ? -1 : 0)); // no NaN from ∞ − ∞
  const thresholds: number[] = [];
  const tp: number[] = [];
  const fp: number[] = [];
  let t = 0;
  let f = 0;
  order.forEach((i, k) => {
    if (labels[i] === 1) t++;
    else f++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      thresholds.push(scores[i]!);
      tp.push(t);
      fp.push(f);
    }
  });
  return { thresholds: Float64Array.from(thresholds), tp: Float64Array.from(tp), fp: Float64Array.from(fp), positives: t, negatives: f };
}

function requireBothClasses(p: OperatingPoints, what: string): void {
  if (p.positives === 0 || p.negatives === 0) {
    throw new RangeError(`${what} needs both good and defective samples, got ${p.negatives} good and ${p.positives} defective`);
  }
}

function requireDefects(p: OperatingPoints, what: string): void {
  if (p.positives === 0) throw new RangeError(`${what} needs defective samples, got none among ${p.negatives}`);
}

/**
 * Area under the ROC curve by the trapezoid rule over distinct thresholds: equal to the Mann-Whitney
 * statistic P(score_defective > score_good) + ½·P(equal). Sums stay in integers until the last division.
 */
export function aurocOf(p: OperatingPoints): number {
  requireBothClasses(p, 'AUROC');
  let area = 0;
  let tp0 = 0;
  let fp0 = 0;
  for (let i = 0; i < p.tp.length; i++) {
    area += (p.fp[i]! - fp0) * (p.tp[i]! + tp0);
    tp0 = p.tp[i]!;
    fp0 = p.fp[i]!;
  }
  return area / (2 * p.positives * p.negatives);
}

/** Average precision as sklearn defines it: Σ (R_n − R_{n−1}) P_n over descending distinct thresholds (no interpolation). */
export function averagePrecisionOf(p: OperatingPoints): number {
  requireDefects(p, 'average precision');
  let ap = 0;
  let tp0 = 0;
  for (let i = 0; i < p.tp.length; i++) {
    const tp = p.tp[i]!;
    if (tp !== tp0) ap += ((tp - tp0) * tp) / (tp + p.fp[i]!);
    tp0 = tp;
  }
  return ap / p.positives;
}

/**
 * The indices of the points to keep for plotting: the first and last, and each point that moved at least
 * `1 / maxPoints` (in x + y) from the last kept one, so the curve is thinned only where it does not change shape.
 */
export function thinnedIndices(x: readonly number[], y: readonly number[], maxPoints: number): number[] {
  if (x.length <= maxPoints) return x.map((_, i) => i);
  const step = 1 / maxPoints;
  const keep = [0];
  for (let i = 1; i < x.length - 1; i++) {
    const last = keep[keep.length - 1]!;
    if (Math.abs(x[i]! - x[last]!) + Math.abs(y[i]! - y[last]!) >= step) keep.push(i);
  }
  keep.push(x.length - 1);
  return keep;
}

function thin(x: number[], y: number[], t: number[], maxPoints: number): [number[], number[], number[]] {
  const keep = thinnedIndices(x, y, maxPoints);
  return [keep.map((i) => x[i]!), keep.map((i) => y[i]!), keep.map((i) => t[i]!)];
}

export function rocCurveOf(p: OperatingPoints, maxPoints = Infinity): RocCurve {
  requireBothClasses(p, 'a ROC curve');
  const fpr = [0, ...Array.from(p.fp, (f) => f / p.negatives)];
  const tpr = [0, ...Array.from(p.tp, (t) => t / p.positives)];
  const [x, y, thresholds] = thin(fpr, tpr, [Infinity, ...p.thresholds], maxPoints);
  return { fpr: x, tpr: y, thresholds };
}

export function prCurveOf(p: OperatingPoints, maxPoints = Infinity): PrCurve {
  requireDefects(p, 'a precision-recall curve');
  const recall = [0, ...Array.from(p.tp, (t) => t / p.positives)];
  const precision = [1, ...Array.from(p.tp, (t, i) => t / (t + p.fp[i]!))];
  const [x, y, thresholds] = thin(recall, precision, [Infinity, ...p.thresholds], maxPoints);
  return { recall: x, precision: y, thresholds };
}

/** The threshold (one of the operating points) with the highest F1; among equal F1 the highest threshold, i.e. the fewest false alarms. */
export function f1OptimumOf(p: OperatingPoints): F1Optimum {
  requireDefects(p, 'an F1-optimal threshold');
  let best = -1;
  let at = 0;
  for (let i = 0; i < p.tp.length; i++) {
    const f1 = ratio(2 * p.tp[i]!, p.tp[i]! + p.fp[i]! + p.positives);
    if (f1 > best) [best, at] = [f1, i];
  }
  const c = confusionFromCounts(p.tp[at]!, p.fp[at]!, p.positives, p.negatives);
  return { threshold: p.thresholds[at]!, f1: c.f1, precision: c.precision, recall: c.recall };
}

export const auroc = (scores: ArrayLike<number>, labels: ArrayLike<number>): number => aurocOf(operatingPoints(scores, labels));
export const averagePrecision = (scores: ArrayLike<number>, labels: ArrayLike<number>): number => averagePrecisionOf(operatingPoints(scores, labels));
export const rocCurve = (scores: ArrayLike<number>, labels: ArrayLike<number>): RocCurve => rocCurveOf(operatingPoints(scores, labels));
export const prCurve = (scores: ArrayLike<number>, labels: ArrayLike<number>): PrCurve => prCurveOf(operatingPoints(scores, labels));
/** F1-optimal threshold among the distinct scores (predict defective when score ≥ threshold). */
export const f1OptimalThreshold = (scores: ArrayLike<number>, labels: ArrayLike<number>): F1Optimum => f1OptimumOf(operatingPoints(scores, labels));

/** Confusion counts predicting defective when score ≥ threshold. */
export function confusionAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Confusion {
  checkInputs(scores, labels);
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    const defective = labels[i] === 1;
    if (defective) positives++;
    if (scores[i]! >= threshold) {
      if (defective) tp++;
      else fp++;
    }
  }
  return confusionFromCounts(tp, fp, positives, scores.length - positives);
}
