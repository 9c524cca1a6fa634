// Numeric axis scales: data value → pixel, with readable tick values and labels.

export interface Scale {
  readonly kind: 'linear' | 'log';
  readonly domain: readonly [number, number];
  /** Data value to pixel coordinate (range ends map to domain ends). */
  map(value: number): number;
  readonly ticks: readonly number[];
  format(value: number): string;
}

/** Step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * magnitude;
}

function formatWithStep(value: number, step: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(Math.max(0, Math.min(3, -Math.floor(Math.log10(step / abs)) - 1)));
  const decimals = Math.min(8, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  return String(Number(value.toFixed(decimals)));
}

/**
 * Linear scale over [lo, hi]. With `nice`, the domain widens to whole tick steps so the axis starts and
 * ends on a labelled tick; a zero-width domain widens around its value.
 */
export function linearScale(lo: number, hi: number, range: readonly [number, number], nice = true, tickCount = 6): Scale {
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, tickCount);
  if (nice) {
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  const [r0, r1] = range;
  const k = (r1 - r0) / (hi - lo);
  return {
    kind: 'linear',
    domain: [lo, hi],
    map: (v) => r0 + (v - lo) * k,
    ticks,
    format: (v) => formatWithStep(v, step),
  };
}

/** Log10 scale over [lo, hi] (both > 0), widened to whole decades; ticks at powers of ten. */
export function logScale(lo: number, hi: number, range: readonly [number, number]): Scale {
  if (!(lo > 0) || !(hi > 0)) throw new RangeError(`log scale needs a positive domain, got [${lo}, ${hi}]`);
  if (hi < lo) [lo, hi] = [hi, lo];
  const d0 = Math.floor(Math.log10(lo) + 1e-9);
  const d1 = Math.max(d0 + 1, Math.ceil(Math.log10(hi) - 1e-9));
  const every = Math.ceil((d1 - d0) / 8);
  const ticks: number[] = [];
  for (let d = d0; d <= d1; d += every) ticks.push(10 ** d);
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return {
    kind: 'log',
    domain: [10 ** d0, 10 ** d1],
    map: (v) => r0 + (Math.log10(v) - d0) * k,
    ticks,
    format: (v) => {
      const d = Math.round(Math.log10(v));
      return d >= -3 && d <= 5 ? String(Number((10 ** d).toFixed(Math.max(0, -d)))) : `1e${d}`;
    },
  };
}
