// runs/log-batch limits: ≤1000 metrics, ≤100 params, ≤100 tags, ≤1000 items, ≤1 MB per request.
import { describe, expect, it } from 'vitest';
import { LOG_BATCH_LIMITS, logBatchBody, splitIntoBatches, type LogBatch } from '../../../trainer/mlflow/batch.ts';

const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'loss', value: i, timestamp: 1000 + i, step: i }));
const entries = (n: number, prefix: string, value = 'v') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value }));

function expectWithinLimits(batches: LogBatch[]): void {
  for (const b of batches) {
    expect(b.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics);
    expect(b.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
    expect(b.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
    expect(b.metrics.length + b.params.length + b.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.items);
    expect(Buffer.byteLength(JSON.stringify(logBatchBody('0123456789abcdef0123456789abcdef', b)))).toBeLessThanOrEqual(LOG_BATCH_LIMITS.bytes);
  }
}

describe('splitIntoBatches', () => {
  it('cuts 2500 metrics into 1000 + 1000 + 500, in order', () => {
    const batches = splitIntoBatches({ metrics: metrics(2500), params: [], tags: [] });
    expect(batches.map((b) => b.metrics.length)).toEqual([1000, 1000, 500]);
    expect(batches.flatMap((b) => b.metrics.map((m) => m.step))).toEqual(metrics(2500).map((m) => m.step));
  });

  it('keeps params and tags to 100 each and the whole to 1000 items', () => {
    const batches = splitIntoBatches({ metrics: metrics(1500), params: entries(250, 'p'), tags: entries(120, 't') });
    expectWithinLimits(batches);
    expect(batches.map((b) => [b.params.length, b.tags.length, b.metrics.length])).toEqual([
      [100, 100, 800],
      [100, 20, 700],
      [50, 0, 0],
    ]);
  });

  it('keeps a request under 1 MB when values are long', () => {
    const batches = splitIntoBatches({ metrics: [], params: entries(100, 'p', 'x'.repeat(6000)), tags: entries(100, 't', 'y'.repeat(8000)) });
    expectWithinLimits(batches);
    expect(batches.length).toBe(2);
    expect(batches.flatMap((b) => b.tags).length).toBe(100);
  });

  it('writes NaN and infinities as protobuf-JSON strings', () => {
    const body = logBatchBody('r', { metrics: [0, Number.NaN, Infinity, -Infinity].map((value, step) => ({ key: 'k', value, step, timestamp: 1 })), params: [], tags: [] });
    expect(body.metrics.map((m) => m.value)).toEqual([0, 'NaN', 'Infinity', '-Infinity']);
  });
});
