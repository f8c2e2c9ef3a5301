// IDX parsing on small synthetic buffers, including damaged ones.
import { describe, expect, it } from 'vitest';
import { encodeIdx, IdxError, parseIdx } from '../../engine/data/idx';

describe('parseIdx', () => {
  it('reads unsigned bytes with their dimensions', () => {
    const buf = encodeIdx('ubyte', [2, 3], [0, 1, 2, 253, 254, 255]);
    expect(buf.byteLength).toBe(4 + 8 + 6);
    expect([...buf.subarray(0, 4)]).toEqual([0, 0, 0x08, 2]);
    const r = parseIdx(buf);
    expect(r.type).toBe('ubyte');
    expect(r.dims).toEqual([2, 3]);
    expect([...r.data]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('reads big-endian multi-byte types', () => {
    const bytes = new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    expect([...parseIdx(bytes).data]).toEqual([0x0102, -2]);
    expect([...parseIdx(encodeIdx('int', [3], [1, -70000, 2 ** 30])).data]).toEqual([1, -70000, 2 ** 30]);
    expect([...parseIdx(encodeIdx('float', [2], [0.5, -1.25])).data]).toEqual([0.5, -1.25]);
    expect([...parseIdx(encodeIdx('double', [1], [Math.PI])).data]).toEqual([Math.PI]);
    expect([...parseIdx(encodeIdx('byte', [2], [-128, 127])).data]).toEqual([-128, 127]);
  });

  it('reports truncated data with the expected and the found length', () => {
    const full = encodeIdx('ubyte', [10, 28, 28], new Uint8Array(7840));
    expect(() => parseIdx(full.subarray(0, 5000), 'x-images')).toThrow(
      'x-images is truncated: dimensions 10×28×28 of ubyte expected 7856 bytes, found 5000.',
    );
  });

  it('reports a truncated header, trailing bytes and a bad magic number', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]))).toThrow(/header .* needs 16 bytes, found 6/);
    const extra = new Uint8Array([...encodeIdx('ubyte', [2], [1, 2]), 9]);
    expect(() => parseIdx(extra)).toThrow(/has trailing bytes: .* expected 10 bytes, found 11/);
    const html = new TextEncoder().encode('<!DOCTYPE html><html>');
    expect(() => parseIdx(html, 'f')).toThrow(/^f: not an IDX file \(magic number 0x3c21444f/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 0]))).toThrow(IdxError);
    expect(() => parseIdx(new Uint8Array([0, 0]))).toThrow(/not an IDX file \(only 2 bytes/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]))).toThrow(/not an IDX file/);
  });

  it('checks the expected type and dimensions', () => {
    const buf = encodeIdx('ubyte', [2, 2, 3], new Uint8Array(12));
    expect(parseIdx(buf, 'a', { type: 'ubyte', dims: [null, 2, 3] }).dims).toEqual([2, 2, 3]);
    expect(() => parseIdx(buf, 'a', { dims: [null, 28, 28] })).toThrow(
      'a: expected dimensions N×28×28, found 2×2×3.',
    );
    expect(() => parseIdx(buf, 'a', { type: 'float' })).toThrow(
      'a: expected elements of type float, found ubyte.',
    );
  });

  it('never reads past garbage: random buffers throw IdxError or parse consistently', () => {
    let state = 12345;
    for (let t = 0; t < 500; t++) {
      const len = t % 40;
      const buf = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        buf[i] = i < 2 && t % 2 === 0 ? 0 : (state >>> 16) & 0xff;
      }
      try {
        const r = parseIdx(buf);
        expect(r.data.length).toBe(r.dims.reduce((a, b) => a * b, 1));
      } catch (err) {
        expect(err).toBeInstanceOf(IdxError);
      }
    }
  });
});
