import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetries, type RetryPolicy } from '../../../trainer/mlflow/retry.ts';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelay', () => {
  it('doubles per retry, keeps half of it fixed and jitters the other half, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10].map((r) => backoffDelay(r, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((r) => backoffDelay(r, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('waits as long as Retry-After asks, within the cap', () => {
    expect(backoffDelay(0, policy, () => 0, 700)).toBe(700);
    expect(backoffDelay(0, policy, () => 0, 60_000)).toBe(1000);
  });
});

describe('withRetries', () => {
  it('stops at the first success, at a failure not worth retrying, or when attempts are spent', async () => {
    const waits: number[] = [];
    const wait = async (ms: number) => void waits.push(ms);
    let calls = 0;
    await expect(withRetries(async () => (++calls < 3 ? Promise.reject(new Error('busy')) : 'ok'), policy, { shouldRetry: () => true, wait })).resolves.toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    calls = 0;
    await expect(withRetries(async () => Promise.reject(new Error(`no ${++calls}`)), policy, { shouldRetry: () => false, wait })).rejects.toThrow('no 1');
    calls = 0;
    await expect(withRetries(async () => Promise.reject(new Error(`down ${++calls}`)), policy, { shouldRetry: () => true, wait })).rejects.toThrow('down 4');
  });
});
