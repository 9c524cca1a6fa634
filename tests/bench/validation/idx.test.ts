import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdxError, parseIdx, readIdx } from '../../../bench/validation/idx.ts';

/** An unsigned-byte IDX file of `shape` holding 0, 1, 2, ... (mod 256), written byte by byte as the format says. */
function idxBytes(shape: number[], typeCode = 0x08): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const header = [0, 0, typeCode, shape.length, ...shape.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
  return Uint8Array.from([...header, ...Array.from({ length: count }, (_, i) => i % 256)]);
}

describe('IDX reader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the shape big-endian and the values row-major', () => {
    const { shape, data } = parseIdx(idxBytes([2, 3, 300]));
    expect(shape).toEqual([2, 3, 300]);
    expect(data.length).toBe(1800);
    expect(data[299]).toBe(43); // 299 mod 256
    expect(data[301]).toBe(45);
  });

  it('reads gzipped and plain files alike', async () => {
    const bytes = idxBytes([5]);
    await writeFile(join(dir, 'labels.gz'), gzipSync(bytes));
    await writeFile(join(dir, 'labels'), bytes);
    for (const name of ['labels.gz', 'labels']) {
      const { shape, data } = await readIdx(join(dir, name));
      expect(shape).toEqual([5]);
      expect([...data]).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('refuses what is not an unsigned-byte IDX file, naming the file', async () => {
    expect(() => parseIdx(Uint8Array.from([1, 2, 3, 4]), 'x.idx')).toThrow(/x\.idx: not an IDX file/);
    expect(() => parseIdx(idxBytes([4], 0x0d))).toThrow(/type code 0x0d is not supported/);
    expect(() => parseIdx(idxBytes([4]).subarray(0, 10))).toThrow(/needs 4 values, the file holds 2/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]))).toThrow(/cut short/);
    await writeFile(join(dir, 'broken.gz'), gzipSync(idxBytes([4])).subarray(0, 12));
    await expect(readIdx(join(dir, 'broken.gz'))).rejects.toThrow(IdxError);
  });
});
