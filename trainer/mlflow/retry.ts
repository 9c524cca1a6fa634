// Exponential backoff with jitter, for requests that may succeed when tried again.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retry). */
  maxAttempts: number;
  /** Delay before the first retry; it doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** About 4 s of retries in all: a logger that gives up spools its batch, so it need not wait longer. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

/**
 * The wait before retry number `retry` (0 for the first): base·2^retry capped at maxDelayMs, half of
 * it fixed and half random ("equal jitter"), so many clients failing together do not retry together.
 * A server's Retry-After wins when it asks for longer, up to maxDelayMs.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

export interface RetryHooks {
  /** Whether this failure may pass on another attempt. */
  shouldRetry: (err: unknown) => boolean;
  /** The wait the failure itself asks for (Retry-After), if any. */
  retryAfterMs?: (err: unknown) => number | undefined;
  wait?: (ms: number) => Promise<unknown>;
}

/** Runs `attempt(n)` (n from 1) until it succeeds, fails for good, or the policy's attempts are spent. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const wait = hooks.wait ?? sleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= policy.maxAttempts || !hooks.shouldRetry(err)) throw err;
      await wait(backoffDelay(n - 1, policy, Math.random, hooks.retryAfterMs?.(err)));
    }
  }
}
