// Average pooling over non-overlapping pool x pool blocks. A ragged edge (the last height % pool rows and
// width % pool columns) is dropped, as PIXAL does, so every pooled pixel averages exactly pool² pixels.

export interface PooledSize {
  height: number;
  width: number;
}

export function pooledSize(height: number, width: number, pool: number): PooledSize {
  return { height: Math.floor(height / pool), width: Math.floor(width / pool) };
}

/** Pools `plane` (row-major, width x height) into `out` from index `first`, row-major pooled pixels. */
export function poolInto(plane: Float32Array, width: number, height: number, pool: number, out: Float32Array, first = 0): void {
  const { height: ph, width: pw } = pooledSize(height, width, pool);
  const acc = new Float64Array(pw);
  const inv = 1 / (pool * pool);
  for (let oy = 0; oy < ph; oy++) {
    acc.fill(0);
    for (let ky = 0; ky < pool; ky++) {
      let p = (oy * pool + ky) * width;
      for (let ox = 0; ox < pw; ox++) {
        let s = 0;
        for (let kx = 0; kx < pool; kx++) s += plane[p++]!;
        acc[ox]! += s;
      }
    }
    for (let ox = 0, o = first + oy * pw; ox < pw; ox++, o++) out[o] = acc[ox]! * inv;
  }
}

/** Block means of an 8-bit plane, (pooledHeight * pooledWidth), from exact integer sums. */
export function poolMeans(plane: Uint8Array, width: number, height: number, pool: number): Float64Array {
  const { height: ph, width: pw } = pooledSize(height, width, pool);
  const out = new Float64Array(ph * pw);
  const sums = new Int32Array(pw);
  const inv = 1 / (pool * pool);
  for (let oy = 0; oy < ph; oy++) {
    sums.fill(0);
    for (let ky = 0; ky < pool; ky++) {
      let p = (oy * pool + ky) * width;
      if (pool === 2) {
        for (let ox = 0; ox < pw; ox++, p += 2) sums[ox]! += plane[p]! + plane[p + 1]!; // the default, unrolled
        continue;
      }
      for (let ox = 0; ox < pw; ox++) {
        let s = 0;
        for (let kx = 0; kx < pool; kx++) s += plane[p++]!;
        sums[ox]! += s;
      }
    }
    for (let ox = 0, o = oy * pw; ox < pw; ox++, o++) out[o] = sums[ox]! * inv;
  }
  return out;
}
