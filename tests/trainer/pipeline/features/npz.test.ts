// .npz files that numpy.load reads back with the right dtype, shape and values; no partial file on failure.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npyHeader, writeNpz } from '../../../../trainer/pipeline/features/npz.ts';
import { python, scratch } from './helpers.ts';

const dir = scratch();

/** numpy.load's view of every array: dtype, shape and values. */
function numpyLoad(file: string): Record<string, { dtype: string; shape: number[]; values: unknown }> {
  return JSON.parse(
    python([
      '-c',
      `import json, sys, numpy as np
z = np.load(sys.argv[1])
print(json.dumps({k: {'dtype': z[k].dtype.str, 'shape': list(z[k].shape), 'values': z[k].tolist()} for k in z.files}))`,
      file,
    ]),
  );
}

describe('writeNpz', () => {
  it('numpy.load reads float32 (from chunks), int64 and unicode arrays exactly', async () => {
    const file = join(dir, 'a.npz');
    const third = Math.fround(1 / 3);
    await writeNpz(file, {
      data: { dtype: 'float32', shape: [2, 3, 2], data: [Float32Array.from([0, 1, 2, 3, 4, 5]), Float32Array.from([6, 7, 8, 9, 10, third])] },
      shape: { dtype: 'int64', shape: [2], data: BigInt64Array.from([540n, 960n]) },
      files: { dtype: 'unicode', shape: [3], data: ['img_000.png', 'Überprüfung_😀.jpg', ''] },
      empty: { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
    });
    const z = numpyLoad(file);
    expect(z.data).toEqual({ dtype: '<f4', shape: [2, 3, 2], values: [[[0, 1], [2, 3], [4, 5]], [[6, 7], [8, 9], [10, third]]] });
    expect(z.shape).toEqual({ dtype: '<i8', shape: [2], values: [540, 960] });
    expect(z.files).toEqual({ dtype: '<U17', shape: [3], values: ['img_000.png', 'Überprüfung_😀.jpg', ''] });
    expect(z.empty).toEqual({ dtype: '<f4', shape: [0, 4], values: [] });
  });

  it('pads the .npy header to a multiple of 64 bytes, ending in a newline', () => {
    for (const shape of [[1], [12, 345, 6], [100000, 2]]) {
      const header = npyHeader('<f4', shape);
      expect(header.length % 64).toBe(0);
      expect(header[header.length - 1]).toBe(0x0a);
    }
  });

  it('refuses data that does not fill the shape, before creating anything', async () => {
    const file = join(dir, 'bad.npz');
    await expect(writeNpz(file, { data: { dtype: 'float32', shape: [2, 2], data: new Float32Array(3) } })).rejects.toThrow(
      /3 values do not fill shape \(2, 2\)/,
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('bad'))).toEqual([]);
  });

  it('leaves no partial file when the final rename fails, and keeps what was there', async () => {
    const target = join(dir, 'taken.npz');
    mkdirSync(target); // a folder in the way: the rename onto it fails after the data is written
    writeFileSync(join(target, 'keep'), 'x');
    await expect(writeNpz(target, { data: { dtype: 'float32', shape: [1000], data: new Float32Array(1000) } })).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('replaces an existing file atomically', async () => {
    const file = join(dir, 'twice.npz');
    await writeNpz(file, { x: { dtype: 'int64', shape: [1], data: BigInt64Array.from([1n]) } });
    await writeNpz(file, { x: { dtype: 'int64', shape: [1], data: BigInt64Array.from([2n]) } });
    expect(numpyLoad(file).x!.values).toEqual([2]);
  });
});
