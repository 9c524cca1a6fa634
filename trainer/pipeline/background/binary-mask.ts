// Binary masks (one byte per pixel, 0 = off, non-zero = on) and the morphology background removal needs.
// Plain TypeScript on typed arrays so the step runs in any worker thread without a native addon.
// Structuring elements are Euclidean discs, so results do not depend on the part's orientation.

export interface Box {
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
}

/**
 * 1 where a pixel lies within `radius` (Euclidean) of an on pixel of `set`; pixels outside the image do not
 * count. Cost O(pixels x radius): a row pass finds each pixel's horizontal distance to the set, and a pixel
 * is within the disc when some row dy away has the set within the disc's half-width at dy.
 */
function withinDisc(set: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const r = Math.floor(radius);
  const far = Math.min(r + 1, 65535);
  const horizontal = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let last = far;
    for (let x = 0; x < width; x++) {
      last = set[row + x] ? 0 : last < far ? last + 1 : far;
      horizontal[row + x] = last;
    }
    last = far;
    for (let x = width - 1; x >= 0; x--) {
      last = set[row + x] ? 0 : last < far ? last + 1 : far;
      if (last < horizontal[row + x]!) horizontal[row + x] = last;
    }
  }
  const out = new Uint8Array(width * height);
  for (let dy = -r; dy <= r; dy++) {
    const halfWidth = Math.floor(Math.sqrt(radius * radius - dy * dy));
    for (let y = Math.max(0, -dy); y < Math.min(height, height - dy); y++) {
      const row = y * width;
      const other = (y + dy) * width;
      for (let x = 0; x < width; x++) if (horizontal[other + x]! <= halfWidth) out[row + x] = 1;
    }
  }
  return out;
}

/** Pixels within `radius` of the mask (disc structuring element). */
export function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return withinDisc(mask, width, height, radius);
}

/** Pixels farther than `radius` from every off pixel of the image (disc structuring element). */
export function erode(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const off = new Uint8Array(mask.length);
  for (let i = 0; i < off.length; i++) off[i] = mask[i] ? 0 : 1;
  const near = withinDisc(off, width, height, radius);
  for (let i = 0; i < near.length; i++) near[i] = near[i] ? 0 : 1;
  return near;
}

/** Removes structures thinner than a disc of `radius` (erode, then dilate). */
export function open(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return dilate(erode(mask, width, height, radius), width, height, radius);
}

/** Bridges gaps and notches narrower than a disc of `radius` (dilate, then erode). */
export function close(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return erode(dilate(mask, width, height, radius), width, height, radius);
}

export interface Component {
  mask: Uint8Array;
  area: number;
  box: Box;
}

/** Each on pixel's 8-connected component, numbered 1..count in raster order of first pixel (0 = off). */
export function componentLabels(mask: Uint8Array, width: number, height: number): { labels: Int32Array; count: number } {
  // Runs of on pixels per row, joined with union-find when they touch a run of the row above
  // (8-connectivity: overlapping or diagonally adjacent).
  const runRow: number[] = [];
  const runStart: number[] = [];
  const runEnd: number[] = [];
  const parent: number[] = [];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  let previousFirst = 0;
  let previousEnd = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const first = runStart.length;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      const start = x;
      while (x < width && mask[row + x]) x++;
      const id = runStart.length;
      runRow.push(y);
      runStart.push(start);
      runEnd.push(x);
      parent.push(id);
      for (let k = previousFirst; k < previousEnd; k++) {
        if (runEnd[k]! < start || runStart[k]! > x) continue;
        const a = find(k);
        const b = find(id);
        if (a !== b) parent[a > b ? a : b] = a > b ? b : a;
      }
    }
    previousFirst = first;
    previousEnd = runStart.length;
  }
  // A root is its component's first run, so numbering roots in run order is raster order.
  const number = new Int32Array(runStart.length);
  let count = 0;
  for (let k = 0; k < runStart.length; k++) if (find(k) === k) number[k] = ++count;
  const labels = new Int32Array(width * height);
  for (let k = 0; k < runStart.length; k++) labels.fill(number[find(k)]!, runRow[k]! * width + runStart[k]!, runRow[k]! * width + runEnd[k]!);
  return { labels, count };
}

/** The largest 8-connected component, or undefined when the mask is empty. */
export function largestComponent(mask: Uint8Array, width: number, height: number): Component | undefined {
  const { labels, count } = componentLabels(mask, width, height);
  if (count === 0) return undefined;
  const area = new Float64Array(count + 1);
  for (let i = 0; i < labels.length; i++) area[labels[i]!]!++;
  let best = 1;
  for (let k = 2; k <= count; k++) if (area[k]! > area[best]!) best = k;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] === best) out[i] = 1;
  const box = boundingBox(out, width, height)!;
  return { mask: out, area: area[best]!, box };
}

