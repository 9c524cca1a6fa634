import { describe, expect, it } from 'vitest';
import { formatSeconds, formatTick, logTicks, niceTicks } from '../../../web/src/data/ticks.ts';
import { formatNumber, formatDuration } from '../../../web/src/data/columns.ts';

describe('axis ticks', () => {
  it('picks round steps', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.13, 0.92, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('uses powers of ten on a log axis', () => {
    expect(logTicks(0.001, 10)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks(-1, 10)).toEqual([]);
  });

  it('formats labels compactly', () => {
    expect(formatTick(0.0001)).toBe('1e-4');
    expect(formatTick(12000)).toBe('12k');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatSeconds(90)).toBe('1:30');
    expect(formatSeconds(5400)).toBe('1:30:00');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(1.5e-6)).toBe('1.500e-6');
    expect(formatNumber(42)).toBe('42');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});

describe('log axis over less than a decade', () => {
  it('still gives several round ticks', () => {
    expect(logTicks(0.0127, 0.094)).toEqual([0.02, 0.04, 0.06, 0.08]);
  });
});
