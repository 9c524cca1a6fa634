// numpy .npz writer: a zip of .npy files (format 1.0), stored uncompressed like numpy.savez, streamed entry by
// entry so a large dataset is never copied into one buffer. Written to a temporary file and renamed, so a
// failure never leaves a partial .npz behind.
import { Zip, ZipPassThrough } from 'fflate';
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export type NpyArray =
  /** `data` is one array or chunks written back to back (e.g. one per image), row-major. */
  | { dtype: 'float32'; shape: number[]; data: Float32Array | readonly Float32Array[] }
  | { dtype: 'int64'; shape: number[]; data: BigInt64Array }
  /** numpy fixed-width unicode '<U{n}', n = the longest string in code points (at least 1). */
  | { dtype: 'unicode'; shape: [number]; data: readonly string[] };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]; // "\x93NUMPY" v1.0
const ZIP32_LIMIT = 0xffffffff;

/** The .npy header: magic, version, little-endian header length, and the dict padded to a multiple of 64 bytes. */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = MAGIC.length + 2 + dict.length + 1;
  const text = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(MAGIC.length + 2 + text.length);
  out.set(MAGIC);
  new DataView(out.buffer).setUint16(MAGIC.length, text.length, true);
  out.set(Buffer.from(text, 'latin1'), MAGIC.length + 2);
  return out;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Header and body chunks of one array, after checking that the data fills the shape. */
function encode(name: string, array: NpyArray): { header: Uint8Array; body: Uint8Array[] } {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`npz array "${name}": bad shape (${array.shape.join(', ')})`);
  const check = (length: number): void => {
    if (length !== count) throw new Error(`npz array "${name}": ${length} values do not fill shape (${array.shape.join(', ')})`);
  };
  switch (array.dtype) {
    case 'float32': {
      const chunks = array.data instanceof Float32Array ? [array.data] : array.data;
      check(chunks.reduce((n, c) => n + c.length, 0));
      return { header: npyHeader('<f4', array.shape), body: chunks.map(littleEndian) };
    }
    case 'int64':
      check(array.data.length);
      return { header: npyHeader('<i8', array.shape), body: [littleEndian(array.data)] };
    case 'unicode': {
      check(array.data.length);
      const points = array.data.map((s) => Array.from(s, (ch) => ch.codePointAt(0)!));
      const width = Math.max(1, ...points.map((p) => p.length));
      const body = new Uint8Array(count * width * 4);
      const view = new DataView(body.buffer);
      points.forEach((p, i) => p.forEach((cp, j) => view.setUint32((i * width + j) * 4, cp, true)));
      return { header: npyHeader(`<U${width}`, array.shape), body: [body] };
    }
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The array's bytes in little-endian order (a view, no copy, on little-endian hosts). */
function littleEndian(a: Float32Array | BigInt64Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return bytesOf(a);
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  if (a instanceof Float32Array) a.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else a.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

/**
 * Writes `arrays` as `<name>.npy` entries of an .npz at `file` (parent folders created). The zip has no
 * zip64 records, as fflate writes none: an archive that would pass 4 GiB is refused before anything is written.
 */
export async function writeNpz(file: string, arrays: Record<string, NpyArray>): Promise<void> {
  const entries = Object.entries(arrays).map(([name, array]) => ({ name: `${name}.npy`, ...encode(name, array) }));
  const total = entries.reduce((n, e) => n + e.header.length + e.body.reduce((m, c) => m + c.length, 0) + 2 * (46 + e.name.length) + 16, 22);
  if (total > ZIP32_LIMIT) {
    throw new Error(`${file}: dataset of ${(total / 2 ** 30).toFixed(2)} GiB exceeds the 4 GiB an .npz without zip64 can hold; use a larger pool_size or fewer channels`);
  }
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    let pending: Uint8Array[] = [];
    let failure: Error | null = null;
    const zip = new Zip((err, chunk) => {
      if (err) failure = err;
      else pending.push(chunk);
    });
    const flush = async (): Promise<void> => {
      if (failure) throw failure;
      const chunks = pending;
      pending = [];
      for (const chunk of chunks) await handle.write(chunk);
    };
    for (const entry of entries) {
      const stream = new ZipPassThrough(entry.name);
      zip.add(stream);
      stream.push(entry.header, entry.body.length === 0);
      await flush();
      for (let i = 0; i < entry.body.length; i++) {
        stream.push(entry.body[i]!, i === entry.body.length - 1);
        await flush();
      }
    }
    zip.end();
    await flush();
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
}
