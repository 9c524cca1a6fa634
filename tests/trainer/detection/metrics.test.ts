// Exact metrics: a hand-checked case, ties, extreme rankings, a brute-force cross-check, and sklearn itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision, confusionAt, f1OptimalThreshold, prCurve, rocCurve } from '../../../trainer/detection/metrics.ts';

const PYTHON = '.venv/bin/python';
const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn']).status === 0;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Scores with ties (rounded to 2 decimals), defects scoring higher on average. */
function randomCase(seed: number, n: number): { scores: number[]; labels: number[] } {
  const rand = random(seed);
  const labels = Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
  const scores = labels.map((l) => Math.round((rand() + 0.4 * l) * 100) / 100);
  return { scores, labels };
}

/** O(n²) Mann-Whitney: each (defective, good) pair scores 1 when ordered right, ½ when tied. */
function bruteAuroc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

/** O(n²) AP: for each distinct threshold, precision there times the recall it adds. */
function bruteAp(scores: number[], labels: number[]): number {
  const positives = labels.filter((l) => l === 1).length;
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  let ap = 0;
  let lastRecall = 0;
  for (const t of thresholds) {
    const c = confusionAt(scores, labels, t);
    const recall = c.tp / positives;
    ap += (recall - lastRecall) * (c.tp / (c.tp + c.fp));
    lastRecall = recall;
  }
  return ap;
}

describe('image metrics, hand-checked', () => {
  // scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1]: defects 0.35 and 0.8, good 0.1 and 0.4.
  // AUROC: pairs (0.35>0.1 ✓) (0.35>0.4 ✗) (0.8>0.1 ✓) (0.8>0.4 ✓) → 3/4 = 0.75.
  // AP, descending: 0.8 (defect) tp1 fp0 → P 1, R ½; 0.4 (good) tp1 fp1 → R unchanged;
  //   0.35 (defect) tp2 fp1 → P ⅔, R 1.  AP = ½·1 + ½·⅔ = 5/6 = 0.8333….
  // F1 (= 2tp / (2tp + fp + fn)): t 0.8 → 2/3; t 0.4 → 2/4; t 0.35 → 4/5; t 0.1 → 4/6. Best 0.35, F1 0.8, P ⅔, R 1.
  const scores = [0.1, 0.4, 0.35, 0.8];
  const labels = [0, 0, 1, 1];

  it('AUROC and AP', () => {
    expect(auroc(scores, labels)).toBe(0.75);
    expect(averagePrecision(scores, labels)).toBeCloseTo(5 / 6, 15);
  });

  it('F1-optimal threshold among the scores', () => {
    const best = f1OptimalThreshold(scores, labels);
    expect(best.threshold).toBe(0.35);
    expect(best.f1).toBeCloseTo(0.8, 15);
    expect(best.precision).toBeCloseTo(2 / 3, 15);
    expect(best.recall).toBe(1);
  });

  it('confusion counts at a threshold, score ≥ threshold flagged', () => {
    expect(confusionAt(scores, labels, 0.4)).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
    // Nothing flagged: precision 0/0 and F1 0/0 are defined as 0.
    expect(confusionAt(scores, labels, 2)).toEqual({ tp: 0, fp: 0, tn: 2, fn: 2, precision: 0, recall: 0, f1: 0 });
  });

  it('ROC and PR curves through every distinct threshold', () => {
    expect(rocCurve(scores, labels)).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] });
    const pr = prCurve(scores, labels);
    expect(pr.recall).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(pr.precision).toEqual([1, 1, 0.5, 2 / 3, 0.5]);
  });
});

