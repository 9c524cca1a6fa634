import { describe, expect, it } from 'vitest';
import { ReconstructionStats, SQUARED_ERROR_RANGE } from '../../../trainer/detection/reconstruction-stats.ts';

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
});
