// TensorBoard's smoothing: an exponential moving average, debiased so the first points are not pulled
// towards zero. Non-finite values pass through unchanged and do not disturb the average.

/** weight in [0, 1): 0 = no smoothing. Returns a new array of the same length. */
export function smoothEma(ys: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(ys.length);
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let n = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i]!;
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    n++;
    // 1 - w^n is the total weight the average has given to real points so far.
    out[i] = w === 0 ? y : last / (1 - Math.pow(w, n));
  }
  return out;
}