describe('image metrics, edge cases', () => {
  it('counts a tie between a defect and a good image as ½', () => {
    // Defects 0.5 and 0.9, good 0.5 and 0.2: pairs 0.5=0.5 (½), 0.5>0.2, 0.9>0.5, 0.9>0.2 → 3.5/4.
    // AP: 0.9 tp1 fp0 (P 1, R ½); the tied 0.5s enter together: tp2 fp1 (P ⅔, R 1) → ½ + ⅓ = 5/6.
    expect(auroc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1])).toBe(0.875);
    expect(averagePrecision([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1])).toBeCloseTo(5 / 6, 15);
    expect(auroc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5); // all tied
    expect(auroc([Infinity, Infinity, 0, -Infinity], [1, 0, 1, 0])).toBe(0.625); // ∞ ties ∞: (½ + 1 + 0 + 1) / 4
  });

  it('perfect and inverted rankings', () => {
    expect(auroc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(averagePrecision([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auroc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    // Inverted: defects found last, at P ⅓ (R ½) and P ½ (R 1) → ½·⅓ + ½·½ = 5/12.
    expect(averagePrecision([4, 3, 2, 1], [0, 0, 1, 1])).toBeCloseTo(5 / 12, 15);
    expect(f1OptimalThreshold([1, 2, 3, 4], [0, 0, 1, 1])).toEqual({ threshold: 3, f1: 1, precision: 1, recall: 1 });
  });

  it('throws a clear error when a class is absent or the input is malformed', () => {
    expect(() => auroc([0.1, 0.2], [0, 0])).toThrow('AUROC needs both good and defective samples, got 2 good and 0 defective');
    expect(() => auroc([0.1, 0.2], [1, 1])).toThrow(/got 0 good and 2 defective/);
    expect(() => averagePrecision([0.1], [0])).toThrow(/average precision needs defective samples/);
    expect(() => f1OptimalThreshold([0.1], [0])).toThrow(/needs defective samples/);
    expect(averagePrecision([0.1, 0.2], [1, 1])).toBe(1); // AP needs no good sample
    expect(() => auroc([0.1, 0.2], [0, 2])).toThrow(/label 1 is 2/);
    expect(() => auroc([0.1, NaN], [0, 1])).toThrow(/score 1 is NaN/);
    expect(() => auroc([0.1], [0, 1])).toThrow(/1 scores but 2 labels/);
  });
});

describe('image metrics on random data', () => {
  it('agree with brute-force O(n²) definitions', () => {
    for (const seed of [1, 2, 3]) {
      const { scores, labels } = randomCase(seed, 300);
      expect(auroc(scores, labels)).toBeCloseTo(bruteAuroc(scores, labels), 12);
      expect(averagePrecision(scores, labels)).toBeCloseTo(bruteAp(scores, labels), 12);
    }
  });

  it.skipIf(!hasSklearn)('agree with scikit-learn', () => {
    const cases = [1, 2, 3, 4].map((seed) => randomCase(seed, 500 + seed * 100));
    const script = `
import json, sys
from sklearn.metrics import roc_auc_score, average_precision_score, roc_curve, precision_recall_curve
out = []
for c in json.load(sys.stdin):
    fpr, tpr, _ = roc_curve(c["labels"], c["scores"], drop_intermediate=False)
    p, r, t = precision_recall_curve(c["labels"], c["scores"])
    out.append({"auroc": roc_auc_score(c["labels"], c["scores"]), "ap": average_precision_score(c["labels"], c["scores"]),
                "fpr": fpr.tolist(), "tpr": tpr.tolist(), "precision": p[::-1].tolist(), "recall": r[::-1].tolist()})
print(json.dumps(out))`;
    const expected = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(cases) }).toString()) as {
      auroc: number;
      ap: number;
      fpr: number[];
      tpr: number[];
      precision: number[];
      recall: number[];
    }[];
    cases.forEach(({ scores, labels }, i) => {
      const e = expected[i]!;
      expect(auroc(scores, labels)).toBeCloseTo(e.auroc, 12);
      expect(averagePrecision(scores, labels)).toBeCloseTo(e.ap, 12);
      const roc = rocCurve(scores, labels);
      expect(roc.fpr.length).toBe(e.fpr.length);
      roc.fpr.forEach((v, k) => expect(v).toBeCloseTo(e.fpr[k]!, 12));
      roc.tpr.forEach((v, k) => expect(v).toBeCloseTo(e.tpr[k]!, 12));
      // sklearn stops its PR curve at full recall; ours keeps every distinct threshold.
      const pr = prCurve(scores, labels);
      e.recall.forEach((v, k) => expect(pr.recall[k]).toBeCloseTo(v, 12));
      e.precision.forEach((v, k) => expect(pr.precision[k]).toBeCloseTo(v, 12));
    });
  });
});
