// IDX reader (the format of the MNIST files, LeCun et al.). Validates everything a damaged download
// can get wrong (magic number, type code, dimensions, file length) and says what it expected,
// so a user with a truncated file is told so instead of training on garbage.

/** The element types IDX defines, by their type byte. */
const IDX_TYPES = {
  8: { name: 'ubyte', size: 1 },
  9: { name: 'byte', size: 1 },
  11: { name: 'short', size: 2 },
  12: { name: 'int', size: 4 },
  13: { name: 'float', size: 4 },
  14: { name: 'double', size: 8 },
} as const;
type IdxTypeCode = keyof typeof IDX_TYPES;
export type IdxElementType = (typeof IDX_TYPES)[IdxTypeCode]['name'];

export interface IdxArray {
  type: IdxElementType;
  dims: number[];
  /** Elements in row-major order. Unsigned bytes are a view on the input (no copy). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

export interface IdxExpectation {
  type?: IdxElementType;
  /** Expected dimensions; null entries are not checked (e.g. [null, 28, 28]). */
  dims?: (number | null)[];
}

export class IdxError extends Error {
  override name = 'IdxError';
}

/** Parses one IDX file held in memory. `label` names the file in error messages. */
export function parseIdx(buf: Uint8Array, label = 'IDX data', expect: IdxExpectation = {}): IdxArray {
  if (buf.byteLength < 4) {
    throw new IdxError(
      `${label}: not an IDX file (only ${buf.byteLength} bytes, the header needs at least 4).`,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const typeCode = buf[2]!;
  const ndims = buf[3]!;
  if (buf[0] !== 0 || buf[1] !== 0 || !(typeCode in IDX_TYPES) || ndims === 0) {
    const magic = view.getUint32(0, false).toString(16).padStart(8, '0');
    throw new IdxError(
      `${label}: not an IDX file (magic number 0x${magic}; expected 0x0000TTNN with a known type TT and NN ≥ 1 dimensions).`,
    );
  }
  const spec = IDX_TYPES[typeCode as IdxTypeCode];
  const headerBytes = 4 + 4 * ndims;
  if (buf.byteLength < headerBytes) {
    throw new IdxError(
      `${label} is truncated: its header declares ${ndims} dimensions and needs ${headerBytes} bytes, found ${buf.byteLength}.`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + count * spec.size;
  if (buf.byteLength !== expectedBytes) {
    const what = buf.byteLength < expectedBytes ? 'is truncated' : 'has trailing bytes';
    throw new IdxError(
      `${label} ${what}: dimensions ${dims.join('×')} of ${spec.name} expected ${expectedBytes} bytes, found ${buf.byteLength}.`,
    );
  }
  if (expect.type && expect.type !== spec.name) {
    throw new IdxError(`${label}: expected elements of type ${expect.type}, found ${spec.name}.`);
  }
  if (expect.dims) {
    const ok = expect.dims.length === dims.length && expect.dims.every((d, i) => d === null || d === dims[i]);
    if (!ok) {
      const want = expect.dims.map((d) => (d === null ? 'N' : String(d))).join('×');
      throw new IdxError(`${label}: expected dimensions ${want}, found ${dims.join('×')}.`);
    }
  }
  return { type: spec.name, dims, data: readElements(view, headerBytes, count, spec.name, buf) };
}

function readElements(
  view: DataView,
  offset: number,
  count: number,
  type: IdxElementType,
  buf: Uint8Array,
): IdxArray['data'] {
  switch (type) {
    case 'ubyte':
      return buf.subarray(offset, offset + count);
    case 'byte':
      return new Int8Array(buf.buffer, buf.byteOffset + offset, count);
    default: {
      // Multi-byte IDX values are big-endian; typed arrays use the host's order, so copy through DataView.
      const out =
        type === 'short'
          ? new Int16Array(count)
          : type === 'int'
            ? new Int32Array(count)
            : type === 'float'
              ? new Float32Array(count)
              : new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const at = offset + i * out.BYTES_PER_ELEMENT;
        out[i] =
          type === 'short'
            ? view.getInt16(at, false)
            : type === 'int'
              ? view.getInt32(at, false)
              : type === 'float'
                ? view.getFloat32(at, false)
                : view.getFloat64(at, false);
      }
      return out;
    }
  }
}

/** Builds an IDX file in memory (tests, and exporting datasets). Values are written big-endian. */
export function encodeIdx(type: IdxElementType, dims: number[], values: ArrayLike<number>): Uint8Array {
  const code = Number(Object.entries(IDX_TYPES).find(([, s]) => s.name === type)![0]);
  const size = IDX_TYPES[code as IdxTypeCode].size;
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`encodeIdx: ${values.length} values for ${dims.join('×')}`);
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d, false);
  for (let i = 0; i < count; i++) {
    const at = header + i * size;
    const v = values[i]!;
    if (type === 'ubyte') view.setUint8(at, v);
    else if (type === 'byte') view.setInt8(at, v);
    else if (type === 'short') view.setInt16(at, v, false);
    else if (type === 'int') view.setInt32(at, v, false);
    else if (type === 'float') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}
