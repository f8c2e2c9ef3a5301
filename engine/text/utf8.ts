// Strict UTF-8 decoding of source files, shared by the engine host and the CLI (no protocol or
// zod here: `neurofab check` loads this on its fast start-up path).

// ignoreBOM keeps a byte-order mark in the text, so saving writes it back as it was.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A file that is not UTF-8; the message names the first bad byte by line, column and offset. */
export class NotUtf8Error extends Error {}

/**
 * Decodes a source file, refusing bytes that are not UTF-8. A lenient decode would turn them into
 * U+FFFD, and the next save would write those back: the original bytes would be lost for good.
 */
export function decodeUtf8(name: string, bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const column = Buffer.from(bytes.subarray(lineStart, at)).toString('utf8').length + 1;
    const hex = at < bytes.length ? `0x${bytes[at]!.toString(16).padStart(2, '0')}` : 'a cut-off sequence';
    throw new NotUtf8Error(
      `${name} is not UTF-8 text: invalid byte ${hex} at line ${line}, column ${column} (byte offset ${at}). ` +
        'Convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`) and try again.',
    );
  }
}

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined) return i;
      if (k === 1 ? x < lo || x > hi : x < 0x80 || x > 0xbf) return i;
    }
    i += n + 1;
  }
  return b.length;
}
