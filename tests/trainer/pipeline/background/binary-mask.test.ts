import { describe, expect, it } from 'vitest';
import {
  boundingBox,
  close,
  crop,
  dilate,
  erode,
  fillHoles,
  growBox,
  intersectionOverUnion,
  largestComponent,
  open,
  reachedFirst,
  uncrop,
} from '../../../../trainer/pipeline/background/binary-mask.ts';

/** A width x height mask with `on(x, y)` pixels set. */
function mask(width: number, height: number, on: (x: number, y: number) => boolean): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) m[y * width + x] = on(x, y) ? 1 : 0;
  return m;
}
const count = (m: Uint8Array) => m.reduce((a, v) => a + (v ? 1 : 0), 0);

describe('dilate and erode', () => {
  it('grow a point into a Euclidean disc and shrink it back', () => {
    const point = mask(41, 41, (x, y) => x === 20 && y === 20);
    const disc = dilate(point, 41, 41, 10);
    // Lattice points in a radius-10 disc: 317 (πr² ≈ 314).
    expect(count(disc)).toBe(317);
    expect(disc[20 * 41 + 30]).toBe(1);
    expect(disc[27 * 41 + 27]).toBe(1); // 7² + 7² = 98 ≤ 100
    expect(disc[28 * 41 + 28]).toBe(0); // 8² + 8² = 128 > 100
    expect(erode(disc, 41, 41, 10)).toEqual(point);
  });

  it('erosion ignores the image border (pixels outside do not count as off)', () => {
    const full = new Uint8Array(20 * 10).fill(1);
    expect(count(erode(full, 20, 10, 3))).toBe(200);
  });
});

describe('open and close', () => {
  it('open removes lines thinner than the disc and keeps blocks', () => {
    const m = mask(60, 30, (x, y) => (x >= 5 && x < 25 && y >= 5 && y < 25) || (y === 15 && x >= 25 && x < 55));
    const opened = open(m, 60, 30, 2);
    expect(opened[15 * 60 + 40]).toBe(0);
    expect(opened[15 * 60 + 15]).toBe(1);
    // A radius-2 disc cannot reach a square's 3 outermost corner pixels; it does reach the line's first pixel.
    expect(count(opened)).toBe(400 - 4 * 3 + 1);
  });

  it('close bridges a gap narrower than the disc and not a wider one', () => {
    const narrow = mask(60, 20, (x, y) => y >= 5 && y < 15 && (x < 28 || x >= 32));
    expect(close(narrow, 60, 20, 3)[10 * 60 + 30]).toBe(1);
    const wide = mask(60, 20, (x, y) => y >= 5 && y < 15 && (x < 25 || x >= 35));
    expect(close(wide, 60, 20, 3)[10 * 60 + 30]).toBe(0);
  });
});

describe('largestComponent', () => {
  it('joins diagonal neighbours (8-connectivity) and reports area and box', () => {
    // A diagonal staircase of 6 pixels, and a separate 2x2 block of 4.
    const m = mask(12, 8, (x, y) => (x === y && x < 6) || (x >= 9 && x < 11 && y >= 1 && y < 3));
    const c = largestComponent(m, 12, 8)!;
    expect(c.area).toBe(6);
    expect(c.box).toEqual({ x0: 0, y0: 0, x1: 6, y1: 6 });
    expect(c.mask[1 * 12 + 9]).toBe(0);
    expect(count(c.mask)).toBe(6);
  });

  it('joins runs through a U shape whose arms meet only at the bottom', () => {
    const m = mask(10, 10, (x, y) => ((x === 1 || x === 8) && y < 9) || (y === 9 && x >= 1 && x <= 8));
    expect(largestComponent(m, 10, 10)!.area).toBe(8 + 8 + 9 + 1);
  });

  it('is undefined for an empty mask', () => {
    expect(largestComponent(new Uint8Array(16), 4, 4)).toBeUndefined();
  });
});

describe('fillHoles', () => {
  it('fills enclosed holes and leaves notches open to the border', () => {
    const ring = mask(20, 20, (x, y) => x >= 3 && x < 17 && y >= 3 && y < 17 && !(x >= 6 && x < 14 && y >= 6 && y < 14));
    expect(count(fillHoles(ring, 20, 20))).toBe(14 * 14);
    const cup = mask(20, 20, (x, y) => x >= 3 && x < 17 && y >= 3 && y < 17 && !(x >= 6 && x < 14 && y < 14));
    expect(fillHoles(cup, 20, 20)).toEqual(cup);
  });
});

describe('reachedFirst', () => {
  it('splits a free band between two seed sets at its middle, ties to the second set', () => {
    // Columns 0-4 seed a, 5-10 free (6 wide), 11-15 seed b.
    const a = mask(16, 5, (x) => x < 5);
    const b = mask(16, 5, (x) => x >= 11);
    const free = mask(16, 5, (x) => x >= 5 && x < 11);
    const won = reachedFirst(a, b, free, 16, 5, 10);
    const row = Array.from(won.subarray(2 * 16, 3 * 16));
    expect(row).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // An odd band (5 wide): the middle pixel is a tie and goes to b.
    const odd = reachedFirst(a, mask(16, 5, (x) => x >= 10), mask(16, 5, (x) => x >= 5 && x < 10), 16, 5, 10);
    expect(Array.from(odd.subarray(2 * 16, 2 * 16 + 11))).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('gives a nothing beyond its radius', () => {
    const a = mask(30, 3, (x) => x === 0);
    const free = mask(30, 3, (x) => x > 0);
    const won = reachedFirst(a, new Uint8Array(90), free, 30, 3, 4);
    expect(Array.from(won.subarray(30, 40))).toEqual([0, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });
});

describe('boxes and crops', () => {
  it('bounding box, grow, crop and uncrop round-trip', () => {
    const m = mask(20, 10, (x, y) => x >= 4 && x < 9 && y >= 2 && y < 5);
    const box = boundingBox(m, 20, 10)!;
    expect(box).toEqual({ x0: 4, y0: 2, x1: 9, y1: 5 });
    expect(growBox(box, 3, 20, 10)).toEqual({ x0: 1, y0: 0, x1: 12, y1: 8 });
    const part = crop(m, 20, box);
    expect(count(part)).toBe(15);
    expect(uncrop(part, box, 20, 10)).toEqual(m);
    expect(boundingBox(new Uint8Array(4), 2, 2)).toBeUndefined();
  });

  it('intersection over union', () => {
    const a = mask(10, 1, (x) => x < 6);
    const b = mask(10, 1, (x) => x >= 2 && x < 8);
    expect(intersectionOverUnion(a, b)).toBeCloseTo(4 / 8);
    expect(intersectionOverUnion(new Uint8Array(3), new Uint8Array(3))).toBe(1);
    expect(() => intersectionOverUnion(a, new Uint8Array(3))).toThrow(/differ in size/);
  });
});
