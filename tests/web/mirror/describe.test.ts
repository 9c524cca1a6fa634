import { describe, expect, it } from 'vitest';
import { ago, readOnlyBanner, readOnlyReason, syncSummary } from '../../../web/src/mirror/describe.ts';
import type { MirrorStatus } from '../../../web/src/mirror/types.ts';
import { formatTime } from '../../../web/src/ui/format.ts';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const up: MirrorStatus = { enabled: true, url: 'http://mlflow:5000', state: 'idle', read_only: false, last_success: NOW - 12_000, last_attempt: NOW - 12_000 };
const down: MirrorStatus = { ...up, state: 'unreachable', read_only: true, last_attempt: NOW - 1000, unreachable_since: NOW - 300_000, last_error: 'connect ECONNREFUSED' };

describe('mirror status wording', () => {
  it('says how long ago in the largest whole unit', () => {
    expect(ago(NOW - 12_400, NOW)).toBe('12s ago');
    expect(ago(NOW - 4 * 60_000 - 5000, NOW)).toBe('4 min ago');
    expect(ago(NOW - 3 * 3_600_000, NOW)).toBe('3 h ago');
    expect(ago(NOW - 2 * 86_400_000, NOW)).toBe('2 d ago');
    expect(ago(NOW + 5000, NOW)).toBe('0s ago'); // a clock a little ahead never reads negative
  });

  it('summarises the sync state for the badge', () => {
    expect(syncSummary(up, NOW)).toBe('synced 12s ago');
    expect(syncSummary({ ...up, state: 'syncing' }, NOW)).toBe('syncing… (last 12s ago)');
    expect(syncSummary({ ...up, last_success: undefined }, NOW)).toBe('not synced yet');
    expect(syncSummary(down, NOW)).toBe('remote unreachable');
  });

  it('shows the read-only banner and reason only while the remote is unreachable', () => {
    expect(readOnlyBanner(up)).toBeNull();
    expect(readOnlyBanner(null)).toBeNull();
    expect(readOnlyBanner({ enabled: false, state: 'idle', read_only: false })).toBeNull();
    expect(readOnlyBanner(down)).toBe(`remote unreachable since ${formatTime(NOW - 300_000)}, showing the mirror as of ${formatTime(NOW - 12_000)}`);
    expect(readOnlyBanner({ ...down, last_success: undefined })).toContain('as of never');
    expect(readOnlyReason(up)).toBeNull();
    expect(readOnlyReason(down)).toBe('read-only: the remote MLflow at http://mlflow:5000 is unreachable');
  });
});
