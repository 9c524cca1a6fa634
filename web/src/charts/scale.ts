// Axis scales for the canvas charts: data → pixel and back, linear or log10.
import { logTicks, niceTicks } from '../data/ticks.ts';

export interface Scale {
  (value: number): number;
  invert(pixel: number): number;
  ticks(count?: number): number[];
  domain: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const scale = ((v: number) => r0 + (v - d0) * k) as Scale;
  scale.invert = (p: number) => d0 + (p - r0) / k;
  scale.ticks = (count = 5) => niceTicks(d0, d1, count);
  scale.domain = [d0, d1];
  return scale;
}

export function logScale(domain: [number, number], range: [number, number]): Scale {
  const lo = Math.log10(domain[0]);
  const hi = Math.log10(domain[1]);
  const inner = linearScale([lo, hi], range);
  const scale = ((v: number) => (v > 0 ? inner(Math.log10(v)) : NaN)) as Scale;
  scale.invert = (p: number) => Math.pow(10, inner.invert(p));
  scale.ticks = () => logTicks(Math.pow(10, inner.domain[0]), Math.pow(10, inner.domain[1]));
  scale.domain = [Math.pow(10, inner.domain[0]), Math.pow(10, inner.domain[1])];
  return scale;
}

/** The [min, max] of finite values (positive only for a log axis), padded by `pad` of the span. */
export function extent(arrays: Iterable<ArrayLike<number>>, options: { positive?: boolean; pad?: number } = {}): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v) || (options.positive && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return undefined;
  const pad = options.pad ?? 0;
  if (pad === 0) return [lo, hi];
  if (options.positive) {
    const f = Math.pow(hi / lo || 10, pad);
    return [lo / f, hi * f];
  }
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * pad, hi + span * pad];
}
