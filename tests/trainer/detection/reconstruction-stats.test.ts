import { describe, expect, it } from 'vitest';
import { ReconstructionStats, SQUARED_ERROR_RANGE, squaredErrorBin, SquaredErrorBins } from '../../../trainer/detection/reconstruction-stats.ts';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** The double `steps` ULPs away from x (x > 0). */
function ulps(x: number, steps: number): number {
  f64[0] = x;
  u64[0] = u64[0]! + BigInt(steps);
  return f64[0]!;
}

describe('ReconstructionStats', () => {
  it('bins true and predicted values over [0, 1] and squared errors on log-spaced edges, foreground only', () => {
    const stats = new ReconstructionStats(['a', 'b'], 4);
    // three pixels (two channels each); the third is background and must not count
    const truth = Float32Array.from([0.1, 0.9, 0.6, 0.3, 0.5, 0.5]);
    const predicted = Float32Array.from([0.1, 0.4, 0.55, 0.3, 0, 0]);
    stats.add(truth, predicted, Float32Array.from([1, 0.5, 0.49]));
    // a second batch: out-of-range predictions land in the end bins
    stats.add(Float32Array.from([1, 0]), Float32Array.from([1.5, -0.2]), Float32Array.from([1]));
    const s = stats.summary();
    expect(s.pixels).toBe(3);
    expect(s.trueValues.map((h) => h.channel)).toEqual(['a', 'b']);
    expect(s.trueValues[0]).toEqual({ channel: 'a', edges: [0, 0.25, 0.5, 0.75, 1], counts: [1, 0, 1, 1] });
    expect(s.trueValues[1]!.counts).toEqual([1, 1, 0, 1]);
    expect(s.predictedValues[0]!.counts).toEqual([1, 0, 1, 1]);
    expect(s.predictedValues[1]!.counts).toEqual([1, 2, 0, 0]);
    // 4 bins over 1e-8..1: two decades each
    expect(s.squaredErrors[0]!.edges.map((e) => Math.log10(e))).toEqual([-8, -6, -4, -2, 0]);
    // channel a: errors 0 (→ first bin), 0.0025 (1e-4..1e-2 → bin 2), 0.25 (bin 3)
    expect(s.squaredErrors[0]!.counts).toEqual([1, 0, 1, 1]);
    // channel b: 0.25 (bin 3), 0 (bin 0), 0.04 (bin 3)
    expect(s.squaredErrors[1]!.counts).toEqual([1, 0, 0, 2]);
    expect(s.meanSquaredError[0]).toBeCloseTo((0 + 0.0025 + 0.25) / 3, 7);
    expect(s.meanSquaredError[1]).toBeCloseTo((0.25 + 0 + 0.04) / 3, 7);
    expect(SQUARED_ERROR_RANGE).toEqual([1e-8, 1]);
    // plain data: survives JSON
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('has 100 bins by default and reports NaN means before any pixel', () => {
    const s = new ReconstructionStats(['L']).summary();
    expect(s.trueValues[0]!.edges).toHaveLength(101);
    expect(s.squaredErrors[0]!.counts).toHaveLength(100);
    expect(s.pixels).toBe(0);
    expect(s.meanSquaredError).toEqual([NaN]);
  });

  it('refuses mismatched buffers and bad bin counts', () => {
    const stats = new ReconstructionStats(['a', 'b']);
    expect(() => stats.add(new Float32Array(4), new Float32Array(4), new Float32Array(3))).toThrow(/sizes differ/);
    expect(() => new ReconstructionStats(['a'], 0)).toThrow(/bins must be a positive integer/);
    expect(() => new ReconstructionStats([])).toThrow(/at least one channel/);
  });

  it('bins squared errors by lookup exactly as the log10 formula does, at every edge to the last ULP', () => {
    const logMin = Math.log10(SQUARED_ERROR_RANGE[0]);
    const decades = Math.log10(SQUARED_ERROR_RANGE[1]) - logMin;
    let state = 7;
    const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (const bins of [100, 7, 4, 2, 1]) {
      const lookup = new SquaredErrorBins(bins);
      const values: number[] = [0, -0, NaN, Infinity, Number.MIN_VALUE, 1e-300, 1e-8, 1, 2, 1e300];
      // The formula changes bin near 10^(logMin + k / binsPerDecade): every double within 200 ULPs of each edge.
      for (let k = 0; k <= bins; k++) {
        const edge = 10 ** (logMin + (k * decades) / bins);
        for (let step = -200; step <= 200; step++) values.push(ulps(edge, step));
      }
      // And squared differences of float32 values in [0, 1], as add() meets them.
      for (let i = 0; i < 20_000; i++) {
        const d = Math.fround(random()) - Math.fround(random() ** 8);
        values.push(d * d, 10 ** (-12 + 13 * random()));
      }
      for (const e of values) {
        if (lookup.of(e) !== squaredErrorBin(e, bins)) expect({ bins, e, bin: lookup.of(e) }).toEqual({ bins, e, bin: squaredErrorBin(e, bins) });
      }
    }
  });

  it('add() counts as the plain formulas do, odd values included', () => {
    const bins = 100;
    const stats = new ReconstructionStats(['a', 'b', 'c'], bins);
    let state = 3;
    const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const odd = [NaN, -0.5, -0, 0, 0.99, 1, 1.5, 3e9, Infinity, -Infinity];
    const value = () => (random() < 0.05 ? odd[Math.floor(random() * odd.length)]! : random());
    const n = 5000;
    const truth = Float32Array.from({ length: 3 * n }, value);
    const predicted = Float32Array.from(truth, (x) => (random() < 0.05 ? value() : x + (random() - 0.5) * 10 ** (-6 * random())));
    const foreground = Float32Array.from({ length: n }, () => random());
    stats.add(truth, predicted, foreground);
    const valueBin = (v: number) => Math.max(0, Math.min(bins - 1, Math.floor(v * bins))) | 0;
    const expected = [0, 1, 2].map(() => ({ t: new Array<number>(bins).fill(0), p: new Array<number>(bins).fill(0), e: new Array<number>(bins).fill(0) }));
    for (let i = 0; i < n; i++) {
      if (!(foreground[i]! >= 0.5)) continue;
      for (let k = 0; k < 3; k++) {
        const x = truth[3 * i + k]!;
        const y = predicted[3 * i + k]!;
        expected[k]!.t[valueBin(x)]!++;
        expected[k]!.p[valueBin(y)]!++;
        expected[k]!.e[squaredErrorBin((x - y) * (x - y), bins)]!++;
      }
    }
    const s = stats.summary();
    expect(s.trueValues.map((h) => h.counts)).toEqual(expected.map((c) => c.t));
    expect(s.predictedValues.map((h) => h.counts)).toEqual(expected.map((c) => c.p));
    expect(s.squaredErrors.map((h) => h.counts)).toEqual(expected.map((c) => c.e));
  });
});
