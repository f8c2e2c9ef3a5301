// NumPy .npy reader (format versions 1.0, 2.0 and 3.0, NEP 1). We parse the header ourselves: it
// is a short Python dict literal, and the npm readers fetch() their input, which Node does not do
// for local paths. Supported element types: u1, i1, <i2, <i4, <i8, <f4, <f8 (little-endian, as
// numpy writes them on every common machine), C order only.

export type NpyDtype = 'u1' | 'i1' | 'i2' | 'i4' | 'i8' | 'f4' | 'f8';
export type NpyData = Uint8Array | Int8Array | Int16Array | Int32Array | Float64Array | Float32Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Elements in C (row-major) order. i8 is returned as Float64Array (exact below 2^53). */
  data: NpyData;
}

const SIZES: Record<NpyDtype, number> = { u1: 1, i1: 1, i2: 2, i4: 4, i8: 8, f4: 4, f8: 8 };
export const NPY_ALLOWED = 'u1, i1, <i2, <i4, <i8, <f4, <f8';

export class NpyError extends Error {
  override name = 'NpyError';
}

function parseDtype(descr: string, label: string): NpyDtype {
  const m = /^([<>|=]?)([uif])(\d)$/.exec(descr);
  const kind = m ? `${m[2]}${m[3]}` : '';
  const order = m?.[1] ?? '';
  const ok = kind in SIZES && (kind === 'u1' || kind === 'i1' || order === '<' || order === '');
  if (!m || !ok || kind === 'u2' || kind === 'u4' || kind === 'u8') {
    throw new NpyError(`${label}: element type '${descr}' is not supported (allowed: ${NPY_ALLOWED}).`);
  }
  return kind as NpyDtype;
}

/** Parses one .npy file held in memory. `label` names the file in error messages. */
export function parseNpy(buf: Uint8Array, label = 'NPY data'): NpyArray {
  if (buf.byteLength === 0) throw new NpyError(`${label} is empty (0 bytes).`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (buf.byteLength < 10 || magic.some((b, i) => buf[i] !== b)) {
    throw new NpyError(`${label}: not a .npy file (it must start with \\x93NUMPY).`);
  }
  const major = buf[6]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.byteLength < 12) throw new NpyError(`${label} is truncated inside its header.`);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`${label}: .npy format version ${major} is not supported (1, 2 or 3).`);
  }
  const dataStart = headerStart + headerLen;
  if (buf.byteLength < dataStart) {
    throw new NpyError(
      `${label} is truncated: its header needs ${dataStart} bytes, found ${buf.byteLength}.`,
    );
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    buf.subarray(headerStart, dataStart),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(
      `${label}: damaged header (expected 'descr', 'fortran_order' and 'shape'): ${header.trim()}`,
    );
  }
  if (fortran === 'True') {
    throw new NpyError(
      `${label}: Fortran-ordered arrays are not supported; save it in C order (numpy.ascontiguousarray(a)).`,
    );
  }
  const dtype = parseDtype(descr, label);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new NpyError(`${label}: damaged shape (${shapeText}).`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const size = SIZES[dtype];
  const want = dataStart + count * size;
  if (buf.byteLength !== want) {
    const what = buf.byteLength < want ? 'is truncated' : 'has trailing bytes';
    throw new NpyError(
      `${label} ${what}: shape (${shape.join(', ')}) of ${descr} needs ${want} bytes, found ${buf.byteLength}.`,
    );
  }
  // Copy the payload into its own buffer: typed arrays need aligned offsets. (Uint8Array's slice,
  // not Buffer's, which returns a view on Node's shared pool.)
  const bytes = Uint8Array.prototype.slice.call(buf, dataStart, want);
  let data: NpyData;
  switch (dtype) {
    case 'u1':
      data = bytes;
      break;
    case 'i1':
      data = new Int8Array(bytes.buffer);
      break;
    case 'i2':
      data = new Int16Array(bytes.buffer);
      break;
    case 'i4':
      data = new Int32Array(bytes.buffer);
      break;
    case 'f4':
      data = new Float32Array(bytes.buffer);
      break;
    case 'f8':
      data = new Float64Array(bytes.buffer);
      break;
    default: {
      const big = new BigInt64Array(bytes.buffer);
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = Number(big[i]!);
    }
  }
  return { dtype, shape, data };
}

/** Builds a .npy file (version 1.0) in memory: tests, and exporting data sets. */
export function encodeNpy(dtype: NpyDtype, shape: number[], values: ArrayLike<number>): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count)
    throw new Error(`encodeNpy: ${values.length} values for (${shape.join(', ')})`);
  const descr = dtype === 'u1' || dtype === 'i1' ? `|${dtype}` : `<${dtype}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so that the data start is a multiple of 64 bytes, newline-terminated (NEP 1).
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = `${header.padEnd(total - 10 - 1, ' ')}\n`;
  const size = SIZES[dtype];
  const out = new Uint8Array(total + count * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < count; i++) {
    const at = total + i * size;
    const v = values[i]!;
    if (dtype === 'u1') view.setUint8(at, v);
    else if (dtype === 'i1') view.setInt8(at, v);
    else if (dtype === 'i2') view.setInt16(at, v, true);
    else if (dtype === 'i4') view.setInt32(at, v, true);
    else if (dtype === 'i8') view.setBigInt64(at, BigInt(Math.trunc(v)), true);
    else if (dtype === 'f4') view.setFloat32(at, v, true);
    else view.setFloat64(at, v, true);
  }
  return out;
}
