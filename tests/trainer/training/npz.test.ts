import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpz } from '../../../trainer/pipeline/features/npz.ts';
import { readNpz } from '../../../trainer/training/npz.ts';

const dir = mkdtempSync(join(tmpdir(), 'pixal-npz-'));

describe('readNpz', () => {
  it("reads back what the pipeline's writer wrote", async () => {
    const file = join(dir, 'ours.npz');
    const data = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i / 7);
    await writeNpz(file, {
      data: { dtype: 'float32', shape: [2, 3, 2], data: [data.subarray(0, 6), data.subarray(6)] },
      shape: { dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, 3n]) },
      files: { dtype: 'unicode', shape: [2], data: ['a.png', 'größe_ü.png'] },
    });
    const arrays = await readNpz(file);
    expect(arrays.data).toEqual({ dtype: 'float32', shape: [2, 3, 2], data });
    expect(arrays.shape).toEqual({ dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, 3n]) });
    expect(arrays.files).toEqual({ dtype: 'unicode', shape: [2], data: ['a.png', 'größe_ü.png'] });
  });

  it('reads numpy.savez_compressed output (deflated) with float64, int32, bool and scalar arrays', async () => {
    const file = join(dir, 'numpy.npz');
    execFileSync(resolve('.venv/bin/python'), [
      '-c',
      `import numpy as np, sys
np.savez_compressed(sys.argv[1], data=np.arange(6, dtype=np.float64).reshape(2, 3) / 4, labels=np.eye(2, dtype=np.int32),
  flags=np.array([True, False, True]), scalar=np.float32(2.5), names=np.array(['x', 'yz']))`,
      file,
    ]);
    const arrays = await readNpz(file);
    expect(arrays.data).toEqual({ dtype: 'float32', shape: [2, 3], data: Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]) });
    expect(arrays.labels).toEqual({ dtype: 'int32', shape: [2, 2], data: Int32Array.from([1, 0, 0, 1]) });
    expect(arrays.flags).toEqual({ dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) });
    expect(arrays.scalar).toEqual({ dtype: 'float32', shape: [], data: Float32Array.from([2.5]) });
    expect(arrays.names).toEqual({ dtype: 'unicode', shape: [2], data: ['x', 'yz'] });
  });

  it('names the file and the array when it cannot read them', async () => {
    const garbage = join(dir, 'garbage.npz');
    writeFileSync(garbage, 'not a zip');
    await expect(readNpz(garbage)).rejects.toThrow(new RegExp(`^${garbage}: not a readable .npz`));
    const complex = join(dir, 'complex.npz');
    execFileSync(resolve('.venv/bin/python'), ['-c', 'import numpy as np, sys; np.savez(sys.argv[1], z=np.ones(2, dtype=np.complex64))', complex]);
    await expect(readNpz(complex)).rejects.toThrow(`${complex}: array "z": dtype <c8 is not supported (float32, float64, int32, int64, bool, unicode)`);
  });
});