/** Turns on every off pixel that is not 4-connected to the image border (holes enclosed by the mask). */
export function fillHoles(mask: Uint8Array, width: number, height: number): Uint8Array {
  const outside = new Uint8Array(mask.length);
  const queue = new Int32Array(mask.length);
  let tail = 0;
  const seed = (p: number) => {
    if (!mask[p] && !outside[p]) {
      outside[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    const x = p % width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (p >= width) seed(p - width);
    if (p < mask.length - width) seed(p + width);
  }
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = outside[i] ? 0 : 1;
  return out;
}

/** The smallest box holding every on pixel, or undefined when the mask is empty. */
export function boundingBox(mask: Uint8Array, width: number, height: number): Box | undefined {
  const box: Box = { x0: width, y0: height, x1: 0, y1: 0 };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first < 0) continue;
    box.x0 = Math.min(box.x0, first);
    box.x1 = Math.max(box.x1, last + 1);
    box.y0 = Math.min(box.y0, y);
    box.y1 = y + 1;
  }
  return box.x1 > 0 ? box : undefined;
}

/** `box` grown by `margin` on every side and clipped to the image. */
export function growBox(box: Box, margin: number, width: number, height: number): Box {
  return {
    x0: Math.max(0, box.x0 - margin),
    y0: Math.max(0, box.y0 - margin),
    x1: Math.min(width, box.x1 + margin),
    y1: Math.min(height, box.y1 + margin),
  };
}

/** The part of a per-pixel array inside `box`, as its own row-major array. */
export function crop<T extends Uint8Array | Float32Array>(values: T, width: number, box: Box): T {
  const w = box.x1 - box.x0;
  const out = new (values.constructor as new (n: number) => T)(w * (box.y1 - box.y0));
  for (let y = box.y0; y < box.y1; y++) out.set(values.subarray(y * width + box.x0, y * width + box.x1), (y - box.y0) * w);
  return out;
}

/** A whole-image mask that is `part` inside `box` and off elsewhere. */
export function uncrop(part: Uint8Array, box: Box, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const w = box.x1 - box.x0;
  for (let y = box.y0; y < box.y1; y++) out.set(part.subarray((y - box.y0) * w, (y - box.y0 + 1) * w), y * width + box.x0);
  return out;
}

/** Chamfer steps (5 straight, 7 diagonal) approximate Euclidean distance x5 within 2%. */
const STRAIGHT = 5;
const DIAGONAL = 7;

/**
 * Grows seed sets `a` and `b` into the `free` pixels at the same speed, up to `radius` pixels from the
 * seeds (chamfer distance, paths through free pixels only), and returns the free pixels that `a` reaches
 * first; ties and pixels neither reaches go to `b`'s side (off). Dial's bucket queue: O(pixels reached).
 */
export function reachedFirst(a: Uint8Array, b: Uint8Array, free: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const limit = Math.floor(STRAIGHT * radius);
  const distance = new Int32Array(free.length).fill(limit + 1);
  const owner = new Uint8Array(free.length); // 1 = a, 2 = b
  const buckets: number[][] = Array.from({ length: limit + 1 }, () => []);
  // Seeds are the a and b pixels next to a free pixel; b's go first so that b wins ties within a bucket.
  for (const [seeds, id] of [[b, 2], [a, 1]] as const) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!free[y * width + x]) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const ny = y + dy;
          if (ny < 0 || ny >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            const q = ny * width + nx;
            if (nx < 0 || nx >= width || free[q] || !seeds[q] || owner[q]) continue;
            owner[q] = id;
            distance[q] = 0;
            buckets[0]!.push(q);
          }
        }
      }
    }
  }
  for (let d = 0; d <= limit; d++) {
    const bucket = buckets[d]!;
    for (let k = 0; k < bucket.length; k++) {
      const p = bucket[k]!;
      if (distance[p] !== d) continue;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if ((dx === 0 && dy === 0) || nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (!free[q]) continue;
          const next = d + (dx !== 0 && dy !== 0 ? DIAGONAL : STRAIGHT);
          if (next < distance[q]!) {
            distance[q] = next;
            owner[q] = owner[p]!;
            buckets[next]!.push(q);
          } else if (next === distance[q]! && owner[p] === 2) owner[q] = 2;
        }
      }
    }
  }
  const out = new Uint8Array(free.length);
  for (let p = 0; p < free.length; p++) out[p] = free[p] && owner[p] === 1 ? 1 : 0;
  return out;
}

/** Intersection over union of two masks of the same size (1 when both are empty). */
export function intersectionOverUnion(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`masks differ in size: ${a.length} and ${b.length} pixels`);
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) intersection++;
    if (a[i] || b[i]) union++;
  }
  return union ? intersection / union : 1;
}
