// Average pooling over non-overlapping pool x pool blocks. A ragged edge (the last height % pool rows and
// width % pool columns) is dropped, as PIXAL does, so every pooled pixel averages exactly pool² pixels.

export interface PooledSize {
  height: number;
  width: number;
}

export function pooledSize(height: number, width: number, pool: number): PooledSize {
  return { height: Math.floor(height / pool), width: Math.floor(width / pool) };
}

/**
 * Pools `plane` (row-major, width x height) into `out` from index `first`, as row-major pooled pixels.
 * Sums are accumulated in float64, so block means of 8-bit planes are exact before the final division.
 */
export function poolInto(plane: Float32Array | Uint8Array, width: number, height: number, pool: number, out: Float32Array | Float64Array, first = 0): void {
  const { height: ph, width: pw } = pooledSize(height, width, pool);
  const acc = new Float64Array(pw);
  const inv = 1 / (pool * pool);
  for (let oy = 0; oy < ph; oy++) {
    acc.fill(0);
    for (let ky = 0; ky < pool; ky++) {
      let p = (oy * pool + ky) * width;
      if (pool === 2) {
        for (let ox = 0; ox < pw; ox++, p += 2) acc[ox]! += plane[p]! + plane[p + 1]!; // the default, unrolled
        continue;
      }
      for (let ox = 0; ox < pw; ox++) {
        let s = 0;
        for (let kx = 0; kx < pool; kx++) s += plane[p++]!;
        acc[ox]! += s;
      }
    }
    for (let ox = 0, o = first + oy * pw; ox < pw; ox++, o++) out[o] = acc[ox]! * inv;
  }
}

/** Block means of an 8-bit plane, (pooledHeight * pooledWidth), in float64. */
export function poolMeans(plane: Uint8Array, width: number, height: number, pool: number): Float64Array {
  const { height: ph, width: pw } = pooledSize(height, width, pool);
  const out = new Float64Array(ph * pw);
  poolInto(plane, width, height, pool, out);
  return out;
}
