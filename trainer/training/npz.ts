// numpy .npz reader, the counterpart of trainer/pipeline/features/npz.ts: a zip of .npy files (format 1.x/2.x),
// stored or deflated (numpy.savez and savez_compressed). Reads the dtypes the pipeline writes (float32, int64,
// unicode) and the ones a hand-made dataset is likely to hold (float64 → float32, int32, bool).
import { unzipSync } from 'fflate';
import { readFile } from 'node:fs/promises';

export type NpyValue =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'int64'; shape: number[]; data: BigInt64Array }
  | { dtype: 'bool'; shape: number[]; data: Uint8Array }
  | { dtype: 'unicode'; shape: number[]; data: string[] };

const MAGIC = '\x93NUMPY';

export async function readNpz(file: string): Promise<Record<string, NpyValue>> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(await readFile(file));
  } catch (err) {
    throw new Error(`${file}: not a readable .npz (${err instanceof Error ? err.message : String(err)})`);
  }
  const arrays: Record<string, NpyValue> = {};
  for (const [name, bytes] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    try {
      arrays[name.slice(0, -4)] = parseNpy(bytes);
    } catch (err) {
      throw new Error(`${file}: array "${name.slice(0, -4)}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return arrays;
}

/** One .npy file: typed-array views on `bytes` where the data is aligned (numpy pads headers so that it is). */
export function parseNpy(bytes: Uint8Array): NpyValue {
  if (Buffer.from(bytes.subarray(0, 6)).toString('latin1') !== MAGIC) throw new Error('not a .npy array (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = Buffer.from(bytes.subarray(major === 1 ? 10 : 12, start)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new Error('Fortran-ordered arrays are not supported (save a C-ordered copy)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(start);
  // A view on the entry's bytes; a copy where the data is not aligned for the typed array (hand-made headers only).
  const typed = <T>(size: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T => {
    if (body.byteLength < count * size) throw new Error(`truncated: ${body.byteLength} bytes for ${count} values of ${descr}`);
    const at = bytes.byteOffset + start;
    return at % size === 0 ? make(bytes.buffer, at, count) : make(body.slice(0, count * size).buffer, 0, count);
  };
  switch (descr) {
    case '<f4':
      return { dtype: 'float32', shape, data: typed(4, (b, o, n) => new Float32Array(b, o, n)) };
    case '<f8':
      return { dtype: 'float32', shape, data: Float32Array.from(typed(8, (b, o, n) => new Float64Array(b, o, n))) };
    case '<i4':
      return { dtype: 'int32', shape, data: typed(4, (b, o, n) => new Int32Array(b, o, n)) };
    case '<i8':
      return { dtype: 'int64', shape, data: typed(8, (b, o, n) => new BigInt64Array(b, o, n)) };
    case '|b1':
      return { dtype: 'bool', shape, data: typed(1, (b, o, n) => new Uint8Array(b, o, n)) };
  }
  const unicode = /^<U(\d+)$/.exec(descr);
  if (unicode) {
    const width = Number(unicode[1]);
    if (body.byteLength < count * width * 4) throw new Error(`truncated: ${body.byteLength} bytes for ${count} strings of ${descr}`);
    const strings: string[] = [];
    for (let i = 0; i < count; i++) {
      const points: number[] = [];
      for (let j = 0; j < width; j++) {
        const cp = view.getUint32(start + (i * width + j) * 4, true);
        if (cp === 0) break;
        points.push(cp);
      }
      strings.push(String.fromCodePoint(...points));
    }
    return { dtype: 'unicode', shape, data: strings };
  }
  throw new Error(`dtype ${descr} is not supported (float32, float64, int32, int64, bool, unicode)`);
}
