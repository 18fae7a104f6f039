/**
 * Reader for the IDX format MNIST ships in (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * (two zero bytes, a type code, the number of dimensions), one big-endian uint32 per dimension, then
 * the values. Every field is validated; a truncated or corrupt file is refused with a message that
 * names the file and what is wrong with it.
 */
import { readFileSync } from 'node:fs';

/** Element types an IDX file may hold, by type code. */
const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'ubyte', bytes: 1 },
  0x09: { name: 'sbyte', bytes: 1 },
  0x0b: { name: 'short', bytes: 2 },
  0x0c: { name: 'int', bytes: 4 },
  0x0d: { name: 'float', bytes: 4 },
  0x0e: { name: 'double', bytes: 8 },
};

/** A parsed IDX file. Values of ubyte files stay as bytes; other types are converted to float64. */
export interface IdxArray {
  file: string;
  type: string;
  dims: number[];
  /** Bytes for ubyte files, otherwise the decoded values. */
  data: Uint8Array | Float64Array;
}

/** Raised for any file that is not valid IDX; the message names the file. */
export class IdxError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'IdxError';
  }
}

/** Parses IDX bytes; `file` is used in error messages. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new IdxError(file, `is ${bytes.length} bytes long, too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    throw new IdxError(file, `bad magic number ${magic} (0x${magic.toString(16)}); an IDX file starts with two zero bytes (MNIST: 2051 for images, 2049 for labels)`);
  }
  const type = TYPES[bytes[2]];
  if (!type) throw new IdxError(file, `unknown IDX element type 0x${bytes[2].toString(16)}`);
  const ndims = bytes[3];
  if (ndims < 1) throw new IdxError(file, 'declares 0 dimensions');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new IdxError(file, `is ${bytes.length} bytes long, too short for a header of ${ndims} dimensions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) throw new IdxError(file, `dimension ${i} is 0`);
    dims.push(d);
    count *= d;
  }
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new IdxError(file, `${what}: header says ${dims.join('×')} ${type.name} values (${expected} bytes in all) but the file has ${bytes.length} bytes`);
  }
  if (type.name === 'ubyte') return { file, type: type.name, dims, data: bytes.subarray(headerBytes, expected) };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = headerBytes + i * type.bytes;
    switch (type.name) {
      case 'sbyte':
        out[i] = view.getInt8(o);
        break;
      case 'short':
        out[i] = view.getInt16(o, false);
        break;
      case 'int':
        out[i] = view.getInt32(o, false);
        break;
      case 'float':
        out[i] = view.getFloat32(o, false);
        break;
      default:
        out[i] = view.getFloat64(o, false);
    }
  }
  return { file, type: type.name, dims, data: out };
}

/** Reads and parses an IDX file; a missing or unreadable file is an IdxError naming it. */
export function readIdx(file: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new IdxError(file, code === 'ENOENT' ? 'file not found' : `cannot be read (${(e as Error).message})`);
  }
  return parseIdx(bytes, file);
}
