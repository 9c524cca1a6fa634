// IDX files, the format MNIST and Fashion-MNIST ship in: a big-endian header (two zero bytes, a type code, the
// number of dimensions, then each dimension as a uint32) followed by the values row-major. Only unsigned bytes
// (type 0x08) are read: both the images and the labels of the MNIST family are stored that way. Gzipped files
// (as Debian ships them) are inflated first.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export class IdxError extends Error {}

const UNSIGNED_BYTE = 0x08;
const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Parses an IDX file's bytes (not gzipped); `source` names it in errors. */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const fail = (message: string): never => {
    throw new IdxError(`${source}: ${message}`);
  };
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) fail('not an IDX file (it does not start with two zero bytes)');
  if (bytes[2] !== UNSIGNED_BYTE) fail(`type code 0x${bytes[2]!.toString(16).padStart(2, '0')} is not supported (only unsigned bytes, 0x08)`);
  const dims = bytes[3]!;
  if (dims === 0) fail('has no dimensions');
  const start = 4 + 4 * dims;
  if (bytes.length < start) fail(`header of ${dims} dimensions is cut short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== count) fail(`shape (${shape.join(', ')}) needs ${count} values, the file holds ${bytes.length - start}`);
  return { shape, data: bytes.subarray(start) };
}

/** Reads an IDX file, gzipped or not. */
export async function readIdx(file: string): Promise<IdxArray> {
  const raw = new Uint8Array(await readFile(file));
  let bytes = raw;
  if (isGzip(raw)) {
    try {
      bytes = new Uint8Array(gunzipSync(raw));
    } catch (err) {
      throw new IdxError(`${file}: broken gzip stream: ${(err as Error).message}`);
    }
  }
  return parseIdx(bytes, file);
}
